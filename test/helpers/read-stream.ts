/** Reading a Server-Sent Events stream of a test app, as a person's client would, until a line arrives. */
import { testOrigin, type TestApp, type TestClient } from './test-app.ts';

/**
 * Reads the event stream at `url` with `client`'s cookies until `until` matches what arrived (or
 * 5 s pass): the raw stream, and its status (200 once `until` matched, 0 if it never did, or the
 * status of a refusal).
 */
export async function readStream(app: TestApp['app'], client: TestClient, url: string, until: RegExp): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (client.cookies.size) headers.cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await app.request(`${testOrigin}${url}`, { headers });
  if (res.status !== 200) return { status: res.status, text: await res.text() };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let out = '';
  const deadline = Date.now() + 5000;
  try {
    while (!until.test(out) && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<{ value: undefined; done: true }>((r) => setTimeout(() => r({ value: undefined, done: true }), Math.max(1, deadline - Date.now()))),
      ]);
      if (chunk.done) break;
      out += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return { status: until.test(out) ? 200 : 0, text: out };
}
