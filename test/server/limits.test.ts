/**
 * Bounded inputs over a real HTTP server (README, "Reading groups"): an oversized body gets a real 413 in the
 * JSON error shape rather than a reset connection (honojs/node-server#327), with or without a
 * Content-Length; a text over 10 MiB of characters is refused with a clear 4xx; quotes and
 * pages have their limits; and nothing is written by any refused request.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxQuoteLength, maxTextContentLength } from '../../schema/api.ts';
import { defaultBodyLimit, textBodyLimit } from '../../server/middleware/body.ts';
import { useServer } from '../helpers/fixtures.ts';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

const server = useServer({ demo: false });
let token: string;
const logged: unknown[] = [];
const consoleError = console.error;

/**
 * One request with node's http client. `body` is sent with a Content-Length; `chunks` are sent
 * one by one with Transfer-Encoding: chunked (no Content-Length). Rejects only if no complete
 * response arrived (a reset connection is exactly what these tests must not see).
 */
function request(options: { method: string; path: string; headers?: Record<string, string>; body?: Buffer; chunks?: Buffer[] }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.path, server.url);
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.body) headers['content-length'] = options.body.length;
    let answered = false;
    const req = http.request(url, { method: options.method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8') });
      });
      res.on('error', (e) => {
        if (!answered) reject(e);
      });
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (options.chunks) {
      void (async () => {
        for (const chunk of options.chunks!) {
          if (req.destroyed) return;
          // Wait for the socket to take each chunk, as a streaming client would.
          if (!req.write(chunk)) await new Promise<void>((r) => req.once('drain', () => r()));
        }
        req.end();
      })();
    } else {
      req.end(options.body);
    }
  });
}

const auth = () => ({ authorization: `Bearer ${token}` });
const jsonHeaders = () => ({ ...auth(), 'content-type': 'application/json' });

/** Row counts of every table. */
function counts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const table of ['text', 'text_version', 'layer', 'gloss', 'anchor', 'reply', 'event', 'search_index', 'user', 'session', 'api_token']) {
    out[table] = (server.database.sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  }
  return out;
}

/** Checks the JSON error shape and returns the error. */
function errorOf(res: RawResponse): { code: string; message: string } {
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.text) as { error: { code: string; message: string } };
  expect(body).toEqual({ error: { code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.any(String) } });
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

/** Sends a request that must be refused with `status`, and checks that nothing was written. */
async function refused(status: number, options: Parameters<typeof request>[0]) {
  const before = counts();
  const res = await request(options);
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  const error = errorOf(res);
  expect(counts()).toEqual(before);
  expect(logged).toEqual([]);
  return error;
}

/** A text body with `n` characters of plain content, as JSON. */
function textBody(n: number, extra: Record<string, unknown> = {}): Buffer {
  return Buffer.from(JSON.stringify({ title: 'Big', language: 'en', format: 'plain', content: 'a'.repeat(n), ...extra }));
}

/** `buffer` cut into pieces of `size` bytes. */
function chunked(buffer: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += size) out.push(buffer.subarray(i, i + size));
  return out;
}

/** A paragraph of distinct words, longer than any quote. */
const longParagraph = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');

describe('limits over a real HTTP server', () => {
  beforeAll(async () => {
    // A 500 would be logged by the app to stderr; catch any here so the test can fail on it.
    console.error = (...args: unknown[]) => {
      logged.push(args);
      consoleError(...args);
    };
    const signup = await request({
      method: 'POST',
      path: '/api/auth/signup',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: Buffer.from(JSON.stringify({ handle: 'ada', password: 'correct horse battery' })),
    });
    expect(signup.status).toBe(201);
    const cookie = String(signup.headers['set-cookie']?.[0]).split(';')[0];
    const created = await request({
      method: 'POST',
      path: '/api/tokens',
      headers: { 'content-type': 'application/json', origin: server.url, cookie },
      body: Buffer.from(JSON.stringify({ name: 'limits' })),
    });
    expect(created.status).toBe(201);
    token = JSON.parse(created.text).token;
    const text = await request({
      method: 'POST',
      path: '/api/texts',
      headers: jsonHeaders(),
      body: Buffer.from(JSON.stringify({ title: 'Limits', slug: 'limits', language: 'en', format: 'plain', content: `Let there be light.\n\n${longParagraph}` })),
    });
    expect(text.status, text.text).toBe(201);
    const layer = await request({
      method: 'POST',
      path: '/api/texts/limits/layers',
      headers: jsonHeaders(),
      body: Buffer.from(JSON.stringify({ name: 'Notes', slug: 'notes', visibility: 'public' })),
    });
    expect(layer.status, layer.text).toBe(201);
  });

  afterAll(() => {
    console.error = consoleError;
    expect(logged).toEqual([]);
  });

  it('answers a text body over its limit with a real 413 in the JSON error shape', async () => {
    const body = textBody(textBodyLimit + 1024 * 1024); // 1 MiB over the limit
    const error = await refused(413, { method: 'POST', path: '/api/texts', headers: jsonHeaders(), body });
    expect(error.code).toBe('body_too_large');
  });

  it('answers an 11 MiB text body (under the body limit, content over 10 MiB) with a clear 400', async () => {
    // The text body limit is 10 MiB of content plus room for JSON, so an 11 MiB body is read and
    // its content refused by the shape, naming the field.
    const body = textBody(11 * 1024 * 1024);
    expect(body.length).toBeLessThan(textBodyLimit);
    const error = await refused(400, { method: 'POST', path: '/api/texts', headers: jsonHeaders(), body });
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^content/);
  });

  it('refuses a ProseMirror text over 10 MiB of characters with 413 too_large', async () => {
    const n = maxTextContentLength + 1;
    const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a'.repeat(n) }] }] };
    const body = Buffer.from(JSON.stringify({ title: 'Big', language: 'en', format: 'prosemirror', content: doc }));
    expect(body.length).toBeLessThan(textBodyLimit);
    const error = await refused(413, { method: 'POST', path: '/api/texts', headers: jsonHeaders(), body });
    expect(error.code).toBe('too_large');
    expect(error.message).toContain(String(maxTextContentLength));
  });

  it('refuses a new version over 10 MiB of characters', async () => {
    const doc = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'a'.repeat(maxTextContentLength + 1) }] }] };
    const body = Buffer.from(JSON.stringify({ format: 'prosemirror', content: doc }));
    const error = await refused(413, { method: 'POST', path: '/api/texts/limits/versions', headers: jsonHeaders(), body });
    expect(error.code).toBe('too_large');
  });

  it('answers a text body over its limit sent chunked (no Content-Length) with 413', async () => {
    const chunks = chunked(textBody(textBodyLimit + 256 * 1024), 256 * 1024);
    const error = await refused(413, { method: 'POST', path: '/api/texts', headers: jsonHeaders(), chunks });
    expect(error.code).toBe('body_too_large');
  });

  it('answers a 70 KiB gloss (64 KiB limit) with 413, with and without Content-Length', async () => {
    const gloss = Buffer.from(JSON.stringify({ target: { exact: 'light' }, body: { markdown: 'x'.repeat(70 * 1024) } }));
    expect(gloss.length).toBeGreaterThan(defaultBodyLimit);
    const glosses = '/api/texts/limits/layers/notes/glosses';
    expect((await refused(413, { method: 'POST', path: glosses, headers: jsonHeaders(), body: gloss })).code).toBe('body_too_large');
    expect((await refused(413, { method: 'POST', path: glosses, headers: jsonHeaders(), chunks: chunked(gloss, 4096) })).code).toBe('body_too_large');
  });

  it('answers every 64 KiB endpoint with 413 past its limit', async () => {
    const big = (value: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...value, padding: 'x'.repeat(70 * 1024) }));
    const cases: [string, string, Buffer, string][] = [
      ['POST', '/api/auth/signup', big({ handle: 'bob', password: 'correct horse battery' }), 'application/json'],
      ['POST', '/api/tokens', big({ name: 't' }), 'application/json'],
      ['POST', '/api/texts/limits/layers', big({ name: 'L', visibility: 'public' }), 'application/json'],
      ['PATCH', '/api/texts/limits/layers/notes', big({ name: 'L' }), 'application/json'],
      ['POST', '/annotations/limits/notes/', big({ type: 'Annotation', target: 'x' }), 'application/ld+json'],
    ];
    for (const [method, p, body, type] of cases) {
      const error = await refused(413, { method, path: p, headers: { ...auth(), 'content-type': type }, body });
      expect(error.code, `${method} ${p}`).toBe('body_too_large');
    }
  });

  it('answers an oversized body of the wrong content type with a JSON error, not a reset', async () => {
    const body = Buffer.alloc(200 * 1024, 'x');
    const error = await refused(415, { method: 'POST', path: '/api/texts/limits/layers/notes/glosses', headers: { ...auth(), 'content-type': 'text/plain' }, body });
    expect(error.code).toBe('unsupported_media_type');
  });

  it('keeps serving after a body that declares more than it will ever read', async () => {
    // Past the drain limit the server stops reading and closes the connection: the client may
    // get the 413 or a reset, but the server must stay up and write nothing.
    const before = counts();
    const outcome = await new Promise<{ status?: number; error?: string }>((resolve) => {
      const req = http.request(new URL('/api/texts', server.url), {
        method: 'POST',
        headers: { ...jsonHeaders(), 'content-length': 100 * 1024 * 1024 },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
        req.destroy();
      });
      req.on('error', (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
      req.write(Buffer.alloc(1024 * 1024, 'a'));
    });
    if (outcome.status !== undefined) expect(outcome.status).toBe(413);
    else expect(outcome.error).toMatch(/ECONNRESET|EPIPE|socket hang up/);
    expect(counts()).toEqual(before);
    const after = await request({ method: 'GET', path: '/api/texts', headers: auth() });
    expect(after.status).toBe(200);
  });

  it('accepts a quote of 1,000 characters and refuses one of 1,001 with 400', async () => {
    const glosses = '/api/texts/limits/layers/notes/glosses';
    // A run of whole words exactly 1,000 characters long.
    let start = 0;
    while (longParagraph[start + maxQuoteLength] !== ' ') start = longParagraph.indexOf(' ', start) + 1;
    const quote = longParagraph.slice(start, start + maxQuoteLength);
    expect(quote.length).toBe(1000);
    const ok = await request({ method: 'POST', path: glosses, headers: jsonHeaders(), body: Buffer.from(JSON.stringify({ target: { exact: quote }, body: { markdown: 'Long.' } })) });
    expect(ok.status, ok.text.slice(0, 300)).toBe(201);
    expect(JSON.parse(ok.text).anchor).toMatchObject({ status: 'exact', exact: quote });
    const tooLong = `${quote} `;
    expect(tooLong.length).toBe(1001);
    const error = await refused(400, { method: 'POST', path: glosses, headers: jsonHeaders(), body: Buffer.from(JSON.stringify({ target: { exact: tooLong }, body: { markdown: 'Too long.' } })) });
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^target\.exact/);
  });

  it('accepts a page of 100 and refuses limit=101 (and other bad paging) with 400', async () => {
    for (const p of ['/api/texts?limit=100', '/api/search?q=light&limit=100', '/api/texts?limit=1&offset=0']) {
      const res = await request({ method: 'GET', path: p, headers: auth() });
      expect(res.status, p).toBe(200);
    }
    for (const p of ['/api/texts?limit=101', '/api/texts?limit=0', '/api/texts?limit=-1', '/api/texts?limit=1e2', '/api/texts?offset=1000001', '/api/search?q=light&limit=101', '/annotations/limits/notes/?page=-1']) {
      const error = await refused(400, { method: 'GET', path: p, headers: auth() });
      expect(error.code, p).toBe('invalid_request');
    }
    const longQuery = await refused(400, { method: 'GET', path: `/api/search?q=${'a'.repeat(501)}`, headers: auth() });
    expect(longQuery.code).toBe('invalid_request');
  });

  it('is still serving, with nothing logged as a 500', async () => {
    const res = await request({ method: 'GET', path: '/api/texts/limits', headers: auth() });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).text).toContain('Let there be light.');
    expect(logged).toEqual([]);
  });
});
