/**
 * Reading request bodies within a limit. On @hono/node-server, answering before the client has
 * finished sending can reset the connection instead of delivering the 413 (honojs/node-server
 * #327), so an oversized body is read to its end (and discarded) before the 413 is thrown, up
 * to `drainLimit`; beyond that the connection is closed.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../errors.ts';
import { refuseNulIn } from './nul.ts';

/** Default largest JSON body: glosses, replies, layers, accounts. */
export const defaultBodyLimit = 64 * 1024;
/**
 * Largest JSON body for a text or a version: 10 Mi characters of content, which in Hebrew (two
 * bytes a letter in UTF-8, as many again for points) can be 20 MiB, plus JSON overhead.
 */
export const textBodyLimit = 24 * 1024 * 1024;
/**
 * Largest W3C import (`POST …/layers/:layer/import`): room for an exported layer of a few
 * thousand annotations of ordinary length. Each annotation is held to the API's own limits as
 * well (quote, body), so this bounds what one request may add to a page, not what one gloss may be.
 */
export const importBodyLimit = 8 * 1024 * 1024;
/** Largest oversized body that is drained so the client can read its 413. */
const drainLimit = 64 * 1024 * 1024;

function tooLarge(limit: number): AppError {
  return new AppError('body_too_large', 413, `The request body is larger than ${limit} bytes`, { Connection: 'close' });
}

/** Reads the raw body as UTF-8 text, throwing 413 past `limit` bytes. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  return new TextDecoder('utf-8', { fatal: false }).decode(await readBodyBytes(c, limit));
}

/** Reads the raw body's bytes, throwing 413 past `limit` bytes. */
export async function readBodyBytes(c: Context, limit: number): Promise<Buffer> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  const body = c.req.raw.body;
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  if (declared > drainLimit) {
    await reader.cancel().catch(() => {});
    throw tooLarge(limit);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = declared > limit;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) over = true;
    if (over) {
      if (size > drainLimit) {
        await reader.cancel().catch(() => {});
        break;
      }
      continue;
    }
    chunks.push(value);
  }
  if (over) throw tooLarge(limit);
  return Buffer.concat(chunks);
}

/**
 * Reads and validates a JSON body: 415 unless the content type is JSON, 400 for malformed
 * JSON, 400 `invalid_request` for a NUL in it or naming the first problem the shape finds.
 */
export async function readJson<S extends z.ZodType>(c: Context, shape: S, limit = defaultBodyLimit): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) {
    // Drain what was sent so the client reads the answer.
    await readBodyText(c, limit).catch(() => {});
    throw new AppError('unsupported_media_type', 415, 'Send the body as application/json');
  }
  return parseWith(shape, parseJsonBody(await readBodyText(c, limit)));
}

/** Parses a JSON body: 400 `invalid_json` when it is not JSON, 400 `invalid_request` when it holds a NUL (nul.ts). */
export function parseJsonBody(raw: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new AppError('invalid_json', 400, 'The body is not valid JSON');
  }
  // JSON can carry a NUL only as the escape `\u0000` (a bare control character is not JSON), so a
  // body without that sequence is not walked: a 10 MiB text would be, object by object.
  if (raw.includes('\\u0000')) refuseNulIn(value);
  return value;
}

/** Validates a value with a zod shape, turning the first issue into a 400 for a person. */
export function parseWith<S extends z.ZodType>(shape: S, value: unknown): z.infer<S> {
  const parsed = shape.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new AppError('invalid_request', 400, `${where}${issue.message}`);
}
