/**
 * The full-text index on PostgreSQL (docs/postgres.md §4): a table of entries, one per item or,
 * for a long text, per chunk of it (a `tsvector` holds at most 1 MB), each with its folded words
 * (`body`, for snippets) and its terms — the words folded further as SQLite's `unicode61`
 * tokenizer folds them (case, Latin diacritics) — from which a generated `tsvector` is made and
 * GIN-indexed. Queries are built from the same terms, so both dialects find the same items.
 * Snippets are cut here, in JavaScript, in FTS5's form (`markSnippet`), so the search service
 * treats both alike.
 */
import { sql, type Expression } from 'kysely';
import type { Viewer } from '../../viewer.ts';
import type { DB } from '../database.ts';
import { visibleHits } from '../search-hits.ts';
import { foldForSearch, matchClose, matchOpen, snippetEllipsis, type SearchHit, type SearchKind } from '../search-text.ts';

/** The most UTF-16 units of folded text in one entry: far below a `tsvector`'s 1 MB. */
export const chunkUnits = 16_000;
/** How many words a snippet shows, as FTS5's snippet does. */
const snippetWords = 16;

const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

/** A word as a search term: lower case, Latin diacritics removed (what `unicode61 remove_diacritics 2` does). */
export function term(word: string): string {
  // ASCII has nothing to decompose: the fast path most English words take.
  if (/^[\x00-\x7f]*$/.test(word)) return word.toLowerCase();
  return word.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
}

/** The terms of folded text, space-separated: what the `tsvector` is made of. */
export function termsOf(folded: string): string {
  return Array.from(folded.matchAll(wordPattern), (m) => term(m[0])).join(' ');
}

/** Folded text cut into entries of at most `chunkUnits`, at line ends where it can, else at a space. */
export function chunksOf(folded: string): string[] {
  const chunks: string[] = [];
  let rest = folded;
  while (rest.length > chunkUnits) {
    let cut = rest.lastIndexOf('\n', chunkUnits);
    if (cut < chunkUnits / 2) cut = rest.lastIndexOf(' ', chunkUnits);
    if (cut < chunkUnits / 2) cut = chunkUnits;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  chunks.push(rest);
  return chunks;
}

/** The words as a `tsquery`: every term required, the last as a prefix. Words hold no quotes (`searchWords`). */
export function toTsQuery(words: string[]): string {
  return words.map((w, i) => `'${term(w)}'${i === words.length - 1 ? ':*' : ''}`).join(' & ');
}

/** Whether the token starting at `start` begins a sentence as FTS5's snippet sees one: after `.` or `:` and white space. */
function startsSentence(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && ' \t\n\r'.includes(text[i])) i--;
  return i !== start - 1 && i >= 0 && (text[i] === '.' || text[i] === ':');
}

/**
 * A snippet of folded text in FTS5's form, chosen as FTS5's `snippet()` chooses (so both
 * dialects show the same passage): about `snippetWords` words, the matched words between
 * `matchOpen` and `matchClose`, `…` where it cuts. Each match is a candidate twice: the window
 * from it, scored 1000 for each distinct query word it holds and 1 for each repeat, then moved
 * back to centre its matches; and the window from the start of its sentence, scored the same
 * plus 100 (120 at the text's start). The first best wins.
 */
export function markSnippet(folded: string, words: string[]): string {
  const wanted = words.map(term);
  const tokens = Array.from(folded.matchAll(wordPattern), (m) => ({ start: m.index!, end: m.index! + m[0].length, term: term(m[0]) }));
  const matchOf = (t: string) => wanted.findIndex((w, i) => (i === wanted.length - 1 ? t.startsWith(w) : t === w));
  const matched = tokens.map((t) => matchOf(t.term));
  const hits = matched.flatMap((m, i) => (m >= 0 ? [i] : []));
  const sentences = tokens.flatMap((t, i) => (i === 0 || startsSentence(folded, t.start) ? [i] : []));
  /** The score of the window from `from`, and where its matches, centred, would start it. */
  const score = (from: number) => {
    const inside = hits.filter((i) => i >= from && i < from + snippetWords);
    const seen = new Set<number>();
    let points = 0;
    for (const i of inside) {
      points += seen.has(matched[i]) ? 1 : 1000;
      seen.add(matched[i]);
    }
    const first = inside[0];
    const span = inside[inside.length - 1] + 1 - first;
    const centred = Math.max(0, Math.min(first - Math.trunc((snippetWords - span) / 2), tokens.length - snippetWords));
    return { points, centred };
  };
  let best = 0;
  let bestScore = 0;
  for (const hit of hits) {
    const own = score(hit);
    if (own.points > bestScore) [best, bestScore] = [own.centred, own.points];
    if (tokens.length > snippetWords) {
      const sentence = sentences.findLast((s) => s <= hit) ?? 0;
      if (sentence < hit) {
        const points = score(sentence).points + (sentence === 0 ? 120 : 100);
        if (points > bestScore) [best, bestScore] = [sentence, points];
      }
    }
  }
  const last = Math.min(tokens.length, best + snippetWords) - 1;
  if (last < 0) return folded.slice(0, 200);
  const from = best === 0 ? 0 : tokens[best].start;
  const to = last === tokens.length - 1 ? folded.length : tokens[last].end;
  let out = best === 0 ? '' : snippetEllipsis;
  let at = from;
  for (let i = best; i <= last; i++) {
    if (matched[i] < 0) continue;
    out += `${folded.slice(at, tokens[i].start)}${matchOpen}${folded.slice(tokens[i].start, tokens[i].end)}${matchClose}`;
    at = tokens[i].end;
  }
  return out + folded.slice(at, to) + (to < folded.length ? snippetEllipsis : '');
}

type Item = { kind: SearchKind; itemId: number; textId: number; layerId: number | null; body: string };

/** An item's entries: one per chunk of its folded words. */
function entriesOf(item: Item) {
  return chunksOf(foldForSearch(item.body)).map((body, chunk) => ({
    kind: item.kind,
    item_id: item.itemId,
    chunk,
    text_id: item.textId,
    layer_id: item.layerId,
    body,
    terms: termsOf(body),
  }));
}

export async function indexItem(db: DB, item: Item): Promise<void> {
  await removeItem(db, item.kind, item.itemId);
  await db.insertInto('search_index' as never).values(entriesOf(item) as never).execute();
}

/** The most entries one statement inserts: 7 parameters each, far below PostgreSQL's 65,535. */
const entriesPerInsert = 1000;

/** Adds the entries of items not in the index yet, many to a statement. */
export async function indexNewItems(db: DB, items: Item[]): Promise<void> {
  const entries = items.flatMap(entriesOf);
  for (let at = 0; at < entries.length; at += entriesPerInsert) {
    await db.insertInto('search_index' as never).values(entries.slice(at, at + entriesPerInsert) as never).execute();
  }
}

/** How many items have entries. */
export async function indexedItemCount(db: DB): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT DISTINCT kind, item_id FROM search_index) AS items`.execute(db);
  return rows[0].n;
}

export async function removeItem(db: DB, kind: SearchKind, itemId: number): Promise<void> {
  await sql`DELETE FROM search_index WHERE kind = ${kind} AND item_id = ${itemId}`.execute(db);
}

export async function removeItemsIn(db: DB, kind: SearchKind, ids: Expression<{ id: number }>): Promise<void> {
  await sql`DELETE FROM search_index WHERE kind = ${kind} AND item_id IN (SELECT item.id FROM (${ids}) AS item)`.execute(db);
}

interface Matched {
  kind: SearchKind;
  item_id: number;
  text_id: number;
  layer_id: number | null;
  body: string;
  rank: number;
}

export async function searchIndex(db: DB, viewer: Viewer | null, words: string[], options: { textId?: number; limit: number; offset: number }): Promise<SearchHit[]> {
  const query = toTsQuery(words);
  // Each item once, by its best entry; rank negated so that, as with bm25, lower is better.
  const matches = sql<Matched>`(SELECT DISTINCT ON (kind, item_id) kind, item_id, text_id, layer_id, body, -ts_rank_cd(tsv, ${query}::tsquery) AS rank
    FROM search_index WHERE tsv @@ ${query}::tsquery ${options.textId === undefined ? sql`` : sql`AND text_id = ${options.textId}`}
    ORDER BY kind, item_id, rank)`.as('si');
  const rows = (await visibleHits(db.selectFrom(matches).selectAll('si'), viewer)
    .orderBy('si.rank')
    .orderBy('si.kind')
    .orderBy('si.item_id')
    .limit(options.limit)
    .offset(options.offset)
    .execute()) as Matched[];
  return rows.map(({ body, ...hit }) => ({ ...hit, snippet: markSnippet(body, words) }));
}
