import { Hono } from 'hono';
import { z } from 'zod';
import { describeEntity, type EntityDetailsDependencies } from '../../retrieval/entity-details.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { defineRoute, errorResponse } from '../route-definition.js';
import { queryParameters } from '../validation.js';

export const entityQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(20).describe('Neighbours per relation group'),
  offset: z.coerce.number().int().min(0).default(0).describe('Neighbours skipped in every group'),
  relation: z
    .string()
    .min(1)
    .optional()
    .describe('Only this display relation (`target`) or PrimeKG relation (`drug_protein`)'),
});

const neighbourSchema = z.object({
  nodeIndex: z.number().int(),
  type: z.string(),
  id: z.string(),
  name: z.string(),
});

export const entityResponseSchema = z.object({
  entity: z.object({
    nodeIndex: z.number().int(),
    type: z.string(),
    id: z.string(),
    name: z.string(),
    source: z.string(),
  }),
  payload: z
    .object({ kind: z.enum(['sequence', 'smiles', 'text', 'variant', 'name']), value: z.string() })
    .nullable()
    .describe('The encoder input the index holds: sequence, SMILES, definition…'),
  vectors: z.object({ encoded: z.boolean(), projected: z.boolean() }),
  neighbours: z.object({
    total: z.number().int(),
    groups: z.array(
      z.object({
        relation: z.string(),
        kgRelation: z.string(),
        tailType: z.string(),
        total: z.number().int(),
        offset: z.number().int(),
        limit: z.number().int(),
        nextOffset: z.number().int().nullable(),
        items: z.array(neighbourSchema),
      }),
    ),
  }),
});

export const entityRoute = defineRoute({
  method: 'get',
  path: '/v1/entities/:type/:id',
  summary: 'One KG entity: payload and neighbours by relation',
  description:
    '`type` is a node type, URL-encoded (`gene%2Fprotein`), or its table name (`gene_protein`). Neighbours are grouped by relation and tail type; `limit` and `offset` page every group.',
  tags: ['retrieval'],
  request: { query: entityQuerySchema },
  responses: {
    200: { description: 'The entity', schema: entityResponseSchema },
    404: errorResponse('Unknown type or id; `details.suggestions` lists similar names'),
  },
  example: { path: '/v1/entities/drug/DB00619', query: { limit: '10' } },
});

export function createEntityRoutes(dependencies: EntityDetailsDependencies): Feature {
  const app = new Hono<AppEnv>();
  app.get(entityRoute.path, queryParameters(entityQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const details = await describeEntity(dependencies, c.req.param('type'), c.req.param('id'), query);
    return c.json(details);
  });
  return { app, routes: [entityRoute] };
}
