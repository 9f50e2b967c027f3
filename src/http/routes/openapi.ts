import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import {
  buildOpenApiDocument,
  defineRoute,
  type OpenApiInfo,
  type RouteDefinition,
} from '../route-definition.js';

export const openApiRoute = defineRoute({
  method: 'get',
  path: '/openapi.json',
  summary: 'OpenAPI 3.1 description of this API',
  tags: ['service'],
  responses: { 200: { description: 'The OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  public: true,
});

export interface OpenApiRoutesOptions {
  /** Read on first request, so the document includes every route registered by then. */
  routes: () => readonly RouteDefinition[];
  info: OpenApiInfo;
  bearerAuth: boolean;
}

export function createOpenApiRoutes(options: OpenApiRoutesOptions): Feature {
  const app = new Hono<AppEnv>();
  let document: Record<string, unknown> | undefined;
  app.get(openApiRoute.path, (c) => {
    document ??= buildOpenApiDocument(options.routes(), options.info, { bearerAuth: options.bearerAuth });
    return c.json(document);
  });
  return { app, routes: [openApiRoute] };
}
