/**
 * How late a live event arrives from another process (pg.ts; docs/postgres.md §6). Two built
 * `daf serve` children share one database; a reader streams a text's events (Server-Sent Events,
 * `GET /api/texts/:slug/events`) from process B while one person creates glosses through process
 * A, one at a time. Each lag is the time from A's response to the write until B's stream delivers
 * that gloss's `gloss.created` event (negative when the event comes first). Before each write the
 * writer waits a random time up to one poll period of the streams, so writes fall at every moment
 * of the poll's cycle, as real ones do. On PostgreSQL the write's NOTIFY wakes B's stream; on
 * SQLite nothing does, and B's stream finds the event at its next poll.
 */
import { defaultStreamPollMs } from '../../server/routes/live-stream.ts';
import { createRandom } from './random.ts';
import { startServerProcess, stopServerProcess } from './server-process.ts';

/** What one measurement found, in milliseconds. */
export interface LagResult {
  lags: number[];
  /** Each write's own time, request to response. */
  writes: number[];
}

/** A text's event stream, read as it arrives: when each `gloss.created` came, by gloss id. */
async function openGlossEvents(url: string): Promise<{ ready: Promise<void>; arrived: Map<number, number>; changed: () => Promise<void>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`GET ${url}: ${res.status}`);
  const arrived = new Map<number, number>();
  let signal: () => void = () => {};
  let next = new Promise<void>((resolve) => (signal = resolve));
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const pump = async (body: ReadableStream<Uint8Array>) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value: chunk, done } = await reader.read();
      if (done) break;
      const at = performance.now();
      buffer += decoder.decode(chunk, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut).split('\n');
        buffer = buffer.slice(cut + 2);
        const event = frame.find((l) => l.startsWith('event:'))?.slice(6).trim();
        const data = frame.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (event === 'ready') markReady();
        if (event === 'gloss.created') arrived.set((JSON.parse(data) as { id: number }).id, at);
      }
      signal();
      next = new Promise<void>((resolve) => (signal = resolve));
    }
  };
  pump(res.body).catch((e: Error) => {
    if (e.name !== 'AbortError') console.error(`  event stream: ${e.message}`);
  });
  return { ready, arrived, changed: () => next, close: () => controller.abort() };
}

/** A JSON request with a session cookie and the server's own Origin; the answer's status and body, and the session cookie it sets. Throws on a status of 300 or more. */
export async function send(base: string, cookie: string, method: string, route: string, body: unknown): Promise<{ status: number; json: any; cookie: string }> {
  const res = await fetch(base + route, {
    method,
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${JSON.stringify(json)}`);
  return { status: res.status, json, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] };
}

/**
 * Starts two servers on `database` (a SQLite file or a postgres:// URL, empty), makes a text and a
 * layer through A, and times `writes` glosses written through A (after `warmup` untimed ones) until
 * B's stream has each.
 */
export async function measureEventLag(database: string, options: { writes: number; warmup: number; seed: number }): Promise<LagResult> {
  const a = await startServerProcess(database);
  let b: Awaited<ReturnType<typeof startServerProcess>> | null = null;
  let stream: Awaited<ReturnType<typeof openGlossEvents>> | null = null;
  try {
    // One after the other, so the second finds the schema made.
    b = await startServerProcess(database);
    const { cookie } = await send(a.url, '', 'POST', '/api/auth/signup', { handle: 'writer', password: 'correct horse battery' });
    await send(a.url, cookie, 'POST', '/api/texts', { title: 'Lag', slug: 'lag', language: 'en', format: 'markdown', content: 'Let there be light.' });
    await send(a.url, cookie, 'POST', '/api/texts/lag/layers', { name: 'Notes', slug: 'notes', visibility: 'public', writePolicy: 'owner' });
    stream = await openGlossEvents(`${b.url}/api/texts/lag/events`);
    await stream.ready;
    const rnd = createRandom(options.seed);
    const result: LagResult = { lags: [], writes: [] };
    for (let i = 0; i < options.warmup + options.writes; i++) {
      await new Promise((resolve) => setTimeout(resolve, rnd.next() * defaultStreamPollMs));
      const sent = performance.now();
      const made = await send(a.url, cookie, 'POST', '/api/texts/lag/layers/notes/glosses', { target: { exact: 'light' }, body: { markdown: `Note ${i}` } });
      const answered = performance.now();
      const id = (made.json as { id: number }).id;
      const deadline = answered + 10_000;
      while (!stream.arrived.has(id)) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`gloss ${id}: no event from the other process within 10 s`);
        await Promise.race([stream.changed(), new Promise((resolve) => setTimeout(resolve, left))]);
      }
      if (i < options.warmup) continue;
      result.lags.push(stream.arrived.get(id)! - answered);
      result.writes.push(answered - sent);
    }
    return result;
  } finally {
    stream?.close();
    if (b) await stopServerProcess(b.child);
    await stopServerProcess(a.child);
  }
}
