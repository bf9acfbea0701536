/**
 * Daf to Daf, what comes in (docs/federation.md §7): a gloss published by a group elsewhere that a
 * group here follows becomes a gloss of a read-only layer here, on the text this server holds that
 * is the same text (the same Sefaria ref in the same language, or a version with the same
 * SHA-256), anchored by the selectors of its W3C annotation through the same ladder as an import.
 * Its edits and deletion follow it. Nothing of it is published again from here: its author is a
 * remote account, and `federablePost` leaves out what remote accounts wrote.
 */
import { z } from 'zod';
import { contextLength, type Segment } from '../../../schema/anchoring/index.ts';
import { maxQuoteLength } from '../../../schema/api.ts';
import { codeUnitSpan, incomingAnnotationShape, readAnnotation, type AnnotationRequest } from '../../../schema/w3c.ts';
import type { DB, GlossRow, LayerRow, TextRow } from '../../storage/database.ts';
import * as following from '../../storage/federation-following.ts';
import * as store from '../../storage/federation.ts';
import * as glosses from '../../storage/glosses.ts';
import { findGroupById, findMembership } from '../../storage/groups.ts';
import { replyJson } from '../../storage/gloss-listing.ts';
import { findLayerById } from '../../storage/layers.ts';
import { indexItem } from '../../storage/search-index.ts';
import * as texts from '../../storage/texts.ts';
import { findUserById } from '../../storage/users.ts';
import { resolveImported } from '../../work/index.ts';
import { toViewer } from '../auth.ts';
import { parseBody, type ParsedBody } from '../bodies.ts';
import type { AppContext } from '../context.ts';
import type { Viewer } from '../policy.ts';
import { deleteGloss, selectorsJson, updateGloss } from '../glosses.ts';
import { deleteReply, updateReply } from '../replies.ts';
import { toAnchorRow } from '../reanchor.ts';
import { slugify, uniqueSlug } from '../slugs.ts';
import { textVersion } from '../texts.ts';
import { write } from '../write.ts';
import type { RemoteActor } from './inbound.ts';
import { AppError } from '../../errors.ts';

/** Fetches a document elsewhere (Fedify's loader: signed where needed, never a private address unless allowed). */
export type Loader = (url: string) => Promise<unknown>;

/** A text as the Daf it lives on describes it (`GET /api/texts/:slug`): what matching needs. */
const textIdentityShape = z.looseObject({
  title: z.string().max(500),
  language: z.string().max(35),
  sefariaRef: z.string().max(500).nullish(),
  version: z.looseObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/).nullish() }),
});
const containerShape = z.looseObject({ label: z.string().max(500).optional() });

/** What a followed group's Note carries, read from its annotation and the documents it names. */
export interface FollowedGloss {
  /** The group elsewhere (the Note's `audience`). */
  group: string;
  /** The Note's id there, its author, and when it was published there (ISO; null if unsaid). */
  uri: string;
  published: string | null;
  author: RemoteActor;
  annotation: AnnotationRequest;
  /** The layer's W3C container there, and its name. */
  container: string;
  layerName: string;
  /** What it is on: a text, as its server describes it, or a gloss there (its Note's id), mirrored here. */
  on: { text: { title: string; language: string; sefariaRef: string | null; sha256: string | null } } | { gloss: string };
}

/** Why a followed group's gloss was not stored here, or `stored`. */
export type MirrorOutcome = 'stored' | 'duplicate' | 'no_text' | 'not_anchored' | 'banned' | 'invalid';

/** The annotation a Note links (its FEP-e232 Link tag), read; null when it has none on its own server. */
export async function readLinkedAnnotation(load: Loader, noteUri: URL, links: { href: string; mediaType: string | null }[]): Promise<{ url: string; annotation: AnnotationRequest } | null> {
  const link = links.find((l) => l.mediaType?.includes('anno.jsonld') && new URL(l.href).origin === noteUri.origin);
  if (!link) return null;
  const parsed = incomingAnnotationShape.safeParse(await load(link.href));
  if (!parsed.success) return null;
  return { url: link.href, annotation: readAnnotation(parsed.data) };
}

/**
 * What a Note from a followed group names, fetched from its server: the annotation's container
 * (the layer's name) and what it is on: the text (how to match it), or, for a gloss on a gloss,
 * the gloss it answers (`replyTo`, its Note's id). Anything pointing off its own server is null.
 */
export async function readFollowedGloss(
  load: Loader,
  note: { uri: URL; group: URL; author: RemoteActor; published: string | null; replyTo: URL | null; annotationUrl: string; annotation: AnnotationRequest },
): Promise<FollowedGloss | null> {
  const origin = note.uri.origin;
  const source = safeUrl(note.annotation.source);
  const container = /^(.*\/annotations\/[^/]+\/[^/]+\/)[0-9]+$/.exec(note.annotationUrl)?.[1];
  if (!source || source.origin !== origin || !container) return null;
  const textSlug = /^\/t\/([^/]+)$/.exec(source.pathname)?.[1];
  const onGloss = /^\/annotations\/[^/]+\/[^/]+\/[0-9]+$/.test(source.pathname) && note.replyTo?.origin === origin;
  if (!textSlug && !onGloss) return null;
  const [described, collection] = await Promise.all([textSlug ? load(`${origin}/api/texts/${textSlug}`) : null, load(container)]);
  let on: FollowedGloss['on'];
  if (textSlug) {
    const text = textIdentityShape.safeParse(described);
    if (!text.success) return null;
    on = { text: { title: text.data.title, language: text.data.language, sefariaRef: text.data.sefariaRef ?? null, sha256: text.data.version.sha256 ?? null } };
  } else {
    on = { gloss: note.replyTo!.href };
  }
  const label = containerShape.safeParse(collection);
  return {
    group: note.group.href,
    uri: note.uri.href,
    published: note.published,
    author: note.author,
    annotation: note.annotation,
    container,
    layerName: (label.success && label.data.label) || decodeURIComponent(container.split('/').at(-2) ?? 'layer'),
    on,
  };
}

function safeUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/**
 * Stores a followed group's gloss in each group here that follows it and holds what it is on:
 * the same text, or the mirror of the gloss it comments on.
 */
export async function receiveFollowedGloss(ctx: AppContext, gloss: FollowedGloss): Promise<MirrorOutcome[]> {
  const outcomes: MirrorOutcome[] = [];
  const body = safeBody(gloss.annotation);
  const exact = gloss.annotation.exact;
  if (body === null || !exact || exact.length > maxQuoteLength) return ['invalid'];
  const parents = 'gloss' in gloss.on ? await following.glossesByRemoteUri(ctx.db, gloss.on.gloss) : [];
  for (const row of await following.followersHereOf(ctx.db, gloss.group)) {
    let target: MirrorTarget | undefined;
    if ('text' in gloss.on) {
      // Once a layer mirrors that container, its glosses stay on its text.
      const mirror = await following.mirrorLayer(ctx.db, row.group_id, gloss.container);
      const [text] = mirror ? [await texts.findTextById(ctx.db, mirror.text_id)] : await texts.textsMatching(ctx.db, gloss.on.text, row.group_id);
      if (text) target = { text, parent: null };
    } else {
      for (const parent of parents) {
        const layer = await findLayerById(ctx.db, parent.layer_id);
        if (layer && layer.group_id === row.group_id && fromServerOf(layer, gloss.uri) && parent.status !== 'deleted') {
          target = { text: (await texts.findTextById(ctx.db, parent.text_id))!, parent };
          break;
        }
      }
    }
    outcomes.push(target ? await mirrorInto(ctx, row, target, gloss, body, exact) : 'no_text');
  }
  return outcomes;
}

/** Where a mirrored gloss goes: on the text, or on `parent`, a mirrored gloss on it. */
interface MirrorTarget {
  text: TextRow;
  parent: GlossRow | null;
}

/** The annotation's body as a gloss body, or null when it will not parse. */
function safeBody(req: AnnotationRequest): ParsedBody | null {
  try {
    return parseBody(req.body, { allowEmpty: req.motivation === 'highlighting' });
  } catch {
    return null;
  }
}

async function mirrorInto(ctx: AppContext, row: following.FollowingRow, target: MirrorTarget, gloss: FollowedGloss, body: ParsedBody, exact: string): Promise<MirrorOutcome> {
  const { text, parent } = target;
  // Anchored before the transaction (a long text may take a worker's time), then checked unchanged:
  // in the text's current version, or in the body of the gloss it comments on.
  const version = parent === null ? await textVersion(ctx.db, text) : null;
  const planned = version
    ? { projection: version.projection, segments: JSON.parse(version.segments) as Segment[], number: version.number }
    : { projection: parent!.body_text, segments: [] as Segment[], number: parent!.body_revision };
  const req = gloss.annotation;
  const span = codeUnitSpan(req, planned.projection);
  const wanted = { exact, prefix: req.prefix.slice(-contextLength), suffix: req.suffix.slice(0, contextLength), start: span?.start ?? null, end: span?.end ?? null, segment: req.segment };
  const [anchor] = await resolveImported(planned.projection, planned.segments, [wanted]);
  if (anchor.status === 'orphan') return 'not_anchored';
  return write(ctx, async ({ trx, now, event }) => {
    if (parent === null) {
      if ((await texts.findTextById(trx, text.id))!.current_version !== planned.number) return 'not_anchored';
    } else {
      const current = await glosses.findGloss(trx, parent.id);
      if (!current || current.status === 'deleted' || current.body_revision !== planned.number) return 'not_anchored';
    }
    const group = await findGroupById(trx, row.group_id);
    if (!group) return 'invalid';
    const layer = await mirrorLayerOf(trx, row, text, gloss, now);
    if ((await following.glossesByRemoteUri(trx, gloss.uri)).some((g) => g.layer_id === layer.id)) return 'duplicate';
    if (await store.wasRemoved(trx, layer.id, gloss.uri)) return 'duplicate';
    const author = await store.upsertRemoteUser(trx, { actor_uri: gloss.author.uri, handle: gloss.author.handle, display_name: gloss.author.name, profile_url: gloss.author.profileUrl }, now);
    if ((await findMembership(trx, group.id, author.id))?.state === 'banned') return 'banned';
    const selectors =
      anchor.start !== null && anchor.status !== 'segment'
        ? selectorsJson(planned.projection, anchor.start, anchor.end, planned.segments)
        : JSON.stringify({ exact, prefix: wanted.prefix, suffix: wanted.suffix, start: span?.start ?? 0, end: span?.end ?? 0, segment: req.segment });
    const written = writtenAt(gloss.published, now);
    const inserted = await glosses.insertGloss(trx, {
      layer_id: layer.id,
      text_id: text.id,
      target_gloss_id: parent?.id ?? null,
      target_version: planned.number,
      selectors,
      body_doc: body.json,
      body_text: body.text,
      body_revision: 1,
      author_id: author.id,
      motivation: req.motivation === 'highlighting' || req.motivation === 'questioning' ? req.motivation : 'commenting',
      status: group.premoderation === 1 ? 'pending' : 'active',
      created_at: written,
      updated_at: written,
      remote_uri: gloss.uri,
    });
    await glosses.upsertAnchors(trx, [toAnchorRow(inserted.id, planned.number, anchor, planned.projection)]);
    await indexItem(trx, { kind: 'gloss', itemId: inserted.id, textId: text.id, layerId: layer.id, body: body.text });
    await event({ textId: text.id, layerIds: [layer.id], kind: 'layer.updated', payload: JSON.stringify({ slug: layer.slug, imported: 1 }) });
    return 'stored';
  });
}

/**
 * The group's layer on `text` that mirrors the container elsewhere, made the first time one of
 * its glosses arrives: public as the group is, replies closed (its owners may open them to their
 * members: a discussion here of a reading there), never publishing.
 */
async function mirrorLayerOf(trx: DB, row: following.FollowingRow, text: TextRow, gloss: FollowedGloss, now: string): Promise<LayerRow> {
  const found = await following.mirrorLayer(trx, row.group_id, gloss.container);
  if (found) return found;
  const group = (await findGroupById(trx, row.group_id))!;
  const name = `${gloss.layerName} (${row.handle})`.slice(0, 120);
  const slug = await uniqueSlug(slugify(`${gloss.layerName}-${new URL(gloss.container).hostname}`, 'followed'), (s) => following.layerSlugTaken(trx, text.id, s));
  return following.insertMirrorLayer(trx, {
    text_id: text.id,
    slug,
    name,
    description: `Followed from ${row.name}, ${row.handle}: their glosses on "${text.title}", read-only here.`.slice(0, 1000),
    color: '#5f6b7a',
    owner_id: group.created_by,
    group_id: group.id,
    visibility: group.visibility === 'public' ? 'public' : 'group',
    write_policy: 'moderators',
    reply_policy: 'nobody',
    license: null,
    attribution: row.handle,
    created_at: now,
    remote_uri: gloss.container,
    remote_group: row.actor_uri,
  });
}

/**
 * The mirrored glosses of `uri` that `actorUri` may change, each with its author as a viewer: its
 * author elsewhere, or the followed group it came through (a group sends the Delete of a post
 * whose author or whose row is gone), on its own server only.
 */
async function mirroredBy(ctx: AppContext, actorUri: string, uri: string) {
  const rows = (await following.glossesByRemoteUri(ctx.db, uri)).filter((g) => g.status !== 'deleted');
  return (await asAuthors(ctx, actorUri, uri, rows)).map(({ row, viewer }) => ({ gloss: row, viewer }));
}

/** Those of `rows` (copies here of the post `uri` elsewhere) that `actorUri` may change, each with its author as a viewer. */
async function asAuthors<T extends { author_id: number }>(ctx: AppContext, actorUri: string, uri: string, rows: T[]) {
  if (rows.length === 0) return [];
  const may = await actingFor(ctx, actorUri, uri);
  const out: { row: T; viewer: Viewer }[] = [];
  for (const row of rows) {
    if (!may(row.author_id)) continue;
    const author = await findUserById(ctx.db, row.author_id);
    if (author) out.push({ row, viewer: await toViewer(ctx.db, author) });
  }
  return out;
}

/** A reply in a followed group's thread, as it came: what it answers there (a Note's id), its words. */
export interface FollowedReply {
  /** The followed group it came through (the Note's `audience`). */
  group: string;
  uri: string;
  author: RemoteActor;
  published: string | null;
  answers: string;
  body: { json: string; text: string };
}

/**
 * Stores a reply written in a followed group's thread in each mirror of that thread here: under
 * the mirrored gloss it answers, or under the mirrored reply. One it answers that is not here
 * (not mirrored, or deleted) takes nothing.
 */
export async function receiveFollowedReply(ctx: AppContext, incoming: FollowedReply): Promise<number> {
  const parents = [
    ...(await following.glossesByRemoteUri(ctx.db, incoming.answers)).map((g) => ({ glossId: g.id, parentId: null as number | null })),
    ...(await following.mirroredRepliesByRemoteUri(ctx.db, incoming.answers)).map((r) => ({ glossId: r.gloss_id, parentId: r.id as number | null })),
  ];
  return storeFollowedReply(ctx, incoming, parents);
}

/**
 * Stores the reply under each of `parents` (a mirrored gloss's thread, under a reply or not)
 * that is in a layer mirroring the reply's own server, of a group here that follows the group it
 * came through: no server writes into another's threads.
 */
export async function storeFollowedReply(ctx: AppContext, incoming: FollowedReply, parents: { glossId: number; parentId: number | null }[]): Promise<number> {
  let stored = 0;
  for (const parent of parents) {
    const done = await write(ctx, async (w) => {
      const { trx, now, event } = w;
      if ((await following.mirroredRepliesByRemoteUri(trx, incoming.uri)).some((r) => r.gloss_id === parent.glossId)) return false;
      const gloss = await glosses.findGloss(trx, parent.glossId);
      if (!gloss || gloss.status === 'deleted') return false;
      const layer = (await findLayerById(trx, gloss.layer_id))!;
      const group = layer.group_id === null ? undefined : await findGroupById(trx, layer.group_id);
      if (!group || !fromServerOf(layer, incoming.uri) || !(await following.follows(trx, group.id, incoming.group))) return false;
      if (await store.wasRemoved(trx, layer.id, incoming.uri)) return false;
      const author = await store.upsertRemoteUser(trx, { actor_uri: incoming.author.uri, handle: incoming.author.handle, display_name: incoming.author.name, profile_url: incoming.author.profileUrl }, now);
      if ((await findMembership(trx, group.id, author.id))?.state === 'banned') return false;
      const written = writtenAt(incoming.published, now);
      const reply = await glosses.insertReply(trx, {
        gloss_id: gloss.id,
        parent_id: parent.parentId,
        author_id: author.id,
        body_doc: incoming.body.json,
        body_text: incoming.body.text,
        status: group.premoderation === 1 ? 'pending' : 'active',
        moderation_note: null,
        hidden_with: null,
        hidden_from: null,
        stance: null,
        created_at: written,
        updated_at: written,
        remote_uri: incoming.uri,
        remote_audience: 'public',
      });
      await indexItem(trx, { kind: 'reply', itemId: reply.id, textId: gloss.text_id, layerId: layer.id, body: incoming.body.text });
      await event({ textId: gloss.text_id, layerIds: [layer.id], kind: 'reply.created', payload: (await replyJson(trx, reply.id)) ?? '{}', item: { kind: 'reply', id: reply.id } });
      return true;
    });
    if (done) stored++;
  }
  return stored;
}

/**
 * Runs a change of a mirrored post as its author; true when this server refuses it (a moderator
 * hid the copy here, the author is banned here): the copy stays as it is, and that is no failure.
 */
async function refusedHere(change: () => Promise<unknown>): Promise<boolean> {
  try {
    await change();
    return false;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return true;
    throw err;
  }
}

/** Whether `layer` mirrors a layer on the server of `uri`. */
function fromServerOf(layer: LayerRow, uri: string): boolean {
  return layer.remote_uri !== null && new URL(layer.remote_uri).origin === new URL(uri).origin;
}

/** When a post was written there, if that is known and not ahead of this server's clock; else now. */
function writtenAt(published: string | null, now: string): string {
  return published !== null && !Number.isNaN(Date.parse(published)) && published < now ? new Date(published).toISOString() : now;
}

/** Its author edited a reply in a followed thread there: its words change in each mirror here. How many copies there are. */
export async function receiveFollowedReplyEdit(ctx: AppContext, actorUri: string, uri: string, body: { json: string; text: string }): Promise<number> {
  const copies = await mirroredRepliesBy(ctx, actorUri, uri);
  for (const { reply, viewer } of copies) {
    if (reply.body_text === body.text) continue;
    await refusedHere(() => updateReply(ctx, viewer, reply.id, { body: { doc: JSON.parse(body.json) as Record<string, unknown> } }));
  }
  return copies.length;
}

/** The mirrored replies of `uri` that `actorUri` may change, each with its author as a viewer. */
async function mirroredRepliesBy(ctx: AppContext, actorUri: string, uri: string) {
  const rows = (await following.mirroredRepliesByRemoteUri(ctx.db, uri)).filter((r) => r.status !== 'deleted');
  return (await asAuthors(ctx, actorUri, uri, rows)).map(({ row, viewer }) => ({ reply: row, viewer }));
}

/**
 * Whom `actorUri` may act for on the post `uri`: its author elsewhere acts for themselves; the
 * followed group it came through, on its own server, acts for any of its authors (it sends the
 * Delete of a post whose author or whose row is gone).
 */
async function actingFor(ctx: AppContext, actorUri: string, uri: string): Promise<(authorId: number) => boolean> {
  const user = await store.remoteUserByActor(ctx.db, actorUri);
  const sameServer = new URL(actorUri).origin === new URL(uri).origin;
  const byGroup = sameServer && (await following.followersHereOf(ctx.db, actorUri)).length > 0;
  return (authorId) => byGroup || authorId === user?.id;
}

/** Its author edited a followed gloss there: its words change here (the annotation read again). */
export async function receiveFollowedEdit(ctx: AppContext, actorUri: string, uri: string, annotation: AnnotationRequest): Promise<number> {
  const body = safeBody(annotation);
  if (body === null) return 0;
  let changed = 0;
  for (const { gloss, viewer } of await mirroredBy(ctx, actorUri, uri)) {
    if (gloss.body_text === body.text) continue;
    if (await refusedHere(() => updateGloss(ctx, viewer, gloss.id, { body: annotation.body }))) continue;
    changed++;
  }
  return changed;
}

/** A followed gloss was deleted there (or hidden, or stopped being published): it goes here too. */
export async function receiveFollowedDeletion(ctx: AppContext, actorUri: string, uri: string): Promise<number> {
  const found = await mirroredBy(ctx, actorUri, uri);
  for (const { gloss, viewer } of found) await refusedHere(() => deleteGloss(ctx, viewer, gloss.id));
  const replies = await mirroredRepliesBy(ctx, actorUri, uri);
  for (const { reply, viewer } of replies) await refusedHere(() => deleteReply(ctx, viewer, reply.id));
  return found.length + replies.length;
}

/** Whether a Note id has mirrored glosses here. */
export async function isMirrored(db: DB, uri: string): Promise<boolean> {
  return (await following.glossesByRemoteUri(db, uri)).length > 0;
}
