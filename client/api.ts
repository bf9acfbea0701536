/**
 * The one file that knows the server's URLs. Everything the client reads and writes goes
 * through these functions, which throw `ApiError` with the server's code and message.
 */

/** An error answered by the server, in its JSON error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  const value = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, value?.error?.code ?? 'unknown', value?.error?.message ?? res.statusText);
  return value as T;
}

/** A text in the library list. */
export interface TextSummary {
  slug: string;
  title: string;
  language: string;
  direction: 'ltr' | 'rtl' | 'auto';
  license: string | null;
  attribution: string | null;
  group: string | null;
}

/** A version of a text, with its document and projection. */
export interface TextVersion extends TextSummary {
  version: { number: number };
  doc: unknown;
  text: string;
  segments: { ref: string; start: number; end: number }[];
}

/** A layer of a text. */
export interface Layer {
  slug: string;
  name: string;
  color: string;
  visibility: string;
  glossCount: number;
  group: string | null;
  attribution: string | null;
  license: string | null;
}

/** A reply in a thread. */
export interface Reply {
  id: number;
  parent: number | null;
  status: string;
  author: { handle: string; name: string } | null;
  body: { doc: unknown; text: string } | null;
  created: string;
}

/** A gloss with its anchor and thread. */
export interface Gloss {
  id: number;
  layer: string;
  target: { gloss: number | null; exact: string; segment: string | null };
  anchor: { version: number; start: number | null; end: number | null; status: string; exact: string | null } | null;
  body: { doc: unknown; text: string } | null;
  motivation: string;
  status: string;
  author: { handle: string; name: string } | null;
  created: string;
  replies: Reply[];
}

export const api = {
  texts: () => request<{ texts: TextSummary[] }>('GET', '/api/texts'),
  text: (slug: string) => request<TextVersion>('GET', `/api/texts/${encodeURIComponent(slug)}`),
  layers: (slug: string) => request<{ layers: Layer[] }>('GET', `/api/texts/${encodeURIComponent(slug)}/layers`),
  glosses: (slug: string) => request<{ glosses: Gloss[] }>('GET', `/api/texts/${encodeURIComponent(slug)}/glosses`),
  /** The live event stream of a text (Server-Sent Events). */
  events: (slug: string) => new EventSource(`/api/texts/${encodeURIComponent(slug)}/events`),
};
