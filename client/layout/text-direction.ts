/**
 * The writing direction of a piece of text by its letters: right-to-left when most of its
 * strong letters are Hebrew or Arabic. `dir="auto"` looks only at the first strong letter, which
 * turns an English comment that opens with a Hebrew quotation (as the English Bartenura does)
 * right-to-left.
 */
// Letters only (`\p{L}`): a Hebrew point or cantillation mark, an Arabic haraka, is a mark and
// counts for neither side, so a pointed quotation weighs what its letters weigh.
const rtlLetters = /(?=\p{L})[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}]/gu;
const letters = /\p{L}/gu;

export function textDirection(text: string): 'ltr' | 'rtl' {
  // Two native scans rather than a test per character: bodies on a busy page add up.
  const rtl = text.match(rtlLetters)?.length ?? 0;
  const all = text.match(letters)?.length ?? 0;
  // Every counted right-to-left letter is a letter, so it is in `all` too.
  return rtl > all - rtl ? 'rtl' : 'ltr';
}
