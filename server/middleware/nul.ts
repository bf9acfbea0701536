/**
 * The NUL character (U+0000) is in no text Daf keeps. PostgreSQL cannot store it in a text
 * column at all (SQLite can), so a request carrying one, in its address or in a JSON body, is
 * refused with 400 on both dialects before it reaches a query, rather than failing there.
 */
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './env.ts';

const message = 'Text may not hold the NUL character (U+0000)';

/** 400 `invalid_request` for an address whose path or query holds an encoded NUL (`%00`). */
export function refuseNulAddress(): MiddlewareHandler<AppEnv> {
  return async function refuseNulAddress(c, next) {
    if (c.req.url.includes('%00')) throw new AppError('invalid_request', 400, `The address: ${message}`);
    await next();
  };
}

/** A step into a JSON value: a key, under the step before it. */
interface Step {
  key: string;
  up: Step | null;
}

/**
 * Where in a parsed JSON value (a string, or an object's key or value, at any depth) a NUL is,
 * as the keys down to it, or null when none is. It walks without recursion: a body may nest
 * tens of thousands deep.
 */
function nulAt(root: unknown): string[] | null {
  const pending: [unknown, Step | null][] = [[root, null]];
  const found = (step: Step | null) => {
    const path: string[] = [];
    for (let s = step; s; s = s.up) path.unshift(s.key);
    return path;
  };
  while (pending.length) {
    const [value, step] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return found(step);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const next = { key, up: step };
        if (key.includes('\0')) return found(next);
        pending.push([item, next]);
      }
    }
  }
  return null;
}

/** 400 `invalid_request` when a parsed JSON body holds a NUL anywhere, naming where. */
export function refuseNulIn(value: unknown): void {
  const at = nulAt(value);
  if (at) throw new AppError('invalid_request', 400, `${at.length ? `${at.join('.').replaceAll('\0', '\\u0000')}: ` : ''}${message}`);
}
