// String similarity for scoring candidate places: edit distance of a quote, and agreement of the
// text around a candidate with the stored prefix and suffix.

/**
 * The Levenshtein distance between `a` and `b` (UTF-16 code units), or `maxDistance + 1` as soon
 * as it is known to exceed `maxDistance`. Runs in O(|a| · min(|b|, 2·maxDistance + 1)) time.
 */
export function editDistance(a: string, b: string, maxDistance = Math.max(a.length, b.length)): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > maxDistance) return maxDistance + 1;
  if (m === 0 || n === 0) return Math.max(m, n);
  const over = maxDistance + 1;
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j <= maxDistance ? j : over;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(1, i - maxDistance);
    const hi = Math.min(n, i + maxDistance);
    cur[lo - 1] = lo === 1 && i <= maxDistance ? i : over;
    let rowMin = cur[lo - 1];
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      let v = sub < del ? sub : del;
      if (ins < v) v = ins;
      if (v > over) v = over;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < n) cur[hi + 1] = over;
    if (rowMin > maxDistance) return over;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[n], over);
}

/**
 * How well `pattern` matches the start of `text`, from 0 to 1: one minus the smallest edit
 * distance between `pattern` and any prefix of `text`, divided by the pattern's length. The far
 * end is free, so a context that shifted by a few characters still agrees. 1 for an empty pattern.
 */
export function leadingSimilarity(pattern: string, text: string): number {
  const m = pattern.length;
  if (m === 0) return 1;
  const n = text.length;
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    const c = pattern.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1] + (c === text.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  let best = m;
  for (let j = 0; j <= n; j++) if (prev[j] < best) best = prev[j];
  return 1 - best / m;
}

/**
 * How many extra characters of the text to compare beyond a stored context's length, so that a
 * few inserted characters next to the quote do not push the context out of the window.
 */
const contextSlack = 8;

/**
 * Similarity two unrelated contexts of the same script reach by chance (shared letters, spaces).
 * Measured with `leadingSimilarity` on 32-unit contexts against 40-unit windows at random places:
 * English prose has median 0.22 and 99th percentile 0.38; Hebrew (Genesis 1, unpointed: a small
 * alphabet and a repetitive text) median 0.34, 90th percentile 0.44. Scores are rescaled to put
 * this floor at 0 and keep 1 at 1, so "agreement" means agreement beyond chance.
 */
export const contextNoiseFloor = 0.4;

function reverse(s: string): string {
  let r = '';
  for (let i = s.length - 1; i >= 0; i--) r += s[i];
  return r;
}

function rescale(similarity: number): number {
  return Math.max(0, (similarity - contextNoiseFloor) / (1 - contextNoiseFloor));
}

/**
 * How well the text around `hay[start..end]` agrees with the stored `prefix` and `suffix`, from 0
 * (no better than chance) to 1 (identical): the mean over the sides whose context is non-empty,
 * each side's `leadingSimilarity` rescaled above `contextNoiseFloor`. `null` when both are empty,
 * meaning "no context to judge by" (not "disagrees").
 */
export function contextAgreement(hay: string, start: number, end: number, prefix: string, suffix: string): number | null {
  let total = 0;
  let sides = 0;
  if (prefix.length > 0) {
    const before = hay.slice(Math.max(0, start - prefix.length - contextSlack), start);
    const exactSide = before.endsWith(prefix);
    total += exactSide ? 1 : rescale(leadingSimilarity(reverse(prefix), reverse(before)));
    sides++;
  }
  if (suffix.length > 0) {
    const after = hay.slice(end, end + suffix.length + contextSlack);
    total += after.startsWith(suffix) ? 1 : rescale(leadingSimilarity(suffix, after));
    sides++;
  }
  return sides === 0 ? null : total / sides;
}

/**
 * Whether `quote`, shifted by some d ≤ a quarter of its length, agrees with itself in all but at
 * most `maxMismatches` places: it is then mostly one piece repeated four times or more, and its
 * approximate matches in a text made of that piece overlap at every d units. Natural prose agrees
 * with a shift of itself in well under a fifth of places.
 */
export function nearlyPeriodic(quote: string, maxMismatches: number): boolean {
  const m = quote.length;
  for (let d = 1; d <= m >> 2; d++) {
    let mismatches = 0;
    for (let i = 0; i + d < m && mismatches <= maxMismatches; i++) {
      if (quote.charCodeAt(i) !== quote.charCodeAt(i + d)) mismatches++;
    }
    if (mismatches <= maxMismatches) return true;
  }
  return false;
}
