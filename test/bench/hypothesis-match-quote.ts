/**
 * Hypothesis's quote matcher, reimplemented as the re-anchoring benchmark's baseline.
 *
 * Algorithm: Hypothesis client, src/annotator/anchoring/match-quote.ts (`matchQuote`), and the
 * order in which src/annotator/anchoring/html.ts (`anchor`) tries a TextPositionSelector before a
 * TextQuoteSelector (https://github.com/hypothesis/client). BSD-2-Clause, Copyright Hypothes.is
 * Project and contributors. This file is our own code, written from a reading of those files; it
 * keeps their behaviour, constants and tie-breaking:
 *
 * - Candidates: every verbatim occurrence of the quote (overlapping ones too, each with 0 errors);
 *   only when there is none, `approx-string-match` (the same library and major version the client
 *   uses) over the whole text with maxErrors = min(256, quote length / 2) — not rounded, as in the
 *   client — which returns only the candidates with the fewest errors.
 * - Each candidate is scored (50 · quote + 20 · prefix + 20 · suffix + 2 · position) / 92, where
 *   quote = 1 − errors / quote length; prefix = how well the stored prefix matches the text just
 *   before the candidate (as many units as the prefix has), suffix likewise after it, each
 *   1 − (fewest errors of the stored string anywhere in that piece of text) / its length, 0 if the
 *   piece is empty, 1 if nothing was stored; position = 1 − |candidate start − hint| / text length,
 *   1 without a hint. The hint is the annotation's stored TextPositionSelector start.
 * - The highest score wins; among equal scores the earliest candidate (the client sorts the
 *   candidates, in text order, with a stable sort). There is no threshold: a text with any
 *   candidate always yields a place.
 *
 * Deliberate differences: none in the matcher. The caller (`anchorLikeHypothesis`) leaves out the
 * RangeSelector step of `anchor`, which resolves XPaths into a DOM and has no meaning for a plain
 * text; it keeps the TextPositionSelector step (the stored offsets are taken when the text there
 * still equals the quote) and then the TextQuoteSelector step with the position as hint.
 */
import approxSearch from 'approx-string-match';

/** A place found for a quote: offsets into the text and the score in [0, 1]. */
export interface HypothesisMatch {
  start: number;
  end: number;
  score: number;
}

/** What the annotation remembers besides the quote (absent or empty prefix/suffix: not compared). */
export interface HypothesisContext {
  prefix?: string;
  suffix?: string;
  hint?: number;
}

/** The client's weights: similarity of the quote, of the text before it, after it, and nearness to the hint. */
export const hypothesisWeights = { quote: 50, prefix: 20, suffix: 20, position: 2 } as const;

interface Candidate {
  start: number;
  end: number;
  errors: number;
}

/**
 * The candidates for `pattern` in `text`: all verbatim occurrences if there are any (an overlapping
 * one starts one unit after the last), else the approximate matches with the fewest errors, up to
 * `maxErrors`.
 */
function candidates(text: string, pattern: string, maxErrors: number): Candidate[] {
  const verbatim: Candidate[] = [];
  for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) {
    verbatim.push({ start: at, end: at + pattern.length, errors: 0 });
  }
  return verbatim.length > 0 ? verbatim : approxSearch(text, pattern, maxErrors);
}

/**
 * How well `expected` occurs somewhere in `piece`: 1 − (fewest edits of `expected` found in it) /
 * its length; 0 when either is empty. (With maxErrors = the pattern's length a non-empty piece
 * always yields a candidate.)
 */
function similarity(piece: string, expected: string): number {
  if (piece.length === 0 || expected.length === 0) return 0;
  const [best] = candidates(piece, expected, expected.length);
  return 1 - best.errors / expected.length;
}

/**
 * Where Hypothesis's `matchQuote` places `quote` in `text`, or `null` when no candidate is within
 * min(256, length / 2) errors (or the quote is empty). See the file header.
 */
export function hypothesisMatchQuote(text: string, quote: string, context: HypothesisContext = {}): HypothesisMatch | null {
  if (quote.length === 0) return null;
  const found = candidates(text, quote, Math.min(256, quote.length / 2));
  const { prefix, suffix, hint } = context;
  const w = hypothesisWeights;
  const total = w.quote + w.prefix + w.suffix + w.position;
  let best: HypothesisMatch | null = null;
  for (const c of found) {
    const quoteScore = 1 - c.errors / quote.length;
    const before = prefix ? similarity(text.slice(Math.max(0, c.start - prefix.length), c.start), prefix) : 1;
    const after = suffix ? similarity(text.slice(c.end, c.end + suffix.length), suffix) : 1;
    const near = typeof hint === 'number' ? 1 - Math.abs(c.start - hint) / text.length : 1;
    const score = (w.quote * quoteScore + w.prefix * before + w.suffix * after + w.position * near) / total;
    if (best === null || score > best.score) best = { start: c.start, end: c.end, score };
  }
  return best;
}

/** An annotation's selectors as the client stores them: the quote with its context, and the position. */
export interface HypothesisSelectors {
  exact: string;
  prefix?: string;
  suffix?: string;
  start?: number | null;
  end?: number | null;
}

/**
 * Where the Hypothesis client anchors an annotation in `text`: at its stored position if the text
 * there still reads as the quote, else wherever `hypothesisMatchQuote` puts the quote with the
 * stored start as hint; `null` when nothing is found.
 */
export function anchorLikeHypothesis(text: string, s: HypothesisSelectors): { start: number; end: number } | null {
  const start = s.start ?? null;
  const end = s.end ?? null;
  if (start !== null && end !== null && end <= text.length && text.slice(start, end) === s.exact) return { start, end };
  const m = hypothesisMatchQuote(text, s.exact, { prefix: s.prefix, suffix: s.suffix, hint: start ?? undefined });
  return m && { start: m.start, end: m.end };
}
