/**
 * Search snippets in the words as they were written. The index holds folded text
 * (`foldForSearch` in storage/search-index.ts: NFC, Hebrew points and cantillation removed, the
 * maqaf as a space), so FTS5's snippets come back folded: a pointed Hebrew text would show
 * without its points. This module finds the folded snippet again in the folded form of the
 * item's original text and cuts the same passage from the original, points and cantillation
 * included, with the highlights moved onto it (README, "The API": search).
 *
 * The original is folded cluster by cluster: a cluster is one code point and the combining marks
 * after it, folded on its own, which gives `foldForSearch`'s result exactly, because NFC only
 * reorders and composes marks with the letter before them. The one exception, a letter that NFC
 * composes with the letter before it (conjoining Hangul jamo, and a few letters outside the Basic
 * Multilingual Plane), is checked where it can occur; a text with such a pair has no exact map.
 * A passage then starts at the start of a cluster and ends at its end, so a letter never loses
 * its points and a surrogate pair is never split.
 *
 * When there is no exact map, or the snippet is not found in the original (which is then not
 * what was indexed), the caller shows FTS5's folded snippet as before.
 */
import { foldForSearch, matchClose, matchOpen, snippetEllipsis as ellipsis } from '../storage/search-index.ts';

/** A snippet as shown: plain text, and [start, end) ranges of matched words in UTF-16 offsets. */
export interface Snippet {
  snippet: string;
  highlights: [number, number][];
}

/** Splits an FTS snippet with match markers into plain text and highlight ranges. */
export function splitSnippet(marked: string): Snippet {
  let snippet = '';
  const highlights: [number, number][] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === matchOpen) open = snippet.length;
    else if (ch === matchClose) {
      if (open >= 0) highlights.push([open, snippet.length]);
      open = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

/**
 * The snippet `marked` (FTS5's, over `foldForSearch(original)`) cut from `original` itself, with
 * its highlights on the same words there; null when it cannot be placed exactly.
 *
 * FTS5 cuts its snippet on token boundaries and puts `…` where it cut; those ellipses are kept.
 * Without a leading `…` the snippet is the start of the text, without a trailing one its end;
 * with both, it is placed at the first place the folded text has it (a passage repeated word for
 * word may then be shown from another place with the same letters, with its own points).
 *
 * Linear in the length of `original`: one pass folds it (only as far as the snippet when the
 * snippet is the start of the text), and a second walks only from the checkpoint before the
 * snippet to its end. A text the fold leaves as it is costs one native NFC check.
 */
export function originalSnippet(original: string, marked: string): Snippet | null {
  const lead = marked.startsWith(ellipsis);
  const trail = marked.length > (lead ? ellipsis.length : 0) && marked.endsWith(ellipsis);
  const inner = splitSnippet(marked.slice(lead ? ellipsis.length : 0, trail ? marked.length - ellipsis.length : marked.length));
  const core = inner.snippet;
  if (core.length === 0) return null;
  // A text the fold leaves as it is (English, unpointed Hebrew) is its own snippet.
  if (!/[\u0591-\u05C7]/.test(original) && original.normalize('NFC') === original) return splitSnippet(marked);

  // A snippet from the start of the text needs only as much of the fold as it covers.
  const fold = foldClusters(original, lead ? Infinity : core.length);
  if (fold === null) return null;
  const folded = fold.folded;
  // Where the snippet sits in the folded text. A leading or trailing `…` may also be the text's
  // own (FTS5 adds none at an end it reaches); looking for the snippet without it finds both.
  let at: number;
  if (!lead && !trail) at = folded === core ? 0 : -1;
  else if (!lead) at = folded.startsWith(core) ? 0 : -1;
  else if (!trail) at = folded.endsWith(core) ? folded.length - core.length : -1;
  else at = folded.indexOf(core);
  if (at < 0) return null;

  // Folded ranges to map: the snippet itself first, then each highlight.
  const ranges: [number, number][] = [[at, at + core.length], ...inner.highlights.map(([s, e]): [number, number] => [at + s, at + e])];
  const mapped = mapFoldedRanges(original, fold, ranges);
  if (mapped === null) return null;
  const [[start, end], ...words] = mapped;
  const prefix = lead ? ellipsis : '';
  return {
    snippet: prefix + original.slice(start, end) + (trail ? ellipsis : ''),
    highlights: words.map(([s, e]): [number, number] => [prefix.length + s - start, prefix.length + e - start]),
  };
}

/** A text folded cluster by cluster (`foldClusters`). */
export interface ClusterFold {
  /** `foldForSearch(text)`. */
  folded: string;
  /**
   * Places to start a walk from: pairs of a folded offset and the original offset of the cluster
   * that starts there, about every `checkpointEvery` folded code units, in order from [0, 0].
   */
  checkpoints: Int32Array;
}

/** How far apart `ClusterFold.checkpoints` are, in folded code units. */
export const checkpointEvery = 4096;

/**
 * Folds `text` as `foldForSearch` does, one cluster at a time, noting checkpoints for
 * `mapFoldedRanges`. Null when the text has a letter that NFC composes with the one before it
 * (its fold is then not the sum of its clusters' folds). With a `limit`, stops one cluster after
 * the one that takes the fold past `limit` (that one is then known not to join the next): the
 * fold is then the start of the whole fold, longer than `limit` unless the text ends first.
 */
export function foldClusters(text: string, limit = Infinity): ClusterFold | null {
  let out = new Uint16Array(Math.min(text.length, 2 * limit) + 16);
  let len = 0;
  const checkpoints: number[] = [];
  let nextCheckpoint = 0;
  const c = new Clusters(text, 0, 0);
  let past = 0;
  while (c.next()) {
    if (len >= nextCheckpoint) {
      checkpoints.push(len, c.start);
      nextCheckpoint = len + checkpointEvery;
    }
    if (len + c.foldLength > out.length) {
      const bigger = new Uint16Array(2 * (len + c.foldLength));
      bigger.set(out);
      out = bigger;
    }
    if (c.piece === null) out[len++] = c.unit;
    else for (let k = 0; k < c.piece.length; k++) out[len++] = c.piece.charCodeAt(k);
    if (len > limit && ++past === 2) break;
  }
  if (c.joined) return null;
  if (checkpoints.length === 0) checkpoints.push(0, 0);
  return { folded: utf16.decode(out.subarray(0, len)), checkpoints: Int32Array.from(checkpoints) };
}

/** Turns folded code units back into a string in one native call (the array is the host's byte order: little-endian on every platform Node runs on). */
const utf16 = new TextDecoder('utf-16le');

/**
 * Maps [start, end) ranges of `fold.folded` to ranges of `text` (the text `fold` was made from):
 * a start goes to the start of the cluster that produced its folded character, an end to the end
 * of the cluster that produced the character before it, its marks included. Null when a range
 * lies outside the folded text, or when an edge falls inside the fold of a cluster that folds to
 * more than one letter, where it has no exact place in `text` (a guard: with Unicode as it is,
 * NFC never makes two letters of one letter and its marks).
 *
 * Walks `text` from the last checkpoint before the first range to the end of the last one.
 */
export function mapFoldedRanges(text: string, fold: ClusterFold, ranges: readonly [number, number][]): [number, number][] | null {
  for (const [s, e] of ranges) if (!(Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s <= e && e <= fold.folded.length)) return null;
  if (ranges.length === 0) return [];
  // Edges in the order the walk meets them, each with the range it belongs to.
  const starts = ranges.map(([s], r) => ({ at: s, r })).sort((a, b) => a.at - b.at);
  const ends = ranges.map(([, e], r) => ({ at: e, r })).sort((a, b) => a.at - b.at);
  const out: [number, number][] = ranges.map(() => [-1, -1]);
  let nextStart = 0;
  let nextEnd = 0;

  // The last checkpoint at or before the first edge.
  const cp = fold.checkpoints;
  let lo = 0;
  let hi = cp.length / 2 - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (cp[2 * mid] <= starts[0].at) lo = mid;
    else hi = mid - 1;
  }
  const c = new Clusters(text, cp[2 * lo + 1], cp[2 * lo]);
  while (c.next()) {
    const f = c.foldStart;
    const k = c.foldLength;
    // An edge inside this cluster's fold has an exact place only when the fold is one letter
    // (or one surrogate pair) and its marks: then the whole cluster is taken.
    if (k > 1 && !/^\P{M}\p{M}*$/u.test(c.piece ?? '')) {
      for (let e = nextStart; e < starts.length && starts[e].at < f + k; e++) if (starts[e].at > f) return null;
      for (let e = nextEnd; e < ends.length && ends[e].at < f + k; e++) if (ends[e].at > f) return null;
    }
    // A start at or inside this cluster's fold (an empty fold, only ever leading marks at the
    // very start of a text, takes a start at its place); an end after its first folded unit and
    // up to its last (an empty range ends where it starts).
    while (nextStart < starts.length && (starts[nextStart].at < f + k || (k === 0 && starts[nextStart].at === f))) {
      out[starts[nextStart].r][0] = c.start;
      nextStart++;
    }
    while (nextEnd < ends.length && ends[nextEnd].at <= f + k) {
      const { at, r } = ends[nextEnd];
      out[r][1] = at > f ? c.end : out[r][0];
      nextEnd++;
    }
    // Once every edge has its place, the rest of the text is not needed.
    if (nextStart === starts.length && nextEnd === ends.length) break;
  }
  // Edges at the very end of the text: an empty range there.
  while (nextStart < starts.length && starts[nextStart].at === fold.folded.length) out[starts[nextStart++].r][0] = text.length;
  while (nextEnd < ends.length) {
    const r = ends[nextEnd++].r;
    out[r][1] = out[r][0];
  }
  if (c.joined || out.some(([s, e]) => s < 0 || e < s)) return null;
  return out;
}

const maqaf = 0x05be;
const space = 0x20;

/**
 * A walk over a text's clusters, each with its fold. `next()` moves to the next cluster and
 * returns false at the end of the text, or (setting `joined`) at a letter that folds differently
 * beside the cluster before it than alone.
 */
class Clusters {
  /** The current cluster is `text.slice(start, end)`; its fold starts at `foldStart` in the whole fold. */
  start = 0;
  end: number;
  foldStart: number;
  foldLength = 0;
  /** The current cluster's fold: one code unit, `unit`, when `piece` is null; else `piece`. */
  unit = 0;
  piece: string | null = null;
  /** Set when the walk stopped at a letter NFC composes with the cluster before it. */
  joined = false;
  /** Where the cluster before the current one starts, when the walk has seen it (`seen`). */
  private before = -1;
  private seen = false;

  constructor(
    private readonly text: string,
    start: number,
    foldStart: number,
  ) {
    this.end = start;
    this.foldStart = foldStart;
  }

  next(): boolean {
    const text = this.text;
    const n = text.length;
    const i = this.end;
    if (i >= n || this.joined) return false;
    this.foldStart += this.foldLength;
    this.before = this.seen ? this.start : -1;
    this.seen = true;

    // The cluster: a code point, then every combining mark after it.
    let unit = text.charCodeAt(i);
    const base = unit < 0xd800 || unit > 0xdbff ? unit : (text.codePointAt(i) as number);
    let j = i + (base > 0xffff ? 2 : 1);
    let onlyRemovedMarks = true;
    while (j < n) {
      unit = text.charCodeAt(j);
      const kind = kinds[unit] || kindOf(unit);
      if (kind !== markKind) {
        // A high surrogate: the code point after it may still be a mark.
        if (kind !== surrogateKind || !isAstralMark(text.codePointAt(j) as number)) break;
        onlyRemovedMarks = false;
        j += 2;
        continue;
      }
      if (!isRemovedHebrewMark(unit)) onlyRemovedMarks = false;
      j++;
    }
    this.start = i;
    this.end = j;

    // The fast path, for a character NFC leaves alone followed only by marks the fold removes, is
    // what pointed Hebrew and plain Latin text take. No canonical composition has a Hebrew point
    // as its second part (the pointed presentation forms are excluded from composition), so NFC
    // keeps such a character and only reorders the marks the fold then drops.
    let alone: string | null;
    if (onlyRemovedMarks && base <= 0xffff && (kinds[base] || kindOf(base)) === simpleKind) {
      this.unit = base === maqaf ? space : base;
      this.piece = null;
      this.foldLength = 1;
    } else if (onlyRemovedMarks && base > 0xffff && (alone = astralAlone(base)) !== null) {
      this.piece = alone;
      this.foldLength = alone.length;
    } else {
      this.piece = foldForSearch(text.slice(i, j));
      this.foldLength = this.piece.length;
    }

    // A letter NFC may compose with the letter before it: fold the two together to see.
    if (this.before >= 0 && mayJoinPrevious(base)) {
      const own = this.piece ?? String.fromCharCode(this.unit);
      if (foldForSearch(text.slice(this.before, j)) !== foldForSearch(text.slice(this.before, i)) + own) {
        this.joined = true;
        return false;
      }
    }
    return true;
  }
}

/**
 * Letters that NFC may compose with the letter before them (not a combining mark, so they start
 * a cluster of their own): the conjoining Hangul vowels and final consonants, and, to be safe
 * with newer Unicode data, anything in the Hangul Jamo blocks and every letter outside the Basic
 * Multilingual Plane (one, U+16D67, composes today). Symbols such as emoji are never the second
 * part of a composition. test/server/search-pointed.test.ts checks that nothing else is, with
 * the Unicode data Node has.
 */
export function mayJoinPrevious(cp: number): boolean {
  if (cp <= 0xffff) return (cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xa960 && cp <= 0xa97f) || (cp >= 0xd7b0 && cp <= 0xd7ff);
  let letter = astralLetters.get(cp);
  if (letter === undefined) {
    letter = /^\p{L}$/u.test(String.fromCodePoint(cp));
    if (astralLetters.size >= astralMemoSize) astralLetters.clear();
    astralLetters.set(cp, letter);
  }
  return letter;
}

/**
 * How many code points outside the BMP each memo keeps: a text uses few distinct ones, and a
 * text made of a million different ones must not make the memo grow without end.
 */
const astralMemoSize = 4096;

/** Which code points outside the BMP seen so far are letters. */
const astralLetters = new Map<number, boolean>();

/**
 * A code point outside the BMP as a string, when it is not a mark and NFC leaves it alone (an
 * emoji, a rare CJK ideograph); else null. Memoised, as `kinds` is for the BMP.
 */
function astralAlone(cp: number): string | null {
  let alone = astralAloneMemo.get(cp);
  if (alone === undefined) {
    const ch = String.fromCodePoint(cp);
    alone = !reMark.test(ch) && ch.normalize('NFC') === ch ? ch : null;
    if (astralAloneMemo.size >= astralMemoSize) astralAloneMemo.clear();
    astralAloneMemo.set(cp, alone);
  }
  return alone;
}
const astralAloneMemo = new Map<number, string | null>();

/** The marks `foldForSearch` removes (all of them combining marks), as a test on one code unit. */
function isRemovedHebrewMark(unit: number): boolean {
  return (unit >= 0x0591 && unit <= 0x05bd) || unit === 0x05bf || unit === 0x05c1 || unit === 0x05c2 || unit === 0x05c4 || unit === 0x05c5 || unit === 0x05c7;
}

/**
 * What each BMP code unit is, memoised (0: not yet known): a combining mark (`\p{M}`), a
 * character NFC leaves as it is when it stands alone, a high surrogate, or anything else (a low
 * surrogate, a character NFC replaces). The walk reads it once per code unit of a text that may
 * be megabytes long, so the Unicode property regex runs once per distinct character.
 */
const kinds = new Uint8Array(0x10000);
const markKind = 1;
const simpleKind = 2;
const surrogateKind = 3;
const otherKind = 4;
const reMark = /^\p{M}$/u;

function kindOf(unit: number): number {
  let k = kinds[unit];
  if (k === 0) {
    const ch = String.fromCharCode(unit);
    if (unit >= 0xd800 && unit <= 0xdbff) k = surrogateKind;
    else if (unit >= 0xdc00 && unit <= 0xdfff) k = otherKind;
    else if (reMark.test(ch)) k = markKind;
    else k = ch.normalize('NFC') === ch ? simpleKind : otherKind;
    kinds[unit] = k;
  }
  return k;
}

function isAstralMark(cp: number): boolean {
  return cp > 0xffff && reMark.test(String.fromCodePoint(cp));
}
