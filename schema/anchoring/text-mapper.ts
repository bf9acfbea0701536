// Mapping offsets from one version of a text to the next through a diff (DESIGN §5 step 2), for
// versions that arrive whole (an import, an upload) rather than as ProseMirror steps.
//
// The diff is tiered so that a large text with few edits stays cheap:
//   1. paragraphs (lines of the projection): lines unique to both versions anchor the alignment
//      (the patience-diff idea, O(n log n)), and jsdiff's Myers `diffArrays` aligns the short gaps
//      between anchors, where repeated lines (blank lines, refrains) are;
//   2. characters with `diffChars`, inside each run of changed paragraphs only;
//   3. if a run is too different for a character diff within budget: words (aligned like lines),
//      then characters inside the changed words; failing that, the run is one replacement.
// Myers costs about O(n + d²) for d edits, so every Myers call has an edit budget: a wholesale
// rewrite degrades to "this run was replaced" instead of running for minutes. Plain Myers on
// paragraphs is not enough on its own: 2% of words edited touches a third of the paragraphs of a
// 1 MB text, thousands of paragraph edits, and d² of that took over a second.
//
// Internally both texts get a virtual trailing "\n" so every line owns its newline; results are
// clamped to the new text's length.

import { diffArrays, diffChars } from 'diff';
import type { TextMapper } from './types.ts';

/** The most token edits (paragraphs or words) one Myers call on a gap between anchors tries before calling the gap replaced. */
export const maxGapEdits = 500;
/** The most character edits a character diff of one changed run tries before falling back to words. */
export const maxCharEdits = 500;

/** A replaced region: old `oldStart..oldEnd` became new `newStart..newEnd` (either may be empty). */
interface Change {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Indices of a longest strictly increasing subsequence of `values`. */
function longestIncreasing(values: readonly number[]): number[] {
  const tails: number[] = []; // tails[k]: index in values of the smallest tail of an increasing run of length k + 1
  const previous = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[tails[mid]] < values[i]) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const out = new Array<number>(tails.length);
  for (let k = tails.length - 1, i = tails[k]; k >= 0; k--, i = previous[i]) out[k] = i;
  return out;
}

/**
 * Pairs of equal tokens `a[ai[k]] === b[bi[k]]`, increasing in both: the common head and tail,
 * tokens occurring exactly once in each side as anchors (longest increasing chain of them), and a
 * budgeted Myers diff in each gap between anchors.
 */
function alignTokens(a: readonly string[], b: readonly string[]): { ai: number[]; bi: number[] } {
  const ai: number[] = [];
  const bi: number[] = [];
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    ai.push(head);
    bi.push(head);
    head++;
  }
  let aEnd = a.length;
  let bEnd = b.length;
  while (aEnd > head && bEnd > head && a[aEnd - 1] === b[bEnd - 1]) {
    aEnd--;
    bEnd--;
  }
  const gap = (a0: number, a1: number, b0: number, b1: number): void => {
    if (a0 === a1 || b0 === b1) return;
    const d = diffArrays(a.slice(a0, a1), b.slice(b0, b1), { maxEditLength: maxGapEdits });
    if (!d) return;
    let i = a0;
    let j = b0;
    for (const c of d) {
      if (c.removed) i += c.count;
      else if (c.added) j += c.count;
      else {
        for (let k = 0; k < c.count; k++) {
          ai.push(i++);
          bi.push(j++);
        }
      }
    }
  };
  const onceInA = new Map<string, number>();
  for (let i = head; i < aEnd; i++) onceInA.set(a[i], onceInA.has(a[i]) ? -1 : i);
  const onceInB = new Map<string, number>();
  for (let j = head; j < bEnd; j++) onceInB.set(b[j], onceInB.has(b[j]) ? -1 : j);
  const candA: number[] = [];
  const candB: number[] = [];
  for (let i = head; i < aEnd; i++) {
    const j = onceInB.get(a[i]);
    if (j !== undefined && j >= 0 && onceInA.get(a[i]) === i) {
      candA.push(i);
      candB.push(j);
    }
  }
  let a0 = head;
  let b0 = head;
  for (const k of longestIncreasing(candB)) {
    gap(a0, candA[k], b0, candB[k]);
    ai.push(candA[k]);
    bi.push(candB[k]);
    a0 = candA[k] + 1;
    b0 = candB[k] + 1;
  }
  gap(a0, aEnd, b0, bEnd);
  for (let k = 0; aEnd + k < a.length; k++) {
    ai.push(aEnd + k);
    bi.push(bEnd + k);
  }
  return { ai, bi };
}

/**
 * Walks the alignment of two token lists (each token followed by `sep` separator units in the
 * text) and reports each changed region as old and new offsets from `oldBase` and `newBase`.
 */
function forEachChangedRegion(
  a: readonly string[],
  b: readonly string[],
  sep: number,
  oldBase: number,
  newBase: number,
  onChange: (oldStart: number, oldEnd: number, newStart: number, newEnd: number) => void,
): void {
  const { ai, bi } = alignTokens(a, b);
  let i = 0;
  let j = 0;
  let o = oldBase;
  let n = newBase;
  for (let k = 0; k <= ai.length; k++) {
    const toA = k < ai.length ? ai[k] : a.length;
    const toB = k < bi.length ? bi[k] : b.length;
    let o1 = o;
    for (; i < toA; i++) o1 += a[i].length + sep;
    let n1 = n;
    for (; j < toB; j++) n1 += b[j].length + sep;
    if (o1 > o || n1 > n) onChange(o, o1, n, n1);
    o = o1;
    n = n1;
    if (k < ai.length) {
      o += a[i].length + sep;
      n += b[j].length + sep;
      i++;
      j++;
    }
  }
}

class ChangeList {
  readonly changes: Change[] = [];

  /** Adds a change after all earlier ones, merging it with the previous one when they touch. */
  add(oldStart: number, oldEnd: number, newStart: number, newEnd: number): void {
    if (oldStart === oldEnd && newStart === newEnd) return;
    const last = this.changes[this.changes.length - 1];
    if (last && last.oldEnd === oldStart && last.newEnd === newStart) {
      last.oldEnd = oldEnd;
      last.newEnd = newEnd;
    } else {
      this.changes.push({ oldStart, oldEnd, newStart, newEnd });
    }
  }

  /** Diffs one changed run `a` (at old offset `oldBase`) against `b` (at new offset `newBase`). */
  diffRun(a: string, b: string, oldBase: number, newBase: number, allowWords = true): void {
    let head = 0;
    const maxHead = Math.min(a.length, b.length);
    while (head < maxHead && a.charCodeAt(head) === b.charCodeAt(head)) head++;
    if (head > 0 && isHighSurrogate(a.charCodeAt(head - 1))) head--;
    let tail = 0;
    const maxTail = maxHead - head;
    while (tail < maxTail && a.charCodeAt(a.length - 1 - tail) === b.charCodeAt(b.length - 1 - tail)) tail++;
    if (tail > 0 && isLowSurrogate(a.charCodeAt(a.length - tail))) tail--;
    const oldStart = oldBase + head;
    const newStart = newBase + head;
    const x = a.slice(head, a.length - tail);
    const y = b.slice(head, b.length - tail);
    if (x.length === 0 || y.length === 0) {
      this.add(oldStart, oldStart + x.length, newStart, newStart + y.length);
      return;
    }
    const chars = diffChars(x, y, { maxEditLength: maxCharEdits });
    if (chars) {
      let o = oldStart;
      let n = newStart;
      for (const c of chars) {
        const len = c.value.length;
        if (c.removed) {
          this.add(o, o + len, n, n);
          o += len;
        } else if (c.added) {
          this.add(o, o, n, n + len);
          n += len;
        } else {
          o += len;
          n += len;
        }
      }
      return;
    }
    if (allowWords) {
      const wordPattern = /\s+|[^\s]+/g;
      const wa = x.match(wordPattern) ?? [];
      const wb = y.match(wordPattern) ?? [];
      forEachChangedRegion(wa, wb, 0, oldStart, newStart, (o0, o1, n0, n1) => {
        this.diffRun(x.slice(o0 - oldStart, o1 - oldStart), y.slice(n0 - newStart, n1 - newStart), o0, n0, false);
      });
      return;
    }
    this.add(oldStart, oldStart + x.length, newStart, newStart + y.length);
  }
}

function checkOffset(name: string, offset: number, max: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset > max) {
    throw new RangeError(`${name} ${offset} is outside 0..${max}`);
  }
}

/**
 * A `TextMapper` from `oldText` to `newText`, built from a diff of paragraphs (split on "\n") and
 * then of characters inside the changed paragraphs only; see the file header for the tiers and
 * budgets. Positions inside deleted or replaced text map to the replacement's start or end
 * (ProseMirror's convention: the start of a replaced range stays at its start, its end at its
 * end, and `assoc` decides for the positions strictly inside and for pure insertions). `map` is
 * monotonic for a fixed `assoc`. Building costs one pass over both texts plus the diffs; each query
 * is a binary search. Offsets outside `0..oldText.length` throw `RangeError`.
 */
export function createTextMapper(oldText: string, newText: string): TextMapper {
  const list = new ChangeList();
  if (oldText !== newText) {
    const oldExt = oldText + '\n';
    const newExt = newText + '\n';
    forEachChangedRegion(oldText.split('\n'), newText.split('\n'), 1, 0, 0, (o0, o1, n0, n1) => {
      list.diffRun(oldExt.slice(o0, o1), newExt.slice(n0, n1), o0, n0);
    });
  }
  return mapperFromChanges(list.changes, oldText.length, newText.length);
}

function mapperFromChanges(changes: readonly Change[], oldLength: number, newLength: number): TextMapper {
  /** Index of the last change with oldStart <= offset, or -1. */
  const lastStartingAtOrBefore = (offset: number): number => {
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (changes[mid].oldStart <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  };
  return {
    map(offset: number, assoc: -1 | 1): number {
      checkOffset('offset', offset, oldLength);
      const k = lastStartingAtOrBefore(offset);
      let mapped: number;
      if (k < 0) mapped = offset;
      else {
        const c = changes[k];
        if (c.oldStart === c.oldEnd && offset === c.oldStart) mapped = assoc < 0 ? c.newStart : c.newEnd;
        else if (offset === c.oldStart) mapped = c.newStart;
        else if (offset < c.oldEnd) mapped = assoc < 0 ? c.newStart : c.newEnd;
        else mapped = offset - c.oldEnd + c.newEnd;
      }
      return Math.min(mapped, newLength);
    },
    deletedBetween(start: number, end: number): boolean {
      checkOffset('start', start, oldLength);
      checkOffset('end', end, oldLength);
      if (end < start) throw new RangeError(`end ${end} is before start ${start}`);
      if (start === end) return false;
      // Deleted regions never touch (touching changes are merged), so the range is wholly
      // deleted only if a single change covers it.
      const k = lastStartingAtOrBefore(start);
      if (k < 0) return false;
      const c = changes[k];
      return c.oldStart <= start && end <= c.oldEnd;
    },
  };
}

/** The `TextMapper` of an unchanged text: every offset maps to itself and nothing was deleted. Offsets must be non-negative integers. */
export const identityMapper: TextMapper = {
  map(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`offset ${offset} is not a non-negative integer`);
    return offset;
  },
  deletedBetween(start: number, end: number): boolean {
    if (!Number.isInteger(start) || start < 0) throw new RangeError(`start ${start} is not a non-negative integer`);
    if (!Number.isInteger(end) || end < start) throw new RangeError(`end ${end} is before start ${start}`);
    return false;
  },
};
