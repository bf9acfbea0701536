// Folding: the normalized string the anchoring ladder compares when the exact text is not found
// (step 4 of the anchoring ladder (README, "Anchoring")), with a map back to raw offsets.
//
// The raw text is cut into clusters: one base code point and the combining marks after it.
// Each cluster is folded on its own, and every code unit it produces maps back to the whole
// cluster, so a folded range always maps to whole raw clusters: a Hebrew letter brings its
// points and cantillation with it, and a surrogate pair is never split.
//
// Per cluster:
// - Hebrew points and cantillation (U+0591–U+05C7), CGJ and other default-ignorable marks are
//   dropped; the maqaf (U+05BE) and every other dash become a space; sof pasuq (U+05C3), paseq
//   (U+05C0) and all other punctuation (`\p{P}`), modifier symbols (`\p{Sk}`, such as ^ and `)
//   and invisible format characters (ZWJ, soft hyphen, bidi marks) are removed.
// - Runs of whitespace (and dashes, and anything removed between them) collapse to one space.
// - What is left is put in NFC and lower-cased (`toLowerCase`, without locale).
// Symbols such as emoji, currency and math signs are kept: they carry meaning and rarely vary.
//
// Limit: NFC is applied per cluster, so compositions across base characters (conjoining Hangul
// jamo) are not made. Lower-casing is context-free (a final Greek sigma stays σ on both sides).

import { CharClass, charClass as classOf, charClassMemo, codeUnitLength } from './char-class.ts';

// Module-local copies of the classes and the classifier: the folding loop runs once per code
// point, and some module loaders (tsx, vitest) turn every use of an imported binding into a
// getter call.
const charClass = classOf;
const spaceClass = CharClass.space;
const punctClass = CharClass.punct;
const markClass = CharClass.mark;
const removedMarkClass = CharClass.removedMark;

/**
 * A folded text: the raw `text`, its `folded` form, and maps from folded code units back to raw
 * offsets. `map[i]` is where the raw cluster that produced folded unit `i` starts, `ends[i]` where
 * it ends (including its marks); `map[folded.length]` is `text.length`. Both maps are
 * non-decreasing.
 */
export interface FoldedText {
  readonly text: string;
  readonly folded: string;
  readonly map: Int32Array;
  readonly ends: Int32Array;
}

const space = 0x20;
const bmpSize = 0x10000;
/** `foldSingleCache[cp]`: the one code unit a lone BMP code point folds to; `uncached`, or `complex` when it folds to more than one. */
const foldSingleCache = new Int32Array(bmpSize).fill(-1);
const uncached = -1;
const complex = -2;

function foldSingle(cp: number): number {
  let v = foldSingleCache[cp];
  if (v === uncached) {
    const s = String.fromCharCode(cp).normalize('NFC').toLowerCase();
    v = s.length === 1 ? s.charCodeAt(0) : complex;
    foldSingleCache[cp] = v;
  }
  return v;
}

/**
 * Folds `text` for comparison: NFC, Hebrew points and cantillation removed, maqaf and dashes as
 * spaces, punctuation removed, whitespace runs collapsed to one space, Latin (and other) case
 * folded. Returns the folded string with maps back to raw UTF-16 offsets (see `FoldedText`).
 * Leading and trailing whitespace fold to a single space each; callers comparing quotes trim it.
 * Linear in the length of `text`.
 */
export function foldText(text: string): FoldedText {
  return fold(text, true) as FoldedText;
}

/** The folded string alone (as `foldText(text).folded`), without building the maps: for comparing many short texts. */
export function foldKey(text: string): string {
  return fold(text, false).folded;
}

function fold(text: string, withMaps: boolean): { text: string; folded: string; map?: Int32Array; ends?: Int32Array } {
  const n = text.length;
  let capacity = n + 16;
  let out = new Uint16Array(capacity);
  let map = new Int32Array(withMaps ? capacity + 1 : 0);
  let ends = new Int32Array(withMaps ? capacity : 0);
  let len = 0;
  let lastWasSpace = false;
  const memo = charClassMemo;

  /** Makes room for more output (lower-casing or NFC can lengthen a cluster). */
  const grow = (): void => {
    capacity *= 2;
    const o = new Uint16Array(capacity);
    o.set(out);
    out = o;
    if (withMaps) {
      const m = new Int32Array(capacity + 1);
      m.set(map);
      map = m;
      const e = new Int32Array(capacity);
      e.set(ends);
      ends = e;
    }
  };

  // `cp` and `cls` always hold the code point at `i` and its class (read once per code point).
  let i = 0;
  let cp = n > 0 ? codePointAtFast(text, 0) : 0;
  let cls = cp < bmpSize && memo[cp] !== 0 ? memo[cp] : charClass(cp);
  while (i < n) {
    const start = i;
    const base = cp;
    const baseClass = cls;
    i += base > 0xffff ? 2 : 1;
    let keptMarks = false;
    let removedMarks = false;
    while (i < n) {
      cp = codePointAtFast(text, i);
      cls = cp < bmpSize && memo[cp] !== 0 ? memo[cp] : charClass(cp);
      if (cls === markClass) keptMarks = true;
      else if (cls === removedMarkClass) removedMarks = true;
      else break;
      i += cp > 0xffff ? 2 : 1;
    }
    const end = i;

    let unit = -1;
    if (baseClass === spaceClass) {
      if (lastWasSpace) continue;
      lastWasSpace = true;
      unit = space;
    } else if (baseClass === punctClass || baseClass === removedMarkClass) {
      continue;
    } else {
      lastWasSpace = false;
      if (!keptMarks && base < bmpSize) {
        const single = foldSingle(base);
        if (single !== complex) unit = single;
      }
    }
    if (unit >= 0) {
      if (len === capacity) grow();
      out[len] = unit;
      if (withMaps) {
        map[len] = start;
        ends[len] = end;
      }
      len++;
      continue;
    }
    let cluster = String.fromCodePoint(base);
    if (keptMarks || removedMarks) {
      let j = start + codeUnitLength(base);
      while (j < end) {
        const m = text.codePointAt(j) as number;
        if (charClass(m) === markClass) cluster += String.fromCodePoint(m);
        j += codeUnitLength(m);
      }
    }
    const folded = cluster.normalize('NFC').toLowerCase();
    for (let k = 0; k < folded.length; k++) {
      if (len === capacity) grow();
      out[len] = folded.charCodeAt(k);
      if (withMaps) {
        map[len] = start;
        ends[len] = end;
      }
      len++;
    }
  }

  let folded = '';
  const chunk = 8192;
  for (let k = 0; k < len; k += chunk) {
    folded += String.fromCharCode.apply(null, out.subarray(k, Math.min(len, k + chunk)) as unknown as number[]);
  }
  if (!withMaps) return { text, folded };
  map[len] = n;
  return { text, folded, map: map.subarray(0, len + 1), ends: ends.subarray(0, len) };
}

/** `text.codePointAt(i)`, with a fast path for the common case of a BMP character that is not a surrogate. */
function codePointAtFast(text: string, i: number): number {
  const unit = text.charCodeAt(i);
  return unit < 0xd800 || unit > 0xdbff ? unit : (text.codePointAt(i) as number);
}

/**
 * The raw range `{start, end}` covered by the folded range `fStart..fEnd` of `fold`. It starts on
 * the first raw character that produced `fStart` and ends after the last one that produced
 * `fEnd - 1`, including that character's own marks (a quote ending in a pointed Hebrew letter
 * keeps its nikkud and cantillation), but not punctuation or marks removed around the edges. An
 * empty folded range maps to an empty raw range at `map[fStart]`. Throws `RangeError` when the
 * folded offsets are out of order or out of range.
 */
export function rawRange(fold: FoldedText, fStart: number, fEnd: number): { start: number; end: number } {
  const len = fold.folded.length;
  if (!Number.isInteger(fStart) || fStart < 0 || fStart > len) {
    throw new RangeError(`Folded start ${fStart} is outside 0..${len}`);
  }
  if (!Number.isInteger(fEnd) || fEnd < fStart || fEnd > len) {
    throw new RangeError(`Folded end ${fEnd} is outside ${fStart}..${len}`);
  }
  const start = fold.map[fStart];
  return { start, end: fEnd > fStart ? fold.ends[fEnd - 1] : start };
}

/**
 * The folded range covering exactly the raw clusters that lie wholly inside the raw range
 * `start..end`: its start is the first folded unit whose cluster starts at or after `start`, its
 * end follows the last folded unit whose cluster ends at or before `end`. Used to restrict a
 * folded search to a raw window. Offsets are clamped to the text.
 */
export function foldedRange(fold: FoldedText, start: number, end: number): { start: number; end: number } {
  const len = fold.folded.length;
  // First i with map[i] >= start.
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fold.map[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  const fStart = lo;
  // Number of i with ends[i] <= end.
  lo = 0;
  hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fold.ends[mid] <= end) lo = mid + 1;
    else hi = mid;
  }
  return { start: fStart, end: Math.max(fStart, lo) };
}

/** The folded form of a short string with leading and trailing spaces removed: how quotes are compared. */
export function foldQuote(quote: string): string {
  const f = foldKey(quote);
  let s = 0;
  let e = f.length;
  while (s < e && f.charCodeAt(s) === space) s++;
  while (e > s && f.charCodeAt(e - 1) === space) e--;
  return f.slice(s, e);
}
