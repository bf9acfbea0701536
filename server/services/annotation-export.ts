/**
 * Reading layers as W3C annotations: the container and its pages, a single annotation, a whole
 * layer for `daf export-layer`, and a person's annotations for their account export
 * (docs/deliberation.md §6 for stances and decisions). Writing through the protocol is in
 * annotations.ts.
 */
import { createHash } from 'node:crypto';
import {
  annoContext,
  containerPageSize,
  DafUrls,
  glossToAnnotation,
  stanceToAnnotation,
  type DecisionForExport,
  type GlossForExport,
} from '../../schema/w3c.ts';
import { CodePointIndex } from '../../schema/code-points.ts';
import { notFound } from '../errors.ts';
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
import { findTextById } from '../storage/texts.ts';
import type { AppContext } from './context.ts';
import { readableLayer } from './layers.ts';
import type { Viewer } from './policy.ts';
import type { StoredSelectors } from './reanchor.ts';
import { textVersion } from './texts.ts';

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
