/** Reading what a route needs from the request: the viewer, numeric ids, paging. */
import type { Context } from 'hono';
import { slugShape } from '../../schema/api.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../middleware/env.ts';
import type { Viewer } from '../services/policy.ts';

/** The signed-in viewer, or 401. */
export function requireViewer(c: Context<AppEnv>): Viewer {
  const viewer = c.var.viewer;
  if (!viewer) throw new AppError('unauthenticated', 401, 'Sign in first');
  return viewer;
}

/** A positive integer path parameter, or 404 (no such thing can exist). */
export function idParam(c: Context<AppEnv>, name: string): number {
  const raw = c.req.param(name) ?? '';
  const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id)) throw new AppError('not_found', 404, `No ${name} "${raw.slice(0, 40)}"`);
  return id;
}

/** A non-negative integer query parameter within bounds, or its default; 400 otherwise. */
export function intQuery(c: Context<AppEnv>, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new AppError('invalid_request', 400, `${name} must be a whole number from ${min} to ${max}`);
  return n;
}

/** `limit` (1–100, default 50) and `offset` (default 0). */
export function paging(c: Context<AppEnv>): { limit: number; offset: number } {
  return { limit: intQuery(c, 'limit', 50, 1, 100), offset: intQuery(c, 'offset', 0, 0, 1_000_000) };
}

/** Answers JSON that is already serialized (a string, or its UTF-8 bytes). */
export function jsonText(c: Context<AppEnv>, json: string | Uint8Array<ArrayBuffer>, status: 200 | 201 = 200, headers: Record<string, string> = {}) {
  return c.body(json, status, { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/** A comma-separated list of layer slugs (`?layer=a,b`) as a list, or undefined; 400 for a bad slug. */
export function layerList(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const slugs = raw.split(',').slice(0, 50);
  for (const s of slugs) {
    if (!slugShape.safeParse(s).success) throw new AppError('invalid_request', 400, `"${s.slice(0, 64)}" is not a layer slug`);
  }
  return slugs;
}
