// Resolving a gloss's selectors against a version of a text: the anchoring ladder (README, "Anchoring").
//
// Stop at the first step that holds:
//   1. exact      same version (trusted), or — without a mapper — the text at the stored
//                 start..end still equals the quote.                          → exact
//   2. mapped     map start (assoc 1) and end (assoc -1) through the mapper; the text there
//                 equals the quote.                                           → exact
//      In both steps "equals" means verbatim (score 1) or equal after folding (score
//      `foldedExactScore`): a quote whose only change is added nikkud, punctuation or case is
//      still where it was, and calling it "moved" would be false. So `exact` promises the place,
//      not the code units: compare `text.slice(start, end)` with `exact` if you need that.
//   2b. edited    the mapper says the range survived (not wholly deleted) but its text changed:
//                 `matchQuote` runs right there, on candidates overlapping the mapped range,
//                 before looking anywhere else: verbatim or folded-equal (the diff aligned the
//                 range a little off)                                         → exact
//                 approximate: the mapped range itself, snapped to words, first (the diff
//                 knows where the edit ends), then the best match around it; with a lower bar
//                 than elsewhere, since the diff vouches for the place (`minNearFuzzyScore`, and
//                 `minNearQuoteSimilarity` when the context is intact)        → fuzzy
//      This is the one departure from the plain order, and it is deliberate: when the diff shows
//      the passage edited in place, a verbatim copy elsewhere (a refrain: "and there was evening
//      and there was morning") is a look-alike, not the passage. Only when the edit is too heavy
//      for the fuzzy threshold does resolution go on to look elsewhere.
//   3. moved      verbatim occurrences anywhere, chosen by prefix/suffix agreement, then by
//                 nearness to the mapped (or stored) start.                   → moved
//      With a mapper that offers `changedRanges`, occurrences in text the diff kept from the old
//      version are passed over: the old version already had that copy, so it is another
//      occurrence (a refrain), not this passage moved; a moved passage is new text to the diff.
//      (This also means only the new text is scanned.) Without a mapper, the stored start is
//      where the passage was: a copy far from it, or one whose context agrees only in part while
//      the passage's own surroundings still stand near it, is a look-alike (match-quote.ts, home.ts).
//   4. normalized the same on folded text.                                    → moved
//   5. fuzzy      an approximate match in a window around the stored start, above the minimum
//                 score — only without a mapper (with one, step 2b was the fuzzy step: a range
//                 the diff calls wholly deleted is gone from here, and a look-alike nearby is more
//                 likely a refrain than the passage). A gloss with no stored position (an import)
//                 searches the whole text.                                    → fuzzy
//   6. segment    the gloss's segment still exists: the whole segment.        → segment
//   7. orphan.                                                                → orphan
// A range the mapper calls deleted maps to a point and fails step 2 (a diff shows a moved passage
// as deleted in one place and inserted in another), so it goes on to step 3.
// Steps 2b–5 are `matchQuote` (see match-quote.ts for word boundaries, weights and thresholds);
// `moved` and `fuzzy` carry its score (quote similarity and context agreement combined).

import { CharClass, charClass, codePointAt, codePointBefore, codeUnitLength } from './char-class.ts';
import { type FoldedText, foldQuote, foldText } from './fold.ts';
import { matchQuoteOrNull, type MatchLimits } from './match-quote.ts';
import type { Anchor, AnchorTarget, Segment, Selectors, TextMapper } from './types.ts';

/** The score of an `exact` anchor whose text equals the quote only after folding (points, punctuation, case, spacing). */
export const foldedExactScore = 0.99;

/** Options for `resolveAnchor`. */
export interface ResolveOptions {
  /** Maps the gloss's version to the target's (a diff of the two projections, or ProseMirror step maps). */
  mapper?: TextMapper;
  /** The gloss was written on this very version: its offsets are trusted without looking. */
  sameVersion?: boolean;
  /** Bounds on the quote searches (see `MatchLimits`): a request's own work is bounded tighter than re-anchoring. */
  limits?: Partial<MatchLimits>;
}

class Target implements AnchorTarget {
  readonly text: string;
  readonly segments: readonly Segment[];
  private cachedFold: FoldedText | null = null;
  private readonly byRef: Map<string, Segment>;

  constructor(text: string, segments: readonly Segment[]) {
    this.text = text;
    this.segments = segments;
    this.byRef = new Map(segments.map((s) => [s.ref, s]));
  }

  get folded(): FoldedText {
    this.cachedFold ??= foldText(this.text);
    return this.cachedFold;
  }

  segment(ref: string): Segment | null {
    return this.byRef.get(ref) ?? null;
  }
}

/**
 * A version of a text prepared for resolving anchors: keeps the projection and its segments, and
 * folds the text once, on first need, for all the glosses resolved against it. Throws `RangeError`
 * when a segment has offsets outside the text, ends before it starts, or overlaps or precedes the
 * segment before it.
 */
export function createAnchorTarget(text: string, segments: readonly Segment[] = []): AnchorTarget {
  let previousEnd = 0;
  for (const s of segments) {
    if (!Number.isInteger(s.start) || s.start < previousEnd || s.start > text.length) {
      throw new RangeError(`segment ${s.ref} start ${s.start} is outside ${previousEnd}..${text.length}`);
    }
    if (!Number.isInteger(s.end) || s.end < s.start || s.end > text.length) {
      throw new RangeError(`segment ${s.ref} end ${s.end} is outside ${s.start}..${text.length}`);
    }
    previousEnd = s.end;
  }
  return new Target(text, [...segments]);
}

/**
 * `start..end` widened to whole clusters: a start on a combining mark moves back to its letter and
 * an end followed by marks takes them in — unless the gloss itself split a cluster (its quote
 * starts with a mark, or its suffix does). A diff maps a quote's end to just before nikkud that a
 * new, pointed edition put on its last letter; the anchor must not cut them off. An end before the
 * start is raised to the start.
 */
function wholeClusters(text: string, start: number, end: number, selectors: Selectors): { start: number; end: number } {
  let s = start;
  if (!isMark(codePointAt(selectors.exact, 0))) {
    while (s > 0 && isMark(codePointAt(text, s))) s -= codeUnitLength(codePointBefore(text, s));
  }
  let e = Math.max(s, end);
  if (!isMark(codePointAt(selectors.suffix, 0))) {
    while (e > s && isMark(codePointAt(text, e))) e += codeUnitLength(codePointAt(text, e));
  }
  return { start: s, end: e };
}

function isMark(cp: number): boolean {
  if (cp < 0) return false;
  const c = charClass(cp);
  return c === CharClass.mark || c === CharClass.removedMark;
}

/** The score of the text at `start..end` as the quote: 1 verbatim, `foldedExactScore` equal after folding, else 0. */
function quoteAt(text: string, start: number, end: number, exact: string, foldedExact: () => string): number {
  if (end > text.length) return 0;
  const here = text.slice(start, end);
  if (here === exact) return 1;
  const f = foldedExact();
  return f.length > 0 && foldQuote(here) === f ? foldedExactScore : 0;
}

/**
 * Resolves a gloss's `selectors` against `target` through the anchoring ladder (README, "Anchoring") (see the file
 * header): exact, mapped, moved, normalized, fuzzy, segment, orphan. Never places a gloss on a
 * look-alike below the fuzzy threshold; returns an orphan instead. Throws `RangeError` when the
 * stored offsets are not integers with 0 ≤ start ≤ end, when only one of them is given, when
 * `sameVersion` is set and they run past the text, or when the mapper rejects them (they run past
 * the old text it maps from).
 */
export function resolveAnchor(selectors: Selectors, target: AnchorTarget, options: ResolveOptions = {}): Anchor {
  const { text } = target;
  const { exact, prefix, suffix } = selectors;
  const start = selectors.start ?? null;
  const end = selectors.end ?? null;
  if ((start === null) !== (end === null)) {
    throw new RangeError(`selectors.start ${start} and selectors.end ${end} must both be given or both absent`);
  }
  if (start !== null && (!Number.isInteger(start) || start < 0)) {
    throw new RangeError(`selectors.start ${start} is not a non-negative integer`);
  }
  if (start !== null && end !== null && (!Number.isInteger(end) || end < start)) {
    throw new RangeError(`selectors.end ${end} is not an integer at or after start ${start}`);
  }
  let folded: string | undefined;
  const foldedExact = (): string => (folded ??= foldQuote(exact));
  const { mapper, sameVersion } = options;
  let hint: number | undefined;
  const fold = (): FoldedText => target.folded;
  let fuzzyAnywhere = true;

  if (start !== null && end !== null) {
    // 1. exact
    if (sameVersion) {
      if (end > text.length) throw new RangeError(`selectors.end ${end} is past the text's length ${text.length}`);
      return { start, end, status: 'exact', score: 1 };
    }
    if (!mapper) {
      const score = quoteAt(text, start, end, exact, foldedExact);
      if (score > 0) return { start, end, status: 'exact', score };
      hint = start;
    } else {
      // 2. mapped
      const mapped = wholeClusters(text, mapper.map(start, 1), mapper.map(end, -1), selectors);
      const mappedStart = mapped.start;
      const mappedEnd = mapped.end;
      const score = quoteAt(text, mappedStart, mappedEnd, exact, foldedExact);
      if (score > 0) return { start: mappedStart, end: mappedEnd, status: 'exact', score };
      const survived = mappedEnd > mappedStart && !mapper.deletedBetween(start, end);
      if (survived) {
        // 2b. The diff shows the passage still here, edited: judge it here before looking elsewhere.
        const near = { start: mappedStart, end: mappedEnd };
        const local = matchQuoteOrNull(text, exact, { prefix, suffix, hint: mappedStart, near, folded: fold, limits: options.limits });
        if (local) {
          if (local.kind === 'fuzzy') return { start: local.start, end: local.end, status: 'fuzzy', score: local.score };
          const score = local.kind === 'exact' ? 1 : foldedExactScore;
          return { start: local.start, end: local.end, status: 'exact', score };
        }
      }
      hint = mappedStart;
      fuzzyAnywhere = false;
    }
  }

  // 3–5. moved, normalized, fuzzy
  const kinds = fuzzyAnywhere ? (['exact', 'normalized', 'fuzzy'] as const) : (['exact', 'normalized'] as const);
  // With a mapper that can tell, only new text is searched: a copy of the quote in text the diff
  // kept was already in the old version, so it is another occurrence (a refrain), not this
  // passage moved.
  const among = start !== null ? mapper?.changedRanges?.() : undefined;
  const found = matchQuoteOrNull(text, exact, { prefix, suffix, hint, kinds, folded: fold, among, limits: options.limits });
  if (found) {
    return { start: found.start, end: found.end, status: found.kind === 'fuzzy' ? 'fuzzy' : 'moved', score: found.score };
  }

  // 6. segment
  const segment = selectors.segment ? target.segment(selectors.segment) : null;
  if (segment) return { start: segment.start, end: segment.end, status: 'segment', score: 0 };

  // 7. orphan
  return { start: null, end: null, status: 'orphan', score: 0 };
}
