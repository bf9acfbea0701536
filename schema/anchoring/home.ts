// Where a passage was, as evidence when there is no diff (docs/anchoring.md §3, "Without a diff").
//
// Without a diff, a gloss's stored start is the one sign of where its passage stood, besides the
// quote and its context. Context alone misleads in a text of refrains: every copy of "And the
// elders of the city sat at the gate." shares the context that lies inside the refrain, so a copy
// a hundred pages away can agree with the stored context as well as, or a letter better than,
// the passage itself. `matchQuote` therefore weighs the stored start (its `hint`) in two ways
// when no diff is given (see `preferHome` there), and this module supplies the second: whether
// the passage's own surroundings still stand near where it was.

import search from 'approx-string-match';
import { type FoldedText, foldQuote, foldedRange } from './fold.ts';
import { nearlyPeriodic } from './similarity.ts';

/**
 * How far from the stored start (code units) a place still counts as where the passage was: the
 * drift that edits elsewhere cause. A revision changing 2% of a megabyte text shifts its last
 * pages by about 4 KiB; this allows four times that.
 */
export const homeReach = 16_384;

/**
 * Context agreements (0..1, see `contextAgreement`) closer than this are taken as equal evidence,
 * and then nearness to the stored start decides: a place near it is taken over one further away
 * that agrees better by less than this (about four letters of one 32-unit side).
 */
export const homeAgreementMargin = 0.1;

/** The similarity (1 − edits / length) each side of the stored context needs to count as still standing. */
export const minHomeSideSimilarity = 0.75;

/** A side of the stored context shorter than this (folded units) is too short to recognise: no evidence. */
export const minHomeSideLength = 16;

/** How many places of one side (the prefix, or the suffix) are examined for the other beside them. */
export const maxHomeSidePlaces = 64;

/**
 * A candidate whose context agrees at least this well (see `contextAgreement`: the mean of its two
 * sides, each rescaled above the noise floor 0.4) has both sides at least 0.76 similar, above
 * `minHomeSideSimilarity`: its own surroundings stand, so it is itself a place `homePlaces` would
 * find, and there is nothing to look for elsewhere.
 */
export const standingAgreement = 0.8;

/**
 * The places near `hint` in `fold` where the passage's own surroundings still stand: within
 * `homeReach`, the stored `prefix` followed by the stored `suffix`, each at least
 * `minHomeSideSimilarity` similar (folded), with at most about twice the quote's length between
 * them. Each place is the folded range between the two: the quote, its new wording if it was
 * edited, or an empty range if it was deleted. When the passage stands there, edited or deleted,
 * a verbatim copy of the quote anywhere else is a look-alike. Empty when either side is shorter
 * than `minHomeSideLength` once folded (a quote at the text's edge) or nearly periodic, or when
 * nothing stands. `hint` is a raw offset; `quoteLength` is the quote's folded length. Only the
 * best places of each side (fewest edits, at most `maxHomeSidePlaces`) are examined.
 */
export function homePlaces(
  fold: FoldedText,
  hint: number,
  quoteLength: number,
  prefix: string,
  suffix: string,
): { start: number; end: number }[] {
  const before = foldQuote(prefix);
  const after = foldQuote(suffix);
  if (before.length < minHomeSideLength || after.length < minHomeSideLength) return [];
  const allowed = (side: string): number => Math.floor(side.length * (1 - minHomeSideSimilarity));
  // A side that mostly repeats one short piece ("ab ab ab …") matches at every period of a text
  // made of it: too costly to place, and no evidence of anything.
  if (nearlyPeriodic(before, allowed(before)) || nearlyPeriodic(after, allowed(after))) return [];
  const window = foldedRange(fold, Math.max(0, hint - homeReach), Math.min(fold.text.length, hint + quoteLength + homeReach));
  const hay = fold.folded.slice(window.start, window.end);
  const gap = 2 * quoteLength + 8;
  const places = (piece: string, side: string): { start: number; end: number }[] =>
    search(piece, side, allowed(side));
  const out: { start: number; end: number }[] = [];
  // Each side's best places in the window, and the other side looked for beside each.
  for (const p of places(hay, before).slice(0, maxHomeSidePlaces)) {
    const s = places(hay.slice(p.end, p.end + gap + after.length), after)[0];
    if (s) out.push({ start: window.start + p.end, end: window.start + p.end + s.start });
  }
  for (const s of places(hay, after).slice(0, maxHomeSidePlaces)) {
    const from = Math.max(0, s.start - gap - before.length);
    const matches = places(hay.slice(from, s.start), before);
    const p = matches[matches.length - 1];
    if (p) out.push({ start: window.start + from + p.end, end: window.start + s.start });
  }
  return out;
}
