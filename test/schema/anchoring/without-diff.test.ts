// Resolving without a diff (an annotation from outside, or any caller with only the selectors):
// the stored start is then the only sign of where the passage was, and a copy of the quote far
// from it, in a refrain, must not win over the passage's own place. Each case is a small version
// of a wrong placement the re-anchoring benchmark found (`npm run bench -- reanchor`).
import { describe, expect, it } from 'vitest';
import { type Anchor, createAnchorTarget, describeRange, resolveAnchor } from '../../../schema/anchoring/index.ts';

/** Prose of numbered words, about `length` units, sharing no word with the passages below. */
function filler(tag: string, length: number): string {
  let s = '';
  for (let i = 0; s.length < length; i++) s += `${tag}${i} `;
  return s;
}

// Far enough apart that no drift of a revision explains going from one to the other.
const before = filler('a', 3000);
const between = filler('b', 20_000);
const after = filler('c', 3000);

/** Words a revision inserted near the start, so that every stored offset after them is stale. */
const inserted = 'x1 x2 x3 ';

/**
 * Describes `quote` inside `home` in the old text `before + home + gap + away + after` (`gap`
 * defaults to `between`), revises `home` into `revisedHome` (and inserts a few words at the
 * start), and resolves the gloss in the new text without a mapper.
 */
function resolveRevised(
  quote: string,
  home: string,
  revisedHome: string,
  away: string,
  gap = between,
): { anchor: Anchor; newText: string } {
  const oldText = before + home + gap + away + after;
  const start = before.length + home.indexOf(quote);
  const selectors = describeRange(oldText, start, start + quote.length);
  const newText = inserted + before + revisedHome + gap + away + after;
  return { anchor: resolveAnchor(selectors, createAnchorTarget(newText)), newText };
}

describe('resolveAnchor without a diff: the passage is where it was, not at a copy far away', () => {
  it('takes the occurrence near the stored start over a far copy whose context agrees about as well', () => {
    // The line after the passage was replaced, so its suffix agrees only in part; a copy of the
    // refrain 20,000 units away happens to agree one letter better.
    const quote = 'shall be, from generation to';
    const home = 'of the earth. So it was, and so it shall be, from generation to generation.\nCovenant had and at the tent.\n';
    const revisedHome = home.replace('Covenant had and at the tent.', 'Then upon saying a word.');
    const away = 'of the earth. So it was, and so it shall be, from generation to generation.\nGrief have in valley their.\n';
    const { anchor, newText } = resolveRevised(quote, home, revisedHome, away);
    expect(anchor.status).toBe('moved');
    expect(anchor.start).toBe(newText.indexOf(quote));
  });

  /** A passage deleted or rewritten where it was, and a copy of its quote elsewhere: `away` after `gap` (default `between`). */
  interface OrphanCase {
    quote: string;
    home: string;
    /** What the revision wrote over `home`'s first occurrence of `edit[0]`. */
    edit: [string, string];
    away: string;
    gap?: string;
  }
  const rewordedAtTheGate: Omit<OrphanCase, 'away'> = {
    quote: 'sat at the gate.',
    home: 'to? And the elders of the city sat at the gate. Soul was divided served name you.',
    edit: ['at the gate', 'by a door'],
  };
  const orphans: [string, OrphanCase][] = [
    [
      'a quote deleted where it was, though a copy far away has the same refrains around it',
      {
        quote: 'at the gate.',
        home: 'so. And the elders of the city sat at the gate.\nAnd the word of the king came to the people, saying:',
        edit: [' at the gate.', ''],
        away: 'in. And the elders of the city sat at the gate. And the word of the king came to the people, saying:',
      },
    ],
    [
      'a long quote deleted where it was, though it occurs verbatim far away',
      {
        quote: 'generation to generation. Blessed',
        home: 'So it was, and so it shall be, from generation to generation. Blessed then after over blessing said;',
        edit: ['generation to generation. Blessed ', ''],
        away: 'So it was, and so it shall be, from generation to generation. Blessed is the one who walks in the way.',
      },
    ],
    [
      'a quote reworded where it was, too much for the fuzzy step, with a far verbatim copy',
      { ...rewordedAtTheGate, away: 'on? And the elders of the city sat at the gate. Of at divided book song stood.' },
    ],
    [
      'the same with a copy a page or two away whose context agrees on one side',
      {
        ...rewordedAtTheGate,
        away: 'the the.\nAnd the elders of the city sat at the gate. Mother came his took ruled out.',
        gap: filler('b', 6000),
      },
    ],
    [
      'a quote deleted where it was, with a copy a page or two away whose context agrees on one side',
      {
        quote: 'elders of the',
        home: 'sought herb joy window? And the elders of the city sat at the gate.\nHer been there.',
        edit: ['elders of the ', ''],
        away: 'saying and hour olive! And the elders of the city sat at the gate. When of answered.',
        gap: filler('b', 6000),
      },
    ],
  ];

  it.each(orphans)('leaves an orphan: %s', (_name, c) => {
    const { anchor } = resolveRevised(c.quote, c.home, c.home.replace(c.edit[0], c.edit[1]), c.away, c.gap);
    expect(anchor.status).toBe('orphan');
  });

  it('places a quote reworded where it was at its own place, not at a far verbatim copy', () => {
    const quote = 'teaching of your fathers';
    const home = 'city lost;\nHear, O people, the teaching of your fathers. By mother made then no grief in it.';
    const away = 'a not so;\nHear, O people, the teaching of your fathers. By then had heaven son saying.';
    const revisedHome = home.replace('teaching of your', 'teaching up your');
    const { anchor, newText } = resolveRevised(quote, home, revisedHome, away);
    expect(anchor.status).toBe('fuzzy');
    expect(anchor.start).toBe(newText.indexOf('teaching up your fathers'));
    expect(anchor.end).toBe(newText.indexOf('teaching up your fathers') + quote.length);
  });

  it('still finds a paragraph moved far away, over a copy of the quote near its old place in other words', () => {
    const quote = 'sat at the gate';
    const paragraph = 'Gold rings. The elders of the city sat at the gate and spoke of bread.\n';
    const copy = 'Then the king sat at the gate of stone.\n';
    const oldText = before + paragraph + copy + between + after;
    const start = before.length + paragraph.indexOf(quote);
    const newText = before + copy + between + paragraph + after;
    const anchor = resolveAnchor(describeRange(oldText, start, start + quote.length), createAnchorTarget(newText));
    expect(anchor.status).toBe('moved');
    expect(anchor.start).toBe(newText.indexOf(paragraph) + paragraph.indexOf(quote));
  });
});
