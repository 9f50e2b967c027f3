import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { DEFAULT_MAX_CANDIDATES } from '../../linking/entity-linker.js';
import type { EntityLinker } from '../../linking/types.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { defineRoute } from '../route-definition.js';
import { jsonBody } from '../validation.js';

/** Longer texts are documents, not questions: link them in pieces. */
export const MAX_LINK_TEXT_CHARACTERS = 20_000;
const MAX_CANDIDATES = 50;

const typeListSchema = z.array(z.string().min(1)).min(1).max(20);

export const linkRequestSchema = z.strictObject({
  text: z
    .string()
    .max(MAX_LINK_TEXT_CHARACTERS, `at most ${MAX_LINK_TEXT_CHARACTERS} characters`)
    .refine((text) => text.trim() !== '', 'must not be empty')
    .describe('Free text to find KG entities in (a question, a sentence)'),
  types: typeListSchema.optional().describe('Only link nodes of these types (`gene/protein`, `disease`…)'),
  preferTypes: typeListSchema
    .optional()
    .describe('Types preferred when a span matches several nodes, most preferred first'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_CANDIDATES)
    .default(DEFAULT_MAX_CANDIDATES)
    .describe('Candidates per span'),
  fuzzy: z.boolean().default(true).describe('Also match names within one or two typing errors'),
});

const candidateSchema = z.object({
  nodeIndex: z.number().int(),
  id: z.string(),
  type: z.string(),
  name: z.string(),
  score: z
    .number()
    .min(0)
    .max(1)
    .describe('Match quality: 1 for an id or exact name, lower for looser matches'),
  matchedBy: z.enum(['id', 'exact', 'normalized', 'synonym', 'fuzzy']),
  matched: z.string().describe('The stored name, id or alias that matched'),
  source: z
    .string()
    .optional()
    .describe(
      'For a synonym mined from the KG files at ingest, where it was found: `drug-description:brand-name`, `drug-description:also-known-as`, `text:abbreviation`, `name:infection-form`, `name:abbreviated`, `gwas-catalog:mapped-gene`',
    ),
});

export const linkResponseSchema = z.object({
  text: z.string(),
  spans: z.array(
    z.object({
      start: z.number().int().describe('UTF-16 offset: `text.slice(start, end) === surface`'),
      end: z.number().int(),
      surface: z.string(),
      candidates: z.array(candidateSchema).describe('Best first; the first is the link'),
      ambiguous: z.boolean().describe('Several nodes match about equally well and no preference decides'),
    }),
  ),
  ambiguous: z.boolean(),
  unlinked: z
    .array(
      z.object({ start: z.number().int(), end: z.number().int(), surface: z.string(), head: z.string() }),
    )
    .describe('Name-like phrases the KG has no node for ("Kleefstra syndrome 1"), left unlinked'),
});

export const linkRoute = defineRoute({
  method: 'post',
  path: '/v1/link',
  summary: 'Entity linking: KG nodes named in a text',
  description: [
    'Longest non-overlapping spans that match a node name, id (DOID, HP, GO, DrugBank, rsID, UniProt; Entrez after',
    '"Entrez"/"NCBIGene:") or alias, after folding case, diacritics, apostrophes, hyphens, Greek letters, roman',
    'numerals, "type N", plurals and word order, and within a typo or two. A one-word generic node ("syndrome") is',
    'never linked inside a longer name; such phrases come back in `unlinked`. Spans matching several nodes equally',
    'are marked `ambiguous`; `preferTypes` or a neighbouring word ("gene X") decides between types.',
  ].join(' '),
  tags: ['retrieval'],
  request: { body: linkRequestSchema },
  responses: { 200: { description: 'Spans with candidate nodes and scores', schema: linkResponseSchema } },
  example: { body: { text: "Does metronidazole treat Crohn's disease or TNF-α–driven colitis?", limit: 3 } },
});

export interface LinkRoutesDependencies {
  linker: EntityLinker;
  /** The index's node types, to reject a misspelt type instead of silently linking nothing. */
  nodeTypes: readonly string[];
}

export function createLinkRoutes(dependencies: LinkRoutesDependencies): Feature {
  const app = new Hono<AppEnv>();
  const known = new Set(dependencies.nodeTypes);
  app.post(linkRoute.path, jsonBody(linkRequestSchema), (c) => {
    const body = c.req.valid('json');
    for (const field of ['types', 'preferTypes'] as const) {
      const unknown = (body[field] ?? []).filter((type) => !known.has(type));
      if (unknown.length > 0)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `body.${field}: unknown node type ${unknown.map((type) => `'${type}'`).join(', ')}; known: ${[...known].join(', ')}`,
          details: { field: `body.${field}`, unknown, known: [...known] },
        });
    }
    const result = dependencies.linker.link(body.text, {
      types: body.types,
      preferTypes: body.preferTypes,
      maxCandidates: body.limit,
      fuzzy: body.fuzzy,
    });
    return c.json(result);
  });
  return { app, routes: [linkRoute] };
}
