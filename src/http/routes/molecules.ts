import { Hono } from 'hono';
import type { MoleculeProposer } from '../../molecules/propose.js';
import { proposeRequestSchema } from '../../molecules/propose-request.js';
import { proposalResponseSchema } from '../../molecules/proposal-schema.js';
import type { AppEnv } from '../app-env.js';
import type { ConcurrencyLimiter } from '../concurrency.js';
import type { Feature } from '../feature.js';
import { defineRoute, errorResponse } from '../route-definition.js';
import { streamEvents } from '../sse.js';
import { jsonBody } from '../validation.js';

export const proposeMoleculesRoute = defineRoute({
  method: 'post',
  path: '/v1/molecules/propose',
  summary: 'Propose new molecules for a protein target, guided by the bridge',
  description: [
    'The target (a sequence, gene symbol, UniProt accession or KG entity) is bridged into the drug space over the',
    '`target` relation; the nearest known drugs seed a genetic algorithm (and the LLM, when configured) whose',
    'products are validated with RDKit, filtered, scored (bridge cosine, Tanimoto to reference binders, QED, SA,',
    'alerts, anti-targets; `weights`) and ranked so that no two share a Murcko scaffold while others remain.',
    '`constraints` keep or avoid substructures (SMARTS), bound novelty and name anti-targets; every candidate lists',
    'each active filter and constraint as met or not. Invalid proposals are listed with the reason. A run holds one',
    'inference slot for its duration (a few seconds with the defaults; `timeBudgetMs` caps it).',
  ].join(' '),
  tags: ['molecules'],
  request: { body: proposeRequestSchema },
  responses: {
    200: { description: 'Ranked candidates, seeds and run statistics', schema: proposalResponseSchema },
    404: errorResponse('Unknown target or excluded drug; `details.suggestions` lists similar names'),
    422: errorResponse(
      "The sequence cannot be encoded (illegal residue, too long), the target has no sequence, or a constraint SMARTS is invalid (`details.field`, RDKit's reason)",
    ),
    503: errorResponse('No trained bridge, `useLlm: true` without an LLM, or server busy'),
  },
  example: { body: { target: { gene: 'ABL1' }, n: 5 } },
});

export const proposeMoleculesStreamRoute = defineRoute({
  method: 'post',
  path: '/v1/molecules/propose/stream',
  summary: 'Propose molecules, streaming progress as server-sent events',
  description: [
    'Same request and result as `/v1/molecules/propose`. Events: `run-started` ({}) once an inference slot is held,',
    '`generation-completed` ({generation, generations, bestScore, meanScore, evaluated}) after',
    'each genetic-algorithm generation, then `proposal-completed` (the response body) or `error` ({error}).',
  ].join(' '),
  tags: ['molecules'],
  request: { body: proposeRequestSchema },
  responses: {
    200: { description: 'An event stream', contentType: 'text/event-stream' },
    503: errorResponse('Server busy'),
  },
  example: { body: { target: { gene: 'ABL1' }, n: 5 } },
});

export interface MoleculeRoutesDependencies {
  proposer: MoleculeProposer;
  /** The service's inference limiter: encoding, the bridge and RDKit are CPU bound. */
  inferenceLimiter: ConcurrencyLimiter;
}

export function createMoleculeRoutes(dependencies: MoleculeRoutesDependencies): Feature {
  const app = new Hono<AppEnv>();
  app.post(proposeMoleculesRoute.path, jsonBody(proposeRequestSchema), async (c) => {
    const body = c.req.valid('json');
    const signal = c.var.signal;
    const response = await dependencies.inferenceLimiter.run(
      () => dependencies.proposer.propose(body, { signal, fieldPrefix: 'body.' }),
      signal,
    );
    return c.json(response);
  });
  app.post(proposeMoleculesStreamRoute.path, jsonBody(proposeRequestSchema), async (c) => {
    const body = c.req.valid('json');
    const release = await dependencies.inferenceLimiter.acquire(c.var.signal);
    return streamEvents(c, {
      release,
      writeError: (stream, error) => stream.writeSSE({ event: 'error', data: JSON.stringify(error) }),
      async run(stream, signal) {
        await stream.writeSSE({ event: 'run-started', data: '{}' });
        // Progress is written without awaiting: the proposer calls back synchronously; SSE writes queue in order.
        let writes = Promise.resolve();
        const response = await dependencies.proposer.propose(body, {
          signal,
          fieldPrefix: 'body.',
          onProgress: (progress) => {
            writes = writes.then(() =>
              stream.writeSSE({ event: 'generation-completed', data: JSON.stringify(progress) }),
            );
          },
        });
        await writes;
        await stream.writeSSE({ event: 'proposal-completed', data: JSON.stringify(response) });
      },
    });
  });
  return { app, routes: [proposeMoleculesRoute, proposeMoleculesStreamRoute] };
}
