/**
 * The loop every live stream shares (a text's events, a group's moderation): Server-Sent Events
 * written from a log in the database, which is the truth. The stream looks at the log when the
 * event bus wakes it and at least every `pollMs` (another process may write, a right may end),
 * keeps idle connections open with a comment line, and ends after a lifetime with a `reconnect`
 * event; the browser's EventSource comes back on its own and is judged like any new request.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../middleware/env.ts';

/** How often a stream looks at the log even without a wake-up. */
export const defaultStreamPollMs = 2000;
/** How often a comment line keeps idle connections (and proxies) open. */
const heartbeatMs = 15_000;
/** How long a stream lives before it asks the client to reconnect. */
export const defaultStreamLifetimeMs = 10 * 60_000;
/** How soon the client should come back after a stream ends (the SSE `retry` field). */
const reconnectMs = 1000;

/** One server-sent event. */
export interface LiveEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * What one look at the log found: events to send and whether the log moved on (when it did, the
 * stream looks again at once, there may be more; else it waits), or that the reader's rights ended.
 */
export type Look = { events: LiveEvent[]; advanced: boolean } | 'gone';

/** How long a stream lives, and how often it looks at the log without a wake-up. */
export interface StreamTiming {
  lifetimeMs: number;
  pollMs: number;
}
export const defaultStreamTiming: StreamTiming = { lifetimeMs: defaultStreamLifetimeMs, pollMs: defaultStreamPollMs };

export interface LiveStream extends StreamTiming {
  /** The first event, sent at once. */
  ready: LiveEvent;
  /** Subscribes `wake` to the bus; returns the unsubscribe function. */
  subscribe: (wake: () => void) => () => void;
  /** Checks the reader's rights as they are now, then reads what is new since the last look. */
  look: () => Promise<Look>;
  /** The `data` of the closing `reconnect` event, given why the stream ends. */
  farewell: (reason: 'lifetime' | 'rights') => string;
}

/** Streams `s` until the client goes, the lifetime ends, or the reader's rights end. */
export function liveStream(c: Context<AppEnv>, s: LiveStream) {
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | null = null;
    const unsubscribe = s.subscribe(() => wake?.());
    stream.onAbort(() => {
      unsubscribe();
      wake?.();
    });
    const endsAt = Date.now() + s.lifetimeMs;
    const lifetime = setTimeout(() => wake?.(), s.lifetimeMs);
    await stream.writeSSE(s.ready);
    let lastWrite = Date.now();
    let reason: 'lifetime' | 'rights' = 'lifetime';
    while (!stream.aborted && !stream.closed && Date.now() < endsAt) {
      const found = await s.look();
      if (found === 'gone') {
        reason = 'rights';
        break;
      }
      for (const e of found.events) {
        await stream.writeSSE(e);
        lastWrite = Date.now();
      }
      if (found.advanced) continue;
      if (Date.now() - lastWrite >= heartbeatMs) {
        await stream.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, s.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    clearTimeout(lifetime);
    unsubscribe();
    if (!stream.aborted && !stream.closed) {
      await stream.writeSSE({ event: 'reconnect', data: s.farewell(reason), retry: reconnectMs });
    }
  });
}
