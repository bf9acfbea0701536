/**
 * Re-anchoring benchmark (README, "Benchmarks"): 1,000 glosses on a ~1 MB text, a revision that edits about
 * 2% of it, and three ways of placing the glosses in the new text.
 *
 * - Ours, with the diff: what `server/services/reanchor.ts` does — `createTextMapper(old, new)`,
 *   one `createAnchorTarget(new)`, and `resolveAnchor` for each gloss with the mapper.
 * - Ours, without the diff: `createAnchorTarget(new)` and `resolveAnchor` with no mapper, from the
 *   selectors alone (quote, prefix, suffix, old offsets), as an annotation from outside arrives.
 * - Baseline, Hypothesis's own algorithm (hypothesis-match-quote.ts, a port of the client's
 *   `matchQuote` and of the order in which its `anchor` tries selectors): the stored offsets if the
 *   new text there still reads as the quote; else every verbatim occurrence, or failing that the
 *   approx-string-match candidates with the fewest errors (up to min(256, quote length / 2)) over
 *   the whole text, each scored by quote, prefix and suffix similarity and nearness to the stored
 *   start (weights 50, 20, 20, 2), the best taken. No threshold: a candidate is always taken.
 *
 * The revision is built with a known ground truth (see synthetic-text.ts), so every placement is
 * judged: a gloss whose quote survives (possibly reworded) must land on exactly its true span;
 * a gloss whose quote was deleted outright must not land anywhere (the text has no segments, so
 * the only right answer is `orphan`). Leaving a surviving quote unplaced is counted apart, as
 * "lost": it is a miss, not a wrong place.
 *
 * Timing: medians over repeated runs, the three interleaved. Each speedup is the ratio of median
 * CPU times of this process (each side is single-threaded, and CPU time is less at the mercy of
 * the other processes on a small shared machine); the ratio of wall-clock medians is printed
 * beside it. Should one baseline run be projected over `baselineBudgetMs`, it is timed on every
 * 10th gloss and multiplied by 10, and the report says so.
 */
import {
  contextLength,
  createAnchorTarget,
  createTextMapper,
  describeRange,
  resolveAnchor,
  type Anchor,
  type Selectors,
} from '../../schema/anchoring/index.ts';
import { anchorLikeHypothesis } from './hypothesis-match-quote.ts';
import { cpuMs, formatMs, median, report, round, timed, type Timings } from './measure.ts';
import { createRandom } from './random.ts';
import { generateText, placeQuotes, reviseText, type QuoteFate, type QuoteTruth, type Revision, type Span } from './synthetic-text.ts';

/** The benchmark's fixed parameters. */
export const reanchorSetup = {
  seed: 20261127,
  textLength: 1_000_000,
  glosses: 1000,
  minQuote: 10,
  maxQuote: 60,
  deleteQuotes: 50,
  rewordQuotes: 100,
  moves: 10,
  editFraction: 0.02,
  /** Timed runs of the baseline, each between two timed runs of ours (after one warm-up of ours). */
  baselineRuns: 5,
  /** The fewest timed runs of ours. */
  oursRuns: 10,
  /** A baseline run projected to take longer than this is timed on a subset and extrapolated. */
  baselineBudgetMs: 60_000,
};

/** What the re-anchoring benchmark found. */
export interface ReanchorResult {
  /** Median CPU milliseconds of one run of ours (with the diff), of ours without the diff, and of the baseline. */
  oursMs: number;
  oursNoDiffMs: number;
  baselineMs: number;
  /** baselineMs / oursMs: the ratio of median CPU times (steadier than wall time on a busy machine). */
  speedup: number;
  /** The same from median wall-clock times. */
  wallSpeedup: number;
  /** baselineMs / oursNoDiffMs, and the same from wall-clock medians. */
  noDiffSpeedup: number;
  noDiffWallSpeedup: number;
  baselineExtrapolated: boolean;
  /** Wrong placements (strictly: any span other than the true one; any place for a deleted quote). */
  oursWrong: number;
  /** Of those, the ones not even overlapping the true span (a look-alike), or placed though deleted. */
  oursWrongElsewhere: number;
  oursLost: number;
  oursNoDiffWrong: number;
  oursNoDiffWrongElsewhere: number;
  oursNoDiffLost: number;
  baselineWrong: number;
  baselineWrongElsewhere: number;
  baselineLost: number;
  /** Every wrong placement of ours, with and without the diff, described for the anchoring engineer. */
  oursWrongCases: string[];
  oursNoDiffWrongCases: string[];
}

type Verdict = 'right' | 'wrong' | 'lost';

/** Judges one placement (`null` = not placed: orphan or segment) against the truth. */
function judge(truth: QuoteTruth, placed: Span | null): Verdict {
  if (truth.span === null) return placed === null ? 'right' : 'wrong';
  if (placed === null) return 'lost';
  return placed.start === truth.span.start && placed.end === truth.span.end ? 'right' : 'wrong';
}

/**
 * How a wrong placement is wrong: `elsewhere` (no overlap with the true span, or any place for a
 * deleted quote — a look-alike), `edges-punctuation` (the right passage, but the span's ends differ
 * from the truth only by spaces or punctuation), `edges-words` (the right passage, ends off by
 * letters: a word too many or too few).
 */
type WrongKind = 'elsewhere' | 'edges-punctuation' | 'edges-words';

function wrongKind(truth: QuoteTruth, placed: Span, text: string): WrongKind {
  const t = truth.span;
  if (t === null || placed.end <= t.start || placed.start >= t.end) return 'elsewhere';
  const differs = text.slice(Math.min(t.start, placed.start), Math.max(t.start, placed.start)) +
    text.slice(Math.min(t.end, placed.end), Math.max(t.end, placed.end));
  return /[A-Za-z]/.test(differs) ? 'edges-words' : 'edges-punctuation';
}

/** Ours: the server's re-anchoring path, for every gloss. */
function placeOurs(oldText: string, newText: string, selectors: readonly Selectors[]): Anchor[] {
  const mapper = createTextMapper(oldText, newText);
  const target = createAnchorTarget(newText);
  return selectors.map((s) => resolveAnchor(s, target, { mapper }));
}

/** Ours from the selectors alone: no diff of the old text, so each gloss starts from its stored offsets. */
function placeOursNoDiff(newText: string, selectors: readonly Selectors[]): Anchor[] {
  const target = createAnchorTarget(newText);
  return selectors.map((s) => resolveAnchor(s, target));
}

/** The baseline for one gloss: the Hypothesis client's anchoring with its stored quote, context and start. */
function placeHypothesis(newText: string, s: Selectors): Span | null {
  return anchorLikeHypothesis(newText, s);
}

function placedSpan(a: Anchor): Span | null {
  return a.status === 'orphan' || a.status === 'segment' ? null : { start: a.start, end: a.end };
}

/** How one contender's placements fared, gloss by gloss and in sum. */
interface Judged {
  verdicts: Verdict[];
  /** For each wrong placement, how it is wrong; `null` for the others. */
  kinds: (WrongKind | null)[];
  wrong: number;
  wrongElsewhere: number;
  lost: number;
}

function judgeAll(truth: readonly QuoteTruth[], placed: readonly (Span | null)[], text: string): Judged {
  const verdicts = truth.map((t, i) => judge(t, placed[i]));
  const kinds = verdicts.map((v, i) => (v === 'wrong' ? wrongKind(truth[i], placed[i]!, text) : null));
  return {
    verdicts,
    kinds,
    wrong: verdicts.filter((v) => v === 'wrong').length,
    wrongElsewhere: kinds.filter((k) => k === 'elsewhere').length,
    lost: verdicts.filter((v) => v === 'lost').length,
  };
}

/** A tally of verdicts by fate. */
function tally(truth: readonly QuoteTruth[], verdicts: readonly Verdict[]): Map<QuoteFate, Record<Verdict, number>> {
  const out = new Map<QuoteFate, Record<Verdict, number>>();
  truth.forEach((t, i) => {
    let row = out.get(t.fate);
    if (!row) out.set(t.fate, (row = { right: 0, wrong: 0, lost: 0 }));
    row[verdicts[i]]++;
  });
  return out;
}

/** "3 elsewhere, 1 edges-words", or "none". */
function kindCounts(kinds: readonly (WrongKind | null)[]): string {
  const c: Record<string, number> = {};
  for (const k of kinds) if (k) c[k] = (c[k] ?? 0) + 1;
  return Object.entries(c).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

const show = (s: string, max = 90): string => JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);

/**
 * A full description of a wrong placement by `who`: the quote, what the revision did to it, where
 * it should be and where it went.
 */
function describeWrong(who: string, i: number, oldText: string, revision: Revision, sel: Selectors, anchor: Anchor): string {
  const t = revision.truth[i];
  const newText = revision.text;
  const own = revision.edits.filter((e) => e.quote === i);
  const near = revision.edits.filter((e) => e.quote !== i && e.end >= sel.start! - contextLength && e.start <= sel.end! + contextLength);
  const kind = anchor.status === 'orphan' ? '' : ` [${wrongKind(t, anchor, newText)}]`;
  const lines = [
    `gloss ${i}${kind}: ${t.fate} quote ${show(sel.exact)} at old ${sel.start}..${sel.end}`,
    `    prefix ${show(sel.prefix)} suffix ${show(sel.suffix)}`,
    ...own.map((e) => `    its edit: ${e.kind} old ${e.start}..${e.end} ${show(oldText.slice(e.start, e.end))} → ${show(e.text)}`),
    ...near.map((e) => `    context edit: ${e.kind} old ${e.start}..${e.end} ${show(oldText.slice(e.start, e.end))} → ${show(e.text)}`),
    t.span
      ? `    truth: new ${t.span.start}..${t.span.end} ${show(newText.slice(t.span.start, t.span.end))}`
      : `    truth: deleted outright (should be orphan)`,
    anchor.status === 'orphan'
      ? `    ${who}: orphan`
      : `    ${who}: ${anchor.status} (score ${anchor.score.toFixed(3)}) new ${anchor.start}..${anchor.end} ` +
        `${show(newText.slice(anchor.start, anchor.end))} in context ` +
        `${show(newText.slice(Math.max(0, anchor.start - 40), anchor.end + 40), 200)}`,
  ];
  return lines.join('\n');
}

/** Builds the text, glosses and revision; times and judges the three approaches; prints the figures. */
export async function runReanchorBench(log: (line: string) => void = console.log): Promise<ReanchorResult> {
  const p = reanchorSetup;
  const rnd = createRandom(p.seed);
  const built = await timed(() => {
    const source = generateText(rnd, p.textLength);
    const quotes = placeQuotes(rnd, source, p.glosses, { minLength: p.minQuote, maxLength: p.maxQuote, gap: 3 });
    const selectors = quotes.map((q) => describeRange(source.text, q.start, q.end));
    const revision = reviseText(rnd, source, quotes, {
      deleteQuotes: p.deleteQuotes,
      rewordQuotes: p.rewordQuotes,
      moves: p.moves,
      editFraction: p.editFraction,
      contextLength,
    });
    return { source, selectors, revision };
  });
  const { source, selectors, revision } = built.value;
  const oldText = source.text;
  const newText = revision.text;
  const kinds: Record<string, number> = {};
  for (const e of revision.edits) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const fates: Record<string, number> = {};
  for (const t of revision.truth) fates[t.fate] = (fates[t.fate] ?? 0) + 1;
  log(
    `  setup: old text ${oldText.length} units in ${source.paragraphs.length} paragraphs, new ${newText.length}; ` +
      `${revision.edits.length} edits changing ${revision.changedUnits} units ` +
      `(${((100 * revision.changedUnits) / oldText.length).toFixed(1)}%) + ${revision.moves.length} paragraph moves ` +
      `[${formatMs(built.ms)}]`,
  );
  log(`  edits: ${JSON.stringify(kinds)}`);
  log(`  glosses by fate: ${JSON.stringify(fates)}`);

  // Ours, with and without the diff: one warm-up each (it also gives the anchors judged below), then timed runs.
  const anchors = placeOurs(oldText, newText, selectors);
  const noDiffAnchors = placeOursNoDiff(newText, selectors);
  const ours: Timings = { wall: [], cpu: [] };
  const noDiff: Timings = { wall: [], cpu: [] };
  const runOurs = (): void => record(ours, () => placeOurs(oldText, newText, selectors));
  const runNoDiff = (): void => record(noDiff, () => placeOursNoDiff(newText, selectors));

  // Baseline: estimate on a deterministic tenth of the glosses first, to keep the run bounded.
  const sample = selectors.filter((_, i) => i % 10 === 0);
  const scale = selectors.length / sample.length;
  const sampleTime = measureSync(() => sample.map((s) => placeHypothesis(newText, s)));
  const baselineExtrapolated = sampleTime.wall * scale > p.baselineBudgetMs;
  const baseline: Timings = { wall: [], cpu: [] };
  let baselinePlaced: (Span | null)[] = [];
  const runBaseline = (): void => {
    if (baselineExtrapolated) {
      const t = measureSync(() => sample.map((s) => placeHypothesis(newText, s)));
      baseline.wall.push(t.wall * scale);
      baseline.cpu.push(t.cpu * scale);
    } else {
      record(baseline, () => (baselinePlaced = selectors.map((s) => placeHypothesis(newText, s))));
    }
  };
  if (baselineExtrapolated) baselinePlaced = selectors.map((s) => placeHypothesis(newText, s)); // once, untimed, for the verdicts

  for (let round = 0; round < p.baselineRuns; round++) {
    runOurs();
    runNoDiff();
    runBaseline();
    runNoDiff();
    runOurs();
  }
  while (ours.wall.length < p.oursRuns) runOurs();
  while (noDiff.wall.length < p.oursRuns) runNoDiff();
  // The phases of one more (warm) run, for information.
  const phases = await timed(() => {
    const t0 = performance.now();
    const mapper = createTextMapper(oldText, newText);
    const t1 = performance.now();
    const target = createAnchorTarget(newText);
    void target.folded;
    const t2 = performance.now();
    selectors.forEach((s) => resolveAnchor(s, target, { mapper }));
    const t3 = performance.now();
    selectors.forEach((s) => resolveAnchor(s, target));
    const t4 = performance.now();
    return { diff: t1 - t0, fold: t2 - t1, resolve: t3 - t2, resolveNoDiff: t4 - t3 };
  });

  const oursMs = median(ours.cpu);
  const oursNoDiffMs = median(noDiff.cpu);
  const baselineMs = median(baseline.cpu);
  const truth = revision.truth;
  const mine = judgeAll(truth, anchors.map(placedSpan), newText);
  const mineNoDiff = judgeAll(truth, noDiffAnchors.map(placedSpan), newText);
  const base = judgeAll(truth, baselinePlaced, newText);
  const statusesOf = (list: readonly Anchor[]): string => {
    const statuses: Record<string, number> = {};
    for (const a of list) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
    return JSON.stringify(statuses);
  };

  const tallies = [mine, mineNoDiff, base].map((j) => tally(truth, j.verdicts));
  log(`  by fate (right / wrong / lost):        ours   ours, no diff        baseline`);
  for (const fate of tallies[0].keys()) {
    const cells = tallies.map((t) => {
      const row = t.get(fate)!;
      return `${row.right} / ${row.wrong} / ${row.lost}`.padStart(16);
    });
    log(`    ${fate.padEnd(16)} ${cells[0].padStart(22)}${cells[1]}${cells[2]}`);
  }
  log(`  ours by status: ${statusesOf(anchors)}; without the diff: ${statusesOf(noDiffAnchors)}`);
  log(
    `  ours, one run: diff ${formatMs(phases.value.diff)}, fold ${formatMs(phases.value.fold)}, ` +
      `resolve ${formatMs(phases.value.resolve)}; resolve without the diff ${formatMs(phases.value.resolveNoDiff)}`,
  );
  const runs = (t: Timings): string =>
    `CPU ms: ${t.cpu.map((x) => x.toFixed(0)).join(', ')}; wall ms: ${t.wall.map((x) => x.toFixed(0)).join(', ')}`;
  log(`  ours runs, ${runs(ours)}`);
  log(`  ours without the diff, runs, ${runs(noDiff)}`);
  log(
    `  baseline runs${baselineExtrapolated ? ' (extrapolated)' : ''}, CPU: ${baseline.cpu.map((t) => formatMs(t)).join(', ')}; ` +
      `wall: ${baseline.wall.map((t) => formatMs(t)).join(', ')}`,
  );

  const casesOf = (who: string, j: Judged, list: readonly Anchor[]): string[] =>
    j.verdicts.flatMap((v, i) => (v === 'wrong' ? [describeWrong(who, i, oldText, revision, selectors[i], list[i])] : []));
  const result: ReanchorResult = {
    oursMs,
    oursNoDiffMs,
    baselineMs,
    baselineExtrapolated,
    speedup: baselineMs / oursMs,
    wallSpeedup: median(baseline.wall) / median(ours.wall),
    noDiffSpeedup: baselineMs / oursNoDiffMs,
    noDiffWallSpeedup: median(baseline.wall) / median(noDiff.wall),
    oursWrong: mine.wrong,
    oursWrongElsewhere: mine.wrongElsewhere,
    oursLost: mine.lost,
    oursNoDiffWrong: mineNoDiff.wrong,
    oursNoDiffWrongElsewhere: mineNoDiff.wrongElsewhere,
    oursNoDiffLost: mineNoDiff.lost,
    baselineWrong: base.wrong,
    baselineWrongElsewhere: base.wrongElsewhere,
    baselineLost: base.lost,
    oursWrongCases: casesOf('ours', mine, anchors),
    oursNoDiffWrongCases: casesOf('ours without the diff', mineNoDiff, noDiffAnchors),
  };
  const baselineTime = `baseline median ${formatMs(baselineMs)}${baselineExtrapolated ? ` (extrapolated ×10 from every 10th gloss)` : ''}`;
  report(
    'reanchor_speedup',
    `${round(result.speedup, 1)}×`,
    `${baselineTime} ÷ ours median ${formatMs(oursMs)}, CPU time of diff + fold + resolve of ${p.glosses} glosses ` +
      `(goal ≥ 10); from wall-clock medians: ${round(result.wallSpeedup, 1)}×`,
  );
  report(
    'reanchor_wrong',
    String(result.oursWrong),
    `glosses ours placed on a span other than their true one, or placed though their quote was deleted (goal 0): ${kindCounts(mine.kinds)}`,
  );
  report('reanchor_lost', String(result.oursLost), `glosses ours left unplaced although their quote survives (a miss, not a wrong place)`);
  report(
    'reanchor_nodiff_speedup',
    `${round(result.noDiffSpeedup, 1)}×`,
    `${baselineTime} ÷ ours without the diff, median ${formatMs(oursNoDiffMs)}, CPU time of fold + resolve from the ` +
      `selectors alone; from wall-clock medians: ${round(result.noDiffWallSpeedup, 1)}×`,
  );
  report('reanchor_wrong_nodiff', String(result.oursNoDiffWrong), `the same without the diff (goal 0): ${kindCounts(mineNoDiff.kinds)}`);
  report('reanchor_lost_nodiff', String(result.oursNoDiffLost), `the same without the diff`);
  report('baseline_wrong', String(result.baselineWrong), `the same count for Hypothesis's matchQuote: ${kindCounts(base.kinds)}`);
  report('baseline_lost', String(result.baselineLost), `surviving quotes Hypothesis's matchQuote found no place for`);
  for (const [who, list] of [
    ['ours', result.oursWrongCases],
    ['ours without the diff', result.oursNoDiffWrongCases],
  ] as const) {
    if (list.length === 0) continue;
    log(`  ${who} placed ${list.length} glosses wrongly ([kind], what happened, where it should be, where it went):`);
    for (const c of list) log(c.replace(/^/gm, '    '));
  }
  return result;
}

/** Wall-clock and CPU milliseconds a synchronous call takes. */
function measureSync(fn: () => unknown): { wall: number; cpu: number } {
  const cpu = cpuMs();
  const start = performance.now();
  fn();
  return { wall: performance.now() - start, cpu: cpuMs() - cpu };
}

/** Runs `fn` and adds its timings to `into`. */
function record(into: Timings, fn: () => unknown): void {
  const t = measureSync(fn);
  into.wall.push(t.wall);
  into.cpu.push(t.cpu);
}
