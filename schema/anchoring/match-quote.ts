// Finding a quote in a text: steps 3–5 of the anchoring ladder (README, "Anchoring"), as one pure function.
//
// The fallback chain, stopping at the first that yields an accepted place:
//   1. exact      — every verbatim occurrence that respects word boundaries; the best by
//                   agreement with the stored prefix/suffix, then by nearness to `hint`.
//   2. normalized — the same on folded strings (fold.ts), mapped back to raw offsets.
//   3. fuzzy      — approx-string-match on the folded text, accepted only above `minFuzzyScore`,
//                   searched in a window around `hint`, or across `within`, or across the whole
//                   text, which only a quote with no position at all (an import) gets.
// `within` restricts every step; `kinds` picks which steps run. `near` is a range a diff mapped
// the quote to and found surviving: every step then takes only candidates overlapping it, tries
// the range itself first (snapped to words), and, since the diff vouches for the place, asks less
// of it (`minNearFuzzyScore`, `minNearQuoteSimilarity`). `among` lists the ranges a diff inserted:
// only candidates overlapping them are taken (text the diff kept was already in the old version,
// so a copy of the quote there is another occurrence), and only the text around them is scanned.
// Without either (a `hint` alone: no diff), the hint is where the passage was (home.ts): in steps 1
// and 2 an occurrence within `homeReach` of it is taken over one further away that agrees better
// by less than `homeAgreementMargin`, and the choice is refused when the passage's own prefix and
// suffix still stand together elsewhere near the hint (it was edited or deleted there: the choice
// is a copy, in a refrain), unless it is near and its own context agrees `standingAgreement`.
//
// Word boundaries. A match may not start or end inside a word: "light" is not found in "lights"
// or "delight". Marks count as part of the letter before them, so a match never splits a letter
// from its nikkud. A Hebrew quote may be preceded by up to `maxHebrewPrefixLetters` of the
// one-letter prefixes ו ה ב כ ל מ ש ("תורה" matches in "ותורה", "והתורה"). A side is exempt when
// the stored context shows the original selection itself began (or ended) inside a word: the
// prefix ends with a word character and the quote starts with one (likewise suffix and end).
// Without a stored prefix or suffix the boundary is enforced. A fuzzy candidate that starts or
// ends inside a word is widened or narrowed to the nearest word boundaries and re-scored.
//
// Why thresholds. Hypothesis accepts its best fuzzy candidate with no threshold; its users' most
// frequent complaint is annotations that jumped to a look-alike passage. Here a wrong place is
// worse than no place: the caller falls back to the segment or to "orphan".

import search from 'approx-string-match';
import { CharClass, charClass, codePointAt, codePointBefore, codeUnitLength, isWordCodePoint } from './char-class.ts';
import { type FoldedText, foldKey, foldQuote, foldText, foldedRange, rawRange } from './fold.ts';
import { homeAgreementMargin, homePlaces, homeReach, standingAgreement } from './home.ts';
import { contextAgreement, editDistance, nearlyPeriodic } from './similarity.ts';

export { nearlyPeriodic };

/** How a quote was found: verbatim, equal after folding, or approximately. */
export type QuoteMatchKind = 'exact' | 'normalized' | 'fuzzy';

/** A place where a quote was found: raw UTF-16 offsets, a score in [0, 1], and how it was found. */
export interface QuoteMatch {
  start: number;
  end: number;
  score: number;
  kind: QuoteMatchKind;
}

/** Options for `matchQuote`. */
export interface MatchQuoteOptions {
  /** The text just before the quote where it was written (up to 32 code units); empty or absent = unknown. */
  prefix?: string;
  /** The text just after the quote where it was written; empty or absent = unknown. */
  suffix?: string;
  /** Where the quote is expected to start (its old or mapped position); clamped to the text. Absent = no idea (an import). */
  hint?: number;
  /** Restrict every step to this raw range (e.g. a comment's own segment). */
  within?: { start: number; end: number };
  /**
   * Where the quote's text is known to be, perhaps edited (a diff-mapped range that survived):
   * every step searches only around it (± quote length + `nearSlack`) and takes only candidates
   * overlapping it; verbatim and folded-equal candidates then need no context agreement.
   */
  near?: { start: number; end: number };
  /**
   * Consider only candidates overlapping one of these raw ranges (in order, not overlapping; an
   * empty range counts when it lies strictly inside a candidate), and scan only the text around
   * them. Resolution passes the ranges a diff inserted: a copy of the quote in text the diff kept
   * was already in the old version, so it is another occurrence, not the gloss's passage moved.
   */
  among?: readonly { start: number; end: number }[];
  /** Which steps to run, in the fixed order exact, normalized, fuzzy; default all three. */
  kinds?: readonly QuoteMatchKind[];
  /** The folded form of `text`, or a function producing it, so that many calls fold a large text once. */
  folded?: FoldedText | (() => FoldedText);
  /** Bounds on the work (default `defaultMatchLimits`); past them `matchQuote` throws `AmbiguousQuoteError`. */
  limits?: Partial<MatchLimits>;
}

/**
 * The weight of quote similarity in a candidate's score, (quoteWeight · quote + contextWeight ·
 * context) / (quoteWeight + contextWeight). The quote counts double: a place whose text is the
 * quote but whose surroundings were rewritten is still the place, while a place whose
 * surroundings agree but whose text differs a lot is not.
 */
export const quoteWeight = 2;

/**
 * The weight of context agreement in a candidate's score (see `quoteWeight`). It matters enough
 * that an unrelated look-alike (agreement near 0) cannot reach `minFuzzyScore` however similar
 * its words: (2 · 1 + 0) / 3 < 0.8.
 */
export const contextWeight = 1;

/**
 * The lowest score at which a fuzzy candidate is accepted. With intact context this admits a
 * quote about 70% similar (`minQuoteSimilarity`); with unrelated context (agreement 0) nothing
 * qualifies, since (2·1 + 0) / 3 < 0.8. Without any stored context the score is the quote
 * similarity alone, held to `minContextFreeSimilarity`.
 */
export const minFuzzyScore = 0.8;

/**
 * The lowest score for a fuzzy candidate overlapping `near`, the range a diff mapped the quote to
 * and found surviving. The diff already says the passage is here, so less evidence is needed:
 * an 80%-similar quote whose context on both sides took an edit (agreement about 0.7) passes.
 * A look-alike reached only through a misaligned diff still fails, because its context agrees
 * no better than chance: (2 · 0.9 + 0.2) / 3 < 0.75.
 */
export const minNearFuzzyScore = 0.75;

/** The lowest quote similarity (1 − edits / quote length) a fuzzy candidate may have whatever its context. */
export const minQuoteSimilarity = 0.7;

/**
 * The lowest quote similarity a fuzzy candidate needs when there is no stored context at all (an
 * import that only has the quote): the quote alone must carry the decision, and one edit in five
 * letters ("light" → "lights") is another word, not a variant.
 */
export const minContextFreeSimilarity = 0.85;

/**
 * The quote similarity credited to a match that is equal only after folding (differences in
 * points, punctuation, case or spacing): just below a verbatim match, far above any fuzzy one.
 */
export const foldedQuoteSimilarity = 0.98;

/**
 * The lowest context agreement at which a verbatim or folded-equal occurrence of a short quote is
 * accepted. A short phrase ("the light") recurs by chance; an occurrence whose surroundings agree
 * no better than chance is a look-alike. 0.4 lets one intact side carry it (a passage moved to a
 * new neighbourhood keeps the context on its inner side), and it is the bar the fuzzy step sets
 * for a verbatim candidate: (2 · 1 + 1 · 0.4) / 3 = `minFuzzyScore`.
 */
export const minContextAgreement = 0.4;

/** A quote at least this long (folded code units) is distinctive enough to be accepted wherever it occurs verbatim. */
export const distinctiveQuoteLength = 32;

/**
 * The fuzzy window around `hint` reaches ±(quote length × `fuzzyWindowQuoteFactor` +
 * `fuzzyWindowSlack`) code units. The hint is the gloss's stored (or mapped) position, so the
 * quote is rarely far from it: the window absorbs the drift of edits elsewhere in the text, keeps
 * the search to a few kilobytes per gloss instead of the whole text, and keeps look-alikes far
 * away out of reach. The quote-length term lets a long passage drift further.
 */
export const fuzzyWindowQuoteFactor = 4;

/** The fixed part of the fuzzy window's reach (see `fuzzyWindowQuoteFactor`): about a page of text. */
export const fuzzyWindowSlack = 2048;

/**
 * The lowest quote similarity for the diff's own range (the text `near` covers, snapped to words),
 * when the context on both sides still agrees at least `minNearContextAgreement`. The diff says
 * the passage is here and its surroundings are intact: only the quoted words changed, even if
 * half of them did ("fruit tower teaching" → "fruit tower of"). Such an anchor is `fuzzy`, for a
 * member to review; leaving it an orphan would lose a gloss whose place is known.
 */
export const minNearQuoteSimilarity = 0.5;

/** The context agreement the diff's own range needs to pass on `minNearQuoteSimilarity`: both sides nearly intact. */
export const minNearContextAgreement = 0.8;

/**
 * How far beyond `near` (besides the quote's own length) the steps look: a mapped range can be
 * shorter than the text it stands for when an edit replaced the quote's first or last word.
 */
export const nearSlack = 32;

/**
 * How many times the fuzzy step masks the best candidates it rejected (look-alikes inside a
 * longer word, for instance) and searches again for the next best.
 */
export const maxFuzzyRounds = 4;

/**
 * Bounds on the work of one `matchQuote` call (README, "Anchoring": bounded work). A crafted quote
 * on a repetitive text ("ab ab ab …") has hundreds of thousands of equally good places; scoring
 * them all held the server for minutes. Past a bound the quote is ambiguous: `matchQuote` throws
 * `AmbiguousQuoteError` (resolution then falls back to the segment or orphan; a write is refused
 * with 422 `anchor_ambiguous`).
 */
export interface MatchLimits {
  /** Most verbatim (or folded-equal) occurrences considered; more is ambiguous. */
  maxOccurrences: number;
  /** Most equally good approximate candidates per fuzzy round; more is ambiguous. */
  maxFuzzyCandidates: number;
  /** Longest window (folded code units) the fuzzy step searches; a longer one is ambiguous. */
  maxFuzzyWindow: number;
}

/** The limits every call gets unless it passes its own. */
export const defaultMatchLimits: MatchLimits = { maxOccurrences: 100_000, maxFuzzyCandidates: 32, maxFuzzyWindow: Number.POSITIVE_INFINITY };

/**
 * A quote longer than this (folded code units) that is nearly periodic (see `nearlyPeriodic`) gets
 * no fuzzy step: its approximate matches overlap at every period, and finding where each starts
 * costs the square of its length. Shorter quotes cost too little for it to matter.
 */
export const periodicCheckLength = 32;

/** Thrown when a quote has too many equally good places to choose one within `MatchLimits`. */
export class AmbiguousQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmbiguousQuoteError';
  }
}

/** How many one-letter Hebrew prefixes may stand before a Hebrew match ("וּכְשֶׁ" is three). */
export const maxHebrewPrefixLetters = 3;

const hebrewPrefixLetters = new Set([0x05d5, 0x05d4, 0x05d1, 0x05db, 0x05dc, 0x05de, 0x05e9]); // ו ה ב כ ל מ ש
const hebrewLetterFirst = 0x05d0;
const hebrewLetterLast = 0x05ea;
const maskUnit = '\uffff';
const space = 0x20;

function isHebrewLetter(cp: number): boolean {
  return cp >= hebrewLetterFirst && cp <= hebrewLetterLast;
}

/** Steps back over the combining marks ending at `index`; returns the offset just after the letter they sit on. */
function skipMarksBack(s: string, index: number): number {
  let j = index;
  for (;;) {
    const cp = codePointBefore(s, j);
    if (cp < 0) return j;
    const c = charClass(cp);
    if (c !== CharClass.mark && c !== CharClass.removedMark) return j;
    j -= codeUnitLength(cp);
  }
}

/** Whether a match may start at `index` of `s`: not inside a word, allowing Hebrew prefix letters. */
export function isWordStart(s: string, index: number): boolean {
  const cur = codePointAt(s, index);
  const prev = codePointBefore(s, index);
  if (prev < 0 || cur < 0 || !isWordCodePoint(cur) || !isWordCodePoint(prev)) return true;
  if (!isHebrewLetter(cur)) return false;
  let j = index;
  for (let count = 1; count <= maxHebrewPrefixLetters; count++) {
    j = skipMarksBack(s, j);
    const letter = codePointBefore(s, j);
    if (!hebrewPrefixLetters.has(letter)) return false;
    j -= codeUnitLength(letter);
    const before = codePointBefore(s, j);
    if (before < 0 || !isWordCodePoint(before)) return true;
  }
  return false;
}

/** Whether a match may end at `index` of `s`: not inside a word (nor before a mark of its last letter). */
export function isWordEnd(s: string, index: number): boolean {
  const cur = codePointAt(s, index);
  const prev = codePointBefore(s, index);
  return prev < 0 || cur < 0 || !isWordCodePoint(cur) || !isWordCodePoint(prev);
}

function endsInWord(s: string): boolean {
  const cp = codePointBefore(s, s.length);
  return cp >= 0 && isWordCodePoint(cp);
}

function startsInWord(s: string): boolean {
  const cp = codePointAt(s, 0);
  return cp >= 0 && isWordCodePoint(cp);
}

interface Candidate {
  start: number;
  end: number;
  agreement: number | null;
  score: number;
}

function combinedScore(quoteSimilarity: number, agreement: number | null): number {
  if (agreement === null) return quoteSimilarity;
  return (quoteWeight * quoteSimilarity + contextWeight * agreement) / (quoteWeight + contextWeight);
}

/** Better candidate first: higher context agreement (or score), then nearer the hint, then earlier. */
function better(a: Candidate, b: Candidate, hint: number | undefined, by: 'agreement' | 'score'): boolean {
  const ka = by === 'agreement' ? (a.agreement ?? 0) : a.score;
  const kb = by === 'agreement' ? (b.agreement ?? 0) : b.score;
  if (ka !== kb) return ka > kb;
  if (hint !== undefined) {
    const da = Math.abs(a.start - hint);
    const db = Math.abs(b.start - hint);
    if (da !== db) return da < db;
  }
  return a.start < b.start;
}

/** A half-open range of offsets. */
interface Range {
  start: number;
  end: number;
}

/**
 * The offsets of every occurrence of `needle` wholly inside one of `windows` (in order, not
 * overlapping). The scan stops at each window's end: `indexOf` on the whole string would run on
 * to the end of a megabyte text when a small window holds no occurrence.
 */
function occurrences(hay: string, needle: string, windows: readonly Range[], max: number): number[] {
  const out: number[] = [];
  for (const { start, end } of windows) {
    if (end - start < needle.length) continue;
    const view = start === 0 && end === hay.length ? hay : hay.slice(start, end);
    for (let at = view.indexOf(needle); at >= 0; at = view.indexOf(needle, at + 1)) {
      if (out.length === max) throw new AmbiguousQuoteError(`The quote occurs more than ${max} times`);
      out.push(start + at);
    }
  }
  return out;
}

/**
 * Where to scan for a needle of `length` that must overlap one of `ranges` (see `among`): each
 * range widened by `length` either side (one more than needed, so that a range converted to
 * folded units, which may start one unit late inside a cluster, is still covered), clipped to
 * `bounds` and merged. Without ranges, or when the windows would cover half of `bounds` anyway,
 * `bounds` itself.
 */
function scanWindows(ranges: readonly Range[] | undefined, length: number, bounds: Range): Range[] {
  if (!ranges) return [bounds];
  const windows: Range[] = [];
  let covered = 0;
  for (const r of ranges) {
    const start = Math.max(bounds.start, r.start - length);
    const end = Math.min(bounds.end, r.end + length);
    if (end <= start) continue;
    const last = windows[windows.length - 1];
    if (last && start <= last.end) {
      covered += Math.max(0, end - last.end);
      last.end = Math.max(last.end, end);
    } else {
      windows.push({ start, end });
      covered += end - start;
    }
  }
  return covered * 2 >= bounds.end - bounds.start ? [bounds] : windows;
}

/** `foldedRanges` results, by the raw ranges array: resolution passes the same array for every gloss. */
const foldedRangesCache = new WeakMap<readonly Range[], { fold: FoldedText; ranges: Range[] }>();

/** `ranges` in the folded units of `fold`, computed once per ranges array and folded text. */
function foldedRanges(fold: FoldedText, ranges: readonly Range[]): Range[] {
  const cached = foldedRangesCache.get(ranges);
  if (cached && cached.fold === fold) return cached.ranges;
  const converted = ranges.map((r) => foldedRange(fold, r.start, r.end));
  foldedRangesCache.set(ranges, { fold, ranges: converted });
  return converted;
}

/** Whether `start..end` overlaps one of `ranges` (in order; an empty range counts when strictly inside). */
function overlapsAny(ranges: readonly Range[], start: number, end: number): boolean {
  // The first range ending after `start` is the only one that can overlap.
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ranges[mid].end <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo < ranges.length && ranges[lo].start < end;
}

function checkAmong(ranges: readonly Range[], length: number): void {
  let previousEnd = 0;
  for (const r of ranges) {
    if (!Number.isInteger(r.start) || r.start < previousEnd || r.start > length) {
      throw new RangeError(`among range start ${r.start} is outside ${previousEnd}..${length}`);
    }
    if (!Number.isInteger(r.end) || r.end < r.start || r.end > length) {
      throw new RangeError(`among range end ${r.end} is outside ${r.start}..${length}`);
    }
    previousEnd = r.end;
  }
}

/** An occurrence of the quote: raw offsets, and offsets in the string its context is compared in (raw or folded). */
interface Occurrence {
  start: number;
  end: number;
  hayStart: number;
  hayEnd: number;
}

/**
 * How many occurrences of a quote get the full context comparison. A quote that occurs thousands
 * of times ("the") would cost a 32×40 edit-distance table per occurrence; beyond this many, the
 * occurrences are first ranked by how many characters of context agree verbatim right next to
 * them, and only the best get the full comparison.
 */
export const maxContextComparisons = 64;

function commonSuffixLength(a: string, hay: string, end: number): number {
  let k = 0;
  while (k < a.length && k < end && a.charCodeAt(a.length - 1 - k) === hay.charCodeAt(end - 1 - k)) k++;
  return k;
}

function commonPrefixLength(a: string, hay: string, start: number): number {
  let k = 0;
  while (k < a.length && start + k < hay.length && a.charCodeAt(k) === hay.charCodeAt(start + k)) k++;
  return k;
}

/** The occurrence whose context agrees best (then nearest `hint`, then first), scored with `quoteSimilarity`. */
function bestOccurrence(
  found: Occurrence[],
  hay: string,
  prefix: string,
  suffix: string,
  quoteSimilarity: number,
  hint: number | undefined,
): Candidate | null {
  let pool = found;
  if (pool.length > maxContextComparisons) {
    const adjacent = (o: Occurrence): number =>
      commonSuffixLength(prefix, hay, o.hayStart) + commonPrefixLength(suffix, hay, o.hayEnd);
    pool = pool
      .map((o) => ({ o, a: adjacent(o) }))
      .sort((x, y) => y.a - x.a || (hint === undefined ? 0 : Math.abs(x.o.start - hint) - Math.abs(y.o.start - hint)) || x.o.start - y.o.start)
      .slice(0, maxContextComparisons)
      .map((x) => x.o);
  }
  let best: Candidate | null = null;
  for (const o of pool) {
    const agreement = contextAgreement(hay, o.hayStart, o.hayEnd, prefix, suffix);
    const c: Candidate = { start: o.start, end: o.end, agreement, score: combinedScore(quoteSimilarity, agreement) };
    if (best === null || better(c, best, hint, 'agreement')) best = c;
  }
  return best;
}

/** Where the passage was, when there is no diff: the hint, and whether its surroundings stand somewhere else than a candidate. */
interface Home {
  hint: number;
  /** Whether the passage's own surroundings stand near the hint (`homePlaces`) but not around `start..end` (raw). */
  standsElsewhere: (start: number, end: number) => boolean;
}

/**
 * Weighs `best`, the occurrence whose context agrees best, against where the passage was (no
 * diff: see home.ts). An occurrence within `homeReach` of the hint is taken over a `best` further
 * away unless `best` agrees better by more than `homeAgreementMargin` (`bestOf` picks among the
 * near ones). Then the choice is refused (null) when the passage's own surroundings stand
 * somewhere else near the hint: the passage was edited or deleted there, and the choice is a
 * look-alike; the fuzzy step then judges the edited passage, near the hint. A near choice whose
 * context agrees at least `standingAgreement` stands itself and is not questioned.
 */
function preferHome(best: Candidate, found: Occurrence[], bestOf: (pool: Occurrence[]) => Candidate | null, home: Home): Candidate | null {
  const isNear = (start: number): boolean => Math.abs(start - home.hint) <= homeReach;
  let chosen = best;
  if (!isNear(best.start)) {
    const nearBest = bestOf(found.filter((o) => isNear(o.start)));
    if (nearBest && (nearBest.agreement ?? 0) >= (best.agreement ?? 0) - homeAgreementMargin) chosen = nearBest;
  }
  if (isNear(chosen.start) && (chosen.agreement ?? 1) >= standingAgreement) return chosen;
  return home.standsElsewhere(chosen.start, chosen.end) ? null : chosen;
}

/** How far (folded units) a candidate may lie outside a place `homePlaces` found and still count as at it. */
const homePlaceSlack = 4;

function checkRange(name: string, range: { start: number; end: number }, length: number): void {
  const { start, end } = range;
  if (!Number.isInteger(start) || start < 0 || start > length) {
    throw new RangeError(`${name}.start ${start} is outside 0..${length}`);
  }
  if (!Number.isInteger(end) || end < start || end > length) {
    throw new RangeError(`${name}.end ${end} is outside ${start}..${length}`);
  }
}

/**
 * Finds where `quote` sits in `text`, or `null`. Tries verbatim occurrences, then occurrences equal
 * after folding, then an approximate match near `options.near` or `options.hint`, all respecting
 * word boundaries and restricted to `options.within` (and `near`, `among`); see the file header
 * for the rules and thresholds. Offsets are UTF-16 code units into `text`. An empty quote (or one
 * that folds to nothing, for the later steps) finds nothing. Throws `RangeError` for a `within`,
 * `near` or `among` range outside the text (or `among` out of order), a non-finite `hint`, or a
 * `folded` text that was not made from `text`.
 */
export function matchQuote(text: string, quote: string, options: MatchQuoteOptions = {}): QuoteMatch | null {
  const within = options.within ?? { start: 0, end: text.length };
  checkRange('within', within, text.length);
  const near = options.near;
  if (near) checkRange('near', near, text.length);
  let hint = options.hint;
  if (hint !== undefined) {
    if (!Number.isFinite(hint)) throw new RangeError(`hint ${hint} is not a finite number`);
    hint = Math.min(Math.max(hint, within.start), within.end);
  }
  const kinds = options.kinds ?? ['exact', 'normalized', 'fuzzy'];
  const limits: MatchLimits = { ...defaultMatchLimits, ...options.limits };
  if (quote.length === 0) return null;
  // With `near`, every step looks only around it and takes only candidates overlapping it.
  const reach = quote.length + nearSlack;
  const range = near
    ? { start: Math.max(within.start, near.start - reach), end: Math.min(within.end, near.end + reach) }
    : within;
  const overlapsNear = (start: number, end: number): boolean => !near || (start < near.end && end > near.start);
  const among = options.among;
  if (among) checkAmong(among, text.length);
  const overlapsAmong = (start: number, end: number): boolean => !among || overlapsAny(among, start, end);
  const wanted = (start: number, end: number): boolean => overlapsNear(start, end) && overlapsAmong(start, end);
  const prefix = options.prefix ?? '';
  const suffix = options.suffix ?? '';
  const freeStart = endsInWord(prefix) && startsInWord(quote);
  const freeEnd = startsInWord(suffix) && endsInWord(quote);
  const boundariesOk = (s: string, start: number, end: number): boolean =>
    (freeStart || isWordStart(s, start)) && (freeEnd || isWordEnd(s, end));
  const foldedQuote = foldQuote(quote);
  const distinctive = foldedQuote.length >= distinctiveQuoteLength;
  // A verbatim or folded-equal candidate the diff vouches for (overlapping `near`) needs no context.
  const acceptable = (c: Candidate): boolean =>
    near !== undefined || c.agreement === null || distinctive || c.agreement >= minContextAgreement;
  let foldedText: FoldedText | undefined;
  const getFold = (): FoldedText => (foldedText ??= resolveFolded(text, options.folded));
  // Without a diff (a hint, but no `near` or `among`), the hint is where the passage was: see `preferHome`.
  let home: Home | null = null;
  if (hint !== undefined && !near && !among) {
    const at = hint;
    let places: { start: number; end: number }[] | undefined;
    home = {
      hint: at,
      standsElsewhere: (start, end) => {
        const fold = getFold();
        places ??= homePlaces(fold, at, foldedQuote.length, prefix, suffix);
        const f = foldedRange(fold, start, end);
        const atPlace = (p: { start: number; end: number }): boolean =>
          f.end >= p.start - homePlaceSlack && f.start <= p.end + homePlaceSlack;
        return places.length > 0 && !places.some(atPlace);
      },
    };
  }
  /** The best of `found` by context (`bestOccurrence`), weighed against where the passage was when there is no diff. */
  const pick = (found: Occurrence[], hay: string, p: string, s: string, similarity: number): Candidate | null => {
    const best = bestOccurrence(found, hay, p, s, similarity, hint);
    if (!best || !home) return best;
    return preferHome(best, found, (pool) => bestOccurrence(pool, hay, p, s, similarity, hint), home);
  };

  // 1. Verbatim occurrences.
  if (kinds.includes('exact')) {
    const found: Occurrence[] = [];
    for (const at of occurrences(text, quote, scanWindows(among, quote.length, range), limits.maxOccurrences)) {
      const end = at + quote.length;
      if (wanted(at, end) && boundariesOk(text, at, end)) found.push({ start: at, end, hayStart: at, hayEnd: end });
    }
    const best = pick(found, text, prefix, suffix, 1);
    if (best && acceptable(best)) return { start: best.start, end: best.end, score: best.score, kind: 'exact' };
  }

  if (foldedQuote.length === 0) return null;
  const fold = getFold();
  const folded = fold.folded;
  const fPrefix = foldKey(prefix);
  const fSuffix = foldKey(suffix);
  const fRange = foldedRange(fold, range.start, range.end);
  const edges = foldedAwayEdges(quote);

  // 2. Occurrences equal after folding.
  if (kinds.includes('normalized')) {
    const found: Occurrence[] = [];
    const fAmong = among && foldedRanges(fold, among);
    for (const at of occurrences(folded, foldedQuote, scanWindows(fAmong, foldedQuote.length, fRange), limits.maxOccurrences)) {
      const fEnd = at + foldedQuote.length;
      const raw = quoteEdges(text, rawRange(fold, at, fEnd), edges, within);
      if (wanted(raw.start, raw.end) && boundariesOk(text, raw.start, raw.end)) {
        found.push({ ...raw, hayStart: at, hayEnd: fEnd });
      }
    }
    const best = pick(found, folded, fPrefix, fSuffix, foldedQuoteSimilarity);
    if (best && acceptable(best)) return { start: best.start, end: best.end, score: best.score, kind: 'normalized' };
  }

  // 3. Approximate match, in a window.
  if (!kinds.includes('fuzzy')) return null;
  let window = fRange;
  let overlap: { start: number; end: number } | null = null;
  if (near) {
    overlap = foldedRange(fold, near.start, near.end);
  } else if (hint !== undefined) {
    const fuzzyReach = quote.length * fuzzyWindowQuoteFactor + fuzzyWindowSlack;
    window = foldedRange(fold, Math.max(range.start, hint - fuzzyReach), Math.min(range.end, hint + quote.length + fuzzyReach));
  }
  const found = fuzzySearch(fold, foldedQuote, {
    window,
    overlap,
    prefix: fPrefix,
    suffix: fSuffix,
    freeStart,
    freeEnd,
    hint,
    among,
    limits,
  });
  if (!found) return null;
  const raw = quoteEdges(text, rawRange(fold, found.start, found.end), edges, within);
  return { start: raw.start, end: raw.end, score: found.score, kind: 'fuzzy' };
}

/**
 * `matchQuote`, where a quote too ambiguous to place within the bounds (thousands of equally good
 * places in a repetitive text) counts as not found: callers that have a fallback (the segment, an
 * orphan) take it rather than guess.
 */
export function matchQuoteOrNull(text: string, quote: string, options: MatchQuoteOptions = {}): QuoteMatch | null {
  try {
    return matchQuote(text, quote, options);
  } catch (e) {
    if (e instanceof AmbiguousQuoteError) return null;
    throw e;
  }
}

/** The leading and trailing parts of `quote` that fold away (punctuation, spaces; leading marks). */
function foldedAwayEdges(quote: string): { lead: string; trail: string } {
  let i = 0;
  while (i < quote.length) {
    const cp = codePointAt(quote, i);
    const c = charClass(cp);
    if (c !== CharClass.space && c !== CharClass.punct && c !== CharClass.removedMark && c !== CharClass.mark) break;
    i += codeUnitLength(cp);
  }
  let j = quote.length;
  while (j > i) {
    const cp = codePointBefore(quote, j);
    const c = charClass(cp);
    if (c !== CharClass.space && c !== CharClass.punct) break;
    j -= codeUnitLength(cp);
  }
  return { lead: quote.slice(0, i), trail: quote.slice(j) };
}

/**
 * A folded match's raw range, widened over the quote's own leading and trailing punctuation
 * (and leading marks) where the text has exactly the same: "בראשית ברא." matched in pointed text
 * ends after the period, as the quote does.
 */
function quoteEdges(
  text: string,
  raw: Range,
  edges: { lead: string; trail: string },
  bounds: Range,
): Range {
  let { start, end } = raw;
  const lead = edges.lead.length;
  const trail = edges.trail.length;
  if (lead > 0 && start - lead >= bounds.start && text.startsWith(edges.lead, start - lead)) start -= lead;
  if (trail > 0 && end + trail <= bounds.end && text.startsWith(edges.trail, end)) end += trail;
  return { start, end };
}

function resolveFolded(text: string, folded: MatchQuoteOptions['folded']): FoldedText {
  const fold = typeof folded === 'function' ? folded() : (folded ?? foldText(text));
  if (fold.text !== text) throw new RangeError('options.folded was not made from this text');
  return fold;
}

/** Word starts to try for a fuzzy candidate starting at `s`: `s` itself if allowed, else the word starts either side; never on a space. */
function startOptions(folded: string, s: number, lo: number, hi: number, free: boolean): number[] {
  const options: number[] = [];
  if (free || isWordStart(folded, s)) options.push(s);
  else {
    let back = s;
    while (back > lo && !isWordStart(folded, back)) back -= codeUnitLength(codePointBefore(folded, back));
    if (isWordStart(folded, back)) options.push(back);
    let fwd = s;
    while (fwd < hi && !isWordStart(folded, fwd)) fwd += codeUnitLength(codePointAt(folded, fwd));
    options.push(fwd);
  }
  return options.map((o) => {
    while (o < hi && folded.charCodeAt(o) === space) o++;
    return o;
  });
}

/** Word ends to try for a fuzzy candidate ending at `e`: `e` itself if allowed, else the word ends either side; never after a space. */
function endOptions(folded: string, e: number, lo: number, hi: number, free: boolean): number[] {
  const options: number[] = [];
  if (free || isWordEnd(folded, e)) options.push(e);
  else {
    let fwd = e;
    while (fwd < hi && !isWordEnd(folded, fwd)) fwd += codeUnitLength(codePointAt(folded, fwd));
    if (isWordEnd(folded, fwd)) options.push(fwd);
    let back = e;
    while (back > lo && !isWordEnd(folded, back)) back -= codeUnitLength(codePointBefore(folded, back));
    options.push(back);
  }
  return options.map((o) => {
    while (o > lo && folded.charCodeAt(o - 1) === space) o--;
    return o;
  });
}

/** What the fuzzy step needs besides the folded text and quote. */
interface FuzzyQuery {
  window: { start: number; end: number };
  /** Folded range of `near`: candidates must overlap it, and it is tried first as it stands. */
  overlap: { start: number; end: number } | null;
  prefix: string;
  suffix: string;
  freeStart: boolean;
  freeEnd: boolean;
  /** Raw hint, for nearness ties. */
  hint: number | undefined;
  /** Raw ranges candidates must overlap (see `MatchQuoteOptions.among`). */
  among: readonly { start: number; end: number }[] | undefined;
  limits: MatchLimits;
}

function fuzzySearch(fold: FoldedText, quote: string, q: FuzzyQuery): Candidate | null {
  const lo = q.window.start;
  const hi = q.window.end;
  const folded = fold.folded;
  const maxErrors = Math.floor(quote.length * (1 - minQuoteSimilarity));
  if (hi <= lo) return null;
  const hint = q.hint === undefined ? undefined : foldedRange(fold, q.hint, q.hint).start;
  const minScore = q.overlap ? minNearFuzzyScore : minFuzzyScore;
  const tried = new Set<string>();
  const maxNearErrors = Math.floor(quote.length * (1 - minNearQuoteSimilarity));
  /**
   * Scores the candidate `s..e` (folded); null if it is out of bounds, tried, or below the
   * thresholds. `asMapped`: the candidate is the diff's own range, which may also pass on
   * `minNearQuoteSimilarity` with `minNearContextAgreement`.
   */
  const evaluate = (s: number, e: number, asMapped: boolean): Candidate | null => {
    if (e <= s || (q.overlap && (e <= q.overlap.start || s >= q.overlap.end))) return null;
    const key = `${s}:${e}`;
    if (tried.has(key)) return null;
    tried.add(key);
    const bound = asMapped ? Math.max(maxErrors, maxNearErrors) : maxErrors;
    const errors = editDistance(quote, folded.slice(s, e), bound);
    if (errors > bound) return null;
    const similarity = 1 - errors / quote.length;
    const agreement = contextAgreement(folded, s, e, q.prefix, q.suffix);
    const score = combinedScore(similarity, agreement);
    const passes =
      similarity >= minQuoteSimilarity &&
      score >= minScore &&
      (agreement !== null || similarity >= minContextFreeSimilarity);
    const passesAsMapped =
      asMapped && similarity >= minNearQuoteSimilarity && agreement !== null && agreement >= minNearContextAgreement;
    if (!passes && !passesAsMapped) return null;
    if (q.among) {
      const raw = rawRange(fold, s, e);
      if (!overlapsAny(q.among, raw.start, raw.end)) return null;
    }
    return { start: s, end: e, agreement, score };
  };
  const bestOf = (ranges: readonly { start: number; end: number }[], asMapped = false): Candidate | null => {
    let best: Candidate | null = null;
    for (const m of ranges) {
      for (const s of startOptions(folded, m.start, lo, hi, q.freeStart)) {
        for (const e of endOptions(folded, m.end, lo, hi, q.freeEnd)) {
          const c = evaluate(s, e, asMapped);
          if (c && (best === null || better(c, best, hint, 'score'))) best = c;
        }
      }
    }
    return best;
  };
  // Where the diff put the quote, as it stands: the diff knows the edit's boundaries best.
  if (q.overlap) {
    const here = bestOf([q.overlap], true);
    if (here) return here;
  }
  if (maxErrors === 0) return null;
  if (hi - lo > q.limits.maxFuzzyWindow) {
    throw new AmbiguousQuoteError(`The quote is not in the text as written; give its start and end to search near them`);
  }
  if (quote.length > periodicCheckLength && nearlyPeriodic(quote, maxErrors)) {
    throw new AmbiguousQuoteError('The quote repeats itself too much to be placed approximately');
  }
  let hay = folded.slice(lo, hi);
  for (let round = 0; round < maxFuzzyRounds; round++) {
    const matches = search(hay, quote, maxErrors);
    if (matches.length === 0) return null;
    if (matches.length > q.limits.maxFuzzyCandidates) {
      throw new AmbiguousQuoteError(`The quote fits more than ${q.limits.maxFuzzyCandidates} places equally well`);
    }
    const best = bestOf(matches.map((m) => ({ start: lo + m.start, end: lo + m.end })));
    if (best) return best;
    hay = mask(hay, matches);
  }
  return null;
}

/** `hay` with every matched range overwritten by a unit that occurs in no quote, so the next search finds the next best. */
function mask(hay: string, matches: readonly { start: number; end: number }[]): string {
  const ranges = matches.map((m) => [m.start, m.end] as const).sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of ranges) {
    const from = Math.max(s, at);
    if (e <= from) continue;
    out += hay.slice(at, from) + maskUnit.repeat(e - from);
    at = e;
  }
  return out + hay.slice(at);
}
