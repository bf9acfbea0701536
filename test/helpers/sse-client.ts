/**
 * Clients for tests against a real HTTP server: an event stream read with fetch and parsed as it
 * arrives, and a person with a session cookie who sends our Origin on writes.
 */
import { expect } from 'vitest';

/** Awaits a request of a `Client` and returns its body, failing the test unless it answered `status`. */
export async function answered<T = any>(p: Promise<{ status: number; body: T }>, status = 201): Promise<T> {
  const res = await p;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** An open event stream, parsed as it arrives. */
export class EventStream {
  events: SseEvent[] = [];
  status = 0;
  contentType = '';
  private controller = new AbortController();
  private waiters: (() => void)[] = [];
  private done: Promise<void> = Promise.resolve();
  ended = false;
  /** The last reconnection delay the server asked for (`retry:`), in ms. */
  retry: number | null = null;

  static async open(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
    const s = new EventStream();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: s.controller.signal });
    s.status = res.status;
    s.contentType = res.headers.get('content-type') ?? '';
    if (res.ok && res.body) s.done = s.pump(res.body);
    else {
      await res.body?.cancel();
      s.ended = true;
    }
    return s;
  }

  private async pump(body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { id: null, event: 'message', data: '' };
          const data: string[] = [];
          let any = false;
          for (const line of frame.split('\n')) {
            if (line === '' || line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            any = true;
            if (field === 'id') e.id = value;
            else if (field === 'event') e.event = value;
            else if (field === 'data') data.push(value);
            else if (field === 'retry') this.retry = Number(value);
          }
          if (!any) continue;
          e.data = data.join('\n');
          this.events.push(e);
          this.wake();
        }
      }
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits until the server ends the stream; false if it is still open after `timeoutMs`. */
  async waitForEnd(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.ended;
  }

  /** Waits until an event matching `test` has arrived (after `from` events); returns it. */
  async waitFor(test: (e: SseEvent) => boolean, timeoutMs = 10_000, from = 0): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(test);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended without the event; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.events.map((e) => `${e.id}:${e.event}`))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kinds(): string[] {
    return this.events.map((e) => e.event);
  }

  async close() {
    this.controller.abort();
    await this.done.catch(() => {});
  }
}

/** A person talking to the real server: a session cookie and our Origin on writes. */
export class Client {
  cookie = '';
  /** A bearer token to send instead of the cookie. */
  bearer = '';
  constructor(private readonly base: string) {}

  async request(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    else if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET') headers.origin = this.base;
    const res = await fetch(`${this.base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('daf_session='));
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}
