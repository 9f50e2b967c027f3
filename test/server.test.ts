import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { DEFAULT_FUSION_WEIGHTS } from '../src/retrieval/fusion.js';
import { startServer, welcomeText, type RunningServer } from '../src/server.js';
import { createMemoryLogger } from '../src/util/logger.js';
import { buildTinyIndex } from './indexing/tiny-index.js';
import { jsonOf } from './http/test-app.js';
import { createTemporaryDirectory } from './kg/csv-test-helpers.js';

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let indexDirectory: string;
let server: RunningServer | undefined;
const logger = createMemoryLogger();

beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-server-');
  ({ indexDirectory } = await buildTinyIndex(root.path));
  // No bridge in the index and no LLM in the environment: KG facts and evidence-only answers.
  server = await startServer(
    loadConfig({ BIOBRIDGE_INDEX: indexDirectory, PORT: '0', OPENAI_API_KEY: 'unused' }),
    logger,
  );
});
afterAll(async () => {
  await server?.close();
  await root?.cleanup();
});

async function post(
  path: string,
  body: unknown,
): Promise<{ status: number; body: Awaited<ReturnType<typeof jsonOf>> }> {
  const response = await fetch(`${server!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await jsonOf(response) };
}

describe('startServer with the tiny index, no bridge and no LLM', () => {
  it('listens on the port the OS chose and says how to use it', () => {
    expect(server!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server!.url).not.toMatch(/:0$/);
    expect(server!.services.bridge).toBeUndefined();
    expect(server!.services.config.llm.configured).toBe(false);
    expect([...server!.services.encoders.keys()].sort()).toEqual([
      'biological_process',
      'disease',
      'drug',
      'effect/phenotype',
      'gene/protein',
      'variant',
    ]);
    // the text types share one loaded encoder
    expect(server!.services.encoders.get('disease')).toBe(
      server!.services.encoders.get('biological_process'),
    );
    const text = welcomeText(server!);
    expect(text).toContain(
      `biobridge is listening on ${server!.url}  (index ${indexDirectory}: 9 nodes; no bridge)`,
    );
    expect(text).toContain(
      'LLM: none (no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)); answers are built from the evidence alone',
    );
    expect(text).toContain(`Web UI: ${server!.url}/ `);
    expect(text).not.toContain('authorization');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'index has no projected bridge: predictions are unavailable, KG facts still work',
      }),
    );
  });

  it('GET /health is ready, with the bridge missing and the LLM not configured', async () => {
    // The encoders, name entries and variant model load after listening (deferred-parts.ts).
    await server!.services.loading.all();
    const response = await fetch(`${server!.url}/health`);
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      checks: {
        index: { ok: true, required: true, detail: 'index: 9 nodes, 14 edges' },
        bridge: {
          ok: false,
          required: false,
          state: 'missing',
          detail: `no trained bridge; run \`biobridge train ${indexDirectory}\``,
        },
        llm: {
          ok: true,
          required: false,
          state: 'not-configured',
          detail: 'no LLM configured (set OPENAI_BASE_URL and OPENAI_MODEL)',
        },
        loading: { ok: true, required: true, state: 'loaded', detail: '10 parts loaded' },
      },
    });
  });

  it('POST /v1/chat answers from the KG facts alone, citing them', async () => {
    const { status, body } = await post('/v1/chat', {
      messages: [{ role: 'user', content: 'Which proteins does Lepirudin target?' }],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      mode: 'evidence-only',
      reason: 'no LLM configured',
      citations: ['E1'],
      usage: { promptTokens: 0, completionTokens: 0 },
    });
    // Answer first (a list question), then the cited fact.
    expect(body.answer).toMatch(/^Answer: A1BG\b/);
    expect(body.answer).toContain('Lepirudin —target→ A1BG [E1]');
    expect(body.evidence).toEqual([
      expect.objectContaining({
        id: 'E1',
        kind: 'kg-fact',
        relation: 'target',
        subject: { type: 'drug', id: 'DB00001', name: 'Lepirudin' },
        entity: { type: 'gene/protein', id: '1', name: 'A1BG' },
      }),
    ]);
  });

  it('POST /v1/retrieve returns KG facts with includePredicted: false', async () => {
    const { status, body } = await post('/v1/retrieve', {
      entity: 'Lepirudin',
      targetTypes: ['gene/protein'],
      includePredicted: false,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.query).toMatchObject({
      kind: 'entity',
      headType: 'drug',
      entity: { nodeIndex: 20, id: 'DB00001', name: 'Lepirudin' },
      includePredicted: false,
      predictions: { available: false },
    });
    expect(body.results).toEqual([
      expect.objectContaining({
        rank: 1,
        nodeIndex: 10,
        name: 'A1BG',
        known: true,
        relation: 'target',
        source: 'kg',
        payloadKind: 'sequence',
      }),
    ]);
  });

  it('POST /v1/retrieve ranks with the default fused weights (ingest built ligands/, no fusion.json)', async () => {
    const { status, body } = await post('/v1/retrieve', {
      smiles: 'CC(=O)Oc1ccccc1C(=O)O',
      targetTypes: ['gene/protein'],
      relations: ['target'],
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.query.method).toBe('fused');
    expect(body.query.fusion, JSON.stringify(body.query)).toEqual([
      {
        relation: 'target',
        tailType: 'gene/protein',
        source: 'default',
        weights: { ...DEFAULT_FUSION_WEIGHTS.drugToProteinWithLigands, bridge: 0 },
      },
    ]);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results[0].scores.ligand, JSON.stringify(body.results[0])).not.toBeNull();
  });

  it('POST /v1/retrieve asking for bridge predictions without a bridge is a 503 that says why', async () => {
    const { status, body } = await post('/v1/retrieve', {
      entity: 'Lepirudin',
      targetTypes: ['gene/protein'],
      method: 'bridge',
    });
    expect(status, JSON.stringify(body)).toBe(503);
    expect(body.error).toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('no trained bridge is loaded'),
    });
    expect(body.error.requestId).toMatch(/^req_/);
  });

  it('serves the web UI at / and the routes it uses: lookup, depiction, reports', async () => {
    const page = await fetch(`${server!.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/ui/app.js"></script>');
    expect((await fetch(`${server!.url}/ui/chat.js`)).status).toBe(200);
    const lookup = await jsonOf(await fetch(`${server!.url}/v1/lookup?q=lepi`));
    expect(lookup.matches[0], JSON.stringify(lookup)).toMatchObject({ type: 'drug', name: 'Lepirudin' });
    const drawing = await post('/v1/depict', { smiles: 'c1ccccc1O' });
    expect(drawing.status).toBe(200);
    expect(drawing.body.canonical).toBe('Oc1ccccc1');
    expect((await jsonOf(await fetch(`${server!.url}/v1/reports`))).reports).toEqual(expect.any(Array));
  });

  it('closes cleanly: the port stops answering and the index is released', async () => {
    const { url, services } = server!;
    await server!.close();
    server = undefined;
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await expect(services.index.store.tableInfo('drug')).rejects.toThrow(/LanceDB store at .* is closed/);
  });
});
