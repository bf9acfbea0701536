/**
 * Re-anchoring benchmark (README, "Benchmarks"): 1,000 glosses on a ~1 MB text, a revision that edits about
 * 2% of it, and two ways of placing the glosses in the new text.
 *
 * - Ours: what `server/services/reanchor.ts` does — `createTextMapper(old, new)`, one
 *   `createAnchorTarget(new)`, and `resolveAnchor` for each gloss with the mapper.
 * - Baseline, "the Hypothesis approach": for each gloss, the verbatim occurrence of the quote
 *   nearest its old position; failing that, `approx-string-match` over the whole new text with
 *   maxErrors = min(256, ⌊quote length / 2⌋), taking the candidate with the fewest errors (then the
 *   one nearest the old position). No threshold: the best candidate is always taken.
 *
 * The revision is built with a known ground truth (see synthetic-text.ts), so every placement is
 * judged: a gloss whose quote survives (possibly reworded) must land on exactly its true span;
 * a gloss whose quote was deleted outright must not land anywhere (the text has no segments, so
 * the only right answer is `orphan`). Leaving a surviving quote unplaced is counted apart, as
 * "lost": it is a miss, not a wrong place.
 *
 * Timing: medians over repeated runs, ours interleaved with the baseline. The speedup is the ratio
 * of median CPU times of this process (each side is single-threaded, and CPU time is less at the
 * mercy of the other processes on a small shared machine); the ratio of wall-clock medians is
 * printed beside it. Should one baseline run be projected over `baselineBudgetMs`, it is timed on
 * every 10th gloss and multiplied by 10, and the report says so.
 */
import search from 'approx-string-match';
import {
  contextLength,
  createAnchorTarget,
  createTextMapper,
  describeRange,
  resolveAnchor,
  type Anchor,
  type Selectors,
} from '../../schema/anchoring/index.ts';
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
  /** Median CPU milliseconds of one run of ours, and of the baseline. */
  oursMs: number;
  baselineMs: number;
  /** baselineMs / oursMs: the ratio of median CPU times (steadier than wall time on a busy machine). */
  speedup: number;
  /** The same from median wall-clock times. */
  wallSpeedup: number;
  baselineExtrapolated: boolean;
  /** Wrong placements (strictly: any span other than the true one; any place for a deleted quote). */
  oursWrong: number;
  /** Of those, the ones not even overlapping the true span (a look-alike), or placed though deleted. */
  oursWrongElsewhere: number;
  oursLost: number;
  baselineWrong: number;
  baselineWrongElsewhere: number;
  baselineLost: number;
  /** Every wrong placement of ours, described for the anchoring engineer. */
  oursWrongCases: string[];
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

/** The Hypothesis approach for one gloss: nearest verbatim occurrence, else the best approximate match anywhere. */
function placeHypothesis(newText: string, s: Selectors): Span | null {
  const quote = s.exact;
  const old = s.start ?? 0;
  let best = -1;
  for (let at = newText.indexOf(quote); at >= 0; at = newText.indexOf(quote, at + 1)) {
    if (best < 0 || Math.abs(at - old) < Math.abs(best - old)) best = at;
  }
  if (best >= 0) return { start: best, end: best + quote.length };
  const maxErrors = Math.min(256, Math.floor(quote.length / 2));
  let found: { start: number; end: number; errors: number } | null = null;
  for (const m of search(newText, quote, maxErrors)) {
    if (
      found === null ||
      m.errors < found.errors ||
      (m.errors === found.errors && Math.abs(m.start - old) < Math.abs(found.start - old))
    ) {
      found = m;
    }
  }
  return found && { start: found.start, end: found.end };
}

function placedSpan(a: Anchor): Span | null {
  return a.status === 'orphan' || a.status === 'segment' ? null : { start: a.start, end: a.end };
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

function count(verdicts: readonly Verdict[], v: Verdict): number {
  return verdicts.filter((x) => x === v).length;
}

const show = (s: string, max = 90): string => JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);

/** A full description of a wrong placement: the quote, what the revision did to it, where it should be and where it went. */
function describeWrong(i: number, oldText: string, revision: Revision, sel: Selectors, anchor: Anchor): string {
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
      ? `    ours: orphan`
      : `    ours: ${anchor.status} (score ${anchor.score.toFixed(3)}) new ${anchor.start}..${anchor.end} ` +
        `${show(newText.slice(anchor.start, anchor.end))} in context ` +
        `${show(newText.slice(Math.max(0, anchor.start - 40), anchor.end + 40), 200)}`,
  ];
  return lines.join('\n');
}

/** Builds the text, glosses and revision; times and judges both approaches; prints the figures. */
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

  // Ours: one warm-up (it also gives the anchors judged below), then timed runs.
  const anchors = placeOurs(oldText, newText, selectors);
  const ours: Timings = { wall: [], cpu: [] };
  const runOurs = (): void => record(ours, () => placeOurs(oldText, newText, selectors));

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
    runBaseline();
    runOurs();
  }
  while (ours.wall.length < p.oursRuns) runOurs();
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
    return { diff: t1 - t0, fold: t2 - t1, resolve: t3 - t2 };
  });

  const oursMs = median(ours.cpu);
  const baselineMs = median(baseline.cpu);
  const wallSpeedup = median(baseline.wall) / median(ours.wall);
  const oursVerdicts = selectors.map((_, i) => judge(revision.truth[i], placedSpan(anchors[i])));
  const baseVerdicts = selectors.map((_, i) => judge(revision.truth[i], baselinePlaced[i]));
  const statuses: Record<string, number> = {};
  for (const a of anchors) statuses[a.status] = (statuses[a.status] ?? 0) + 1;

  const oursTally = tally(revision.truth, oursVerdicts);
  const baseTally = tally(revision.truth, baseVerdicts);
  log(`  by fate (right / wrong / lost):        ours              baseline`);
  for (const [fate, row] of oursTally) {
    const b = baseTally.get(fate)!;
    log(`    ${fate.padEnd(16)} ${`${row.right} / ${row.wrong} / ${row.lost}`.padStart(22)} ${`${b.right} / ${b.wrong} / ${b.lost}`.padStart(17)}`);
  }
  log(`  ours by status: ${JSON.stringify(statuses)}`);
  log(
    `  ours, one run: diff ${formatMs(phases.value.diff)}, fold ${formatMs(phases.value.fold)}, ` +
      `resolve ${formatMs(phases.value.resolve)}`,
  );
  log(`  ours runs, CPU ms: ${ours.cpu.map((t) => t.toFixed(0)).join(', ')}; wall ms: ${ours.wall.map((t) => t.toFixed(0)).join(', ')}`);
  log(
    `  baseline runs${baselineExtrapolated ? ' (extrapolated)' : ''}, CPU: ${baseline.cpu.map((t) => formatMs(t)).join(', ')}; ` +
      `wall: ${baseline.wall.map((t) => formatMs(t)).join(', ')}`,
  );

  const oursKinds = selectors.map((_, i) => (oursVerdicts[i] === 'wrong' ? wrongKind(revision.truth[i], placedSpan(anchors[i])!, newText) : null));
  const baseKinds = selectors.map((_, i) => (baseVerdicts[i] === 'wrong' ? wrongKind(revision.truth[i], baselinePlaced[i]!, newText) : null));
  const kindCounts = (kinds: (WrongKind | null)[]): string => {
    const c: Record<string, number> = {};
    for (const k of kinds) if (k) c[k] = (c[k] ?? 0) + 1;
    return Object.entries(c).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  };
  const result: ReanchorResult = {
    oursMs,
    baselineMs,
    baselineExtrapolated,
    speedup: baselineMs / oursMs,
    wallSpeedup,
    oursWrong: count(oursVerdicts, 'wrong'),
    oursWrongElsewhere: oursKinds.filter((k) => k === 'elsewhere').length,
    oursLost: count(oursVerdicts, 'lost'),
    baselineWrong: count(baseVerdicts, 'wrong'),
    baselineWrongElsewhere: baseKinds.filter((k) => k === 'elsewhere').length,
    baselineLost: count(baseVerdicts, 'lost'),
    oursWrongCases: oursVerdicts.flatMap((v, i) => (v === 'wrong' ? [describeWrong(i, oldText, revision, selectors[i], anchors[i])] : [])),
  };
  report(
    'reanchor_speedup',
    `${round(result.speedup, 1)}×`,
    `baseline median ${formatMs(baselineMs)}${baselineExtrapolated ? ` (extrapolated ×10 from every 10th gloss)` : ''} ÷ ours median ${formatMs(oursMs)}, ` +
      `CPU time of diff + fold + resolve of ${p.glosses} glosses (goal ≥ 10); from wall-clock medians: ${round(wallSpeedup, 1)}×`,
  );
  report(
    'reanchor_wrong',
    String(result.oursWrong),
    `glosses ours placed on a span other than their true one, or placed though their quote was deleted (goal 0): ${kindCounts(oursKinds)}`,
  );
  report('reanchor_lost', String(result.oursLost), `glosses ours left unplaced although their quote survives (a miss, not a wrong place)`);
  report(
    'baseline_wrong',
    String(result.baselineWrong),
    `the same count for the Hypothesis approach: ${kindCounts(baseKinds)} (it never leaves a gloss unplaced: lost ${result.baselineLost})`,
  );
  if (result.oursWrongCases.length > 0) {
    log(`  ours placed ${result.oursWrongCases.length} glosses wrongly ([kind], what happened, where it should be, where it went):`);
    for (const c of result.oursWrongCases) log(c.replace(/^/gm, '    '));
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
