/**
 * The Host header. With a base URL, requests for any other host are refused (421 in the JSON
 * error shape) before anything runs; without one, `daf serve` warns when it listens beyond
 * loopback, since the Host header then decides oEmbed HTML, invitation URLs, W3C ids and the
 * origin check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { hostWarning } from '../../server/cli/host-warning.ts';
import { expectError } from '../helpers/expect-error.ts';
import { useTestApp, testOrigin, type TestResponse } from '../helpers/test-app.ts';

async function send(app: ReturnType<typeof createApp>, url: string, init: RequestInit = {}): Promise<TestResponse> {
  const res = await app.request(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body, text };
}

describe('the Host header', () => {
  const t = useTestApp();
  beforeAll(async () => {
    await t.signup('ada');
  });

  it('with a base URL, refuses another host with 421 wrong_host and writes nothing', async () => {
    expectError(await send(t.app, 'http://evil.example/api/texts'), 421, 'wrong_host');
    expectError(await send(t.app, 'http://daf.test:8080/oembed?url=http://daf.test/t/x'), 421, 'wrong_host');
    const signup = await send(t.app, 'http://evil.example/api/auth/signup', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ handle: 'mallory', password: 'long enough pw' }),
    });
    expectError(signup, 421, 'wrong_host');
    expect((await t.visitor().post('/api/auth/login', { handle: 'mallory', password: 'long enough pw' })).status).toBe(401);
    expect((await send(t.app, `${testOrigin}/api/texts`)).status).toBe(200);
    expect((await send(t.app, 'http://DAF.test/api/texts')).status).toBe(200);
  });

  it('without a base URL, takes the host from the request', async () => {
    const app = createApp(t.ctx, { logError: (e) => t.errors.push(e) });
    const res = await send(app, 'http://elsewhere.example/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.servers).toEqual([{ url: 'http://elsewhere.example' }]);
  });

  it('warns at start when serving beyond loopback without a base URL', () => {
    expect(hostWarning('0.0.0.0', undefined)).toMatch(/--base-url/);
    expect(hostWarning('192.168.1.20', undefined)).toMatch(/--base-url/);
    expect(hostWarning('::', undefined)).toMatch(/--base-url/);
    for (const loopback of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(hostWarning(loopback, undefined)).toBeNull();
    expect(hostWarning('0.0.0.0', 'https://daf.example.org')).toBeNull();
  });
});
