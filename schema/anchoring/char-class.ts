// Character classes shared by folding and word-boundary checks.
//
// Classifying a code point needs Unicode property regexes, which are slow to
// run a million times, so BMP answers are memoised in a 64 KiB table (the
// memo is the only module state; it never changes an answer).

/** The classes `charClass` returns: what folding does with a code point and whether it is part of a word. */
export const CharClass = {
  /** A letter or number: part of a word, kept by folding. */
  word: 1,
  /** A combining mark folding keeps (e.g. a Latin accent left uncomposed by NFC): part of the word it sits on. */
  mark: 2,
  /** A combining mark folding removes (Hebrew points and cantillation, CGJ, variation selectors): part of the word it sits on. */
  removedMark: 3,
  /** Whitespace or a dash (including the Hebrew maqaf): a word separator, folded to one space. */
  space: 4,
  /** Punctuation, modifier symbols and invisible format characters: removed by folding. */
  punct: 5,
  /** Anything else (symbols, emoji, controls): kept by folding, but not part of a word. */
  other: 6,
} as const;

/** One of the values of `CharClass`. */
export type CharClassValue = (typeof CharClass)[keyof typeof CharClass];

/** First and last code points of the Hebrew points and cantillation block folding strips (U+0591–U+05C7). */
const hebrewMarksFirst = 0x0591;
const hebrewMarksLast = 0x05c7;

const reDefaultIgnorable = /^\p{Default_Ignorable_Code_Point}$/u;
const reMark = /^\p{M}$/u;
const reSpace = /^[\s\p{Z}]$/u;
const reDash = /^\p{Pd}$/u;
const rePunct = /^[\p{P}\p{Sk}]$/u;
const reWord = /^[\p{L}\p{N}]$/u;

const bmpSize = 0x10000;

/**
 * The memo behind `charClass` for the BMP: `charClassMemo[cp]` is the class of `cp`, or 0 when not
 * yet computed (then call `charClass`). Exposed for the folding loop, which runs once per code
 * unit of a megabyte text; read it, never write it.
 */
export const charClassMemo = new Uint8Array(bmpSize);
const bmpClasses = charClassMemo;

function computeClass(cp: number): CharClassValue {
  const ch = String.fromCodePoint(cp);
  const isMark = reMark.test(ch);
  if (cp >= hebrewMarksFirst && cp <= hebrewMarksLast && isMark) return CharClass.removedMark;
  if (reDefaultIgnorable.test(ch)) return isMark ? CharClass.removedMark : CharClass.punct;
  if (reSpace.test(ch) || reDash.test(ch)) return CharClass.space;
  if (rePunct.test(ch)) return CharClass.punct;
  if (isMark) return CharClass.mark;
  if (reWord.test(ch)) return CharClass.word;
  return CharClass.other;
}

/**
 * The class of a code point: whether folding keeps, removes or turns it into a space, and whether
 * it belongs to a word. Lone surrogates are `other`.
 */
export function charClass(cp: number): CharClassValue {
  if (cp < bmpSize) {
    let c = bmpClasses[cp];
    if (c === 0) {
      c = cp >= 0xd800 && cp <= 0xdfff ? CharClass.other : computeClass(cp);
      bmpClasses[cp] = c;
    }
    return c as CharClassValue;
  }
  return computeClass(cp);
}

/** Whether a code point is part of a word: a letter, a number or a combining mark (which belongs to the letter before it). */
export function isWordCodePoint(cp: number): boolean {
  const c = charClass(cp);
  return c === CharClass.word || c === CharClass.mark || c === CharClass.removedMark;
}

/** The code point that starts at `index` in `s` (a lone surrogate counts as itself), or -1 at the end. */
export function codePointAt(s: string, index: number): number {
  return index < s.length ? (s.codePointAt(index) as number) : -1;
}

/** The code point that ends at `index` in `s` (a surrogate pair counts as one), or -1 at the start. */
export function codePointBefore(s: string, index: number): number {
  if (index <= 0) return -1;
  const low = s.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = s.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return (high - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return low;
}

/** The number of UTF-16 code units `cp` takes. */
export function codeUnitLength(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}
