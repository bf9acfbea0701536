// Property tests for the whole ladder: resolving against an unchanged text is exact, and
// insertions outside a gloss never lose its text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contextLength,
  createAnchorTarget,
  createTextMapper,
  describeRange,
  foldQuote,
  resolveAnchor,
} from '../../../schema/anchoring/index.ts';

const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

const word = fc.constantFrom(
  'light', 'lights', 'the', 'day', 'Day', 'night', 'God', 'saw', 'delight', 'and',
  'אור', 'ויהי', 'תורה', 'בְּרֵאשִׁ֖ית', 'עַל־פְּנֵ֣י', 'אֱלֹהִ֑ים', 'café', 'cafe\u0301', '😀', 'x𝒜y',
);
const separator = fc.constantFrom(' ', ' ', ' ', ', ', '. ', '\n', ': ', ' — ');

/** A text of words and separators. */
const text = fc
  .array(fc.tuple(word, separator), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''));

/** A text with a random non-empty span that does not split a surrogate pair. */
const textAndSpan = fc.tuple(text, fc.nat(), fc.nat()).map(([t, x, y]) => {
  let start = x % t.length;
  if (isLow(t.charCodeAt(start))) start--;
  let end = start + 1 + (y % Math.min(60, t.length - start));
  if (end < t.length && isLow(t.charCodeAt(end))) end++;
  return { text: t, start, end };
});

describe('resolveAnchor: properties', () => {
  it('resolves against the unchanged text exactly, at the same span', () => {
    fc.assert(
      fc.property(textAndSpan, ({ text: t, start, end }) => {
        const selectors = describeRange(t, start, end);
        const target = createAnchorTarget(t);
        const expected = { start, end, status: 'exact', score: 1 };
        expect(resolveAnchor(selectors, target)).toEqual(expected);
        expect(resolveAnchor(selectors, target, { mapper: createTextMapper(t, t) })).toEqual(expected);
        expect(resolveAnchor(selectors, target, { sameVersion: true })).toEqual(expected);
      }),
    );
  });

  /**
   * The old text with words inserted where words start, outside the span; `margin` keeps them
   * that far from it (so with a margin, a span near an edge of a short text gets no insertion on
   * that side: a look-alike word glued to the text's edge, next to a quote with no context there,
   * makes the diff's alignment a coin toss).
   */
  const insertAround = (t: string, start: number, end: number, inserts: readonly [number, boolean, string][], margin: number): string => {
    const wordStarts = (s: string, first: number): number[] => {
      const out = [first];
      for (let i = 0; i < s.length; i++) if (s[i] === ' ' || s[i] === '\n') out.push(i + 1);
      return out;
    };
    let before = t.slice(0, start);
    let after = t.slice(end);
    for (const [at, inBefore, s] of inserts) {
      if (inBefore) {
        const options = wordStarts(before, 0).filter((i) => i <= before.length - margin);
        if (options.length === 0) continue;
        const i = options[at % options.length];
        before = before.slice(0, i) + s + before.slice(i);
      } else {
        const options = wordStarts(after, after.length).filter((i) => i >= margin);
        if (options.length === 0) continue;
        const i = options[at % options.length];
        after = after.slice(0, i) + s + after.slice(i);
      }
    }
    return before + t.slice(start, end) + after;
  };
  const insertions = fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.tuple(word, separator).map(([w, s]) => w + s)), {
    minLength: 1,
    maxLength: 5,
  });

  it('keeps the quote through random insertions of words outside the span and its context', () => {
    // Insertions go where words start (after a space or newline, or at either end of the text),
    // as an editor's do, and not inside the 32 units of stored context: the paragraph diff may
    // pair the gloss's paragraph with an inserted look-alike, and then the context is what finds
    // it again. (Edits inside the context are weighed on purpose: a short quote whose
    // surroundings changed on both sides may end as an orphan rather than risk a wrong place.)
    fc.assert(
      fc.property(textAndSpan, insertions, ({ text: t, start, end }, inserts) => {
        const selectors = describeRange(t, start, end);
        const newText = insertAround(t, start, end, inserts, contextLength);
        const anchor = resolveAnchor(selectors, createAnchorTarget(newText), { mapper: createTextMapper(t, newText) });
        // The quote is kept: verbatim for a verbatim exact anchor; for the rest, equal after
        // folding (a diff may align the gloss with an inserted copy of its own word, whose only
        // difference is punctuation, and a folded-equal text at the mapped place is 'exact').
        // One exception: when the gloss's paragraph has an identical twin, the paragraph diff may
        // pair the twin with the gloss's paragraph and call the gloss's own copy deleted; the
        // copy that remains is then, by the diff's account, the twin (a refrain), which
        // resolution will not take. An orphan is the safe answer there.
        const paragraph = (text: string, at: number): string => text.slice(text.lastIndexOf('\n', at - 1) + 1, (text.indexOf('\n', at) + 1 || text.length + 1) - 1);
        const own = paragraph(t, start);
        const twins = (text: string): number => text.split('\n').filter((p) => p === own).length;
        if (anchor.status === 'orphan' && (twins(t) > 1 || twins(newText) > 1)) return;
        expect(anchor.status).toMatch(/^(exact|moved)$/);
        const found = newText.slice(anchor.start!, anchor.end!);
        if (anchor.status === 'exact' && anchor.score === 1) expect(found).toBe(selectors.exact);
        else expect(foldQuote(found)).toBe(foldQuote(selectors.exact));
      }),
    );
  });
});
