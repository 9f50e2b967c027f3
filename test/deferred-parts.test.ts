import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { mayNeedDeferredParts } from '../src/deferred-parts.js';
import { createServices, type Services } from '../src/services.js';
import { createMemoryLogger } from '../src/util/logger.js';
import { jsonOf, postJson } from './http/test-app.js';
import { buildTinyIndex } from './indexing/tiny-index.js';
import { createTemporaryDirectory } from './kg/csv-test-helpers.js';

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let indexDirectory: string;
let eager: Services;
const open: Services[] = [];

const configFor = (index: string) =>
  loadConfig({ BIOBRIDGE_INDEX: index, PORT: '0', OPENAI_API_KEY: 'unused' });

beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-deferred-');
  ({ indexDirectory } = await buildTinyIndex(root.path));
  eager = await createServices(configFor(indexDirectory), createMemoryLogger());
  open.push(eager);
});
afterAll(async () => {
  for (const services of open) await services.close();
  await root?.cleanup();
});

/** Requests of every kind, each needing a different deferred part (or none). */
const REQUESTS: [string, unknown][] = [
  ['/v1/retrieve', { smiles: 'CC(=O)Oc1ccccc1C(=O)O', targetTypes: ['gene/protein'], relations: ['target'] }],
  ['/v1/retrieve', { entity: 'Lepirudin', targetTypes: ['gene/protein'], includePredicted: false }],
  ['/v1/retrieve', { text: 'A lung disease', targetTypes: ['effect/phenotype'] }],
  ['/v1/link', { text: 'Does Lepirudin target A1BG?' }],
  ['/v1/chat', { messages: [{ role: 'user', content: 'Which proteins does Lepirudin target?' }] }],
  // The RDKit toolkit (structural alerts) is built after listening too.
  ['/v1/depict', { smiles: 'CC(=O)Oc1ccccc1C(=O)O', highlightAlerts: true }],
];

describe('deferred loading (createServices with deferLoading)', () => {
  it('answers requests that arrive before anything has loaded, exactly as a fully loaded service', async () => {
    const deferred = await createServices(configFor(indexDirectory), createMemoryLogger(), {
      deferLoading: true,
    });
    open.push(deferred);
    // Listening now: the encoders, the name entries and the variant model have not started loading.
    expect(new Set(Object.values(deferred.loading.states()))).toEqual(new Set(['waiting']));
    const health = await jsonOf(await deferred.app.request('/health'));
    expect(health.status).toBe('ready');
    expect(health.checks.loading).toMatchObject({ ok: true, required: true, state: 'loading' });

    const early = await Promise.all(REQUESTS.map(async ([path, body]) => postJson(deferred.app, path, body)));
    const expected = await Promise.all(REQUESTS.map(async ([path, body]) => postJson(eager.app, path, body)));
    for (const [position, response] of early.entries()) {
      const [path] = REQUESTS[position]!;
      const body = await jsonOf(response);
      expect(response.status, `${path}: ${JSON.stringify(body)}`).toBe(200);
      const reference = await jsonOf(expected[position]!);
      if (path === '/v1/chat') expect(body.answer).toEqual(reference.answer);
      else expect(body).toEqual(reference);
    }
    await deferred.loading.all();
    expect(new Set(Object.values(deferred.loading.states()))).toEqual(new Set(['loaded']));
    const loaded = await jsonOf(await deferred.app.request('/health'));
    expect(loaded.checks.loading).toEqual({
      ok: true,
      required: true,
      state: 'loaded',
      detail: '10 parts loaded',
    });
  });

  it('a part that fails to load fails the requests that need it and readiness, not start-up', async () => {
    const broken = join(root.path, 'broken-index');
    await cp(indexDirectory, broken, { recursive: true });
    const encoders = join(broken, 'encoders');
    const textDirectory = (await readdir(encoders)).find((name) => name.startsWith('text-tfidf'))!;
    await writeFile(join(encoders, textDirectory, 'idf.f32'), new Uint8Array(8));
    // Loading everything first (the CLI's way) still refuses the index.
    await expect(createServices(configFor(broken), createMemoryLogger())).rejects.toThrow(
      /configHash mismatch/,
    );

    const logger = createMemoryLogger();
    const deferred = await createServices(configFor(broken), logger, { deferLoading: true });
    open.push(deferred);
    const smiles = await postJson(deferred.app, ...REQUESTS[0]!);
    expect(smiles.status).toBe(200);
    const text = await postJson(deferred.app, ...REQUESTS[2]!);
    const body = await jsonOf(text);
    expect(text.status).toBe(500);
    expect(body.error.code).toBe('INVALID_INDEX');
    await expect(deferred.loading.all()).rejects.toThrow(/configHash mismatch/);
    const health = await deferred.app.request('/health');
    expect(health.status).toBe(503);
    expect((await jsonOf(health)).checks.loading).toMatchObject({ ok: false, state: 'failed' });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ part: `encoder encoders/${textDirectory}` }),
      }),
    );
  });

  it('lets only SMILES, sequence and text queries through before the name entries and variant model load', () => {
    expect(mayNeedDeferredParts({ smiles: 'CCO' })).toBe(false);
    expect(mayNeedDeferredParts({ protein: 'MKV', targetTypes: ['variant'] })).toBe(false);
    expect(mayNeedDeferredParts({ text: 'lung disease' })).toBe(false);
    expect(mayNeedDeferredParts({ entity: 'imatinib' })).toBe(true);
    expect(mayNeedDeferredParts({ rsid: 'rs7903146' })).toBe(true);
    expect(mayNeedDeferredParts({ variant: {} })).toBe(true);
    expect(mayNeedDeferredParts('not an object')).toBe(true);
  });
});
