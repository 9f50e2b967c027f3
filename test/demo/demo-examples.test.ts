import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createServices, type Services } from '../../src/services.js';
import { noopLogger } from '../../src/util/logger.js';

/**
 * The README's quickstart promises, checked on the committed demo bundle (`indexes/demo/`), with
 * no LLM configured: what a new user gets from `npm start` on a fresh clone.
 */
const DEMO_INDEX = 'indexes/demo';
const KINASE =
  /^(EGFR|ERBB[234]|ABL[12]|KIT|PDGFR[AB]|KDR|FLT[134]|SRC|LCK|YES1|FYN|EPHA\d|ALK|MET|ROS1|JAK[123]|MAP2K[12]|RET|CSF1R|BRAF|BTK|CDK\d+|MTOR|LYN|HCK|DDR[12])$/;

let services: Services;

beforeAll(async () => {
  services = await createServices(loadConfig({ BIOBRIDGE_INDEX: DEMO_INDEX }), noopLogger);
}, 60_000);
afterAll(async () => {
  await services?.close();
});

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await services.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('the bundled demo index', () => {
  it('is committed with a trained, projected bridge', () => {
    expect(existsSync(`${DEMO_INDEX}/manifest.json`)).toBe(true);
    expect(services.bridge).toBeDefined();
    expect(services.index.manifest.bridge?.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('answers "Which proteins does imatinib target?" from evidence, citing ABL1, KIT or PDGFRA', async () => {
    const { status, json } = await post('/v1/chat', {
      messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
    });
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.mode).toBe('evidence-only');
    const evidence = json.evidence as { id: string; entity: { name: string }; kind: string }[];
    const cited = new Set(json.citations as string[]);
    const citedTargets = evidence
      .filter((item) => cited.has(item.id) && item.kind === 'kg-fact')
      .map((item) => item.entity.name);
    expect(citedTargets).toEqual(expect.arrayContaining(['ABL1', 'KIT', 'PDGFRA']));
    expect(json.answer as string).toMatch(/ABL1 \[E\d+\]/);
  });

  it('proposes valid, ranked candidate molecules for EGFR', async () => {
    const { status, json } = await post('/v1/molecules/propose', { target: { gene: 'EGFR' }, n: 5, seed: 7 });
    expect(status, JSON.stringify(json).slice(0, 500)).toBe(200);
    const candidates = json.candidates as {
      smiles: string;
      valid: boolean;
      svg?: string;
      scores: { combined: number };
    }[];
    expect(candidates.length).toBe(5);
    for (const candidate of candidates) {
      expect(candidate.valid).toBe(true);
      expect(candidate.svg).toContain('<svg');
    }
    const combined = candidates.map((candidate) => candidate.scores.combined);
    expect(combined).toEqual([...combined].sort((a, b) => b - a));
    const seeds = json.seeds as { name: string; knownBinder: boolean }[];
    expect(
      seeds.some((seed) => seed.knownBinder),
      JSON.stringify(seeds),
    ).toBe(true);
  }, 120_000);

  it('finds kinases for a kinase inhibitor that is not in the demo (dacomitinib)', async () => {
    const dacomitinib = 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1NC(=O)/C=C/CN1CCCCC1';
    expect(services.lookup.lookup('dacomitinib', { fuzzy: 'never' })).toEqual([]);
    const { status, json } = await post('/v1/retrieve', {
      smiles: dacomitinib,
      targetTypes: ['gene/protein'],
      k: 10,
    });
    expect(status, JSON.stringify(json)).toBe(200);
    const names = (json.results as { name: string }[]).map((result) => result.name);
    expect(names.filter((name) => KINASE.test(name)).length, names.join(', ')).toBeGreaterThanOrEqual(3);
  });
});
