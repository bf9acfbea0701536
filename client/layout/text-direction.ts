/**
 * The writing direction of a piece of text by its letters: right-to-left when most of its
 * strong letters are Hebrew or Arabic. `dir="auto"` looks only at the first strong letter, which
 * turns an English comment that opens with a Hebrew quotation (as the English Bartenura does)
 * right-to-left.
 */
const rtlLetters = /[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\uFB1D-\uFDFF\uFE70-\uFEFF]/g;
const letters = /\p{L}/gu;

export function textDirection(text: string): 'ltr' | 'rtl' {
  // Two native scans rather than a test per character: bodies on a busy page add up.
  const rtl = text.match(rtlLetters)?.length ?? 0;
  const all = text.match(letters)?.length ?? 0;
  // Hebrew points and cantillation are marks, not letters, so every counted RTL letter is in `all`.
  return rtl > all - rtl ? 'rtl' : 'ltr';
}
