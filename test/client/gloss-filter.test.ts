/** The reading page's filters: open questions, kinds, authors, combined; kept in the URL; with their counts. */
import { describe, expect, it } from 'vitest';
import { applyFilter, authorOf, describeFilter, facets, filterFromUrl, filterToUrl, isFiltering, matches, noFilter, shownCount } from '../../client/gloss-filter.ts';
import { makeGloss } from './gloss-fixture.ts';

const note = makeGloss({ author: 'ana' });
const open = makeGloss({ author: 'dov', motivation: 'questioning', question: { status: 'open', accepted: null } });
const answered = makeGloss({ author: 'ana', motivation: 'questioning', question: { status: 'answered', accepted: 3 } });
const assessing = makeGloss({ author: 'eli', motivation: 'assessing', layer: 'readings' });
const bartenura = makeGloss({ author: 'daf', attribution: 'Bartenura', layer: 'bartenura' });
const tombstone = makeGloss({ status: 'deleted' });
const all = [note, open, answered, assessing, bartenura, tombstone];

describe('the filters', () => {
  it('leave everything when none is in force', () => {
    expect(isFiltering(noFilter)).toBe(false);
    expect(all.every((g) => matches(g, noFilter))).toBe(true);
  });

  it('take open questions only', () => {
    expect(all.filter((g) => matches(g, { ...noFilter, open: true }))).toEqual([open]);
  });

  it('take any of the kinds named, and any of the authors named', () => {
    expect(all.filter((g) => matches(g, { ...noFilter, kinds: ['questioning', 'assessing'] }))).toEqual([open, answered, assessing]);
    expect(all.filter((g) => matches(g, { ...noFilter, authors: ['ana', '~Bartenura'] }))).toEqual([note, answered, bartenura]);
  });

  it('combine: a gloss passes every filter in force', () => {
    expect(all.filter((g) => matches(g, { open: false, kinds: ['questioning'], authors: ['ana'] }))).toEqual([answered]);
    expect(all.filter((g) => matches(g, { open: true, kinds: [], authors: ['ana'] }))).toEqual([]);
    expect(all.filter((g) => matches(g, { open: true, kinds: ['commenting'], authors: [] }))).toEqual([]);
  });

  it('name an imported commentary by its own author, whichever account imported it', () => {
    expect(authorOf(bartenura)).toEqual({ key: '~Bartenura', name: 'Bartenura' });
    expect(authorOf(note)).toEqual({ key: 'ana', name: 'Ana @ana' });
    expect(authorOf(tombstone)).toBeNull();
  });

  it('keep the glosses a passing gloss on a gloss hangs on, for context, in the listing’s order', () => {
    const root = makeGloss({ author: 'daf', attribution: 'Bartenura' });
    const middle = makeGloss({ author: 'dov', on: root });
    const leaf = makeGloss({ author: 'ana', on: middle });
    const other = makeGloss({ author: 'dov' });
    const { glosses, passed } = applyFilter([root, other, middle, leaf], { ...noFilter, authors: ['ana'] });
    expect(glosses).toEqual([root, middle, leaf]);
    expect([...passed]).toEqual([leaf.id]);
    expect(applyFilter([root, other], noFilter).glosses).toEqual([root, other]);
  });
});

describe('the filters in the URL', () => {
  it('read what a URL names, and write it back the same', () => {
    const params = new URLSearchParams('layers=notes&questions=open&kind=questioning,assessing&by=ana,~Bartenura');
    const f = filterFromUrl(params);
    expect(f).toEqual({ open: true, kinds: ['questioning', 'assessing'], authors: ['ana', '~Bartenura'] });
    const written = new URLSearchParams('layers=notes');
    filterToUrl(written, f);
    expect(filterFromUrl(written)).toEqual(f);
    expect(written.get('layers')).toBe('notes');
  });

  it('take a filter out of the URL when it is no longer in force, and ignore empties and repeats', () => {
    const params = new URLSearchParams('questions=open&kind=questioning&by=ana&parallel=x');
    filterToUrl(params, noFilter);
    expect(params.toString()).toBe('parallel=x');
    expect(filterFromUrl(new URLSearchParams('questions=yes&kind=,,a,a&by='))).toEqual({ open: false, kinds: ['a'], authors: [] });
  });
});

describe('what the filters offer and count', () => {
  it('lists kinds and authors by how many glosses they have, and counts open questions, tombstones left out', () => {
    const f = facets(all);
    expect(f.open).toBe(1);
    expect(f.kinds).toEqual([
      { kind: 'commenting', count: 2 },
      { kind: 'questioning', count: 2 },
      { kind: 'assessing', count: 1 },
    ]);
    expect(f.authors.map((a) => [a.key, a.count])).toEqual([['ana', 2], ['~Bartenura', 1], ['dov', 1], ['eli', 1]]);
  });

  it('counts the glosses shown of those in the shown layers', () => {
    expect(shownCount(all, { ...noFilter, authors: ['ana', 'eli'] }, new Set())).toEqual({ shown: 3, of: 5 });
    expect(shownCount(all, { ...noFilter, authors: ['ana', 'eli'] }, new Set(['readings']))).toEqual({ shown: 2, of: 4 });
  });
});

describe('the filter in words', () => {
  it('names what is in force, kinds and authors joined with “or”', () => {
    const name = (key: string) => (key === 'ana' ? 'Ana @ana' : key.replace(/^~/, ''));
    expect(describeFilter({ open: true, kinds: [], authors: [] }, name)).toBe('open questions');
    expect(describeFilter({ open: false, kinds: ['commenting', 'assessing', 'questioning'], authors: ['ana', '~Bartenura'] }, name)).toBe('comments, assessments or questions, by Ana @ana or Bartenura');
    expect(describeFilter({ open: false, kinds: ['unheard-of'], authors: [] }, name)).toBe('unheard-of');
  });
});
