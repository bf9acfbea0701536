/**
 * Layers as W3C annotation containers: the collection and its pages, single annotations,
 * creating, replacing and deleting through the Web Annotation Protocol, bulk import of an
 * AnnotationCollection, and the full export used by `daf export-layer`.
 */
import { createHash } from 'node:crypto';
import { contextLength, type Segment } from '../../schema/anchoring/index.ts';
import { maxQuoteLength, maxSegmentRefLength, motivationShape } from '../../schema/api.ts';
import { CodePointIndex } from '../../schema/code-points.ts';
import {
  annoContext,
  containerPageSize,
  DafUrls,
  glossToAnnotation,
  incomingAnnotationShape,
  readAnnotation,
  stanceToAnnotation,
  type AnnotationRequest,
  type DecisionForExport,
  type GlossForExport,
  type IncomingAnnotation,
} from '../../schema/w3c.ts';
import { AppError, notFound } from '../errors.ts';
import type { DB, TextRow } from '../storage/database.ts';
import {
  annotationRowsByAuthor,
  countLayerAnnotations,
  countLayerStances,
  layerAnnotationRows,
  layerDecisionRows,
  layerStanceRows,
  type AnnotationRow,
  type LayerSelection,
} from '../storage/annotations.ts';
import * as glosses from '../storage/glosses.ts';
import { indexItem } from '../storage/search-index.ts';
import { findTextById } from '../storage/texts.ts';
import { parseBody, type ParsedBody } from './bodies.ts';
import type { AppContext } from './context.ts';
import { write } from './write.ts';
import { createGloss, deleteGloss, selectorsJson, updateGloss } from './glosses.ts';
import { readableGloss } from './readable-posts.ts';
import { readableLayer } from './layers.ts';
import { canWriteLayer, type Viewer } from './policy.ts';
import { initialStatus } from './moderation.ts';
import { emptyCounts, toAnchorRow, type AnchorCounts, type StoredSelectors } from './reanchor.ts';
import { textVersion } from './texts.ts';
import { resolveImported } from '../work/index.ts';

/** Largest number of annotations accepted in one import. */
export const maxImportSize = 5000;

/**
 * A selection of a layer's glosses as annotations: each gloss, with the decision in force on it
 * (what it adopted named only to a reader who may read that), followed, with `withStances`, by
 * the stances given on it with a reason as `assessing` annotations, and every stance counted on it
 * (docs/deliberation.md §6).
 */
async function layerAnnotations(
  db: DB,
  viewer: Viewer | null,
  text: TextRow,
  selection: LayerSelection,
  urls: DafUrls,
  withStances = true,
): Promise<{ rows: AnnotationRow[]; items: Record<string, unknown>[] }> {
  const rows = await layerAnnotationRows(db, viewer, selection);
  const decisions = new Map((await layerDecisionRows(db, viewer, selection)).map((d) => [d.gloss_id, decisionForExport(d)]));
  const stanceRows = rows.length === 0 ? [] : await layerStanceRows(db, viewer, selection);
  // Every stance is counted on its gloss, as listings count them; only one given with a reason
  // is an annotation of its own, naming its author, as listings name the authors of reasons only.
  const counts = new Map<number, { agree: number; disagree: number; abstain: number }>();
  for (const st of stanceRows) {
    const c = counts.get(st.gloss_id) ?? { agree: 0, disagree: 0, abstain: 0 };
    c[st.stance as 'agree' | 'disagree' | 'abstain']++;
    counts.set(st.gloss_id, c);
  }
  const glosses = await toAnnotations(db, text, rows, urls, decisions, counts);
  if (!withStances || rows.length === 0) return { rows, items: glosses };
  // Every gloss of a selection is in the one layer.
  const layerSlug = rows[0].layer_slug;
  const stances = new Map<number, Record<string, unknown>[]>();
  for (const st of stanceRows) {
    if (st.reason === null) continue;
    const gloss = { id: st.gloss_id, textSlug: text.slug, layerSlug };
    const annotation = stanceToAnnotation({ gloss, stance: st.stance, reason: st.reason, created: st.created_at, updated: st.updated_at, author: { handle: st.handle, name: st.display_name } }, urls);
    const list = stances.get(st.gloss_id);
    if (list) list.push(annotation);
    else stances.set(st.gloss_id, [annotation]);
  }
  return { rows, items: rows.flatMap((r, i) => [glosses[i], ...(stances.get(r.id) ?? [])]) };
}

/** A decision row as the exporter takes it: the adopted reading only where the row names it. */
function decisionForExport(d: Awaited<ReturnType<typeof layerDecisionRows>>[number]): DecisionForExport {
  let adopted: DecisionForExport['adopted'] = null;
  if (d.adopted_id !== null && d.adopted_kind === 'reply') adopted = { kind: 'reply', id: d.adopted_id };
  if (d.adopted_id !== null && d.adopted_kind === 'gloss' && d.adopted_layer_slug !== null) adopted = { kind: 'gloss', id: d.adopted_id, layerSlug: d.adopted_layer_slug };
  return {
    statement: d.statement,
    adopted,
    decidedBy: { handle: d.handle, name: d.display_name },
    decidedAt: d.decided_at,
    reviewOn: d.review_on,
    dissent: JSON.parse(d.dissent) as DecisionForExport['dissent'],
  };
}

/**
 * Every gloss the viewer wrote, has not deleted and may still read, whatever its state (waiting
 * for a moderator, hidden), as annotations, text by text: what they take with them (an account's
 * export). A gloss in a place they can no longer read (a group that banned them, a text made
 * private) stays there: its quote is of words they may no longer see.
 */
export async function annotationsByAuthor(db: DB, viewer: Viewer, urls: DafUrls): Promise<Record<string, unknown>[]> {
  const rows = await annotationRowsByAuthor(db, viewer);
  const byText = new Map<number, AnnotationRow[]>();
  for (const r of rows) {
    const list = byText.get(r.text_id);
    if (list) list.push(r);
    else byText.set(r.text_id, [r]);
  }
  const out: Record<string, unknown>[] = [];
  for (const [textId, textRows] of byText) out.push(...(await toAnnotations(db, (await findTextById(db, textId))!, textRows, urls)));
  return out;
}

/**
 * Converts rows to annotations, each with the decision `decisions` holds for it and the stance
 * counts `stanceCounts` holds; offsets are
 * converted against the text each was made on.
 */
async function toAnnotations(
  db: DB,
  text: TextRow,
  rows: AnnotationRow[],
  urls: DafUrls,
  decisions = new Map<number, DecisionForExport>(),
  stanceCounts = new Map<number, { agree: number; disagree: number; abstain: number }>(),
): Promise<Record<string, unknown>[]> {
  const versionIndex = new Map<number, CodePointIndex>();
  const out: Record<string, unknown>[] = [];
  for (const r of rows) {
    const sel = JSON.parse(r.selectors) as StoredSelectors;
    let index: CodePointIndex;
    if (r.target_gloss_id !== null) {
      index = new CodePointIndex(r.target_body_text ?? '');
    } else {
      const v = r.target_version;
      if (!versionIndex.has(v)) versionIndex.set(v, new CodePointIndex((await textVersion(db, text, v)).projection));
      index = versionIndex.get(v)!;
    }
    const g: GlossForExport = {
      id: r.id,
      textSlug: text.slug,
      layerSlug: r.layer_slug,
      targetGloss: r.target_gloss_id === null ? null : { id: r.target_gloss_id, layerSlug: r.target_layer_slug ?? '' },
      motivation: r.motivation,
      created: r.created_at,
      updated: r.updated_at,
      author: { handle: r.author_handle, name: r.author_name },
      bodyDoc: JSON.parse(r.body_doc),
      selectors: sel,
      decision: decisions.get(r.id) ?? null,
      stances: stanceCounts.get(r.id) ?? null,
    };
    // Offsets past a body that has since changed cannot be converted: clamp to its length.
    const s = { ...sel, start: Math.min(sel.start, index.text.length), end: Math.min(sel.end, index.text.length) };
    out.push(glossToAnnotation({ ...g, selectors: s }, urls, index));
  }
  return out;
}

/** A weak validator for a set of rows: changes whenever any of them changes. */
function etagOf(parts: (string | number)[]): string {
  return `W/"${createHash('sha256').update(parts.join('|')).digest('base64url').slice(0, 27)}"`;
}

/**
 * How many active glosses of a layer the viewer may see, how many items their annotations make
 * (each gloss and the stances on it), and a tag that changes whenever any of them does.
 */
async function countActive(db: DB, viewer: Viewer | null, layerId: number): Promise<{ glosses: number; total: number; tag: string }> {
  const g = await countLayerAnnotations(db, viewer, layerId);
  const s = await countLayerStances(db, viewer, { layerId, statuses: ['active'] });
  return { glosses: g.total, total: g.total + s.stances, tag: [g.total, g.lastUpdated, g.lastId, g.lastDecision, s.stances, s.lastUpdated].join(':') };
}

/**
 * The container (`page` undefined) or one of its pages. The container embeds nothing but
 * links to its first and last pages, as the protocol's PreferMinimalContainer would. A page holds
 * `containerPageSize` glosses, each followed by the stances on it, so `total` and `startIndex`
 * count both.
 */
export async function containerDocument(
  ctx: AppContext,
  viewer: Viewer | null,
  textSlug: string,
  layerSlug: string,
  urls: DafUrls,
  page?: number,
): Promise<{ body: Record<string, unknown>; etag: string }> {
  const { text, layer } = await readableLayer(ctx.db, viewer, textSlug, layerSlug);
  const { glosses, total, tag } = await countActive(ctx.db, viewer, layer.id);
  const containerUrl = urls.container(text.slug, layer.slug);
  const lastPage = Math.max(0, Math.ceil(glosses / containerPageSize) - 1);
  const etag = etagOf([layer.id, layer.name, layer.visibility, tag, page ?? 'c']);
  if (page === undefined) {
    return {
      etag,
      body: {
        '@context': [annoContext, 'http://www.w3.org/ns/ldp.jsonld'],
        id: containerUrl,
        type: ['BasicContainer', 'AnnotationCollection'],
        label: layer.name,
        total,
        first: `${containerUrl}?page=0`,
        last: `${containerUrl}?page=${lastPage}`,
      },
    };
  }
  if (page > lastPage) throw notFound(`Page ${page}`);
  const offset = page * containerPageSize;
  const selection = { layerId: layer.id, statuses: ['active' as const] };
  const { items } = await layerAnnotations(ctx.db, viewer, text, { ...selection, page: { limit: containerPageSize, offset } }, urls);
  const before = offset === 0 ? 0 : (await countLayerStances(ctx.db, viewer, { ...selection, page: { limit: offset, offset: 0 } })).stances;
  const body: Record<string, unknown> = {
    '@context': annoContext,
    id: `${containerUrl}?page=${page}`,
    type: 'AnnotationPage',
    partOf: { id: containerUrl, label: layer.name, total },
    startIndex: offset + before,
    items,
  };
  if (page > 0) body.prev = `${containerUrl}?page=${page - 1}`;
  if (page < lastPage) body.next = `${containerUrl}?page=${page + 1}`;
  // The page itself goes into its tag: what a decision may name differs from one reader to another.
  return { body, etag: etagOf([etag, JSON.stringify(body)]) };
}

/** The whole layer as one AnnotationCollection with every annotation embedded (for export). */
export async function exportLayer(ctx: AppContext, viewer: Viewer | null, textSlug: string, layerSlug: string, urls: DafUrls) {
  const { text, layer } = await readableLayer(ctx.db, viewer, textSlug, layerSlug);
  const { items } = await layerAnnotations(ctx.db, viewer, text, { layerId: layer.id, statuses: ['active'] }, urls);
  const containerUrl = urls.container(text.slug, layer.slug);
  return {
    '@context': annoContext,
    id: containerUrl,
    type: 'AnnotationCollection',
    label: layer.name,
    total: items.length,
    first: {
      id: `${containerUrl}?page=all`,
      type: 'AnnotationPage',
      startIndex: 0,
      items,
    },
  };
}

/**
 * One annotation with its ETag; 404 unless it is an active gloss of this layer (or, with
 * `includePending`, one still waiting for a moderator that the viewer may see: its author's
 * answer to the POST that created it). The stances on it are annotations of their own, in the
 * container's pages.
 */
export async function annotationDocument(
  ctx: AppContext,
  viewer: Viewer | null,
  textSlug: string,
  layerSlug: string,
  id: number,
  urls: DafUrls,
  includePending = false,
): Promise<{ body: Record<string, unknown>; etag: string }> {
  const { text, layer } = await readableLayer(ctx.db, viewer, textSlug, layerSlug);
  const selection: LayerSelection = { layerId: layer.id, statuses: includePending ? ['active', 'pending'] : ['active'], glossId: id };
  const { rows, items } = await layerAnnotations(ctx.db, viewer, text, selection, urls, false);
  if (rows.length === 0) throw notFound(`Annotation ${id}`);
  const [body] = items;
  // The representation itself goes into the tag: `updated_at` alone counts milliseconds, and two
  // writes within one would keep the ETag, letting a stale If-Match overwrite the newer one.
  return { body, etag: etagOf([id, rows[0].updated_at, JSON.stringify(body)]) };
}

/** Parses an incoming annotation, 400 when it is not one. */
export function parseAnnotation(value: unknown): AnnotationRequest {
  const parsed = incomingAnnotationShape.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_annotation', 400, `Not a Web Annotation: ${issue.path.join('.')} ${issue.message}`);
  }
  return readAnnotation(parsed.data as IncomingAnnotation);
}

function motivationOf(req: AnnotationRequest) {
  const m = motivationShape.safeParse(req.motivation);
  return m.success ? m.data : 'commenting';
}

/** The id of the gloss on this text that an annotation's `source` names, or null for the text. */
function sourceGloss(req: AnnotationRequest, text: TextRow, urls: DafUrls): number | null {
  if (req.source === urls.text(text.slug) || req.source === `${urls.base}/api/texts/${text.slug}`) return null;
  const prefix = `${urls.base}/annotations/${encodeURIComponent(text.slug)}/`;
  if (req.source.startsWith(prefix)) {
    const id = Number(req.source.slice(prefix.length).split('/')[1]);
    if (Number.isSafeInteger(id) && id > 0) return id;
  }
  throw new AppError('unknown_source', 422, `The target source ${req.source.slice(0, 200)} is not this text or a gloss on it`);
}

/** Creates a gloss from a POSTed annotation; the quote must be found (422 otherwise). */
export async function createFromAnnotation(
  ctx: AppContext,
  viewer: Viewer,
  textSlug: string,
  layerSlug: string,
  value: unknown,
  urls: DafUrls,
): Promise<{ id: number }> {
  const req = parseAnnotation(value);
  const { text } = await readableLayer(ctx.db, viewer, textSlug, layerSlug);
  const glossId = sourceGloss(req, text, urls);
  if (isStance(req) && glossId !== null) {
    throw new AppError(
      'assessment_not_supported',
      422,
      `An assessment of a whole gloss is a stance: take it with PUT /api/glosses/${glossId}/stance {stance, reason}. A container takes glosses, which quote what they are on (a TextQuoteSelector)`,
    );
  }
  if (!req.exact) throw new AppError('invalid_annotation', 400, 'The target needs a TextQuoteSelector');
  // Refused, not cut short: a shortened quote would anchor the gloss to less than was selected.
  if (req.exact.length > maxQuoteLength) throw new AppError('invalid_annotation', 400, `A quote may be at most ${maxQuoteLength} characters long`);
  const targetText =
    glossId === null ? (await textVersion(ctx.db, text)).projection : (await readableGloss(ctx.db, viewer, glossId)).gloss.body_text;
  const span = codeUnitSpan(req, targetText);
  const { id } = await createGloss(ctx, viewer, textSlug, layerSlug, {
    target: {
      exact: req.exact,
      prefix: req.prefix.slice(-1000),
      suffix: req.suffix.slice(0, 1000),
      ...(span ?? {}),
      ...(glossId === null ? {} : { gloss: glossId }),
    },
    body: req.body,
    motivation: motivationOf(req),
  });
  return { id };
}

/**
 * Whether an annotation assesses a whole annotation, quoting none of it: what Daf exports a stance
 * as (docs/deliberation.md §6), which the W3C doors do not take in. An `assessing` annotation that
 * quotes its target is a gloss like any other.
 */
function isStance(req: AnnotationRequest): boolean {
  return req.motivation === 'assessing' && req.exact === null;
}

/** The UTF-16 span of an annotation's TextPositionSelector, or null if it has none that fits. */
function codeUnitSpan(req: AnnotationRequest, targetText: string): { start: number; end: number } | null {
  if (req.cpStart === null || req.cpEnd === null) return null;
  const index = new CodePointIndex(targetText);
  if (req.cpStart < 0 || req.cpEnd < req.cpStart || req.cpEnd > index.length) return null;
  return { start: index.toCodeUnits(req.cpStart), end: index.toCodeUnits(req.cpEnd) };
}

/** Replaces an annotation's body and motivation (its target stays: glosses do not move by PUT). */
export async function replaceAnnotation(ctx: AppContext, viewer: Viewer, textSlug: string, layerSlug: string, id: number, value: unknown) {
  const req = parseAnnotation(value);
  await ensureInLayer(ctx, viewer, textSlug, layerSlug, id);
  await updateGloss(ctx, viewer, id, { body: req.body, motivation: motivationOf(req) });
}

/** Deletes an annotation. */
export async function deleteAnnotation(ctx: AppContext, viewer: Viewer, textSlug: string, layerSlug: string, id: number) {
  await ensureInLayer(ctx, viewer, textSlug, layerSlug, id);
  await deleteGloss(ctx, viewer, id);
}

async function ensureInLayer(ctx: AppContext, viewer: Viewer, textSlug: string, layerSlug: string, id: number) {
  const { layer } = await readableLayer(ctx.db, viewer, textSlug, layerSlug);
  const gloss = await glosses.findGloss(ctx.db, id);
  if (!gloss || gloss.layer_id !== layer.id || gloss.status !== 'active') throw notFound(`Annotation ${id}`);
}

/** The annotations of an AnnotationCollection, an AnnotationPage, or a plain array. */
export function annotationsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.items)) return v.items;
    const pages: unknown[] = [];
    let page = v.first;
    for (let i = 0; page && typeof page === 'object' && i < 1000; i++) {
      const p = page as Record<string, unknown>;
      if (Array.isArray(p.items)) pages.push(...p.items);
      page = p.next;
    }
    // A page given only by its URL (a minimal container, or a `next` link) is not fetched:
    // importing the pages before it alone would silently drop the rest.
    if (typeof page === 'string') {
      throw new AppError('invalid_annotation', 400, 'Embed every AnnotationPage of the collection (`first` and each `next`); linked pages are not fetched');
    }
    if (pages.length > 0 || 'first' in v) return pages;
  }
  throw new AppError('invalid_annotation', 400, 'Send an AnnotationCollection with embedded pages, an AnnotationPage, or an array of annotations');
}

/**
 * Why an annotation that parsed cleanly still cannot come in, or null if it can: it is held to
 * what POST glosses accepts, so an import is no wider a door than the API.
 */
function importSkipReason(req: AnnotationRequest, body: ParsedBody, textUrl: string): string | null {
  if (isStance(req)) return 'a stance on a gloss (an assessment quoting nothing): stances are not imported';
  if (req.source !== textUrl) return 'target is not this text';
  if (!req.exact) return 'no TextQuoteSelector';
  if (req.exact.length > maxQuoteLength) return `quote longer than ${maxQuoteLength} characters`;
  if (req.segment !== null && req.segment.length > maxSegmentRefLength) return `segment ref longer than ${maxSegmentRefLength} characters`;
  if (body.text.trim().length === 0 && motivationOf(req) !== 'highlighting') return 'empty body (only a highlight may have none)';
  return null;
}

/** The text and layer an import writes in (the viewer may write there), with the text's current version. */
async function importTarget(db: DB, viewer: Viewer, textSlug: string, layerSlug: string) {
  const { text, layer } = await readableLayer(db, viewer, textSlug, layerSlug);
  if (!canWriteLayer(viewer, text, layer)) throw new AppError('forbidden', 403, `You may not write in layer "${layer.slug}"`);
  return { text, layer, version: await textVersion(db, text) };
}

/**
 * Imports annotations into a layer in one transaction, anchoring each through the §5 ladder
 * down to its segment (an import may land as `fuzzy` or `segment` where POST glosses would
 * want the exact words). What the API would refuse is reported in `skipped`, with its index and
 * the reason, and not imported: a target that is not this text, a missing or over-long quote,
 * an over-long segment ref, an empty body, and a quote found nowhere (the API's 422
 * `anchor_not_found`: an import does not fill the page's "unanchored" list). Malformed input
 * or a value over the API's limits (a body over `maxBodyLength`) fails the whole request with
 * 400 naming the annotation, as the author of the file has to mend it anyway.
 */
export async function importAnnotations(ctx: AppContext, viewer: Viewer, textSlug: string, layerSlug: string, value: unknown, urls: DafUrls) {
  const items = annotationsOf(value);
  if (items.length > maxImportSize) throw new AppError('too_many', 413, `At most ${maxImportSize} annotations per import`);
  const requests = items.map((item, i) => {
    try {
      return parseAnnotation(item);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, e.status, `Annotation ${i}: ${e.message}`);
      throw e;
    }
  });
  const bodies = requests.map((r) => parseBody(r.body, { allowEmpty: true }));
  // Resolving every quote may take a worker's time (a long text, quotes with no position): it is
  // done before the transaction, which holds the database for everyone, which then checks that the
  // text is still at the version they were resolved in.
  const planned = await importTarget(ctx.db, viewer, textSlug, layerSlug);
  const placing = requests.map((req, i) => {
    const reason = importSkipReason(req, bodies[i], urls.text(planned.text.slug));
    if (reason !== null) return { reason };
    const exact = req.exact!;
    const prefix = req.prefix.slice(-contextLength);
    const suffix = req.suffix.slice(0, contextLength);
    const span = codeUnitSpan(req, planned.version.projection);
    return { reason: null, span, selectors: { exact, prefix, suffix, start: span?.start ?? null, end: span?.end ?? null, segment: req.segment } };
  });
  const toResolve = placing.flatMap((p) => (p.selectors ? [p.selectors] : []));
  const resolved = await resolveImported(planned.version.projection, JSON.parse(planned.version.segments) as Segment[], toResolve, viewer.id);
  return write(ctx, async ({ trx, now, event }) => {
    const { text, layer, version } = await importTarget(trx, viewer, textSlug, layerSlug);
    if (version.number !== planned.version.number) throw new AppError('target_changed', 409, 'The text changed while the import was being placed; send it again');
    const segments = JSON.parse(version.segments) as Segment[];
    const status = await initialStatus(trx, viewer, layer);
    const counts: AnchorCounts = emptyCounts();
    const skipped: { index: number; reason: string }[] = [];
    let next = 0;
    for (let i = 0; i < requests.length; i++) {
      const req = requests[i];
      const place = placing[i];
      if (!place.selectors) {
        skipped.push({ index: i, reason: place.reason! });
        continue;
      }
      const { exact, prefix, suffix } = place.selectors;
      const span = place.span;
      const anchor = resolved[next++];
      if (anchor.status === 'orphan') {
        skipped.push({ index: i, reason: 'quote not found in the text' });
        continue;
      }
      counts[anchor.status]++;
      // Every stored field is bounded: selectors described from the text itself, or, on a whole
      // segment, the quote (at most maxQuoteLength), its context cut to contextLength, and a
      // segment ref the text has.
      const selectors =
        anchor.start !== null && anchor.status !== 'segment'
          ? selectorsJson(version.projection, anchor.start, anchor.end, segments)
          : JSON.stringify({ exact, prefix, suffix, start: span?.start ?? 0, end: span?.end ?? 0, segment: req.segment });
      const gloss = await glosses.insertGloss(trx, {
        layer_id: layer.id,
        text_id: text.id,
        target_gloss_id: null,
        target_version: version.number,
        selectors,
        body_doc: bodies[i].json,
        body_text: bodies[i].text,
        body_revision: 1,
        author_id: viewer.id,
        motivation: motivationOf(req),
        status,
        created_at: now,
        updated_at: now,
      });
      await glosses.upsertAnchors(trx, [toAnchorRow(gloss.id, version.number, anchor, version.projection)]);
      await indexItem(trx, { kind: 'gloss', itemId: gloss.id, textId: text.id, layerId: layer.id, body: bodies[i].text });
    }
    await event({
      textId: text.id,
      layerIds: [layer.id],
      kind: 'layer.updated',
      payload: JSON.stringify({ slug: layer.slug, imported: requests.length - skipped.length }),
    });
    return { imported: requests.length - skipped.length, anchors: counts, skipped };
  });
}

