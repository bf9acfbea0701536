/**
 * Conversion between UTF-16 code-unit offsets (what Daf counts in) and Unicode code-point
 * offsets (what W3C selectors count in). Built once per string: it records where the
 * characters outside the BMP are, so each conversion is a binary search, not a scan.
 */
export class CodePointIndex {
  /** UTF-16 offsets of the first unit of every surrogate pair, ascending. */
  private readonly pairs: number[] = [];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          this.pairs.push(i);
          i++;
        }
      }
    }
  }

  /** The number of code points in `text`. */
  get length(): number {
    return this.text.length - this.pairs.length;
  }

  /** The code-point offset of a UTF-16 offset (one inside a pair counts as after it). */
  toCodePoints(offset: number): number {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.text.length) {
      throw new RangeError(`UTF-16 offset ${offset} is outside 0..${this.text.length}`);
    }
    // Pairs starting before offset - 1 are whole before it; a pair starting at offset - 1 is split.
    return offset - this.countBefore(offset - 1);
  }

  /** The UTF-16 offset of a code-point offset. */
  toCodeUnits(cp: number): number {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.length) {
      throw new RangeError(`Code-point offset ${cp} is outside 0..${this.length}`);
    }
    // Find the number k of pairs before the result: the smallest k with pairs[k] >= cp + k.
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] < cp + mid) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /** Number of pairs whose first unit is before `offset`. */
  private countBefore(offset: number): number {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
