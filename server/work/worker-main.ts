/**
 * The body of a pool worker: runs one task per message and answers with its value, or with the
 * AppError it threw (code, status, message), or with the message of anything else it threw.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import { tasks, type TaskKind } from './tasks.ts';

/** A task for the worker. */
export interface TaskMessage {
  id: number;
  kind: TaskKind;
  input: unknown;
}

/** Sent once, when the worker has loaded and listens: its tasks' deadlines start only then. */
export interface ReadyMessage {
  ready: true;
}

/** The worker's answer. */
export type ResultMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code: string; status: AppError['status']; message: string } | null; message: string };

const port = parentPort!;
port.on('message', async (task: TaskMessage) => {
  let answer: ResultMessage;
  try {
    const run = tasks[task.kind] as (input: unknown) => unknown;
    answer = { id: task.id, ok: true, value: await run(task.input) };
  } catch (e) {
    const error = e instanceof AppError ? { code: e.code, status: e.status, message: e.message } : null;
    answer = { id: task.id, ok: false, error, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true } satisfies ReadyMessage);
