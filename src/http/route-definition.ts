import { z } from 'zod';
import { errorBodySchema } from './error-handler.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** Default `application/json`; `text/event-stream` for SSE, `text/html` for pages. */
  contentType?: string;
}

/**
 * What a route accepts and returns. The same zod schemas validate requests (via `jsonBody`) and
 * feed `/openapi.json` and `/docs`, so the documentation cannot drift from the validation.
 */
export interface RouteDefinition {
  method: HttpMethod;
  /** Hono syntax: `/v1/models/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  request?: { body?: z.ZodType; query?: z.ZodType };
  responses: Record<number, RouteResponse>;
  /** Shown as a curl command on `/docs`; `path` fills in path parameters. */
  example?: { path?: string; body?: unknown; query?: Record<string, string> };
  /** Served without the bearer token (health, docs). */
  public?: boolean;
}

/** A response whose body is the shared error body (`{ error: { code, message, requestId } }`). */
export const errorResponse = (description: string): RouteResponse => ({
  description,
  schema: errorBodySchema,
});

export const defineRoute = <const Definition extends RouteDefinition>(definition: Definition): Definition =>
  definition;

/** What a page route answers: an HTML document. */
export const htmlPageResponses = { 200: { description: 'HTML', contentType: 'text/html' } };

/** A GET served without the bearer token (pages and their static files): no body, no query. */
export const definePublicGet = <
  const Route extends Pick<RouteDefinition, 'path' | 'summary' | 'tags' | 'responses'>,
>(
  route: Route,
) => defineRoute({ method: 'get', ...route, public: true });

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string | undefined;
}

type JsonSchema = Record<string, unknown>;

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** `/v1/models/:id` → `/v1/models/{id}` */
export const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

const openApiErrorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
});

/** An OpenAPI 3.1 document (JSON Schema 2020-12 dialect, which is what `z.toJSONSchema` emits). */
export function buildOpenApiDocument(
  routes: readonly RouteDefinition[],
  info: OpenApiInfo,
  options: { bearerAuth: boolean },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const parameters: unknown[] = [...route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.request?.query) {
      const query = toJsonSchema(route.request.query, 'input');
      const required = new Set((query['required'] as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries(
        (query['properties'] as Record<string, JsonSchema> | undefined) ?? {},
      )) {
        parameters.push({ name, in: 'query', required: required.has(name), schema });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        content: response.schema
          ? {
              [response.contentType ?? 'application/json']: {
                schema: toJsonSchema(response.schema, 'output'),
              },
            }
          : response.contentType
            ? { [response.contentType]: {} }
            : undefined,
      };
    }
    if (route.request?.body || route.request?.query)
      responses['400'] ??= openApiErrorResponse('Invalid request; the message names each offending field');
    if (route.request?.body) responses['413'] ??= openApiErrorResponse('Request body too large');
    if (options.bearerAuth && !route.public)
      responses['401'] ??= openApiErrorResponse('Missing or invalid bearer token');
    responses['500'] ??= openApiErrorResponse('Internal error; quote the request id');

    paths[path] ??= {};
    // The document is served and written as JSON, where `undefined` leaves a key out.
    paths[path][route.method] = {
      summary: route.summary,
      description: route.description || undefined,
      tags: route.tags,
      operationId: operationId(route),
      parameters: parameters.length > 0 ? parameters : undefined,
      requestBody: route.request?.body
        ? {
            required: true,
            content: { 'application/json': { schema: toJsonSchema(route.request.body, 'input') } },
          }
        : undefined,
      responses,
      security: options.bearerAuth && route.public ? [] : undefined,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { ErrorResponse: toJsonSchema(errorBodySchema, 'output') },
      securitySchemes: options.bearerAuth ? { bearerAuth: { type: 'http', scheme: 'bearer' } } : undefined,
    },
    security: options.bearerAuth ? [{ bearerAuth: [] }] : undefined,
  };
}

function operationId(route: RouteDefinition): string {
  const words = route.path
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]?.toUpperCase() + word.slice(1));
  return route.method + words.join('');
}
