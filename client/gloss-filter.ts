/**
 * The reading page's filters (docs/deliberation.md §5): open questions only, by kind (a gloss's
 * motivation), by author. They combine — a gloss is shown when it passes every filter in force,
 * and a filter of several kinds or authors takes any of them — and apply to the listing the page
 * already has, so nothing is fetched. A filter is kept in the URL (`?questions=open&kind=…&by=…`).
 * Pure, so it is tested without a browser.
 */
import type { Gloss } from './api.ts';
import { authorName } from './author-name.ts';

export type Kind = Gloss['motivation'];

/** Each kind of gloss (its motivation, as the schema allows them), named as the filters name it. */
export const kindNames: Record<Kind, string> = {
  commenting: 'Comments',
  questioning: 'Questions',
  replying: 'Replies',
  describing: 'Descriptions',
  editing: 'Edits',
  linking: 'Links',
  tagging: 'Tags',
  classifying: 'Classifications',
  highlighting: 'Highlights',
  assessing: 'Assessments',
};

/** A kind's name; a kind this page does not know (from a URL) by itself. */
export function kindName(kind: string): string {
  return Object.hasOwn(kindNames, kind) ? kindNames[kind as Kind] : kind;
}

export interface GlossFilter {
  /** Open questions only. */
  open: boolean;
  /** The kinds shown (any of them); none: every kind. */
  kinds: readonly string[];
  /** The authors shown (any of them, by `authorOf` key); none: everyone. */
  authors: readonly string[];
}

export const noFilter: GlossFilter = { open: false, kinds: [], authors: [] };

/** Does the filter leave anything out? */
export function isFiltering(f: GlossFilter): boolean {
  return f.open || f.kinds.length > 0 || f.authors.length > 0;
}

/** A comma-separated list from the URL, without empties or repeats. */
function list(value: string | null): string[] {
  return [...new Set((value ?? '').split(',').filter(Boolean))];
}

/** The filter a URL's query names. */
export function filterFromUrl(params: URLSearchParams): GlossFilter {
  return { open: params.get('questions') === 'open', kinds: list(params.get('kind')), authors: list(params.get('by')) };
}

/** Writes a filter into a URL's query (a filter not in force takes its parameter away). */
export function filterToUrl(params: URLSearchParams, f: GlossFilter): void {
  const put = (name: string, value: string) => (value ? params.set(name, value) : params.delete(name));
  put('questions', f.open ? 'open' : '');
  put('kind', f.kinds.join(','));
  put('by', f.authors.join(','));
}

/**
 * Who wrote a gloss, as a filter names them: the account, by its handle (named "Ana @ana"), or for
 * an imported commentary its own author (`~Bartenura`), whichever account imported it; null for a
 * tombstone.
 */
export function authorOf(g: Gloss): { key: string; name: string } | null {
  if (g.attribution !== null) return { key: `~${g.attribution}`, name: g.attribution };
  return g.author ? { key: g.author.handle, name: authorName(g.author, '') } : null;
}

/** Does a gloss pass the filter? A tombstone passes none in force. */
export function matches(g: Gloss, f: GlossFilter): boolean {
  if (!isFiltering(f)) return true;
  if (g.status === 'deleted') return false;
  if (f.open && g.question?.status !== 'open') return false;
  if (f.kinds.length && !f.kinds.includes(g.motivation)) return false;
  const author = authorOf(g);
  return !f.authors.length || (author !== null && f.authors.includes(author.key));
}

/** What a filter leaves on the page. */
export interface Filtered {
  /** The glosses to arrange: those that pass, and every gloss they hang on (shown for context). */
  glosses: Gloss[];
  /** The ids of those that pass. */
  passed: Set<number>;
}

/**
 * The glosses a filter leaves: those that pass, and the glosses above a passing gloss on a gloss,
 * without which it has no place on the page. The list keeps its order.
 */
export function applyFilter(glosses: readonly Gloss[], f: GlossFilter): Filtered {
  if (!isFiltering(f)) return { glosses: [...glosses], passed: new Set(glosses.map((g) => g.id)) };
  const byId = new Map(glosses.map((g) => [g.id, g]));
  const passed = new Set<number>();
  const kept = new Set<number>();
  for (const g of glosses) {
    if (!matches(g, f)) continue;
    passed.add(g.id);
    for (let at: Gloss | undefined = g; at && !kept.has(at.id); at = at.target.gloss === null ? undefined : byId.get(at.target.gloss)) kept.add(at.id);
  }
  return { glosses: glosses.filter((g) => kept.has(g.id)), passed };
}

/** How many glosses of each kind and by each author the page lists, and how many open questions: what the filters offer. */
export interface Facets {
  open: number;
  kinds: { kind: string; count: number }[];
  authors: { key: string; name: string; count: number }[];
}

/** The facets of a listing (tombstones left out): kinds and authors by how many glosses they have, then by name. */
export function facets(glosses: readonly Gloss[]): Facets {
  const kinds = new Map<string, number>();
  const authors = new Map<string, { key: string; name: string; count: number }>();
  let open = 0;
  for (const g of glosses) {
    if (g.status === 'deleted') continue;
    if (g.question?.status === 'open') open++;
    kinds.set(g.motivation, (kinds.get(g.motivation) ?? 0) + 1);
    const author = authorOf(g);
    if (!author) continue;
    const seen = authors.get(author.key);
    if (seen) seen.count++;
    else authors.set(author.key, { ...author, count: 1 });
  }
  return {
    open,
    kinds: [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    authors: [...authors.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  };
}

/** The filter in words: "open questions, comments or assessments, by Ana @ana or Bartenura". */
export function describeFilter(f: GlossFilter, authorName: (key: string) => string): string {
  const or = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? ''));
  const parts = [f.open ? 'open questions' : '', or(f.kinds.map((k) => kindName(k).toLowerCase())), f.authors.length ? `by ${or(f.authors.map(authorName))}` : ''];
  return parts.filter(Boolean).join(', ');
}

/** How many of the glosses in the shown layers pass the filter, of how many there are (tombstones left out). */
export function shownCount(glosses: readonly Gloss[], f: GlossFilter, hiddenLayers: ReadonlySet<string>): { shown: number; of: number } {
  let shown = 0;
  let of = 0;
  for (const g of glosses) {
    if (g.status === 'deleted' || hiddenLayers.has(g.layer)) continue;
    of++;
    if (matches(g, f)) shown++;
  }
  return { shown, of };
}
