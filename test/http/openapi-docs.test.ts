import { Hono } from 'hono';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/app-env.js';
import { defineRoute, toOpenApiPath } from '../../src/http/route-definition.js';
import { queryParameters } from '../../src/http/validation.js';
import { buildTestApp, jsonOf } from './test-app.js';

const searchRoute = defineRoute({
  method: 'get',
  path: '/v1/search',
  summary: 'Search nodes by name',
  tags: ['retrieval'],
  request: {
    query: z.strictObject({
      q: z.string().min(1),
      limit: z.coerce.number().int().min(1).max(50).default(10),
    }),
  },
  responses: { 200: { description: 'Matches', schema: z.object({ hits: z.array(z.string()) }) } },
  example: { query: { q: 'imatinib' } },
});

function searchFeature() {
  const app = new Hono<AppEnv>().get(searchRoute.path, queryParameters(searchRoute.request.query), (c) => {
    const { q, limit } = c.req.valid('query');
    return c.json({ hits: [q].slice(0, limit) });
  });
  return { app, routes: [searchRoute] };
}

describe('GET /openapi.json', () => {
  it('documents every registered route from its zod schemas', async () => {
    const { app } = buildTestApp({
      options: { authToken: 'secret-token' },
      dependencies: { features: [searchFeature()] },
    });
    const document = await jsonOf(await app.request('/openapi.json'));
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/',
      '/docs',
      '/health',
      '/health/live',
      '/metrics',
      '/openapi.json',
      '/v1/chat',
      '/v1/chat/completions',
      '/v1/models',
      '/v1/models/{model}',
      '/v1/search',
    ]);

    const chat = document.paths['/v1/chat'].post;
    const requestSchema = chat.requestBody.content['application/json'].schema;
    expect(requestSchema.additionalProperties).toBe(false);
    expect(requestSchema.required).toEqual(['messages']);
    expect(requestSchema.properties.messages.items.properties.role.enum).toEqual([
      'system',
      'user',
      'assistant',
    ]);
    expect(Object.keys(chat.responses).sort()).toEqual(['200', '400', '401', '413', '500', '503', '504']);
    expect(chat.responses['400'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorResponse',
    });

    expect(document.paths['/health'].get.security).toEqual([]);
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.components.schemas.ErrorResponse.properties.error.required).toEqual([
      'code',
      'message',
      'requestId',
    ]);

    const search = document.paths['/v1/search'].get;
    expect(search.parameters).toEqual([
      { name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 1 } },
      {
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ type: 'integer', default: 10 }),
      },
    ]);
    expect(document.paths['/v1/models/{model}'].get.parameters).toEqual([
      { name: 'model', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  it('query validation uses the shared hook', async () => {
    const { app } = buildTestApp({ dependencies: { features: [searchFeature()] } });
    expect(await jsonOf(await app.request('/v1/search?q=imatinib&limit=2'))).toEqual({ hits: ['imatinib'] });
    const response = await app.request('/v1/search?limit=500');
    expect(response.status).toBe(400);
    expect((await jsonOf(response)).error.message).toBe(
      'query.q: expected string, received undefined; query.limit: Too big: expected number to be <=50',
    );
  });

  it('converts path parameters', () => {
    expect(toOpenApiPath('/v1/nodes/:type/:id')).toBe('/v1/nodes/{type}/{id}');
  });
});

describe('GET /docs', () => {
  it('is a self-contained HTML page listing routes with curl examples', async () => {
    const { app } = buildTestApp({
      options: { authToken: 'secret-token' },
      dependencies: { features: [searchFeature()] },
    });
    const response = await app.request('http://api.test/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<code>/v1/chat/completions</code>');
    expect(html).toContain('Grounded chat completion (OpenAI-compatible)');
    expect(html).toContain(
      "curl -sS -X POST 'http://api.test/v1/chat' \\\n  -H &quot;Authorization: Bearer $BIOBRIDGE_TOKEN&quot;",
    );
    expect(html).toContain("curl -sS 'http://api.test/v1/search?q=imatinib'");
    expect(html).toContain("curl -sS 'http://api.test/v1/models/biobridge'");
    expect(html).toContain('{&quot;messages&quot;:[{&quot;role&quot;:&quot;user&quot;');
    expect(html).not.toMatch(/<(script|link)\b|src=/);
    expect(html).not.toContain('secret-token');
    expect(await (await app.request('http://api.test/')).text()).toBe(html);
  });
});
