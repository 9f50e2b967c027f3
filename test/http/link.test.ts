import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLinkRoutes,
  linkResponseSchema,
  MAX_LINK_TEXT_CHARACTERS,
} from '../../src/http/routes/link.js';
import { buildRetrievalWorld, type RetrievalWorld } from '../retrieval/retrieval-world.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

const app = (options = {}) =>
  buildTestApp({
    dependencies: {
      features: [createLinkRoutes({ linker: world.linker, nodeTypes: world.graph.registry.nodeTypes })],
    },
    options,
  }).app;

describe('POST /v1/link: happy path', () => {
  it('returns spans with offsets, candidates and scores', async () => {
    const text = 'Does Gleevec treat CML better than aspirin treats lung cancers?';
    const response = await postJson(app(), '/v1/link', { text });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(linkResponseSchema.safeParse(body).success).toBe(true);
    expect(body.text).toBe(text);
    expect(
      body.spans.map(
        (span: {
          surface: string;
          start: number;
          end: number;
          candidates: { id: string; matchedBy: string }[];
        }) => [
          text.slice(span.start, span.end),
          span.surface,
          span.candidates[0]?.id,
          span.candidates[0]?.matchedBy,
        ],
      ),
    ).toEqual([
      ['Gleevec', 'Gleevec', 'DB00619', 'synonym'],
      ['CML', 'CML', '8552', 'synonym'],
      ['aspirin', 'aspirin', 'DB00945', 'exact'],
      ['lung cancers', 'lung cancers', '1324', 'normalized'],
    ]);
    expect(body.spans[0].candidates[0]).toEqual({
      nodeIndex: 20,
      id: 'DB00619',
      type: 'drug',
      name: 'Imatinib',
      score: 0.95,
      matchedBy: 'synonym',
      matched: 'Gleevec',
    });
    expect(body.ambiguous).toBe(false);
    expect(body.unlinked).toEqual([]);
  });

  it('filters by type, limits candidates and can switch typo matching off', async () => {
    const onlyGenes = await jsonOf(
      await postJson(app(), '/v1/link', { text: 'imatinib and KIT', types: ['gene/protein'] }),
    );
    expect(onlyGenes.spans.map((span: { surface: string }) => span.surface)).toEqual(['KIT']);
    const typo = await jsonOf(await postJson(app(), '/v1/link', { text: 'imatinb', limit: 1 }));
    expect(typo.spans[0].candidates).toHaveLength(1);
    expect(typo.spans[0].candidates[0].matchedBy).toBe('fuzzy');
    const strict = await jsonOf(await postJson(app(), '/v1/link', { text: 'imatinb', fuzzy: false }));
    expect(strict.spans).toEqual([]);
  });
});

describe('POST /v1/link: bad input', () => {
  it.each([
    [{ text: '' }, 'body.text: must not be empty'],
    [{ text: '   ' }, 'body.text: must not be empty'],
    [{}, 'body.text'],
    [{ text: 'KIT', colour: 'red' }, 'body.colour: unknown field'],
    [{ text: 'KIT', limit: 0 }, 'body.limit'],
    [{ text: 'KIT', types: [] }, 'body.types'],
    [{ text: 'KIT', types: ['gene'] }, "body.types: unknown node type 'gene'"],
    [{ text: 'KIT', preferTypes: ['genes'] }, "body.preferTypes: unknown node type 'genes'"],
  ])('%j → 400 naming the field', async (body, message) => {
    const response = await postJson(app(), '/v1/link', body);
    const error = await jsonOf(response);
    expect(response.status, JSON.stringify(error)).toBe(400);
    expect(error.error.code).toBe('BAD_REQUEST');
    expect(error.error.message).toContain(message);
    expect(JSON.stringify(error)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a 100 kB text with a 400 that gives the limit', async () => {
    const response = await postJson(app(), '/v1/link', { text: 'imatinib '.repeat(12_000) });
    const error = await jsonOf(response);
    expect(response.status).toBe(400);
    expect(error.error.message).toContain(`body.text: at most ${MAX_LINK_TEXT_CHARACTERS} characters`);
  });

  it('refuses a body over the server limit with 413', async () => {
    const response = await postJson(app({ bodyLimitBytes: 50_000 }), '/v1/link', {
      text: 'x'.repeat(100_000),
    });
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).error.code).toBeDefined();
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await app().request('/v1/link', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text": ',
    });
    expect(response.status).toBe(400);
  });
});

describe('POST /v1/link: documentation', () => {
  it('appears in the OpenAPI document with its request and response schemas', async () => {
    const document = await jsonOf(await app().request('/openapi.json'));
    const operation = document.paths['/v1/link'].post;
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '413', '500']);
    expect(operation.requestBody.content['application/json'].schema.properties.text.maxLength).toBe(
      MAX_LINK_TEXT_CHARACTERS,
    );
  });
});
