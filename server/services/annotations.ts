/**
 * Writing layers through the Web Annotation Protocol: creating, replacing and deleting
 * annotations, and bulk import of an AnnotationCollection. Reading them (the container, its
 * pages, single annotations, the whole-layer export) is in annotation-export.ts.
 */
import { contextLength, type Segment } from '../../schema/anchoring/index.ts';
import { maxQuoteLength, maxSegmentRefLength, motivationShape } from '../../schema/api.ts';
import {
  codeUnitSpan,
  DafUrls,
  incomingAnnotationShape,
  readAnnotation,
  type AnnotationRequest,
  type IncomingAnnotation,
} from '../../schema/w3c.ts';
import { AppError, notFound } from '../errors.ts';
import type { DB, TextRow } from '../storage/database.ts';
import * as glosses from '../storage/glosses.ts';
import { indexItem } from '../storage/search-index.ts';
import { parseBody, type ParsedBody } from './bodies.ts';
import type { AppContext } from './context.ts';
import { write } from './write.ts';
import { createGloss, deleteGloss, selectorsJson, updateGloss } from './glosses.ts';
import { readableGloss } from './readable-posts.ts';
import { readableLayer } from './layers.ts';
import { canWriteLayer, type Viewer } from './policy.ts';
import { initialStatus } from './moderation.ts';
import { emptyCounts, toAnchorRow, type AnchorCounts } from './reanchor.ts';
import { textVersion } from './texts.ts';
import { resolveImported } from '../work/index.ts';

/** Largest number of annotations accepted in one import. */
export const maxImportSize = 5000;

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

