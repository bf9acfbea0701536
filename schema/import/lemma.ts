/**
 * The words a classical comment quotes (its dibur hamatchil) as the matcher should look for them
 * (README, "Sefaria import"). Commentators end a quotation with an abbreviation that is not in the
 * text — וגו' ("and so on"), וכו', כו', written with an apostrophe or a geresh, or spelt out
 * (וגומר, וכולי) — and sometimes quote a range: "X … עד Y", "X וכו' עד Y" (from X to Y). A lemma
 * yields the words to look for whole, and, for a range, its first and last words: the comment
 * then covers from the start of the first to the end of the last. Commentators also write the
 * Name as ה' where a pointed Bible prints יהוה: `spellings` gives both.
 */

/** The abbreviations that close a quotation: a word, then an apostrophe, geresh or right quote, or the word spelt out. */
const closingMark = /\s+(?:(?:וגו|וכו|כו)['׳’]|וגומר|וכולי)\s*[.:,;]*\s*$/u;
/** " עד " between the two ends of a range, with an ellipsis or an abbreviation before it. */
const rangeSeparator = /\s*(?:\.{3}|…)?\s*(?:(?:וגו|וכו|כו)['׳’]\s*)?\s+עד\s+/u;
const trailingPunctuation = /[\s.:,;…]+$/u;

/** A lemma as the matcher should look for it. */
export interface LemmaParts {
  /** The whole lemma, without the closing abbreviations and punctuation. */
  whole: string;
  /** For a range ("X עד Y"): its first and last words; null otherwise. */
  range: { first: string; last: string } | null;
}

/** Removes closing abbreviations (however many) and trailing punctuation. */
function withoutClosingMarks(words: string): string {
  let out = words.replace(trailingPunctuation, '');
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out.replace(closingMark, '').replace(trailingPunctuation, '');
  }
  return out.trim();
}

/** The parts of a lemma (see above); `whole` is never empty for a non-empty lemma of words. */
export function lemmaParts(lemma: string): LemmaParts {
  const whole = withoutClosingMarks(lemma) || lemma.trim();
  const m = rangeSeparator.exec(whole);
  if (!m || m.index === 0) return { whole, range: null };
  const first = withoutClosingMarks(whole.slice(0, m.index));
  const last = withoutClosingMarks(whole.slice(m.index + m[0].length));
  return { whole, range: first && last ? { first, last } : null };
}

/** The Name abbreviated (ה' or ה׳ as a word of its own, perhaps after one or two prefix letters: וה', בה', ולה'). */
const abbreviatedName = /(^|[\s\u05BE])([ובלמכש]{0,2})ה['׳’](?=$|[\s\u05BE.:,;])/gu;

/** The ways `words` may be written in the text: as quoted, and with the Name spelt out if abbreviated. */
export function spellings(words: string): string[] {
  const spelt = words.replace(abbreviatedName, '$1$2יהוה');
  return spelt === words ? [words] : [words, spelt];
}
