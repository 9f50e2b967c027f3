import { Hono } from 'hono';
import { z } from 'zod';
import { retrievalRequestSchema } from '../../retrieval/retrieval-request.js';
import type { Retriever } from '../../retrieval/retriever.js';
import type { AppEnv } from '../app-env.js';
import type { ConcurrencyLimiter } from '../concurrency.js';
import type { Feature } from '../feature.js';
import { defineRoute, errorResponse } from '../route-definition.js';
import { matchesIfNoneMatch, type CachedResponse, type ResponseCache } from '../response-cache.js';
import { jsonBody } from '../validation.js';

const entitySchema = z.object({
  nodeIndex: z.number().int(),
  type: z.string(),
  id: z.string(),
  name: z.string(),
  source: z.string(),
  matched: z.string().optional().describe('The name, id or alias that matched'),
});

export const retrieveResultSchema = z.object({
  rank: z.number().int(),
  score: z
    .number()
    .nullable()
    .describe('Cosine similarity in the tail space; null when the bridge cannot score it'),
  type: z.string(),
  id: z.string(),
  name: z.string(),
  nodeIndex: z.number().int(),
  known: z.boolean().describe('The KG links the query entity to this one over a queried relation'),
  relation: z.string(),
  knownRelations: z.array(z.string()),
  source: z
    .enum(['fused', 'bridge', 'transfer', 'variant-model', 'kg'])
    .describe(
      'The method that ranked it (`variant-model` for the learned variant model), or `kg` for a KG fact only',
    ),
  scores: z
    .object({
      bridge: z.number().nullable(),
      transfer: z.number().nullable(),
      prior: z.number().nullable(),
      fused: z.number().nullable(),
      learned: z
        .number()
        .nullable()
        .optional()
        .describe("Variant queries: the learned variant model's cosine"),
      positional: z
        .number()
        .nullable()
        .optional()
        .describe(
          "Variant → disease: diseases of the nearest other KG variants (1/rank), over the query's top",
        ),
      geneProxy: z
        .number()
        .nullable()
        .optional()
        .describe("Variant → disease: mapped genes the KG links to the disease, over the query's top"),
      ligand: z
        .number()
        .nullable()
        .optional()
        .describe(
          'Ligand-similarity votes (drug queries whose fused ranking weights them), over the top vote',
        ),
      ligandModel: z
        .number()
        .nullable()
        .optional()
        .describe(
          "The ligand-model score (drug → target queries whose fused ranking weights it), over the query's top ligand-model score",
        ),
    })
    .describe(
      'Every ranking component; null where not computed (variant-model hits: `learned`, and for fused variant → disease also `positional`, `geneProxy`, `prior` (popularity) and `fused`)',
    ),
  explanation: z
    .object({
      kind: z.enum(['kg', 'transfer', 'bridge', 'prior', 'variant-model', 'ligand-model']),
      text: z.string(),
      relation: z.string().optional(),
      path: z
        .array(z.object({ nodeIndex: z.number().int(), id: z.string(), name: z.string(), type: z.string() }))
        .optional(),
      voters: z
        .array(
          z.object({ nodeIndex: z.number().int(), id: z.string(), name: z.string(), similarity: z.number() }),
        )
        .optional(),
      score: z
        .number()
        .optional()
        .describe(
          '`ligand-model`: the ligand-model score for this tail in [0, 1] (kernel head: a kernel-ridge estimate over mean Tanimoto to known drugs, clipped; MLP head: a sigmoid output). A ranking score, not a calibrated probability',
        ),
      probability: z
        .number()
        .optional()
        .describe(
          'Deprecated: the same value as `score` (kept for existing clients); not a calibrated probability',
        ),
    })
    .describe(
      'Why it was retrieved: its KG edge, the similar known entities that vote for it, the ligand-target model, the bridge score, the prior or the learned variant model score',
    ),
  association: z
    .object({
      pvalueMlog: z.number().optional(),
      pvalue: z.number().optional(),
      orBeta: z.number().optional(),
      pubmedId: z.string().optional(),
    })
    .optional()
    .describe('GWAS statistics of a KG variant–disease association (a KG fact, never a prediction)'),
  payloadKind: z.enum(['sequence', 'smiles', 'text', 'variant', 'name']).nullable(),
  payloadPreview: z
    .string()
    .nullable()
    .describe('First ~80 characters of the sequence, SMILES or definition'),
});

export const retrieveResponseSchema = z.object({
  query: z.object({
    kind: z.enum(['protein', 'smiles', 'text', 'entity', 'variant']),
    headType: z.string(),
    entity: entitySchema.optional(),
    inputPreview: z.string().optional(),
    variant: z
      .object({
        rsid: z.string().optional(),
        inKg: z.boolean(),
        embeddedFrom: z.enum(['kg-features', 'request-features']),
        knownFeatures: z.array(z.string()),
      })
      .optional()
      .describe('How a variant head was embedded by the learned variant model'),
    targetTypes: z.array(z.string()),
    relations: z.array(
      z.object({
        headType: z.string(),
        relation: z.string(),
        tailType: z.string(),
        kgRelations: z.array(z.string()),
      }),
    ),
    k: z.number().int(),
    maxKnown: z.number().int(),
    includeKnown: z.boolean(),
    includePredicted: z.boolean(),
    predictions: z.union([
      z.object({ available: z.literal(true), model: z.literal('variant-learned').optional() }),
      z.object({ available: z.literal(false), reason: z.string() }),
    ]),
    knownTotal: z.number().int(),
    method: z
      .enum(['fused', 'bridge', 'transfer', 'variant-model'])
      .describe(
        'How predictions were ranked (`fused` unless asked); `variant-model` for rsid / variant queries and variant retrieval',
      ),
    fusion: z
      .array(
        z.object({
          relation: z.string(),
          tailType: z.string(),
          source: z.enum(['fitted', 'default']),
          weights: z.object({
            bridge: z.number(),
            transfer: z.number(),
            prior: z.number(),
            ligand: z.number().optional(),
            ligandModel: z.number().optional(),
          }),
        }),
      )
      .optional()
      .describe(
        "The fused ranking's weights per relation: `fitted` from the index's fusion.json (biobridge fit-fusion), `default` where none covers the task",
      ),
    variantRanking: z
      .enum(['fused', 'learned'])
      .optional()
      .describe('Variant queries: `fused` (variant → disease with the fitted variant fusion) or `learned`'),
  }),
  results: z.array(retrieveResultSchema),
});

export const retrieveRoute = defineRoute({
  method: 'post',
  path: '/v1/retrieve',
  summary: 'Cross-modal retrieval through the bridge and the KG',
  description: [
    'Give exactly one of `protein`, `smiles`, `text`, `entity` or `rsid`/`variant`.',
    'A SNP (`rsid`, or `variant` features for one the index lacks) is embedded by the learned variant model and retrieves',
    'diseases, phenotypes and genes; a disease or gene with `targetTypes: ["variant"]` retrieves variants. KG variant–disease',
    'facts carry their GWAS statistics in `association`.',
    'New inputs are encoded on the fly; a KG entity uses its stored vector and adds its KG neighbours as known results.',
    'Predictions are ranked by `method`: `fused` (default; fitted weights from fusion.json, else the defaults, listed in `query.fusion`), `bridge` or `transfer`.',
    "The bridge maps the query into each target type's space over the KG relations between the types; results are",
    'sorted by score and marked `known` when the KG already has the edge.',
    'Answers carry an `ETag`; the same request sent with `If-None-Match` naming it gets `304 Not Modified` while the',
    'index is unchanged (a safe query in a body, as the HTTP QUERY method has it). Repeated requests are answered from a',
    'cache of whole responses (`BIOBRIDGE_RESPONSE_CACHE_MB`).',
  ].join(' '),
  tags: ['retrieval'],
  request: { body: retrievalRequestSchema },
  responses: {
    200: { description: 'Resolved query and ranked results', schema: retrieveResponseSchema },
    304: { description: '`If-None-Match` names the ETag this request would get: nothing has changed' },
    404: errorResponse(
      'Unknown entity (`details.suggestions` lists similar names), or an rsID the index lacks sent without features (`details.fields` names them)',
    ),
    422: errorResponse(
      'The input cannot be encoded (invalid SMILES, illegal residue, too long); the message names the field',
    ),
    503: errorResponse(
      '`method: "bridge"` without a trained bridge (the default `fused` ranking needs none), or server busy',
    ),
  },
  example: {
    body: { entity: { type: 'drug', name: 'Imatinib' }, targetTypes: ['gene/protein'], k: 10 },
  },
});

export interface RetrieveRoutesDependencies {
  retriever: Retriever;
  /** The service's inference limiter (shared with chat): encoding and the bridge are CPU bound. */
  inferenceLimiter: ConcurrencyLimiter;
  /** Whole responses of repeated requests; undefined computes every request. */
  responseCache?: ResponseCache | undefined;
}

export function createRetrieveRoutes(dependencies: RetrieveRoutesDependencies): Feature {
  const app = new Hono<AppEnv>();
  const { responseCache } = dependencies;
  app.post(retrieveRoute.path, jsonBody(retrievalRequestSchema), async (c) => {
    const body = c.req.valid('json');
    // The validated request, defaults applied and keys in the schema's order: equal requests
    // spelled differently (key order, an explicit default) share one key.
    const key = JSON.stringify(body);
    const cached = responseCache?.get(key);
    const reply = (entry: CachedResponse) =>
      matchesIfNoneMatch(c.req.header('if-none-match'), entry.etag)
        ? c.body(null, 304, { etag: entry.etag })
        : c.body(entry.body, 200, { 'content-type': 'application/json', etag: entry.etag });
    if (cached) return reply(cached);
    const signal = c.var.signal;
    const response = await dependencies.inferenceLimiter.run(
      () => dependencies.retriever.retrieve(body, { signal, fieldPrefix: 'body.', validated: true }),
      signal,
    );
    if (!responseCache) return c.json(response);
    return reply(responseCache.set(key, JSON.stringify(response)));
  });
  return { app, routes: [retrieveRoute] };
}
