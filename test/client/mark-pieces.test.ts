import { describe, expect, it } from 'vitest';
import { markPieces } from '../../client/layout/mark-pieces.ts';

describe('markPieces', () => {
  it('leaves spans that do not meet as they are', () => {
    expect(markPieces([{ id: 1, from: 0, to: 5 }, { id: 2, from: 7, to: 9 }])).toEqual([
      { from: 0, to: 5, ids: [1] },
      { from: 7, to: 9, ids: [2] },
    ]);
  });

  it('cuts overlapping spans into pieces that name every gloss on them, innermost first', () => {
    // 1: 0..10 (the widest), 2: 3..6 inside it, 3: 5..12 across its end.
    expect(markPieces([{ id: 1, from: 0, to: 10 }, { id: 2, from: 3, to: 6 }, { id: 3, from: 5, to: 12 }])).toEqual([
      { from: 0, to: 3, ids: [1] },
      { from: 3, to: 5, ids: [2, 1] },
      { from: 5, to: 6, ids: [2, 3, 1] },
      { from: 6, to: 10, ids: [3, 1] },
      { from: 10, to: 12, ids: [3] },
    ]);
  });

  it('keeps the same words marked by two glosses as one piece, and marks nothing for an empty span', () => {
    expect(markPieces([{ id: 4, from: 2, to: 8 }, { id: 3, from: 2, to: 8 }, { id: 9, from: 5, to: 5 }])).toEqual([{ from: 2, to: 8, ids: [3, 4] }]);
    expect(markPieces([])).toEqual([]);
  });
});
