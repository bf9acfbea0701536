/**
 * Layers: named streams of commentary on one text. A layer has an owner, a visibility and a
 * write policy. One invariant protects commentary on commentary: everyone who can read a gloss
 * can read the gloss it comments on. It is checked when a gloss on a gloss is written and when
 * a layer's visibility changes, so lists, counts and search never need to walk chains.
 */
import type { CreateLayerInput, UpdateLayerInput } from '../../schema/api.ts';
import { AppError, notFound } from '../errors.ts';
import type { DB, LayerRow, ReadingGroupRow, TextRow } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';
import * as layers from '../storage/layers.ts';
import type { AppContext } from './context.ts';
import { canCreateLayer, canCurateGroup, canManageLayer, canModerate, canReadLayer, canReply, canWriteLayer, isBanned, isNotebook, readersContained, shownGroupSlug, textSharedWithGroup, type Viewer } from './policy.ts';
import { recordAudit, visibleGroup } from './groups.ts';
import { slugify, uniqueSlug } from './slugs.ts';
import { readableText } from './texts.ts';
import { write } from './write.ts';

/** Colours given to new layers in turn when none is chosen; readable on white and on dark. */
const palette = ['#b5651d', '#2e6f9e', '#7a4fa3', '#2f855a', '#b83280', '#8a6d00', '#c05621', '#285e61'];

/** The JSON of a layer. `group_slug` is shown as given: callers pass it through `shownGroupSlug`. */
export function layerJson(layer: LayerRow & { owner_handle?: string; group_slug?: string | null; gloss_count?: number | null }) {
  return {
    slug: layer.slug,
    name: layer.name,
    description: layer.description,
    color: layer.color,
    visibility: layer.visibility,
    writePolicy: layer.write_policy,
    replyPolicy: layer.reply_policy,
    readFirst: layer.read_first === 1,
    license: layer.license,
    attribution: layer.attribution,
    federation: layer.federation,
    // A layer that mirrors a group's layer on another Daf: that layer's W3C container (docs/federation.md §7).
    ...(layer.remote_uri === null ? {} : { followedFrom: layer.remote_uri }),
    owner: layer.owner_handle,
    group: layer.group_slug ?? null,
    glossCount: layer.gloss_count === undefined ? undefined : Number(layer.gloss_count ?? 0),
    created: layer.created_at,
  };
}

/**
 * Checks a layer's settings fit its owner: `group` visibility, the `members` and `moderators`
 * write policies and the `members` reply policy need a group; a group layer's write policy is
 * `members` or `moderators`. 400 otherwise.
 */
function checkSettings(groupId: number | null, s: Pick<LayerRow, 'visibility' | 'write_policy' | 'reply_policy'>) {
  const bad = (message: string) => new AppError('invalid_request', 400, message);
  if (groupId === null) {
    if (s.visibility === 'group') throw bad('visibility "group" needs a group: create the layer with group: <slug>');
    if (s.write_policy !== 'owner' && s.write_policy !== 'signed_in') throw bad('A person\'s layer has writePolicy "owner" or "signed_in"');
    if (s.reply_policy === 'members') throw bad('replyPolicy "members" needs a group');
  } else if (s.write_policy !== 'members' && s.write_policy !== 'moderators') {
    throw bad('A group layer has writePolicy "members" or "moderators"');
  }
}

/** Loads a text and one of its layers that the viewer may read, or throws 404. */
export async function readableLayer(
  db: DB,
  viewer: Viewer | null,
  textSlug: string,
  layerSlug: string,
): Promise<{ text: TextRow; layer: LayerRow }> {
  const text = await readableText(db, viewer, textSlug);
  const layer = await layers.findLayer(db, text.id, layerSlug);
  if (!layer || !canReadLayer(viewer, text, layer)) throw notFound(`Layer "${layerSlug}"`);
  return { text, layer };
}

/** The layers of a text the viewer may see, with gloss counts. */
export async function listLayers(ctx: AppContext, viewer: Viewer | null, textSlug: string) {
  return layersOfText(ctx.db, viewer, await readableText(ctx.db, viewer, textSlug));
}

/** The layers of a text already loaded (and checked readable), with counts and the viewer's permissions. */
export async function layersOfText(db: DB, viewer: Viewer | null, text: TextRow) {
  const rows = await layers.listVisibleLayers(db, viewer, text.id);
  return rows.map((row) => listedLayer(viewer, text, row));
}

/**
 * One layer as every route answers it — listed, created, changed or asked for alone: its owner,
 * its group (to those who may know it), its gloss count and what the viewer may do in it.
 */
export async function presentLayer(db: DB, viewer: Viewer | null, text: TextRow, layerId: number) {
  const [row] = await layers.listVisibleLayers(db, viewer, text.id, layerId);
  if (!row) throw notFound('Layer');
  return listedLayer(viewer, text, row);
}

type ListedRow = Awaited<ReturnType<typeof layers.listVisibleLayers>>[number];

function listedLayer(viewer: Viewer | null, text: TextRow, row: ListedRow) {
  return {
    ...layerJson({ ...row, group_slug: shownGroupSlug(viewer, row) }),
    hiddenUntilYouWrite: Number(row.hidden_count),
    you: layerPermissions(viewer, text, row),
  };
}

/**
 * What the viewer may do in a layer: the reader offers only what the server will accept. `edit`
 * is whether they may still edit their own posts here (not once banned from its group);
 * `moderate`, whether they may approve, hide, restore and delete others' posts here.
 */
export function layerPermissions(viewer: Viewer | null, text: TextRow, layer: LayerRow) {
  return {
    write: canWriteLayer(viewer, text, layer),
    reply: canReply(viewer, text, layer),
    edit: viewer !== null && !isBanned(viewer, layer.group_id),
    manage: canManageLayer(viewer, layer),
    moderate: canModerate(viewer, layer),
  };
}

/** Creates a layer on a text. */
export async function createLayer(ctx: AppContext, viewer: Viewer, textSlug: string, input: CreateLayerInput) {
  return write(ctx, async ({ trx, now, event }) => {
    const text = await readableText(trx, viewer, textSlug);
    if (!canCreateLayer(viewer, text)) throw new AppError('forbidden', 403, 'You may not add layers to this text');
    let group: ReadingGroupRow | null = null;
    if (input.group !== undefined) {
      group = await visibleGroup(trx, viewer, input.group);
      if (!canCurateGroup(viewer, group.id)) throw new AppError('forbidden', 403, `Only owners and moderators of "${group.slug}" create its layers`);
      // Everyone in the group, its moderators above all, must be able to read the text: otherwise
      // its moderation queue, flags and audit log would show them posts on a text they may not read.
      if (!textSharedWithGroup(text, group.id)) {
        throw new AppError('text_not_shared', 409, `A layer of "${group.slug}" goes on a public text or on a text of "${group.slug}"`);
      }
    }
    const settings = {
      visibility: input.visibility,
      write_policy: input.writePolicy ?? (group ? 'members' : 'owner'),
      reply_policy: input.replyPolicy ?? 'signed_in',
      read_first: input.readFirst ? 1 : 0,
    } as const;
    checkSettings(group?.id ?? null, settings);
    const taken = async (slug: string) => (await layers.findLayer(trx, text.id, slug)) !== undefined;
    let slug = input.slug;
    if (slug) {
      if (await taken(slug)) throw new AppError('slug_taken', 409, `Layer "${slug}" exists already on this text`);
    } else {
      slug = await uniqueSlug(slugify(input.name, 'layer'), taken);
    }
    // The first colour not taken by a layer the creator can see: counting every layer would
    // both repeat colours and tell, by the colour given, how many layers one may not see.
    const seen = await layers.listVisibleLayers(trx, viewer, text.id);
    const used = new Set(seen.map((l) => l.color.toLowerCase()));
    const color = palette.find((c) => !used.has(c)) ?? palette[seen.length % palette.length];
    const layer = await layers.insertLayer(trx, {
      text_id: text.id,
      slug,
      name: input.name,
      description: input.description ?? '',
      color: input.color ?? color,
      owner_id: viewer.id,
      group_id: group?.id ?? null,
      ...settings,
      license: input.license ?? null,
      attribution: input.attribution ?? null,
      created_at: now,
    });
    const json = layerJson({ ...layer, owner_handle: viewer.handle, group_slug: group?.slug ?? null, gloss_count: 0 });
    await event({ textId: text.id, layerIds: [layer.id], kind: 'layer.created', payload: JSON.stringify(json) });
    // A group's log tells who gave it a layer (its name kept as it was then).
    if (group) await recordAudit(trx, { groupId: group.id, actorId: viewer.id, action: 'layer.created', reason: layer.name }, now);
    return presentLayer(trx, viewer, text, layer.id);
  });
}

/**
 * Changes a layer's name, description, colour, visibility, policies, read-first rule or
 * federation setting (owner only; the federation setting is stored whatever the visibility:
 * only what a visitor may read is ever published). A change that would let someone read a gloss
 * whose target they cannot read, or hide a target from readers of glosses on it, is refused with
 * 409 (so a layer whose glosses are commented on from other layers cannot become read-first), as
 * is opening a group's notebook that holds other members' entries (409 `notebook_has_entries`).
 */
export async function updateLayer(ctx: AppContext, viewer: Viewer, textSlug: string, layerSlug: string, input: UpdateLayerInput) {
  return write(ctx, async ({ trx, now, event }) => {
    const { text, layer } = await readableLayer(trx, viewer, textSlug, layerSlug);
    if (!canManageLayer(viewer, layer)) throw new AppError('forbidden', 403, 'Only the owner of a layer may change it');
    if (layer.remote_uri !== null && input.federation !== undefined && input.federation !== 'off') {
      throw new AppError('remote_layer', 409, 'This layer mirrors a group on another server: what it holds is theirs to publish, not this server\'s');
    }
    const next: LayerRow = {
      ...layer,
      name: input.name ?? layer.name,
      description: input.description ?? layer.description,
      color: input.color ?? layer.color,
      visibility: input.visibility ?? layer.visibility,
      write_policy: input.writePolicy ?? layer.write_policy,
      reply_policy: input.replyPolicy ?? layer.reply_policy,
      read_first: input.readFirst === undefined ? layer.read_first : Number(input.readFirst),
      federation: input.federation ?? layer.federation,
    };
    checkSettings(layer.group_id, next);
    // A notebook's entries are private to their writers whatever becomes of the layer: it opens
    // only while it holds no one's entries but those of the owner opening it.
    if (isNotebook(layer) && !isNotebook(next) && (await glosses.layerHasPostsByOthers(trx, layer.id, viewer.id))) {
      throw new AppError('notebook_has_entries', 409, 'This notebook holds other members’ entries, which stay private to their writers; it cannot be made public or group');
    }
    if (next.visibility !== layer.visibility || next.read_first !== layer.read_first) {
      for (const child of await glosses.layersTargeting(trx, layer.id)) {
        if (!readersContained(child, next)) {
          throw new AppError('layer_has_dependents', 409, 'Glosses in other layers comment on this layer; their readers would lose sight of what they comment on');
        }
      }
      for (const parent of await glosses.layersTargetedBy(trx, layer.id)) {
        if (!readersContained(next, parent)) {
          throw new AppError('layer_has_dependents', 409, 'This layer comments on glosses that its new readers could not see');
        }
      }
    }
    await layers.updateLayer(trx, layer.id, {
      name: next.name,
      description: next.description,
      color: next.color,
      visibility: next.visibility,
      write_policy: next.write_policy,
      reply_policy: next.reply_policy,
      read_first: next.read_first,
      federation: next.federation,
    });
    const json = layerJson(next);
    const before = layerJson(layer);
    await event({ textId: text.id, layerIds: [layer.id], kind: 'layer.updated', payload: JSON.stringify(json) });
    // A group's log tells which of its layers changed (by the name it had) and what changed; nothing, if nothing did.
    const changed = Object.fromEntries(Object.entries(json).filter(([key, value]) => key in input && value !== (before as Record<string, unknown>)[key]));
    if (layer.group_id !== null && Object.keys(changed).length > 0) {
      await recordAudit(trx, { groupId: layer.group_id, actorId: viewer.id, action: 'layer.updated', reason: JSON.stringify({ layer: layer.name, ...changed }) }, now);
    }
    return presentLayer(trx, viewer, text, layer.id);
  });
}
