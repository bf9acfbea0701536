/**
 * What search indexes and asks for, the same on both dialects: the fold of indexed and asked-for
 * text, the words of a query, the marks around matches in snippets, and a hit's shape
 * (docs/postgres.md §4). Pure: no SQL here.
 */

/** What an index entry stands for. */
export type SearchKind = 'text' | 'gloss' | 'reply';

/** Marks put around matches inside snippets; private-use characters that no text contains. */
export const matchOpen = '\uE000';
export const matchClose = '\uE001';
/** What snippets show where they cut the text. */
export const snippetEllipsis = '…';

/** Folds text for indexing and querying: NFC, Hebrew points and cantillation removed, maqaf as space. */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\u05BE/g, ' ')
    .replace(/[\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7]/g, '');
}

/**
 * The words of what a person typed, folded, at most 16: every one required, the last one as a
 * prefix (so a word being typed already finds). Null when nothing searchable is left.
 * Punctuation and operators are not words, so they are inert.
 */
export function searchWords(input: string): string[] | null {
  const words = foldForSearch(input)
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 16);
  return words.length === 0 ? null : words;
}

/** One raw search hit: the item, where it is, its snippet (folded, matches marked) and its rank (lower is better). */
export interface SearchHit {
  kind: SearchKind;
  item_id: number;
  text_id: number;
  layer_id: number | null;
  snippet: string;
  rank: number;
}
