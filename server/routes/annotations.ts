/**
 * The W3C Web Annotation Protocol: each layer is a container at `/annotations/:text/:layer/`.
 * Responses are JSON-LD with the anno.jsonld profile, carry ETags, and honour If-None-Match;
 * PUT and DELETE require a matching If-Match (428 without one, 412 when it is stale), so that
 * two editors never overwrite each other silently.
 */
import { Hono, type Context } from 'hono';
import { annoMediaType, DafUrls } from '../../schema/w3c.ts';
import { AppError } from '../errors.ts';
import { parseJsonBody, readBodyText, defaultBodyLimit } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import * as annotations from '../services/annotations.ts';
import { annotationDocument, containerDocument } from '../services/annotation-export.ts';
import { idParam, intQuery, requireViewer } from './params.ts';

const allowContainer = 'GET, HEAD, POST, OPTIONS';
const allowAnnotation = 'GET, HEAD, PUT, DELETE, OPTIONS';

function ld(c: Context<AppEnv>, body: unknown, status: 200 | 201, headers: Record<string, string>) {
  return c.body(JSON.stringify(body), status, { 'content-type': annoMediaType, Vary: 'Accept, Prefer, Cookie, Authorization', ...headers });
}

async function readLd(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(ld\+)?json\b/i.test(type)) {
    await readBodyText(c, defaultBodyLimit).catch(() => {});
    throw new AppError('unsupported_media_type', 415, `Send the annotation as ${annoMediaType}`);
  }
  return parseJsonBody(await readBodyText(c, defaultBodyLimit));
}

async function requireFreshEtag(c: Context<AppEnv>, current: string) {
  const ifMatch = c.req.header('if-match');
  if (!ifMatch) throw new AppError('precondition_required', 428, 'Send If-Match with the ETag you last read');
  const tags = ifMatch.split(',').map((t) => t.trim());
  if (!tags.includes('*') && !tags.includes(current)) throw new AppError('precondition_failed', 412, 'The annotation changed since you read it');
}

export const annotationRoutes = new Hono<AppEnv>()
  .get('/:text/:layer/', async (c) => {
    const urls = new DafUrls(c.var.baseUrl);
    const page = c.req.query('page') === undefined ? undefined : intQuery(c, 'page', 0, 0, 1_000_000);
    const { body, etag } = await containerDocument(c.var.ctx, c.var.viewer, c.req.param('text'), c.req.param('layer'), urls, page);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag });
    const headers: Record<string, string> = { ETag: etag, Allow: allowContainer };
    if (page === undefined) {
      headers.Link = '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", <http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"';
      headers['Accept-Post'] = annoMediaType;
    }
    return ld(c, body, 200, headers);
  })
  // OPTIONS is required by the protocol on containers and annotations; it tells no more than GET.
  .options('/:text/:layer/', async (c) => {
    await containerDocument(c.var.ctx, c.var.viewer, c.req.param('text'), c.req.param('layer'), new DafUrls(c.var.baseUrl));
    return c.body(null, 204, { Allow: allowContainer, 'Accept-Post': annoMediaType });
  })
  .options('/:text/:layer/:id', async (c) => {
    const urls = new DafUrls(c.var.baseUrl);
    await annotationDocument(c.var.ctx, c.var.viewer, c.req.param('text'), c.req.param('layer'), idParam(c, 'id'), urls);
    return c.body(null, 204, { Allow: allowAnnotation });
  })
  .post('/:text/:layer/', async (c) => {
    const viewer = requireViewer(c);
    const urls = new DafUrls(c.var.baseUrl);
    const value = await readLd(c);
    const { id } = await annotations.createFromAnnotation(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), value, urls);
    // A new member's annotation in a pre-moderated group is created pending: still answer with it.
    const { body, etag } = await annotationDocument(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), id, urls, true);
    return ld(c, body, 201, { ETag: etag, Location: String(body.id), Allow: allowAnnotation });
  })
  .get('/:text/:layer/:id', async (c) => {
    const urls = new DafUrls(c.var.baseUrl);
    const { body, etag } = await annotationDocument(c.var.ctx, c.var.viewer, c.req.param('text'), c.req.param('layer'), idParam(c, 'id'), urls);
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag });
    return ld(c, body, 200, { ETag: etag, Allow: allowAnnotation });
  })
  .put('/:text/:layer/:id', async (c) => {
    const viewer = requireViewer(c);
    const urls = new DafUrls(c.var.baseUrl);
    const id = idParam(c, 'id');
    const value = await readLd(c);
    const { etag } = await annotationDocument(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), id, urls);
    await requireFreshEtag(c, etag);
    await annotations.replaceAnnotation(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), id, value);
    // An edit that waits for a moderator again (a pre-moderated group) is still answered to its author.
    const fresh = await annotationDocument(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), id, urls, true);
    return ld(c, fresh.body, 200, { ETag: fresh.etag, Allow: allowAnnotation });
  })
  .delete('/:text/:layer/:id', async (c) => {
    const viewer = requireViewer(c);
    const urls = new DafUrls(c.var.baseUrl);
    const id = idParam(c, 'id');
    const { etag } = await annotationDocument(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), id, urls);
    await requireFreshEtag(c, etag);
    await annotations.deleteAnnotation(c.var.ctx, viewer, c.req.param('text'), c.req.param('layer'), id);
    return c.body(null, 204);
  });
