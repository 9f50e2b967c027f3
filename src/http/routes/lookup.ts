import { Hono } from 'hono';
import { z } from 'zod';
import type { NameEntry, NameLookup } from '../../store/name-lookup.js';
import type { AppEnv } from '../app-env.js';
import type { Feature } from '../feature.js';
import { defineRoute } from '../route-definition.js';
import { queryParameters } from '../validation.js';

export const lookupQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(256).describe('A name, id, symbol or alias, e.g. `ABL1`, `imatinib`'),
  type: z.string().min(1).optional().describe('Only this node type, e.g. `gene/protein`'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const lookupResponseSchema = z.object({
  matches: z.array(
    z.object({
      type: z.string(),
      id: z.string(),
      name: z.string(),
      matched: z.string().describe('The name, id or alias that matched'),
      matchKind: z.enum(['exact', 'case-insensitive', 'normalized', 'fuzzy']),
      score: z.number(),
    }),
  ),
});

export const lookupRoute = defineRoute({
  method: 'get',
  path: '/v1/lookup',
  summary: 'Find KG entities by name, id or alias (autocomplete)',
  description:
    'Exact, case-insensitive and normalized matches first, then names and aliases that start with the query (as typed in an autocomplete), then fuzzy (edit-distance) matches.',
  tags: ['retrieval'],
  request: { query: lookupQuerySchema },
  responses: { 200: { description: 'Matches, best first', schema: lookupResponseSchema } },
  example: { query: { q: 'ABL1', type: 'gene/protein' } },
});

type Match = z.infer<typeof lookupResponseSchema>['matches'][number];

export interface LookupRoutesDependencies {
  lookup: NameLookup;
  /** Every entry, for prefix matches; read on the first request that needs them. */
  entries?: (() => Promise<readonly NameEntry[]>) | undefined;
}

/** Names, aliases and mined synonyms sorted by their lower-case form, so a prefix is a binary search away. */
function createPrefixIndex(entries: readonly NameEntry[]) {
  const keys: { key: string; surface: string; entry: NameEntry }[] = [];
  for (const entry of entries)
    for (const surface of new Set([
      entry.name,
      ...entry.aliases,
      ...(entry.synonyms ?? []).map((synonym) => synonym.text),
    ]))
      if (surface) keys.push({ key: surface.toLowerCase(), surface, entry });
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return (prefix: string, type: string | undefined, limit: number): Match[] => {
    const wanted = prefix.toLowerCase();
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (keys[middle]!.key < wanted) low = middle + 1;
      else high = middle;
    }
    const matches: Match[] = [];
    for (let index = low; index < keys.length && matches.length < limit; index += 1) {
      const { key, surface, entry } = keys[index]!;
      if (!key.startsWith(wanted)) break;
      if (type !== undefined && entry.type !== type) continue;
      // Shorter completions of the same prefix are likelier to be what is being typed.
      const score = 0.8 * (wanted.length / key.length);
      matches.push({
        type: entry.type,
        id: entry.id,
        name: entry.name,
        matched: surface,
        matchKind: 'normalized',
        score,
      });
    }
    return matches.sort((a, b) => b.score - a.score);
  };
}

export function createLookupRoutes(dependencies: LookupRoutesDependencies): Feature {
  const app = new Hono<AppEnv>();
  let prefixIndex: Promise<ReturnType<typeof createPrefixIndex>> | undefined;
  app.get(lookupRoute.path, queryParameters(lookupQuerySchema), async (c) => {
    const query = c.req.valid('query');
    const types = query.type === undefined ? {} : { types: [query.type] };
    const matches: Match[] = dependencies.lookup
      .lookup(query.q, { limit: query.limit, fuzzy: 'never', ...types })
      .map(({ type, id, name, matched, matchKind, score }) => ({
        type,
        id,
        name,
        matched,
        matchKind,
        score,
      }));
    const seen = new Set(matches.map((match) => `${match.type}\u0000${match.id}`));
    const add = (more: readonly Match[]) => {
      for (const match of more) {
        const key = `${match.type}\u0000${match.id}`;
        if (matches.length >= query.limit || seen.has(key)) continue;
        seen.add(key);
        matches.push(match);
      }
    };
    if (matches.length < query.limit && dependencies.entries) {
      prefixIndex ??= dependencies.entries().then(createPrefixIndex);
      add((await prefixIndex)(query.q, query.type, query.limit * 4));
    }
    if (matches.length < query.limit)
      add(dependencies.lookup.lookup(query.q, { limit: query.limit, fuzzy: 'always', ...types }));
    return c.json({ matches });
  });
  return { app, routes: [lookupRoute] };
}
