/**
 * `stall_ms` (README, "Bounded work"): the worst latency another reader sees while the worst
 * request of each kind the security review found runs against a `daf serve` child process —
 * a crafted quote on one's own repetitive 1 MiB text (with and without a position), a W3C import
 * of such quotes, and texts of a million tiny blocks in Markdown and Sefaria form. The baseline is
 * the same reader's worst latency over the same time with no such request running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatMs, report, round } from './measure.ts';
import { startServerProcess, stopServerProcess } from './server-process.ts';

export interface StallResult {
  /** The worst reader latency over every attack, in ms. */
  stallMs: number;
  /** The worst reader latency with nothing heavy running, in ms. */
  idleMs: number;
  /** Per attack: its own duration, its answer, and the worst reader latency meanwhile. */
  attacks: { name: string; status: number; code: string | null; attackMs: number; stallMs: number }[];
}

interface Session {
  url: string;
  cookie: string;
}

async function call(s: Session, method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(s.url + route, {
    method,
    headers: { 'content-type': 'application/json', origin: s.url, cookie: s.cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Reads `route` one request after another until `done` settles; returns the worst latency. */
async function readWhile(url: string, route: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let worst = 0;
  while (!finished) {
    const t0 = performance.now();
    const res = await fetch(url + route);
    await res.arrayBuffer();
    worst = Math.max(worst, performance.now() - t0);
  }
  return worst;
}

export async function runStallBench(): Promise<StallResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'daf-stall-'));
  const { child, url } = await startServerProcess(path.join(dir, 'daf.db'));
  try {
    const signup = await fetch(url + '/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ handle: 'mallory', password: 'correct horse battery' }),
    });
    const s: Session = { url, cookie: (signup.headers.get('set-cookie') ?? '').split(';')[0] };
    const reader = (await call(s, 'POST', '/api/texts', { title: 'Reader', language: 'en', format: 'plain', content: 'A short public text.\n\nIn two paragraphs.' })).json.slug;
    const readRoute = `/api/texts/${reader}`;
    const echo = 'ab ab ab ab ba '.repeat(Math.ceil((1 << 20) / 15));
    const slug = (await call(s, 'POST', '/api/texts', { title: 'Echo', language: 'en', format: 'plain', content: echo, visibility: 'private' })).json.slug;
    const layer = (await call(s, 'POST', `/api/texts/${slug}/layers`, { name: 'Notes', visibility: 'private' })).json.slug;
    const crafted = 'ab ab ab ab ba '.repeat(60) + 'zz';
    const source = `${url}/t/${slug}`;
    const annotation = (exact: string) => ({ type: 'Annotation', body: { type: 'TextualBody', value: 'n' }, target: { source, selector: { type: 'TextQuoteSelector', exact } } });
    const attacks: [string, () => Promise<{ status: number; json: any }>][] = [
      ['crafted quote, no position', () => call(s, 'POST', `/api/texts/${slug}/layers/${layer}/glosses`, { target: { exact: crafted }, body: { markdown: 'x' } })],
      ['crafted quote, wrong position', () => call(s, 'POST', `/api/texts/${slug}/layers/${layer}/glosses`, { target: { exact: crafted, start: 5000, end: 5000 + crafted.length }, body: { markdown: 'x' } })],
      ['import of 5,000 crafted quotes', () => call(s, 'POST', `/api/texts/${slug}/layers/${layer}/import`, Array.from({ length: 5000 }, (_, i) => annotation(i % 2 ? crafted : 'ab ab ab ab ba ab ab ab ab ba ab ab xx ab')))],
      ['Markdown, a million blocks (3 MB)', () => call(s, 'POST', '/api/texts', { title: 'Dust', language: 'en', format: 'markdown', content: 'a\n\n'.repeat(1_000_000) })],
      ['Sefaria, a million segments (5 MB)', () => call(s, 'POST', '/api/texts', { title: 'Sand', language: 'en', format: 'sefaria', content: { title: 'Sand', language: 'en', text: Array.from({ length: 1_000_000 }, () => 'a') } })],
    ];
    // Warm both sides (the server compiles its sources lazily; the pool starts on first use).
    for (let i = 0; i < 20; i++) await fetch(url + readRoute).then((r) => r.arrayBuffer());
    const result: StallResult = { stallMs: 0, idleMs: 0, attacks: [] };
    for (const [name, attack] of attacks) {
      const t0 = performance.now();
      const running = attack();
      const stallMs = await readWhile(url, readRoute, running);
      const answer = await running;
      const attackMs = performance.now() - t0;
      // The baseline: the same reader, as long, with nothing heavy running.
      const idle = new Promise((r) => setTimeout(r, Math.min(attackMs, 5000)));
      result.idleMs = Math.max(result.idleMs, await readWhile(url, readRoute, idle));
      const code = typeof answer.json === 'object' && answer.json?.error ? String(answer.json.error.code) : null;
      result.attacks.push({ name, status: answer.status, code, attackMs, stallMs });
      result.stallMs = Math.max(result.stallMs, stallMs);
      report(name, `${formatMs(stallMs)} worst read`, `the request took ${formatMs(attackMs)} and was answered ${answer.status}${code ? ` ${code}` : ''}`);
    }
    report('stall_ms', `${round(result.stallMs, 0)} ms`, `worst latency another reader saw (goal ≤ 1,000); with nothing heavy running: ${round(result.idleMs, 0)} ms`);
    return result;
  } finally {
    await stopServerProcess(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
