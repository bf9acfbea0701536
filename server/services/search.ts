/**
 * Search over texts, glosses and replies, ranked, with snippets whose matches are given as
 * ranges — never as HTML — and only over what the viewer may read.
 */
import { AppError } from '../errors.ts';
import type { DB } from '../storage/database.ts';
import { describeSearchItems, matchClose, matchOpen, searchIndex, toMatchQuery, type SearchHit } from '../storage/search-index.ts';
import type { AppContext } from './context.ts';
import type { Viewer } from './policy.ts';
import { readableText } from './texts.ts';

/** One result. `highlights` are [start, end) ranges of matched words inside `snippet`. */
export interface SearchResult {
  kind: 'text' | 'gloss' | 'reply';
  id: number;
  text: string;
  textTitle: string;
  layer: string | null;
  /** The layer's name, as the reader shows it. */
  layerName: string | null;
  gloss: number | null;
  /** The passage a gloss or reply is on (its gloss's segment ref when written: "1:4"); null for a text. */
  ref: string | null;
  snippet: string;
  highlights: [number, number][];
}

/** Splits an FTS snippet with match markers into plain text and highlight ranges. */
export function splitSnippet(marked: string): { snippet: string; highlights: [number, number][] } {
  let snippet = '';
  const highlights: [number, number][] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === matchOpen) open = snippet.length;
    else if (ch === matchClose) {
      if (open >= 0) highlights.push([open, snippet.length]);
      open = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

/** Searches; 400 when the query has no searchable word. */
export async function search(
  ctx: AppContext,
  viewer: Viewer | null,
  query: { q: string; text?: string; limit: number; offset: number },
): Promise<SearchResult[]> {
  const match = toMatchQuery(query.q);
  if (match === null) throw new AppError('bad_query', 400, 'The query has no words to search for');
  const textId = query.text === undefined ? undefined : (await readableText(ctx.db, viewer, query.text)).id;
  const hits = await searchIndex(ctx.db, viewer, match, { textId, limit: query.limit, offset: query.offset });
  return describeHits(ctx.db, hits);
}

async function describeHits(db: DB, hits: SearchHit[]): Promise<SearchResult[]> {
  if (hits.length === 0) return [];
  const described = await describeSearchItems(db, {
    texts: [...new Set(hits.map((h) => Number(h.text_id)))],
    layers: [...new Set(hits.map((h) => h.layer_id).filter((id): id is number => id !== null).map(Number))],
    replies: hits.filter((h) => h.kind === 'reply').map((h) => Number(h.item_id)),
    glosses: hits.filter((h) => h.kind === 'gloss').map((h) => Number(h.item_id)),
  });
  const textRows = described.texts;
  const layerRows = described.layers;
  const replyRows = described.replies;
  const textsById = new Map(textRows.map((t) => [t.id, t]));
  const layersById = new Map(layerRows.map((l) => [l.id, l]));
  const glossOfReply = new Map(replyRows.map((r) => [r.id, r.gloss_id]));
  const refOfGloss = new Map(described.glosses.map((g) => [g.id, segmentOf(g.selectors)]));
  return hits.map((h) => {
    const t = textsById.get(Number(h.text_id))!;
    const id = Number(h.item_id);
    const layer = h.layer_id === null ? undefined : layersById.get(Number(h.layer_id));
    const gloss = h.kind === 'gloss' ? id : h.kind === 'reply' ? (glossOfReply.get(id) ?? null) : null;
    return {
      kind: h.kind,
      id,
      text: t.slug,
      textTitle: t.title,
      layer: layer?.slug ?? null,
      layerName: layer?.name ?? null,
      gloss,
      ref: gloss === null ? null : (refOfGloss.get(gloss) ?? null),
      ...splitSnippet(h.snippet),
    };
  });
}

/** The segment ref a gloss's selectors name, if any. */
function segmentOf(selectors: string): string | null {
  const segment = (JSON.parse(selectors) as { segment?: unknown }).segment;
  return typeof segment === 'string' ? segment : null;
}
