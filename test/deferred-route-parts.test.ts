import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/index.js';
import { loadedValueOf } from '../src/deferred-parts.js';
import { createServices, type Services } from '../src/services.js';
import { createLoadQueue } from '../src/util/load-queue.js';
import { createMemoryLogger } from '../src/util/logger.js';
import { jsonOf, postJson } from './http/test-app.js';
import { buildTinyIndex } from './indexing/tiny-index.js';
import { createTemporaryDirectory } from './kg/csv-test-helpers.js';

// The QA agent's module is imported on first use (after `serve` listens); make building it fail.
vi.mock('../src/agents/qa/qa-agent.js', () => ({
  createQaAgent: () => {
    throw new Error('qa agent exploded');
  },
}));

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
let indexDirectory: string;
const open: Services[] = [];
const configFor = (index: string) =>
  loadConfig({ BIOBRIDGE_INDEX: index, PORT: '0', OPENAI_API_KEY: 'unused' });

beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-route-parts-');
  ({ indexDirectory } = await buildTinyIndex(root.path));
});
afterAll(async () => {
  for (const services of open) await services.close();
  await root?.cleanup();
});

describe('route parts loaded after listening (QA agent, RDKit toolkit, molecule proposer)', () => {
  it('a route part that fails to build fails its routes and readiness, is logged, and does not stop start-up', async () => {
    const logger = createMemoryLogger();
    const services = await createServices(configFor(indexDirectory), logger, { deferLoading: true });
    open.push(services);
    expect(services.loading.states()).toMatchObject({
      'chat agent': 'waiting',
      'rdkit toolkit': 'waiting',
      'molecule proposer': 'waiting',
    });
    const smiles = await postJson(services.app, '/v1/retrieve', {
      smiles: 'CC(=O)Oc1ccccc1C(=O)O',
      targetTypes: ['gene/protein'],
    });
    expect(smiles.status).toBe(200);
    const chat = await postJson(services.app, '/v1/chat', {
      messages: [{ role: 'user', content: 'Which proteins does Lepirudin target?' }],
    });
    expect(chat.status).toBe(500);
    expect(JSON.stringify(await jsonOf(chat))).not.toContain('exploded'); // no internals over HTTP
    expect(services.loading.states()['chat agent']).toBe('failed');
    // The other parts, started by the same request, still load.
    await vi.waitFor(() => expect(services.loading.states()['rdkit toolkit']).toBe('loaded'), {
      timeout: 30_000,
      interval: 50,
    });
    const health = await services.app.request('/health');
    expect(health.status).toBe(503);
    expect((await jsonOf(health)).checks.loading).toMatchObject({ ok: false, state: 'failed' });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ part: 'chat agent' }) }),
    );
  });

  it('without deferred loading, the failure refuses start-up as before', async () => {
    await expect(createServices(configFor(indexDirectory), createMemoryLogger())).rejects.toThrow(
      /qa agent exploded/,
    );
  });
});

describe('loadedValueOf', () => {
  it('forwards to the loaded value, methods bound, and names the part when used too early', async () => {
    const queue = createLoadQueue();
    const part = queue.add('counter', async () => {
      let count = 0;
      return {
        label: 'counter',
        increment() {
          count += 1;
          return count;
        },
      };
    });
    const counter = loadedValueOf(part);
    expect(() => counter.increment()).toThrow(/counter is not loaded yet \(waiting\)/);
    await queue.all();
    const { increment } = counter;
    expect(increment()).toBe(1);
    expect(counter.increment()).toBe(2);
    expect(counter.label).toBe('counter');
    expect('increment' in counter).toBe(true);
  });
});
