/**
 * Glosses: commentary anchored to a span of a text or of another gloss's body, to any depth,
 * each with its thread of replies. Writing resolves the quote against the current version and
 * stores canonical selectors (README, "Anchoring"); editing a body re-anchors the glosses on it; deleting
 * a gloss that has replies or glosses on it leaves a tombstone so nothing beneath is lost.
 */
import { describeRange, type Segment } from '../../schema/anchoring/index.ts';
import type { CreateGlossInput, UpdateGlossInput } from '../../schema/api.ts';
import { AppError, bannedFromGroup, notFound } from '../errors.ts';
import type { DB, GlossRow, LayerRow, StanceKind, TextRow } from '../storage/database.ts';
import { decisionsJson, glossJson, glossListingJson } from '../storage/gloss-listing.ts';
import * as glosses from '../storage/glosses.ts';
import * as layers from '../storage/layers.ts';
import * as stances from '../storage/stances.ts';
import { findTextById } from '../storage/texts.ts';
import { blankEventsOf, lockText, rewriteEventsOf } from '../storage/events.ts';
import { storedPayload } from './events.ts';
import { rememberRemoved } from '../storage/federation.ts';
import { indexItem, removeItem } from '../storage/search-index.ts';
import { parseBody } from './bodies.ts';
import type { AppContext } from './context.ts';
import { canDeletePost, canEditPost, canModerate, canReply, canWriteLayer, isBanned, readersContained, type Viewer } from './policy.ts';
import { recordAudit } from './groups.ts';
import { hideDescendants, initialStatus, statusAfterEdit } from './moderation.ts';
import { mayReadGloss, readableGloss } from './readable-posts.ts';
import { reanchorChildren, type StoredSelectors } from './reanchor.ts';
import { readableLayer } from './layers.ts';
import { readableText, textVersion } from './texts.ts';
import { locateTarget } from '../work/index.ts';
import { notifyEdited, notifyWritten } from './notifications.ts';
import { write, type Write } from './write.ts';
import { readSince } from '../storage/read-state.ts';

/** An empty gloss-schema document: what a tombstone keeps of its body. */
const emptyBodyJson = '{"type":"doc","content":[{"type":"paragraph"}]}';

/**
 * The gloss a gloss in `layer` may be anchored in, for writing or re-attaching: one on this text
 * that the viewer can see (422 otherwise), published (409), whose readers include the layer's.
 * Anything less would let a quote probe the words of a gloss one may not read.
 */
async function commentableGloss(db: DB, viewer: Viewer, text: TextRow, layer: LayerRow, id: number): Promise<GlossRow> {
  const parent = await glosses.findGloss(db, id);
  const parentLayer = parent && (await layers.findLayerById(db, parent.layer_id));
  if (!parent || parent.text_id !== text.id || !parentLayer || !(await mayReadGloss(db, viewer, text, parentLayer, parent))) {
    throw new AppError('target_not_found', 422, `Gloss ${id} is not a gloss on this text`);
  }
  if (parent.status === 'deleted') throw new AppError('target_deleted', 409, `Gloss ${parent.id} was deleted`);
  if (parent.status !== 'active') throw new AppError('target_not_active', 409, `Gloss ${parent.id} is ${parent.status}; only a published gloss can be commented on`);
  if (!readersContained(layer, parentLayer)) {
    throw new AppError('visibility_mismatch', 409, `Layer "${layer.slug}" has readers who cannot see the gloss it would comment on`);
  }
  return parent;
}

/** What a gloss is anchored in: the text of a target, its segments, and its version or revision. */
interface TargetText {
  text: string;
  segments: Segment[];
  version: number;
}

/** The current version of a text, as a target. */
async function currentTargetText(db: DB, text: TextRow): Promise<TargetText> {
  const current = await textVersion(db, text);
  return { text: current.projection, segments: JSON.parse(current.segments) as Segment[], version: current.number };
}

/** The current body of a gloss, as the target of glosses on it. */
function glossTargetText(gloss: GlossRow): TargetText {
  return { text: gloss.body_text, segments: [], version: gloss.body_revision };
}

/** Builds the stored selectors JSON for a span; its key order is part of the listing format. */
export function selectorsJson(text: string, start: number, end: number, segments: Segment[]): string {
  const d = describeRange(text, start, end, segments);
  const sel: StoredSelectors = { exact: d.exact, prefix: d.prefix, suffix: d.suffix, start, end, segment: d.segment ?? null };
  return JSON.stringify(sel);
}

/** The JSON of one gloss (with its thread) for event payloads and single reads. */
function glossJsonById(db: DB, text: TextRow, glossId: number, viewer: Viewer | null, everything = false): Promise<string | null> {
  return glossJson(db, viewer, text.id, text.slug, text.current_version, glossId, everything);
}

/**
 * The gloss listing of a text as UTF-8 JSON `{"text":…,"version":…,"glosses":[…]}`. The
 * database writes the array as bytes (storage/gloss-listing.ts): joining a thousand glosses
 * into one megabyte-sized string, which the server then encodes again for the socket, cost
 * more than the query itself (test/bench).
 */
export async function listGlossesJson(
  ctx: AppContext,
  viewer: Viewer | null,
  textSlug: string,
  options: { layers?: string[]; version?: number } = {},
): Promise<Buffer<ArrayBuffer>> {
  const text = await readableText(ctx.db, viewer, textSlug);
  const version = options.version ?? text.current_version;
  if (version !== text.current_version) await textVersion(ctx.db, text, version);
  const readState = viewer === null ? undefined : { userId: viewer.id, since: await readSince(ctx.db, viewer.id, text.id) };
  const glossArray = await glossListingJson(ctx.db, viewer, text.id, text.slug, version, { layerSlugs: options.layers, readState });
  const parts: Buffer[] = [Buffer.from(`{"text":${JSON.stringify(text.slug)},"version":${version},"glosses":`), glossArray, Buffer.from('}')];
  return Buffer.concat(parts);
}

/** One gloss with its thread, as JSON. */
export async function getGlossJson(ctx: AppContext, viewer: Viewer | null, id: number): Promise<string> {
  const { text } = await readableGloss(ctx.db, viewer, id);
  const json = await glossJsonById(ctx.db, text, id, viewer);
  if (json === null) throw notFound(`Gloss ${id}`);
  return json;
}

/**
 * Every decision on a gloss, newest first, as `{"decisions": […]}` (docs/deliberation.md §3): to
 * whoever may read the gloss (404 otherwise), each naming the reading it adopted only when they may
 * read that too.
 */
export async function decisionHistory(ctx: AppContext, viewer: Viewer | null, id: number): Promise<string> {
  await readableGloss(ctx.db, viewer, id);
  return `{"decisions":${await decisionsJson(ctx.db, viewer, id)}}`;
}

/**
 * Where a new gloss in `layerSlug` would be anchored: the layer (the viewer may write in it), and
 * the current text or the gloss it comments on.
 */
async function newGlossTarget(db: DB, viewer: Viewer, textSlug: string, layerSlug: string, glossId: number | undefined) {
  const { text, layer } = await readableLayer(db, viewer, textSlug, layerSlug);
  if (!canWriteLayer(viewer, text, layer)) throw new AppError('forbidden', 403, `You may not write in layer "${layer.slug}"`);
  if (glossId === undefined) return { text, layer, where: await currentTargetText(db, text), targetGlossId: null };
  const parent = await commentableGloss(db, viewer, text, layer, glossId);
  return { text, layer, where: glossTargetText(parent), targetGlossId: parent.id };
}

/**
 * 409 `target_changed` unless the target is still at the version the quote was placed in. Placing
 * a quote may take a worker's time (a long text, no offsets), so it is done before the
 * transaction, which holds the database for everyone; the transaction checks it still holds.
 */
function checkUnchanged(placedIn: number, now: number): void {
  if (placedIn !== now) throw new AppError('target_changed', 409, 'The target changed while the quote was being placed; send it again');
}

/**
 * Creates a gloss in a layer; 422 `anchor_not_found` when its quote is not in its target, 422
 * `anchor_ambiguous` when it fits too many places to choose one.
 */
export async function createGloss(
  ctx: AppContext,
  viewer: Viewer,
  textSlug: string,
  layerSlug: string,
  input: CreateGlossInput,
): Promise<{ id: number; json: string }> {
  const motivation = input.motivation ?? 'commenting';
  const body = parseBody(input.body, { allowEmpty: motivation === 'highlighting' });
  const planned = await newGlossTarget(ctx.db, viewer, textSlug, layerSlug, input.target.gloss);
  const span = await locateTarget(planned.where.text, input.target, viewer.id);
  return write(ctx, async (w) => {
    const { trx, now, event } = w;
    // A gloss on a gloss: that gloss is not being deleted meanwhile.
    if (input.target.gloss !== undefined) await lockText(trx, planned.text.id);
    const { text, layer, where, targetGlossId } = await newGlossTarget(trx, viewer, textSlug, layerSlug, input.target.gloss);
    checkUnchanged(planned.where.version, where.version);
    const { text: targetText, segments, version } = where;
    const gloss = await glosses.insertGloss(trx, {
      layer_id: layer.id,
      text_id: text.id,
      target_gloss_id: targetGlossId,
      target_version: version,
      selectors: selectorsJson(targetText, span.start, span.end, segments),
      body_doc: body.json,
      body_text: body.text,
      body_revision: 1,
      author_id: viewer.id,
      motivation,
      status: await initialStatus(trx, viewer, layer),
      moderation_note: null,
      hidden_with: null,
      created_at: now,
      updated_at: now,
    });
    await glosses.upsertAnchors(trx, [
      { gloss_id: gloss.id, version, start: span.start, end: span.end, status: 'exact', score: 1, exact: targetText.slice(span.start, span.end) },
    ]);
    await indexItem(trx, { kind: 'gloss', itemId: gloss.id, textId: text.id, layerId: layer.id, body: body.text });
    const json = (await glossJsonById(trx, text, gloss.id, viewer, true))!;
    await event({ textId: text.id, layerIds: [layer.id], kind: 'gloss.created', payload: json, item: { kind: 'gloss', id: gloss.id } });
    await notifyWritten(w, { text, layer, gloss });
    return { id: gloss.id, json };
  });
}

/** What a gloss is anchored in as it is now: the current version of the text, or the current body of the gloss it comments on. */
async function currentTargetOf(db: DB, viewer: Viewer, text: TextRow, layer: LayerRow, gloss: GlossRow): Promise<TargetText> {
  return gloss.target_gloss_id === null
    ? currentTargetText(db, text)
    : glossTargetText(await commentableGloss(db, viewer, text, layer, gloss.target_gloss_id));
}

/** A gloss the viewer may edit: its author, not banned, not hidden by a moderator, not deleted. */
async function editableGloss(db: DB, viewer: Viewer, id: number) {
  const found = await readableGloss(db, viewer, id);
  const { gloss, layer } = found;
  if (!canEditPost(viewer, layer, gloss)) {
    if (isBanned(viewer, layer.group_id)) throw bannedFromGroup();
    throw new AppError('forbidden', 403, gloss.status === 'hidden' ? 'A moderator hid this gloss; it cannot be edited' : 'Only the author may edit a gloss');
  }
  if (gloss.status === 'deleted') throw new AppError('gloss_deleted', 409, `Gloss ${id} was deleted`);
  return found;
}

/**
 * Re-attaches a gloss to `span` of its target as it is now, placed before the transaction in
 * version `placedIn`: new selectors and an exact anchor. This is how an orphan, whose passage was
 * rewritten, finds a place again.
 */
async function reattach(
  trx: DB,
  viewer: Viewer,
  text: TextRow,
  layer: LayerRow,
  gloss: GlossRow,
  placed: { version: number; span: { start: number; end: number } },
  changes: Partial<GlossRow>,
) {
  const { text: targetText, segments, version } = await currentTargetOf(trx, viewer, text, layer, gloss);
  checkUnchanged(placed.version, version);
  const { span } = placed;
  Object.assign(changes, { selectors: selectorsJson(targetText, span.start, span.end, segments), target_version: version });
  await glosses.upsertAnchors(trx, [
    { gloss_id: gloss.id, version, start: span.start, end: span.end, status: 'exact', score: 1, exact: targetText.slice(span.start, span.end) },
  ]);
}

/**
 * Edits a gloss (author only): its body (glosses on it re-anchor), its motivation, or its place
 * (`target`: re-attach it to a span of the current text). In a pre-moderated group, an edit by
 * someone not yet trusted waits for a moderator again, and the glosses on it with it.
 */
export async function updateGloss(ctx: AppContext, viewer: Viewer, id: number, input: UpdateGlossInput): Promise<string> {
  let placed: { version: number; span: { start: number; end: number } } | null = null;
  if (input.target) {
    const { gloss, text, layer } = await editableGloss(ctx.db, viewer, id);
    const where = await currentTargetOf(ctx.db, viewer, text, layer, gloss);
    placed = { version: where.version, span: await locateTarget(where.text, input.target, viewer.id) };
  }
  return write(ctx, async (w) => {
    const { trx, now, event } = w;
    const { gloss, text, layer } = await editableGloss(trx, viewer, id);
    const motivation = input.motivation ?? gloss.motivation;
    const changes: Partial<GlossRow> = { motivation, updated_at: now, edited_at: now };
    const status = await statusAfterEdit(trx, viewer, layer, gloss);
    if (status !== gloss.status) {
      changes.status = status;
      await hideDescendants(trx, id, `Held with gloss ${id}, whose edit waits for a moderator`, now);
    }
    if (placed) await reattach(trx, viewer, text, layer, gloss, placed, changes);
    if (input.body) {
      const body = parseBody(input.body, { allowEmpty: motivation === 'highlighting' });
      const revision = gloss.body_revision + 1;
      Object.assign(changes, { body_doc: body.json, body_text: body.text, body_revision: revision });
      await glosses.updateGloss(trx, id, changes);
      await reanchorChildren(trx, id, { revision: gloss.body_revision, text: gloss.body_text }, { revision, text: body.text });
      await indexItem(trx, { kind: 'gloss', itemId: id, textId: text.id, layerId: layer.id, body: body.text });
    } else {
      await glosses.updateGloss(trx, id, changes);
    }
    const json = (await glossJsonById(trx, text, id, viewer, true))!;
    await event({ textId: text.id, layerIds: [layer.id], kind: 'gloss.updated', payload: json, item: { kind: 'gloss', id } });
    const edited = await glosses.findGloss(trx, id);
    if (edited) await notifyEdited(w, gloss, { text, layer, gloss: edited });
    return json;
  });
}

/**
 * Deletes a gloss (author only). With replies or glosses beneath it, it becomes a tombstone:
 * its words and author are gone, its place and everything under it stay.
 */
export async function deleteGloss(ctx: AppContext, viewer: Viewer, id: number): Promise<{ tombstone: boolean }> {
  return write(ctx, async ({ trx, now, event }) => {
    const found = await readableGloss(trx, viewer, id);
    // Nothing is written on it meanwhile: what hangs beneath it is decided, then it goes.
    const { gloss, text, layer } = (await lockText(trx, found.text.id)) ? await readableGloss(trx, viewer, id) : found;
    if (!canDeletePost(viewer, layer, gloss)) throw new AppError('forbidden', 403, 'Only the author or a moderator may delete a gloss');
    if (gloss.status === 'deleted') throw new AppError('gloss_deleted', 409, `Gloss ${id} was deleted already`);
    if (gloss.author_id !== viewer.id && layer.group_id !== null) {
      await recordAudit(trx, { groupId: layer.group_id, actorId: viewer.id, action: 'gloss.deleted', kind: 'gloss', itemId: id, subjectId: gloss.author_id }, now);
    }
    const tombstone = await glosses.glossHasDependents(trx, id);
    // A copy of a post elsewhere stays deleted here when its Note comes again (docs/federation.md §6).
    if (gloss.remote_uri !== null) await rememberRemoved(trx, layer.id, gloss.remote_uri, now);
    if (tombstone) {
      await glosses.updateGloss(trx, id, { status: 'deleted', body_doc: emptyBodyJson, body_text: '', updated_at: now });
      await forgetDeletedWords({ trx, event }, [id]);
    } else {
      await glosses.deleteGlossRow(trx, id);
    }
    await removeItem(trx, 'gloss', id);
    // The events that carried its words carry nothing now (a replay already passed over them).
    await blankEventsOf(trx, 'gloss', id);
    await event({
      textId: text.id,
      layerIds: [layer.id],
      kind: 'gloss.deleted',
      payload: JSON.stringify({ id, layer: layer.slug, tombstone }),
    });
    return { tombstone };
  });
}

/**
 * The glosses on the deleted glosses `ids` lose their quotes of the words that went (their own
 * words and places stay), and each one's event says so: a live page, a replay of the log, and
 * the federation publisher all see it without them.
 */
export async function forgetDeletedWords(w: Pick<Write, 'trx' | 'event'>, ids: number[]): Promise<void> {
  // Glosses on glosses of one text are on that text: each text is read once.
  const texts = new Map<number, TextRow>();
  for (const child of await glosses.forgetQuotesOn(w.trx, ids)) {
    const text = texts.get(child.text_id) ?? (await findTextById(w.trx, child.text_id))!;
    texts.set(text.id, text);
    const json = await glossJsonById(w.trx, text, child.id, null, true);
    if (json === null) continue;
    const event = { textId: text.id, layerIds: [child.layer_id], kind: 'gloss.updated' as const, payload: json, item: { kind: 'gloss' as const, id: child.id } };
    // Its earlier events quoted the words too: they carry it as it now is.
    await rewriteEventsOf(w.trx, child.id, storedPayload(event));
    await w.event(event);
  }
}

/**
 * Takes (or changes) the viewer's stance on a reading (docs/deliberation.md §2): whoever may reply
 * in its layer (403 otherwise; 404 for a gloss they may not read), on a published gloss (409
 * `gloss_not_active`); disagreeing needs a reason (422 `reason_required`). `stance` null takes it
 * back. Answers the gloss as it now is.
 */
export async function setStance(ctx: AppContext, viewer: Viewer, id: number, stance: { stance: StanceKind; reason?: string } | null): Promise<string> {
  return write(ctx, async ({ trx, now, event }) => {
    const { gloss, text, layer } = await readableGloss(trx, viewer, id);
    if (!canReply(viewer, text, layer)) throw new AppError('forbidden', 403, 'Only those who may reply here may take a stance');
    if (stance !== null) {
      if (gloss.status !== 'active') throw new AppError('gloss_not_active', 409, `Gloss ${id} is ${gloss.status}`);
      if (stance.stance === 'disagree' && !stance.reason) throw new AppError('reason_required', 422, 'Say why you disagree: a reason is kept beside the reading');
      await stances.upsertStance(trx, { gloss_id: id, user_id: viewer.id, stance: stance.stance, reason: stance.reason ?? null }, now);
    } else if (!(await stances.deleteStance(trx, id, viewer.id))) {
      throw notFound(`Your stance on gloss ${id}`);
    }
    const json = (await glossJsonById(trx, text, id, viewer, true))!;
    await event({ textId: text.id, layerIds: [layer.id], kind: 'gloss.updated', payload: json, item: { kind: 'gloss', id } });
    return (await glossJsonById(trx, text, id, viewer))!;
  });
}

/**
 * Records a decision on a gloss (docs/deliberation.md §3): a moderator of the layer's group, or a
 * personal layer's owner (403 for others who may read it). The adopted reading must be this
 * gloss, a gloss on the same text the decider may read, or a published reply in this gloss's
 * thread (422 `adopted_not_found`). The dissent — every disagreeing stance with its reason — is
 * copied as it stands now. A later decision supersedes this one; both are kept. The group's audit
 * log and the text's live readers hear of it. Answers the gloss as it now is.
 */
export async function decide(ctx: AppContext, viewer: Viewer, id: number, input: { statement: string; adopted?: { gloss: number } | { reply: number }; reviewOn?: string }): Promise<string> {
  return write(ctx, async ({ trx, now, event }) => {
    const { gloss, text, layer } = await readableGloss(trx, viewer, id);
    const mayDecide = layer.group_id === null ? viewer.id === layer.owner_id : canModerate(viewer, layer);
    if (!mayDecide) throw new AppError('forbidden', 403, "Only the layer's moderators (or its owner) may record a decision");
    let adopted: { kind: 'gloss' | 'reply'; id: number } | null = null;
    if (input.adopted && 'gloss' in input.adopted) {
      const other = input.adopted.gloss === id ? gloss : await glosses.findGloss(trx, input.adopted.gloss);
      const otherLayer = other && other.text_id === text.id ? await layers.findLayerById(trx, other.layer_id) : undefined;
      if (!other || !otherLayer || other.status !== 'active' || !(await mayReadGloss(trx, viewer, text, otherLayer, other))) {
        throw new AppError('adopted_not_found', 422, `Gloss ${input.adopted.gloss} is not a published reading on this text`);
      }
      adopted = { kind: 'gloss', id: other.id };
    } else if (input.adopted && 'reply' in input.adopted) {
      const reply = await glosses.findReply(trx, input.adopted.reply);
      if (!reply || reply.gloss_id !== id || reply.status !== 'active') throw new AppError('adopted_not_found', 422, `Reply ${input.adopted.reply} is not a published reply in this thread`);
      adopted = { kind: 'reply', id: reply.id };
    }
    await stances.insertDecision(trx, {
      gloss_id: id,
      statement: input.statement,
      adopted_kind: adopted?.kind ?? null,
      adopted_id: adopted?.id ?? null,
      decided_by: viewer.id,
      decided_at: now,
      review_on: input.reviewOn ?? null,
      dissent: JSON.stringify(await stances.dissentOn(trx, id)),
    });
    if (layer.group_id !== null) await recordAudit(trx, { groupId: layer.group_id, actorId: viewer.id, action: 'gloss.decided', kind: 'gloss', itemId: id, reason: input.statement }, now);
    const json = (await glossJsonById(trx, text, id, viewer, true))!;
    await event({ textId: text.id, layerIds: [layer.id], kind: 'gloss.updated', payload: json, item: { kind: 'gloss', id } });
    return (await glossJsonById(trx, text, id, viewer))!;
  });
}
