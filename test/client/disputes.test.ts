/** Readings in dispute: overlapping readings of one layer by more than one voice, grouped, with the adopted one. */
import { describe, expect, it } from 'vitest';
import { disputePlaces, findDisputes } from '../../client/layout/disputes.ts';
import { adopting, makeGloss } from './gloss-fixture.ts';

describe('findDisputes', () => {
  it('groups readings of one layer on overlapping words, in reading order, and leaves the others alone', () => {
    const a = makeGloss({ at: [10, 30], author: 'ana' });
    const b = makeGloss({ at: [5, 12], author: 'dov' });
    const alone = makeGloss({ at: [40, 50], author: 'dov' });
    expect(findDisputes([a, alone, b])).toEqual([{ layer: 'notes', ids: [b.id, a.id], adopted: null }]);
  });

  it('chains readings that overlap through one another into one dispute', () => {
    const a = makeGloss({ at: [0, 10], author: 'ana' });
    const b = makeGloss({ at: [5, 20], author: 'dov' });
    const c = makeGloss({ at: [15, 30], author: 'eli' });
    expect(findDisputes([c, b, a]).map((d) => d.ids)).toEqual([[a.id, b.id, c.id]]);
  });

  it('does not count words that touch end to start as overlapping', () => {
    const a = makeGloss({ at: [0, 10], author: 'ana' });
    const b = makeGloss({ at: [10, 20], author: 'dov' });
    expect(findDisputes([a, b])).toEqual([]);
  });

  it('keeps layers apart', () => {
    const a = makeGloss({ at: [0, 10], author: 'ana', layer: 'notes' });
    const b = makeGloss({ at: [0, 10], author: 'dov', layer: 'readings' });
    expect(findDisputes([a, b])).toEqual([]);
  });

  it('needs two voices: one person’s notes, or one imported commentator’s, are no dispute', () => {
    const mine = [makeGloss({ at: [0, 10], author: 'ana' }), makeGloss({ at: [5, 15], author: 'ana' })];
    expect(findDisputes(mine)).toEqual([]);
    const bartenura = [makeGloss({ at: [0, 10], author: 'daf', attribution: 'Bartenura' }), makeGloss({ at: [5, 15], author: 'daf', attribution: 'Bartenura' })];
    expect(findDisputes(bartenura)).toEqual([]);
    const twoCommentators = [bartenura[0], makeGloss({ at: [5, 15], author: 'daf', attribution: 'Rashi' })];
    expect(findDisputes(twoCommentators)).toHaveLength(1);
  });

  it('takes only published readings with words of their own: no question, tombstone, held post, gloss on a gloss, lost or whole-passage anchor', () => {
    const reading = makeGloss({ at: [0, 10], author: 'ana' });
    const others = [
      makeGloss({ at: [0, 10], author: 'dov', motivation: 'questioning' }),
      makeGloss({ at: [0, 10], author: 'dov', status: 'deleted' }),
      makeGloss({ at: [0, 10], author: 'dov', status: 'pending' }),
      makeGloss({ at: [0, 10], author: 'dov', on: reading }),
      makeGloss({ at: null, author: 'dov' }),
      makeGloss({ at: [0, 40], author: 'dov', anchorStatus: 'segment' }),
    ];
    for (const other of others) expect(findDisputes([reading, other])).toEqual([]);
    // Any other motivation is a reading.
    expect(findDisputes([reading, makeGloss({ at: [0, 10], author: 'dov', motivation: 'assessing' })])).toHaveLength(1);
  });

  it('marks the reading a decision adopted, wherever the decision was recorded; the newest decision wins', () => {
    const a = makeGloss({ at: [0, 10], author: 'ana' });
    const b = makeGloss({ at: [0, 10], author: 'dov', decision: adopting(a.id, '2026-12-01T00:00:00Z') });
    expect(findDisputes([a, b])[0].adopted).toBe(a.id);
    const elsewhere = makeGloss({ at: [50, 60], author: 'eli', decision: adopting(b.id, '2026-12-02T00:00:00Z') });
    expect(findDisputes([a, b, elsewhere])[0].adopted).toBe(b.id);
    // A decision adopting a reply adopts no reading.
    const c = makeGloss({ at: [0, 10], author: 'eli', decision: { ...adopting(0)!, adopted: { kind: 'reply', id: a.id } } });
    expect(findDisputes([a, c])[0].adopted).toBeNull();
  });
});

describe('disputePlaces', () => {
  it('gives each disputed reading its place, the dispute’s size and whether it is adopted', () => {
    const places = disputePlaces([{ layer: 'notes', ids: [4, 2, 9], adopted: 2 }]);
    expect(places.get(4)).toEqual({ size: 3, place: 1, adopted: false });
    expect(places.get(2)).toEqual({ size: 3, place: 2, adopted: true });
    expect(places.get(9)).toEqual({ size: 3, place: 3, adopted: false });
    expect(places.has(1)).toBe(false);
  });
});
