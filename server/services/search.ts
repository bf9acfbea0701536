/**
 * Search over texts, glosses and replies, ranked, with snippets whose matches are given as
 * ranges — never as HTML — and only over what the viewer may read. Snippets show the words as
 * written, Hebrew points and all, though the index holds them folded (services/search-snippet.ts).
 */
import type { SearchResult } from '../../schema/responses.ts';

export type { SearchResult };
import { AppError } from '../errors.ts';
import type { DB } from '../storage/database.ts';
import { describeSearchItems, indexedBodies, searchIndex, searchWords, type SearchHit } from '../storage/search-index.ts';
import type { AppContext } from './context.ts';
import type { Viewer } from './policy.ts';
import { originalSnippet, splitSnippet } from './search-snippet.ts';
import { readableText } from './texts.ts';

/** Searches; 400 when the query has no searchable word. */
export async function search(
  ctx: AppContext,
  viewer: Viewer | null,
  query: { q: string; text?: string; limit: number; offset: number },
): Promise<SearchResult[]> {
  const words = searchWords(query.q);
  if (words === null) throw new AppError('bad_query', 400, 'The query has no words to search for');
  const textId = query.text === undefined ? undefined : (await readableText(ctx.db, viewer, query.text)).id;
  const hits = await searchIndex(ctx.db, viewer, words, { textId, limit: query.limit, offset: query.offset });
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
  const bodies = await indexedBodies(db, {
    texts: hits.filter((h) => h.kind === 'text').map((h) => Number(h.item_id)),
    glosses: hits.filter((h) => h.kind === 'gloss').map((h) => Number(h.item_id)),
    replies: hits.filter((h) => h.kind === 'reply').map((h) => Number(h.item_id)),
  });
  const bodyOf = new Map(bodies.map((b) => [`${b.kind}:${Number(b.id)}`, b.body]));
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
      ...snippetOf(bodyOf.get(`${h.kind}:${id}`), h.snippet),
    };
  });
}

/**
 * A hit's snippet cut from the words as written (`body`, what the item was indexed from), or
 * FTS5's folded snippet when it cannot be placed there exactly.
 */
function snippetOf(body: string | undefined, marked: string) {
  return (body === undefined ? null : originalSnippet(body, marked)) ?? splitSnippet(marked);
}

/** The segment ref a gloss's selectors name, if any. */
function segmentOf(selectors: string): string | null {
  const segment = (JSON.parse(selectors) as { segment?: unknown }).segment;
  return typeof segment === 'string' ? segment : null;
}
