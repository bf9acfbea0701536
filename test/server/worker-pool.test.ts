/**
 * The worker pool's bounds (README, "Bounded work"): a task past its deadline is stopped and
 * answered 422 `too_complex` (and the pool goes on working), a full queue answers 503 `busy`,
 * one account gets one heavy task at a time (429), and a task's AppError comes back as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors.ts';
import { WorkerPool } from '../../server/work/pool.ts';

// Seconds of parsing on any machine we know (3.7 s here for 400,000 paragraphs), against a deadline
// of 100 ms: the deadline comes first by a wide margin, so the outcome does not depend on the machine's speed.
const slowMarkdown = 'a\n\n'.repeat(1_000_000);
const quickMarkdown = '# Title\n\nA paragraph.';

describe('the worker pool', () => {
  let pool: WorkerPool | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as AppError);

  it('runs a task and returns its value', async () => {
    pool = new WorkerPool({ size: 1, maxQueued: 4, deadlineMs: 30_000 });
    const parsed = await pool.run('parse', { format: 'markdown', content: quickMarkdown });
    expect(parsed.projection).toContain('A paragraph.');
    expect(parsed.segments).toEqual([]);
  }, 30_000);

  it('does not count a new worker’s start against its task’s deadline', async () => {
    // Starting a worker (loading the tasks' code) takes longer than this deadline; a tiny parse does not.
    pool = new WorkerPool({ size: 1, maxQueued: 4, deadlineMs: 100 });
    const started = performance.now();
    const parsed = await pool.run('parse', { format: 'markdown', content: quickMarkdown });
    expect(parsed.projection).toContain('A paragraph.');
    expect(performance.now() - started).toBeGreaterThan(100);
  }, 30_000);

  it('stops a task past its deadline with 422 too_complex, and keeps working after', async () => {
    pool = new WorkerPool({ size: 1, maxQueued: 4, deadlineMs: 100 });
    await pool.run('parse', { format: 'markdown', content: quickMarkdown }); // the worker is up
    const e = await failure(pool.run('parse', { format: 'markdown', content: slowMarkdown }));
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'too_complex', status: 422 });
    const again = await pool.run('parse', { format: 'markdown', content: quickMarkdown });
    expect(again.projection).toContain('A paragraph.');
  }, 60_000);

  it('answers 503 busy past the queue, and 429 busy to a second heavy task of the same account', async () => {
    pool = new WorkerPool({ size: 1, maxQueued: 1, deadlineMs: 30_000 });
    const running = pool.run('parse', { format: 'markdown', content: quickMarkdown }, 1);
    expect(await failure(pool.run('parse', { format: 'markdown', content: quickMarkdown }, 1))).toMatchObject({ code: 'busy', status: 429 });
    const queued = pool.run('parse', { format: 'markdown', content: quickMarkdown }, 2);
    const refused = await failure(pool.run('parse', { format: 'markdown', content: quickMarkdown }, 3));
    expect(refused).toMatchObject({ code: 'busy', status: 503, headers: { 'Retry-After': '5' } });
    await Promise.all([running, queued]);
    // Once done, the same account may run again.
    await pool.run('parse', { format: 'markdown', content: quickMarkdown }, 1);
  }, 30_000);

  it('passes a task’s AppError back with its code and status', async () => {
    pool = new WorkerPool({ size: 1, maxQueued: 4, deadlineMs: 30_000 });
    const e = await failure(pool.run('locate', { text: 'ab ab ab ab ab', target: { exact: 'zz', start: 9, end: 2 } }));
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: 'invalid_target', status: 422 });
  }, 30_000);
});
