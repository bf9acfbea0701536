/**
 * Texts and their versions: create from any import format, read a version with its projection
 * and segment map, add a version (whole new content, or ProseMirror steps against the current
 * version) and re-anchor every gloss on it.
 */
import { Step, Transform } from 'prosemirror-transform';
import type { Node as PMNode } from 'prosemirror-model';
import type { TextMapper } from '../../schema/anchoring/index.ts';
import { textSchema } from '../../schema/document.ts';
import { ContentError } from '../../schema/import/content-error.ts';
import { checkDocument } from '../../schema/import/parse-content.ts';
import { Projection } from '../../schema/projection.ts';
import { type CreateTextInput, type CreateVersionInput, type PreviewTextInput } from '../../schema/api.ts';
import { AppError, notFound } from '../errors.ts';
import type { DB, TextRow, TextVersionRow } from '../storage/database.ts';
import * as texts from '../storage/texts.ts';
import * as readState from '../storage/read-state.ts';
import { indexItem } from '../storage/search-index.ts';
import type { AppContext } from './context.ts';
import { canCurateGroup, canEditText, canReadText, shownGroupSlug, type Viewer } from './policy.ts';
import { recordAudit, visibleGroup } from './groups.ts';
import { countAnchors, reanchorText, type AnchorCounts } from './reanchor.ts';
import { visibleGlossIds } from '../storage/glosses.ts';
import { slugify, uniqueSlug } from './slugs.ts';
import { checkQuota, versionBytes, type StorageQuotas } from './quotas.ts';
import { parseTextContent } from '../work/index.ts';
import { checkTextLimits, type ParsedText } from '../work/tasks.ts';
import { write } from './write.ts';

/** Loads a text the viewer may read, or throws 404 (a private text's existence is private too). */
export async function readableText(db: DB, viewer: Viewer | null, slug: string): Promise<TextRow> {
  const text = await texts.findTextBySlug(db, slug);
  if (!text || !canReadText(viewer, text)) throw notFound(`Text "${slug}"`);
  return text;
}

/** Creates a text with its first version, within the viewer's storage quota (413 past it). */
export async function createText(ctx: AppContext, viewer: Viewer, input: CreateTextInput): Promise<TextRow> {
  // Parsing may take a worker's time: before the transaction, which holds the database for everyone.
  const parsed = await parseTextContent(input.format, input.content, input.title, viewer.id);
  return ctx.db.transaction().execute((trx) => createTextIn(trx, viewer, input, parsed, ctx.quotas));
}

/** How many passages a preview shows. */
const previewSample = 30;

/**
 * What a text would be, before it is created: how many blocks, passages and characters, and its
 * first passages (by segment ref when the format has them, else its first paragraphs), each cut
 * to 200 characters. The content is parsed as `createText` would (on a worker when large), so the
 * same input is refused with the same message; nothing is stored.
 */
export async function previewText(viewer: Viewer, input: PreviewTextInput) {
  const parsed = await parseTextContent(input.format, input.content, input.title, viewer.id);
  const text = parsed.projection;
  const blocks = text === '' ? [] : text.split('\n');
  const cut = (s: string) => (s.length > 200 ? `${s.slice(0, 199)}…` : s);
  const sample = parsed.segments.length
    ? parsed.segments.slice(0, previewSample).map((s) => ({ ref: s.ref, text: cut(text.slice(s.start, s.end)) }))
    : blocks.slice(0, previewSample).map((b) => ({ ref: null, text: cut(b) }));
  return { blocks: blocks.length, segments: parsed.segments.length, characters: text.length, sample };
}

/**
 * Creates a text inside a transaction the caller holds (an import that writes more with it).
 * `quotas` are checked before anything is written; null (the command line) checks none.
 */
export async function createTextIn(
  trx: DB,
  viewer: Viewer,
  input: Omit<CreateTextInput, 'format' | 'content'>,
  parsed: ParsedText,
  quotas: StorageQuotas | null = null,
): Promise<TextRow> {
  const direction = input.direction ?? (/^(he|yi|ar|arc|fa|ur)\b/i.test(input.language) ? 'rtl' : 'ltr');
  if (input.visibility === 'group' && input.group === undefined) {
    throw new AppError('invalid_request', 400, 'visibility "group" needs a group: create the text with group: <slug>');
  }
  let groupId: number | null = null;
  if (input.group !== undefined) {
    const group = await visibleGroup(trx, viewer, input.group);
    if (!canCurateGroup(viewer, group.id)) throw new AppError('forbidden', 403, `Only owners and moderators of "${group.slug}" add its texts`);
    groupId = group.id;
  }
  let slug = input.slug;
  if (slug) {
    if (await texts.slugExists(trx, slug)) throw new AppError('slug_taken', 409, `A text "${slug}" exists already`);
  } else {
    // "new" is the page that adds a text: a text called "New" becomes new-2.
    slug = await uniqueSlug(slugify(input.title, 'text'), async (s) => s === 'new' || (await texts.slugExists(trx, s)));
  }
  const stored = storedVersion(parsed);
  await checkQuota(trx, quotas, viewer.id, { texts: 1, bytes: stored.bytes });
  const now = new Date().toISOString();
  const text = await texts.insertText(trx, {
    slug,
    title: input.title,
    language: input.language,
    direction,
    license: input.license ?? null,
    attribution: input.attribution ?? null,
    owner_id: viewer.id,
    group_id: groupId,
    visibility: input.visibility ?? 'public',
    current_version: 1,
    created_at: now,
  });
  await texts.insertVersion(trx, {
    text_id: text.id,
    number: 1,
    ...stored,
    created_by: viewer.id,
    created_at: now,
  });
  await indexItem(trx, { kind: 'text', itemId: text.id, textId: text.id, layerId: null, body: `${input.title}\n${parsed.projection}` });
  // A group's log tells who added a text to it (its title kept as it was then).
  if (groupId !== null) await recordAudit(trx, { groupId, actorId: viewer.id, action: 'text.created', reason: input.title });
  return text;
}

/** A version's stored columns: the document JSON, its projection, the segment map and their size. */
function storedVersion(parsed: ParsedText) {
  const row = { doc: parsed.doc, projection: parsed.projection, segments: JSON.stringify(parsed.segments) };
  return { ...row, bytes: versionBytes(row) };
}

/** The summary of a text used in lists. `group_slug` is shown as given: callers pass it through `shownGroupSlug`. */
export function textSummary(text: TextRow & { owner_handle?: string; group_slug?: string | null; new_posts?: number | null }) {
  return {
    ...(text.new_posts === undefined || text.new_posts === null ? {} : { new: Number(text.new_posts) }),
    slug: text.slug,
    title: text.title,
    language: text.language,
    direction: text.direction,
    license: text.license,
    attribution: text.attribution,
    visibility: text.visibility,
    owner: text.owner_handle ?? undefined,
    group: text.group_slug ?? null,
    version: { number: text.current_version },
    created: text.created_at,
  };
}

/** Texts the viewer may see. */
export async function listTexts(ctx: AppContext, viewer: Viewer | null, page: { limit: number; offset: number }) {
  const rows = await texts.listVisibleTexts(ctx.db, viewer, page.limit, page.offset);
  return rows.map((row) => textSummary({ ...row, group_slug: shownGroupSlug(viewer, row) }));
}

/**
 * Marks everything on a text read for the viewer, as of now (`POST /api/texts/:slug/read`): what
 * others write after this is new to them (docs/notifications.md §5).
 */
export async function markTextRead(ctx: AppContext, viewer: Viewer, slug: string): Promise<{ text: string; read: string }> {
  const text = await readableText(ctx.db, viewer, slug);
  const now = ctx.clock().toISOString();
  await readState.markTextRead(ctx.db, viewer.id, text.id, now);
  return { text: text.slug, read: now };
}

/** A version of a text (the current one by default), or 404. */
export async function textVersion(db: DB, text: TextRow, number = text.current_version): Promise<TextVersionRow> {
  const version = await texts.findVersion(db, text.id, number);
  if (!version) throw notFound(`Version ${number} of "${text.slug}"`);
  return version;
}

/**
 * The JSON of a text at a version: its metadata, the document, the projection and the segment
 * map. Built by splicing the stored JSON, since a text can be megabytes long.
 */
export function textVersionJson(text: TextRow, version: TextVersionRow): string {
  const meta = JSON.stringify({
    slug: text.slug,
    title: text.title,
    language: text.language,
    direction: text.direction,
    license: text.license,
    attribution: text.attribution,
    visibility: text.visibility,
    currentVersion: text.current_version,
    version: { number: version.number, created: version.created_at, sha256: version.sha256 },
    sefariaRef: text.sefaria_ref,
  });
  return `${meta.slice(0, -1)},"doc":${version.doc},"text":${JSON.stringify(version.projection)},"segments":${version.segments}}`;
}

/** The versions of a text, oldest first. */
export async function listVersions(db: DB, text: TextRow) {
  const rows = await texts.listVersions(db, text.id);
  return rows.map((r) => ({ number: r.number, created: r.created_at, createdBy: r.handle }));
}

/**
 * Adds a version: whole new content, or ProseMirror steps made against `baseVersion`, which
 * must be the current version (409 otherwise: someone else revised it first). Every gloss on
 * the text is re-anchored in the same transaction; the counts by status are returned.
 */
export async function addVersion(
  ctx: AppContext,
  viewer: Viewer,
  slug: string,
  input: CreateVersionInput,
): Promise<{ number: number; anchors: AnchorCounts }> {
  // Whole new content is parsed before the transaction (it may take a worker's time); steps are
  // applied in it, against the version they name.
  let parsedContent: ParsedText | null = null;
  if (!('steps' in input)) {
    const text = await readableText(ctx.db, viewer, slug);
    if (!canEditText(viewer, text)) throw new AppError('forbidden', 403, 'Only the owner of a text may revise it');
    parsedContent = await parseTextContent(input.format, input.content, text.title, viewer.id);
  }
  return write(ctx, async ({ trx, now, event }) => {
    const text = await readableText(trx, viewer, slug);
    if (!canEditText(viewer, text)) throw new AppError('forbidden', 403, 'Only the owner of a text may revise it');
    const current = await textVersion(trx, text);
    const oldDoc = textSchema.nodeFromJSON(JSON.parse(current.doc));
    let parsed: ParsedText;
    let mapper: TextMapper | undefined;
    if ('steps' in input) {
      if (input.baseVersion !== current.number) {
        throw new AppError('version_conflict', 409, `The steps are against version ${input.baseVersion}, but the text is at version ${current.number}`);
      }
      let newDoc: PMNode;
      ({ doc: newDoc, mapper } = applySteps(oldDoc, input.steps));
      const projection = checkTextLimits(newDoc);
      parsed = { doc: JSON.stringify(newDoc.toJSON()), projection: projection.text, segments: projection.segments };
    } else {
      parsed = parsedContent!;
    }
    const projection = { text: parsed.projection, segments: parsed.segments };
    const stored = storedVersion(parsed);
    await checkQuota(trx, ctx.quotas, viewer.id, { texts: 0, bytes: stored.bytes });
    const number = current.number + 1;
    await texts.insertVersion(trx, {
      text_id: text.id,
      number,
      ...stored,
      created_by: viewer.id,
      created_at: now,
    });
    await texts.setCurrentVersion(trx, text.id, number);
    const placed = await reanchorText(
      trx,
      text.id,
      { number: current.number, projection: current.projection },
      { number, projection: projection.text, segments: projection.segments },
      mapper,
    );
    // Report only what the reviser may see: other people's private glosses are not even counted.
    const anchors = countAnchors(placed, new Set(await visibleGlossIds(trx, viewer, text.id)));
    await indexItem(trx, { kind: 'text', itemId: text.id, textId: text.id, layerId: null, body: `${text.title}\n${projection.text}` });
    await event({
      textId: text.id,
      layerIds: [],
      kind: 'version.created',
      // No anchor counts: every reader of the text gets this event, and the counts include the
      // glosses of private layers (README, "Reading groups": a private layer shows through no door, counts included).
      payload: JSON.stringify({ text: text.slug, version: { number, created: now } }),
    });
    return { number, anchors };
  });
}

/**
 * Applies ProseMirror steps to a document and returns the new document with a mapper from old
 * projection offsets to new ones through the steps' own maps (exact, unlike a diff).
 */
function applySteps(doc: PMNode, stepsJson: unknown[]): { doc: PMNode; mapper: TextMapper } {
  const tr = new Transform(doc);
  stepsJson.forEach((json, i) => {
    let step: Step;
    try {
      step = Step.fromJSON(textSchema, json);
    } catch (e) {
      throw new AppError('invalid_steps', 422, `Step ${i} is not a valid step: ${(e as Error).message}`);
    }
    let failed: string | null;
    try {
      failed = tr.maybeStep(step).failed;
    } catch (e) {
      // Positions outside the document make ProseMirror throw a RangeError rather than fail, and
      // a node step aimed at a text node throws a plain Error ("NodeType.create can't construct
      // text nodes"): applying a step touches nothing but the step and the document, so any
      // throw means this step does not apply.
      if (!(e instanceof Error)) throw e;
      failed = e.message;
    }
    if (failed) throw new AppError('invalid_steps', 422, `Step ${i} does not apply: ${failed}`);
  });
  try {
    checkDocument(tr.doc);
  } catch (e) {
    if (e instanceof ContentError) throw new AppError('invalid_steps', 422, e.message);
    throw e;
  }
  const before = new Projection(doc);
  const after = new Projection(tr.doc);
  const mapping = tr.mapping;
  // A range is deleted when mapping its two ends meets: everything between them is gone.
  const mapper: TextMapper = {
    map(offset, assoc) {
      const pos = mapping.map(before.posAt(offset), assoc);
      return after.offsetAt(pos);
    },
    deletedBetween(start, end) {
      const a = mapping.mapResult(before.posAt(start), 1);
      const b = mapping.mapResult(before.posAt(end), -1);
      return a.pos >= b.pos;
    },
  };
  return { doc: tr.doc, mapper };
}
