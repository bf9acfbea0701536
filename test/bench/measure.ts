/**
 * Timing helpers. The machines that run these benchmarks are small and noisy, so every figure is
 * a median over repeated runs, and every figure that matters is printed as a ratio against a
 * baseline measured in the same run (ideally interleaved with it, so both see the same noise).
 */

import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * Runs a full garbage collection now, outside any timing (V8's `gc`, exposed at run time; nothing
 * if that fails). Between blocks of runs, so that one contender's garbage is not collected on the
 * other's time: V8 collects in idle moments, such as while a request waits for its response, and
 * its concurrent marking threads count in this process's CPU time.
 */
export function settleHeap(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The value at quantile `q` (0..1) of some numbers, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** CPU time (user + system, all threads) this process has used so far, in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Milliseconds taken by `fn` (awaited): wall-clock, and CPU time of this process. On a busy
 * machine the CPU time of a single-threaded computation is much steadier than its wall time.
 */
export async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = cpuMs();
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, cpuMs: cpuMs() - cpu, value };
}

/** Timings of one contender: wall-clock and CPU milliseconds per run. */
export interface Timings {
  wall: number[];
  cpu: number[];
}

/**
 * Times two contenders alternately, in blocks: `warmup` untimed runs of each, then `runs` timed
 * runs of each, `block` runs of one contender, then `block` of the other (the order swapping each
 * time, so neither always goes first), with a full garbage collection before each block
 * (`settleHeap`), so each contender's garbage is collected on its own time, while noise slower than
 * a block still falls on both. Returns every timing.
 */
export async function interleave(
  a: () => unknown | Promise<unknown>,
  b: () => unknown | Promise<unknown>,
  options: { warmup: number; runs: number; block?: number },
): Promise<{ a: Timings; b: Timings }> {
  for (let i = 0; i < options.warmup; i++) {
    await a();
    await b();
  }
  const out = { a: { wall: [] as number[], cpu: [] as number[] }, b: { wall: [] as number[], cpu: [] as number[] } };
  const block = options.block ?? 5;
  const run = async (fn: () => unknown, into: Timings, count: number): Promise<void> => {
    settleHeap();
    for (let i = 0; i < count; i++) {
      const t = await timed(fn);
      into.wall.push(t.ms);
      into.cpu.push(t.cpuMs);
    }
  };
  for (let done = 0, k = 0; done < options.runs; done += block, k++) {
    const count = Math.min(block, options.runs - done);
    if (k % 2 === 0) {
      await run(a, out.a, count);
      await run(b, out.b, count);
    } else {
      await run(b, out.b, count);
      await run(a, out.a, count);
    }
  }
  return out;
}

/** The sum of some numbers. */
export function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

/** `12.3 ms` / `1.23 s`. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

/** The median, p95 and largest of some milliseconds, for a line of the log. */
export function spread(values: readonly number[]): string {
  return `median ${formatMs(median(values))}, p95 ${formatMs(quantile(values, 0.95))}, max ${formatMs(Math.max(...values))}`;
}

/** A ratio rounded for the JSON line. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Prints one figure: a name, its value, and a line saying what it means. */
export function report(name: string, value: string, explanation: string): void {
  console.log(`  ${name.padEnd(26)} ${value}`);
  console.log(`  ${''.padEnd(26)} ${explanation}`);
}
