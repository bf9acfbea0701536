/**
 * Crash safety of the real server process: writes stream in (a few at a time), the process is
 * SIGKILLed in the middle of them, and on restart every write that was answered 201 before the
 * kill is there, nothing is half-written (each gloss has its anchor, search entry and event;
 * each version its re-anchored glosses), and SQLite's integrity check passes.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../helpers/fixtures.ts';
import { killSpawnedServers, spawnServer, type SpawnedServer } from '../helpers/spawn-server.ts';

let db: string;

/** A small API client for a spawned server, authenticated by a bearer token once it has one. */
class Client {
  token: string | null = null;
  constructor(public url: string) {}

  async call(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.token) h.authorization = `Bearer ${this.token}`;
    const res = await fetch(`${this.url}${p}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as any) : null };
  }
}

/** Signs up on a fresh server and returns a client with a bearer token (it survives restarts). */
async function signUp(url: string): Promise<Client> {
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ handle: 'ada', password: 'correct horse battery' }),
  });
  expect(signup.status).toBe(201);
  const cookie = signup.headers.getSetCookie()[0].split(';')[0];
  const token = await fetch(`${url}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, cookie },
    body: JSON.stringify({ name: 'crash test' }),
  });
  expect(token.status).toBe(201);
  const client = new Client(url);
  client.token = ((await token.json()) as { token: string }).token;
  return client;
}

const words = ['light', 'darkness', 'water', 'firmament', 'evening', 'morning', 'heaven', 'earth'];
const source = Array.from({ length: 40 }, (_, i) => `Verse ${i}: and there was ${words[i % words.length]} number ${i}.`).join('\n\n');

/**
 * Runs `workers` loops that each keep one write in flight, and SIGKILLs the server as soon as
 * `killAfter` writes have been answered with 201 — while the other loops' writes are on the
 * wire or in the database. `write` resolves to what was acknowledged, or null for a refusal.
 */
async function writeUntilKilled<T>(
  server: SpawnedServer,
  workers: number,
  killAfter: number,
  write: (n: number, worker: number) => Promise<T | null>,
): Promise<{ acknowledged: T[]; failedAfterKill: number }> {
  const acknowledged: T[] = [];
  let killed = false;
  // The kill is asked for at once but lands a moment later: writes go on until the process is
  // gone, so some are always cut off by it (and any answered 201 in that moment must survive too).
  let dead = false;
  let failedAfterKill = 0;
  let next = 0;
  let killing: Promise<void> | null = null;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!dead) {
        const n = next++;
        let result: T | null;
        try {
          result = await write(n, worker);
        } catch (e) {
          // Only the kill may interrupt a write: a failure before it is a real error.
          if (!killed) throw e;
          failedAfterKill++;
          return;
        }
        if (result === null) {
          if (!killed) throw new Error(`write ${n} was refused before the kill`);
          failedAfterKill++;
          return;
        }
        acknowledged.push(result);
        if (acknowledged.length === killAfter && !killed) {
          killed = true;
          killing = server.kill().then(() => {
            dead = true;
          });
        }
      }
    }),
  );
  await killing;
  return { acknowledged, failedAfterKill };
}

function openFile() {
  return new SQLite(db, { readonly: true, fileMustExist: true });
}

describe('crash safety of the real server process', () => {
  const dir = useTempDir('daf-crash-');
  beforeAll(() => {
    db = path.join(dir.path, 'daf.db');
  });
  afterAll(async () => {
    await killSpawnedServers();
  });

  const acknowledgedGlosses: { id: number; markdown: string }[] = [];
  const acknowledgedVersions: number[] = [];

  it('keeps every gloss and version answered 201 before a SIGKILL in the middle of a stream of writes', async () => {
    const first = await spawnServer(db);
    const client = await signUp(first.url);
    const text = await client.call('POST', '/api/texts', { title: 'Crash', slug: 'crash', language: 'en', format: 'plain', content: source });
    expect(text.status, text.text).toBe(201);
    const layer = await client.call('POST', '/api/texts/crash/layers', { name: 'Notes', slug: 'notes', visibility: 'public' });
    expect(layer.status, layer.text).toBe(201);

    // Four loops write glosses and two write new versions (each rewrites one verse, and every
    // gloss on the text is re-anchored in the same transaction, so a version is all there or
    // not there at all).
    type Ack = { gloss: { id: number; markdown: string } } | { version: number };
    const { acknowledged, failedAfterKill } = await writeUntilKilled<Ack>(first, 6, 50, async (n, worker) => {
      if (worker < 4) {
        const markdown = `Gloss ${n} on ${words[n % words.length]}.`;
        const res = await client.call('POST', '/api/texts/crash/layers/notes/glosses', {
          target: { exact: `${words[n % words.length]} number ${n % 40}` },
          body: { markdown },
        });
        return res.status === 201 ? { gloss: { id: res.body.id as number, markdown } } : null;
      }
      const content = source.replace(`number ${n % 40}.`, `number ${n % 40}, revised ${n}.`);
      const res = await client.call('POST', '/api/texts/crash/versions', { format: 'plain', content });
      return res.status === 201 ? { version: res.body.version.number as number } : null;
    });
    for (const a of acknowledged) {
      if ('gloss' in a) acknowledgedGlosses.push(a.gloss);
      else acknowledgedVersions.push(a.version);
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    expect(acknowledgedGlosses.length).toBeGreaterThan(0);
    expect(acknowledgedVersions.length).toBeGreaterThan(0);
    // At least one write was cut off by the kill: it landed in the middle of the stream.
    expect(failedAfterKill).toBeGreaterThan(0);

    // Restart on the same file: everything acknowledged is there.
    const second = await spawnServer(db);
    client.url = second.url;
    for (const g of acknowledgedGlosses) {
      const res = await client.call('GET', `/api/glosses/${g.id}`);
      expect(res.status, `gloss ${g.id}: ${res.text}`).toBe(200);
      expect(res.body.body.text).toBe(g.markdown);
      expect(res.body.anchor, `gloss ${g.id} has an anchor in the current version`).not.toBeNull();
    }
    const versions = await client.call('GET', '/api/texts/crash/versions');
    expect(versions.status).toBe(200);
    const numbers = (versions.body.versions as { number: number }[]).map((v) => v.number);
    for (const n of acknowledgedVersions) expect(numbers).toContain(n);
    // Numbers run 1, 2, 3, … with no gap, and the text is at the last one.
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
    const current = await client.call('GET', '/api/texts/crash');
    expect(current.body.version.number).toBe(numbers.at(-1));
    // And the restarted server takes writes, then shuts down cleanly.
    const after = await client.call('POST', '/api/texts/crash/layers/notes/glosses', { target: { exact: 'light number 0' }, body: { markdown: 'After the crash.' } });
    expect(after.status, after.text).toBe(201);
    expect(await second.stop(), second.output()).toBe(0);
    // Neither process logged an error (a 500 logs its stack to stderr).
    for (const server of [first, second]) expect(server.output()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('leaves a file that passes integrity_check, with nothing half-written', () => {
    const sqlite = openFile();
    try {
      expect(sqlite.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(sqlite.pragma('foreign_key_check')).toEqual([]);
      // Every gloss was written whole: its anchor, its search entry and its event.
      const orphans = sqlite
        .prepare(
          `SELECT g.id,
             (SELECT count(*) FROM anchor a WHERE a.gloss_id = g.id AND a.version = g.target_version) AS anchors,
             (SELECT count(*) FROM search_index s WHERE s.kind = 'gloss' AND s.item_id = g.id) AS indexed,
             (SELECT count(*) FROM event e WHERE e.kind = 'gloss.created' AND json_extract(e.payload, '$.id') = g.id) AS events
           FROM gloss g`,
        )
        .all() as { id: number; anchors: number; indexed: number; events: number }[];
      expect(orphans.length).toBeGreaterThanOrEqual(acknowledgedGlosses.length + 1);
      expect(orphans.filter((g) => g.anchors !== 1 || g.indexed !== 1 || g.events !== 1)).toEqual([]);
      // Every version was written whole: each gloss has an anchor row in each version after its own.
      const text = sqlite.prepare(`SELECT id, current_version FROM text WHERE slug = 'crash'`).get() as { id: number; current_version: number };
      const versions = sqlite.prepare('SELECT number FROM text_version WHERE text_id = ? ORDER BY number').all(text.id) as { number: number }[];
      expect(versions.map((v) => v.number)).toEqual(Array.from({ length: text.current_version }, (_, i) => i + 1));
      const missing = sqlite
        .prepare(
          `SELECT g.id, v.number FROM gloss g JOIN text_version v ON v.text_id = g.text_id AND v.number >= g.target_version
           WHERE g.target_gloss_id IS NULL AND NOT EXISTS (SELECT 1 FROM anchor a WHERE a.gloss_id = g.id AND a.version = v.number)`,
        )
        .all();
      expect(missing).toEqual([]);
      const versionEvents = sqlite.prepare(`SELECT count(*) AS n FROM event WHERE kind = 'version.created' AND text_id = ?`).get(text.id) as { n: number };
      expect(versionEvents.n).toBe(text.current_version - 1);
    } finally {
      sqlite.close();
    }
  });
});
