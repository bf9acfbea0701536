/**
 * The pure half of search on PostgreSQL (storage/postgres/search-index.ts, docs/postgres.md §4):
 * terms folded as SQLite's tokenizer folds them, long texts cut into entries, the query, and
 * snippets in FTS5's form that the search service can place in the words as written.
 */
import { describe, expect, it } from 'vitest';
import { chunkUnits, chunksOf, markSnippet, term, termsOf, toTsQuery } from '../../server/storage/postgres/search-index.ts';
import { originalSnippet } from '../../server/services/search-snippet.ts';
import { foldForSearch, matchClose as close, matchOpen as open } from '../../server/storage/search-text.ts';

describe('search terms on PostgreSQL', () => {
  it('folds case and Latin diacritics as unicode61 does, and leaves Hebrew letters be', () => {
    expect(term('Café')).toBe('cafe');
    expect(termsOf(foldForSearch('Naïve RÉSUMÉ, וְאָהַבְתָּ־לְרֵעֲךָ'))).toBe('naive resume ואהבת לרעך');
  });

  it('asks for every word, the last as a prefix, with nothing a person typed read as an operator', () => {
    expect(toTsQuery(['Torah', 'fence'])).toBe("'torah' & 'fence':*");
  });

  it('cuts a long text into entries at line ends, each within the limit, losing nothing', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `Line ${i} of the long text, with some words.`);
    const text = lines.join('\n');
    const chunks = chunksOf(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(chunkUnits);
    expect(chunks.join('')).toBe(text);
    expect(chunks.slice(1).every((c) => c.startsWith('\n'))).toBe(true);
  });

  it('marks the matched words of a snippet, with ellipses where it cuts', () => {
    const words = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen fence twenty'.split(' ');
    const snippet = markSnippet(words.join(' '), ['fence']);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('twenty')).toBe(true);
    expect(snippet).toContain(`${open}fence${close}`);
    expect(markSnippet('Make a fence.', ['make', 'fen'])).toBe(`${open}Make${close} a ${open}fence${close}.`);
  });

  it('gives snippets the search service places in the pointed words as written', () => {
    const original = 'וַיֹּאמֶר אֱלֹהִים יְהִי אוֹר וַיְהִי־אוֹר';
    const placed = originalSnippet(original, markSnippet(foldForSearch(original), ['אור']));
    expect(placed?.snippet).toBe(original);
    expect(placed?.highlights.map(([a, b]) => original.slice(a, b))).toEqual(['אוֹר', 'אוֹר']);
  });
});
