/**
 * The writing direction of a piece of text by its letters: right-to-left when most of its
 * strong letters are Hebrew or Arabic. `dir="auto"` looks only at the first strong letter, which
 * turns an English comment that opens with a Hebrew quotation (as the English Bartenura does)
 * right-to-left.
 */
export function textDirection(text: string): 'ltr' | 'rtl' {
  let rtl = 0;
  let ltr = 0;
  for (const ch of text) {
    if (/[\u0590-\u05FF\u0600-\u06FF\u0750-\u077F\uFB1D-\uFDFF\uFE70-\uFEFF]/.test(ch)) rtl++;
    else if (/\p{L}/u.test(ch)) ltr++;
  }
  return rtl > ltr ? 'rtl' : 'ltr';
}
