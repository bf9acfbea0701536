/**
 * Writing to a running Daf server over real HTTP, as a person with a session would: a cookie
 * jar, and our own Origin on writes (the server checks it for cookie sessions). For e2e tests
 * that prepare data through the API and then look at it in a browser.
 */

/** A response's status and parsed JSON body. */
export interface HttpResponse<T = any> {
  status: number;
  body: T;
}

/** One person's session against a server at `base` (its origin, e.g. `http://127.0.0.1:1234`). */
export class HttpClient {
  private readonly jar = new Map<string, string>();

  constructor(readonly base: string) {}

  async send(method: string, url: string, body?: unknown): Promise<HttpResponse> {
    const headers: Record<string, string> = { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers.origin = new URL(this.base).origin;
    const res = await fetch(this.base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [name, value] = c.split(';')[0].split('=');
      this.jar.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  post(url: string, body: unknown = {}) {
    return this.send('POST', url, body);
  }

  get(url: string) {
    return this.send('GET', url);
  }

  /** The cookies the server has set, as name and value. */
  cookies(): [string, string][] {
    return [...this.jar];
  }
}

/** Signs up `handle` (with `displayName`, if given) on the server and returns their signed-in client. */
export async function signupOver(base: string, handle: string, password = 'a long passphrase', displayName?: string): Promise<HttpClient> {
  const client = new HttpClient(base);
  const res = await client.post('/api/auth/signup', { handle, password, ...(displayName === undefined ? {} : { displayName }) });
  if (res.status !== 201) throw new Error(`signup ${handle}: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}
