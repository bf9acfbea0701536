/** Texts, their versions, their layers, and the glosses in them. */
import { Hono } from 'hono';
import {
  handleShape,
  addParallelShape,
  createGlossShape,
  createLayerShape,
  createTextShape,
  createVersionShape,
  previewTextShape,
  updateLayerShape,
} from '../../schema/api.ts';
import { AppError } from '../errors.ts';
import { importBodyLimit, parseJsonBody, readBodyText, readJson, textBodyLimit } from '../middleware/body.ts';
import type { AppEnv } from '../middleware/env.ts';
import { DafUrls } from '../../schema/w3c.ts';
import * as annotationService from '../services/annotations.ts';
import * as glossService from '../services/glosses.ts';
import * as layerService from '../services/layers.ts';
import { maxMentions } from '../../schema/mentions.ts';
import { mentionReach } from '../services/notifications.ts';
import * as parallelService from '../services/parallels.ts';
import * as textService from '../services/texts.ts';
import { intQuery, jsonText, layerList, paging, requireViewer } from './params.ts';

export const textRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ texts: await textService.listTexts(c.var.ctx, c.var.viewer, paging(c)) }))
  .post('/', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, createTextShape, textBodyLimit);
    const text = await textService.createText(c.var.ctx, viewer, input);
    const version = await textService.textVersion(c.var.ctx.db, text);
    return jsonText(c, textService.textVersionJson(text, version), 201, { Location: `/api/texts/${text.slug}` });
  })
  .post('/preview', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, previewTextShape, textBodyLimit);
    return c.json(await textService.previewText(viewer, input));
  })
  .get('/:slug', async (c) => {
    const text = await textService.readableText(c.var.ctx.db, c.var.viewer, c.req.param('slug'));
    const number = intQuery(c, 'version', text.current_version, 1, 1_000_000_000);
    const version = await textService.textVersion(c.var.ctx.db, text, number);
    return jsonText(c, textService.textVersionJson(text, version));
  })
  .get('/:slug/versions', async (c) => {
    const text = await textService.readableText(c.var.ctx.db, c.var.viewer, c.req.param('slug'));
    return c.json({ versions: await textService.listVersions(c.var.ctx.db, text) });
  })
  .post('/:slug/versions', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, createVersionShape, textBodyLimit);
    const result = await textService.addVersion(c.var.ctx, viewer, c.req.param('slug'), input);
    return c.json({ version: { number: result.number }, anchors: result.anchors }, 201);
  })
  .get('/:slug/parallels', async (c) => c.json({ parallels: await parallelService.listParallels(c.var.ctx, c.var.viewer, c.req.param('slug')) }))
  .post('/:slug/parallels', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, addParallelShape);
    return c.json({ parallels: await parallelService.addParallel(c.var.ctx, viewer, c.req.param('slug'), input.text) }, 201);
  })
  .delete('/:slug/parallels/:other', async (c) => {
    await parallelService.removeParallel(c.var.ctx, requireViewer(c), c.req.param('slug'), c.req.param('other'));
    return c.body(null, 204);
  })
  .post('/:slug/read', async (c) => c.json(await textService.markTextRead(c.var.ctx, requireViewer(c), c.req.param('slug'))))
  .get('/:slug/layers', async (c) => c.json({ layers: await layerService.listLayers(c.var.ctx, c.var.viewer, c.req.param('slug')) }))
  .post('/:slug/layers', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, createLayerShape);
    const layer = await layerService.createLayer(c.var.ctx, viewer, c.req.param('slug'), input);
    return c.json(layer, 201);
  })
  .get('/:slug/layers/:layer', async (c) => {
    const { text, layer } = await layerService.readableLayer(c.var.ctx.db, c.var.viewer, c.req.param('slug'), c.req.param('layer'));
    return c.json(await layerService.presentLayer(c.var.ctx.db, c.var.viewer, text, layer.id));
  })
  .patch('/:slug/layers/:layer', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, updateLayerShape);
    return c.json(await layerService.updateLayer(c.var.ctx, viewer, c.req.param('slug'), c.req.param('layer'), input));
  })
  .get('/:slug/layers/:layer/mentions', async (c) => {
    const viewer = requireViewer(c);
    const raw = c.req.query('handles') ?? '';
    const handles = [...new Set(raw.split(',').map((h) => h.trim().replace(/^@/, '')).filter(Boolean))];
    if (handles.length === 0 || handles.length > maxMentions || handles.some((h) => !handleShape.safeParse(h).success)) {
      throw new AppError('invalid_request', 400, `handles is a comma-separated list of 1 to ${maxMentions} handles`);
    }
    c.header('cache-control', 'no-store');
    return c.json(await mentionReach(c.var.ctx, viewer, c.req.param('slug'), c.req.param('layer'), handles));
  })
  .get('/:slug/layers/:layer/glosses', async (c) => {
    const slug = c.req.param('slug');
    await layerService.readableLayer(c.var.ctx.db, c.var.viewer, slug, c.req.param('layer'));
    return jsonText(c, await glossService.listGlossesJson(c.var.ctx, c.var.viewer, slug, { layers: [c.req.param('layer')] }));
  })
  .post('/:slug/layers/:layer/glosses', async (c) => {
    const viewer = requireViewer(c);
    const input = await readJson(c, createGlossShape);
    const { id, json } = await glossService.createGloss(c.var.ctx, viewer, c.req.param('slug'), c.req.param('layer'), input);
    return jsonText(c, json, 201, { Location: `/api/glosses/${id}` });
  })
  .post('/:slug/layers/:layer/import', async (c) => {
    const viewer = requireViewer(c);
    if (!/^application\/(ld\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
      await readBodyText(c, importBodyLimit).catch(() => {});
      throw new AppError('unsupported_media_type', 415, 'Send the annotations as application/ld+json or application/json');
    }
    const value = parseJsonBody(await readBodyText(c, importBodyLimit));
    const urls = new DafUrls(c.var.baseUrl);
    const report = await annotationService.importAnnotations(c.var.ctx, viewer, c.req.param('slug'), c.req.param('layer'), value, urls);
    return c.json(report, 201);
  })
  .get('/:slug/glosses', async (c) => {
    const layers = layerList(c.req.query('layer'));
    const version = c.req.query('version') === undefined ? undefined : intQuery(c, 'version', 1, 1, 1_000_000_000);
    return jsonText(c, await glossService.listGlossesJson(c.var.ctx, c.var.viewer, c.req.param('slug'), { layers, version }));
  });
