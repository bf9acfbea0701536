/**
 * A small pool of worker threads for the heavy, pure steps of a request (tasks.ts), so that one
 * request parsing a ten-megabyte text or placing a crafted quote never holds the event loop that
 * serves everyone else (README, "Bounded work"). Bounds:
 * - `size` workers (two by default), each running one task at a time;
 * - at most `maxQueued` tasks waiting; beyond that 503 `busy` with Retry-After;
 * - one task at a time per key (an account): a second one meanwhile is 429 `busy`;
 * - `deadlineMs` per task: past it the worker is stopped and replaced, and the request gets 422
 *   `too_complex`.
 * Workers start on first use, hold the process open only while they work, and are shared by every
 * app in the process (tests make many).
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { TaskKind, TaskInput, TaskOutput } from './tasks.ts';
import type { ReadyMessage, ResultMessage, TaskMessage } from './worker-main.ts';

/** How a pool is bounded. */
export interface PoolOptions {
  size: number;
  maxQueued: number;
  deadlineMs: number;
}

interface Pending {
  message: TaskMessage;
  key: string | number | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  /**
   * Has the worker loaded (its `ready` message)? A task waits for that, so a worker's start —
   * seconds on a loaded machine — never counts against the task's deadline.
   */
  ready: boolean;
  task: Pending | null;
  timer: NodeJS.Timeout | null;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly keys = new Set<string | number>();
  private nextId = 1;

  constructor(private readonly options: PoolOptions) {}

  /** Runs `kind` on a worker; rejects with the task's AppError, or a `busy` / `too_complex` one. */
  run<K extends TaskKind>(kind: K, input: TaskInput<K>, key?: string | number): Promise<TaskOutput<K>> {
    if (key !== undefined && this.keys.has(key)) {
      return Promise.reject(new AppError('busy', 429, 'Another heavy request of yours is still running; try again when it ends', { 'Retry-After': '2' }));
    }
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.reject(new AppError('busy', 503, 'The server is busy with heavy requests; try again in a moment', { 'Retry-After': '5' }));
    }
    return new Promise((resolve, reject) => {
      if (key !== undefined) this.keys.add(key);
      this.queue.push({ message: { id: this.nextId++, kind, input }, key, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Stops every worker (tests and shutdown); waiting tasks are refused. */
  async close(): Promise<void> {
    for (const p of this.queue.splice(0)) this.finish(p, null, new AppError('busy', 503, 'The server is shutting down'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.ready && s.task === null);
      if (!slot && this.slots.length < this.options.size) slot = this.spawn();
      if (!slot) return;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      // A new worker takes its task once it has loaded: see `Slot.ready`.
      if (slot.ready) this.start(slot);
    }
  }

  /** Hands a slot its task and starts the task's deadline. */
  private start(slot: Slot): void {
    slot.timer = setTimeout(() => this.expire(slot), this.options.deadlineMs);
    slot.worker.postMessage(slot.task!.message);
  }

  private spawn(): Slot {
    // A bounded heap: a task that would take more (a hostile document) ends its worker, not the server.
    const worker = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: workerHeapMb } });
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    worker.unref();
    worker.on('message', (answer: ResultMessage | ReadyMessage) => {
      if ('ready' in answer) {
        slot.ready = true;
        if (slot.task) this.start(slot);
        return;
      }
      const task = slot.task;
      if (!task || task.message.id !== answer.id) return;
      this.release(slot);
      if (answer.ok) this.finish(task, answer.value, null);
      else if (answer.error) this.finish(task, null, new AppError(answer.error.code, answer.error.status, answer.error.message));
      else this.finish(task, null, new Error(`Worker task ${task.message.kind} failed: ${answer.message}`));
      this.dispatch();
    });
    worker.on('error', (error) => this.lose(slot, error));
    worker.on('exit', () => this.lose(slot, new Error('A worker thread exited')));
    this.slots.push(slot);
    return slot;
  }

  /** A task ran past the deadline: stop its worker (a new one starts on next need). */
  private expire(slot: Slot): void {
    const task = slot.task;
    this.remove(slot);
    void slot.worker.terminate();
    if (task) this.finish(task, null, new AppError('too_complex', 422, `This took longer than ${this.options.deadlineMs / 1000} s to process; send a smaller or simpler text, or give the quote's position`));
    this.dispatch();
  }

  /** A worker died (crashed or was terminated): fail its task, forget it. */
  private lose(slot: Slot, error: Error): void {
    if (!this.slots.includes(slot)) return;
    const task = slot.task;
    this.remove(slot);
    if (task) {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.finish(task, null, outOfMemory ? new AppError('too_complex', 422, 'This needs more memory than Daf gives one request; send a smaller or simpler text') : error);
    }
    this.dispatch();
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
  }

  private remove(slot: Slot): void {
    this.release(slot);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private finish(task: Pending, value: unknown, error: unknown): void {
    if (task.key !== undefined) this.keys.delete(task.key);
    if (error) task.reject(error);
    else task.resolve(value);
  }
}

/** The most memory (MiB of heap) one worker may use. */
const workerHeapMb = 768;

/** The defaults: two workers (fewer on one core), sixteen waiting, twenty seconds each. */
export const defaultPoolOptions: PoolOptions = {
  size: Math.max(1, Math.min(2, os.availableParallelism())),
  maxQueued: 16,
  deadlineMs: 20_000,
};

let shared: WorkerPool | null = null;

/** The process's pool, made on first use. */
export function workerPool(): WorkerPool {
  shared ??= new WorkerPool(defaultPoolOptions);
  return shared;
}
