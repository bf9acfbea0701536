/** The OpenAPI document at `/api/openapi.json`. */
import { Hono } from 'hono';
import type { AppEnv } from '../middleware/env.ts';
import { openapiDocument } from '../openapi.ts';

export const openapiRoutes = new Hono<AppEnv>().get('/openapi.json', (c) => c.json(openapiDocument(c.var.baseUrl)));
