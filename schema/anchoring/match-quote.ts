// Finding a quote in a text: steps 3–5 of the DESIGN §5 ladder, as one pure function.
//
// The fallback chain, stopping at the first that yields an accepted place:
//   1. exact      — every verbatim occurrence that respects word boundaries; the best by
//                   agreement with the stored prefix/suffix, then by nearness to `hint`.
//   2. normalized — the same on folded strings (fold.ts), mapped back to raw offsets.
//   3. fuzzy      — approx-string-match on the folded text, accepted only above `minFuzzyScore`,
//                   searched (a) around `near` when given, taking only candidates that overlap it;
//                   else (b) in a window around `hint`; else (c) across `within`; else (d) across
//                   the whole text, which only a quote with no position at all (an import) gets.
// `within` restricts every step; `kinds` picks which steps run.
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
import { type FoldedText, foldQuote, foldText, foldedRange, rawRange } from './fold.ts';
import { contextAgreement, editDistance } from './similarity.ts';

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
   * Where the quote's text is known to be, edited (a diff-mapped range that survived): the fuzzy
   * step searches only around it and takes only candidates overlapping it.
   */
  near?: { start: number; end: number };
  /** Which steps to run, in the fixed order exact, normalized, fuzzy; default all three. */
  kinds?: readonly QuoteMatchKind[];
  /** The folded form of `text`, or a function producing it, so that many calls fold a large text once. */
  folded?: FoldedText | (() => FoldedText);
}

/**
 * Weights of quote similarity and context agreement in a candidate's score. The quote counts
 * double: a place whose text is the quote but whose surroundings were rewritten is still the
 * place, while a place whose surroundings agree but whose text differs a lot is not. Context
 * still matters enough that an unrelated look-alike (context agreement near 0) cannot reach
 * `minFuzzyScore` unless the quote is nearly identical and the context not wholly unrelated.
 */
export const quoteWeight = 2;
export const contextWeight = 1;

/**
 * The lowest score at which a fuzzy candidate is accepted. With intact context this admits a
 * quote about 70% similar (`minQuoteSimilarity`); with unrelated context (agreement 0) nothing
 * qualifies, since (2·1 + 0) / 3 < 0.8. Without any stored context the score is the quote
 * similarity alone, held to `minContextFreeSimilarity`.
 */
export const minFuzzyScore = 0.8;

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
 * The fuzzy window around `hint`: ±(quote length × `fuzzyWindowQuoteFactor` + `fuzzyWindowSlack`)
 * code units. The hint is the diff-mapped position, so the quote is rarely far from it; the
 * window only absorbs drift from edits the diff could not place, and keeps the search cost at a
 * few kilobytes per gloss instead of the whole text (and keeps look-alikes far away out of reach).
 */
export const fuzzyWindowQuoteFactor = 4;
export const fuzzyWindowSlack = 2048;

/**
 * How far beyond `near` (besides the quote's own length) the fuzzy step looks: a mapped range can
 * be shorter than the text it stands for when an edit replaced the quote's first or last word.
 */
export const nearSlack = 32;

/**
 * How many times the fuzzy step masks the best candidates it rejected (look-alikes inside a
 * longer word, for instance) and searches again for the next best.
 */
export const maxFuzzyRounds = 4;

/** How many one-letter Hebrew prefixes may stand before a Hebrew match ("וּכְשֶׁ" is three). */
export const maxHebrewPrefixLetters = 3;

const hebrewPrefixLetters = new Set([0x05d5, 0x05d4, 0x05d1, 0x05db, 0x05dc, 0x05de, 0x05e9]); // ו ה ב כ ל מ ש
const hebrewLetterFirst = 0x05d0;
const hebrewLetterLast = 0x05ea;
const maskUnit = '\uffff';

function isHebrewLetter(cp: number): boolean {
  return cp >= hebrewLetterFirst && cp <= hebrewLetterLast;
}

/** Steps back over combining marks from `index`; returns the index of the base they belong to's end. */
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
 * word boundaries and restricted to `options.within`; see the file header for the rules and
 * thresholds. Offsets are UTF-16 code units into `text`. An empty quote (or one that folds to
 * nothing, for the later steps) finds nothing. Throws `RangeError` for a `within` or `near`
 * outside the text, a non-finite `hint`, or a `folded` text that was not made from `text`.
 */
export function matchQuote(text: string, quote: string, options: MatchQuoteOptions = {}): QuoteMatch | null {
  const range = options.within ?? { start: 0, end: text.length };
  checkRange('within', range, text.length);
  if (options.near) checkRange('near', options.near, text.length);
  let hint = options.hint;
  if (hint !== undefined) {
    if (!Number.isFinite(hint)) throw new RangeError(`hint ${hint} is not a finite number`);
    hint = Math.min(Math.max(hint, range.start), range.end);
  }
  const kinds = options.kinds ?? ['exact', 'normalized', 'fuzzy'];
  if (quote.length === 0) return null;
  const prefix = options.prefix ?? '';
  const suffix = options.suffix ?? '';
  const freeStart = endsInWord(prefix) && startsInWord(quote);
  const freeEnd = startsInWord(suffix) && endsInWord(quote);
  const boundariesOk = (s: string, start: number, end: number): boolean =>
    (freeStart || isWordStart(s, start)) && (freeEnd || isWordEnd(s, end));
  const foldedQuote = foldQuote(quote);
  const distinctive = foldedQuote.length >= distinctiveQuoteLength;
  const acceptable = (c: Candidate): boolean =>
    c.agreement === null || distinctive || c.agreement >= minContextAgreement;

  // 1. Verbatim occurrences.
  if (kinds.includes('exact')) {
    let best: Candidate | null = null;
    for (let at = text.indexOf(quote, range.start); at >= 0 && at + quote.length <= range.end; at = text.indexOf(quote, at + 1)) {
      const end = at + quote.length;
      if (!boundariesOk(text, at, end)) continue;
      const agreement = contextAgreement(text, at, end, prefix, suffix);
      const c: Candidate = { start: at, end, agreement, score: combinedScore(1, agreement) };
      if (best === null || better(c, best, hint, 'agreement')) best = c;
    }
    if (best && acceptable(best)) return { start: best.start, end: best.end, score: best.score, kind: 'exact' };
  }

  if (foldedQuote.length === 0) return null;
  const fold = resolveFolded(text, options.folded);
  const folded = fold.folded;
  const fPrefix = foldText(prefix).folded;
  const fSuffix = foldText(suffix).folded;
  const fRange = foldedRange(fold, range.start, range.end);

  // 2. Occurrences equal after folding.
  if (kinds.includes('normalized')) {
    let best: Candidate | null = null;
    for (
      let at = folded.indexOf(foldedQuote, fRange.start);
      at >= 0 && at + foldedQuote.length <= fRange.end;
      at = folded.indexOf(foldedQuote, at + 1)
    ) {
      const fEnd = at + foldedQuote.length;
      const raw = rawRange(fold, at, fEnd);
      if (!boundariesOk(text, raw.start, raw.end)) continue;
      const agreement = contextAgreement(folded, at, fEnd, fPrefix, fSuffix);
      const c: Candidate = { ...raw, agreement, score: combinedScore(foldedQuoteSimilarity, agreement) };
      if (best === null || better(c, best, hint, 'agreement')) best = c;
    }
    if (best && acceptable(best)) return { start: best.start, end: best.end, score: best.score, kind: 'normalized' };
  }

  // 3. Approximate match, in a window.
  if (!kinds.includes('fuzzy')) return null;
  let window = fRange;
  let overlap: { start: number; end: number } | null = null;
  if (options.near) {
    const reach = quote.length + nearSlack;
    window = foldedRange(fold, Math.max(range.start, options.near.start - reach), Math.min(range.end, options.near.end + reach));
    overlap = foldedRange(fold, options.near.start, options.near.end);
  } else if (hint !== undefined) {
    const reach = quote.length * fuzzyWindowQuoteFactor + fuzzyWindowSlack;
    window = foldedRange(fold, Math.max(range.start, hint - reach), Math.min(range.end, hint + quote.length + reach));
  }
  const found = fuzzySearch(fold, foldedQuote, window, overlap, fPrefix, fSuffix, freeStart, freeEnd, hint);
  if (!found) return null;
  const raw = rawRange(fold, found.start, found.end);
  return { start: raw.start, end: raw.end, score: found.score, kind: 'fuzzy' };
}

function resolveFolded(text: string, folded: MatchQuoteOptions['folded']): FoldedText {
  const fold = typeof folded === 'function' ? folded() : (folded ?? foldText(text));
  if (fold.text !== text) throw new RangeError('options.folded was not made from this text');
  return fold;
}

/** Word starts to try for a fuzzy candidate starting at `s`: `s` itself if allowed, else the word starts either side. */
function startOptions(folded: string, s: number, lo: number, hi: number, free: boolean): number[] {
  if (free || isWordStart(folded, s)) return [s];
  const options: number[] = [];
  let back = s;
  while (back > lo && !isWordStart(folded, back)) back -= codeUnitLength(codePointBefore(folded, back));
  if (isWordStart(folded, back)) options.push(back);
  let fwd = s;
  while (fwd < hi && !isWordStart(folded, fwd)) fwd += codeUnitLength(codePointAt(folded, fwd));
  while (fwd < hi && folded.charCodeAt(fwd) === 0x20) fwd++;
  if (fwd < hi) options.push(fwd);
  return options;
}

function endOptions(folded: string, e: number, lo: number, hi: number, free: boolean): number[] {
  if (free || isWordEnd(folded, e)) return [e];
  const options: number[] = [];
  let fwd = e;
  while (fwd < hi && !isWordEnd(folded, fwd)) fwd += codeUnitLength(codePointAt(folded, fwd));
  if (isWordEnd(folded, fwd)) options.push(fwd);
  let back = e;
  while (back > lo && !isWordEnd(folded, back)) back -= codeUnitLength(codePointBefore(folded, back));
  while (back > lo && folded.charCodeAt(back - 1) === 0x20) back--;
  if (back > lo) options.push(back);
  return options;
}

function fuzzySearch(
  fold: FoldedText,
  quote: string,
  window: { start: number; end: number },
  overlap: { start: number; end: number } | null,
  prefix: string,
  suffix: string,
  freeStart: boolean,
  freeEnd: boolean,
  rawHint: number | undefined,
): Candidate | null {
  const lo = window.start;
  const hi = window.end;
  const folded = fold.folded;
  const maxErrors = Math.floor(quote.length * (1 - minQuoteSimilarity));
  if (maxErrors === 0 || hi <= lo) return null;
  // The hint in folded units, for nearness ties.
  const hint = rawHint === undefined ? undefined : foldedRange(fold, rawHint, rawHint).start;
  let hay = folded.slice(lo, hi);
  const tried = new Set<string>();
  for (let round = 0; round < maxFuzzyRounds; round++) {
    const matches = search(hay, quote, maxErrors);
    if (matches.length === 0) return null;
    let best: Candidate | null = null;
    for (const m of matches) {
      const s0 = lo + m.start;
      const e0 = lo + m.end;
      for (const s of startOptions(folded, s0, lo, hi, freeStart)) {
        for (const e of endOptions(folded, e0, lo, hi, freeEnd)) {
          if (e <= s || (overlap && (e <= overlap.start || s >= overlap.end))) continue;
          const key = `${s}:${e}`;
          if (tried.has(key)) continue;
          tried.add(key);
          const errors = editDistance(quote, folded.slice(s, e), maxErrors);
          if (errors > maxErrors) continue;
          const similarity = 1 - errors / quote.length;
          if (similarity < minQuoteSimilarity) continue;
          const agreement = contextAgreement(folded, s, e, prefix, suffix);
          const score = combinedScore(similarity, agreement);
          if (score < minFuzzyScore || (agreement === null && similarity < minContextFreeSimilarity)) continue;
          const c: Candidate = { start: s, end: e, agreement, score };
          if (best === null || better(c, best, hint, 'score')) best = c;
        }
      }
    }
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
