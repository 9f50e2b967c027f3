import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InvalidCandidateOutput, ProposalResponse } from '../../src/molecules/proposal-schema.js';
import { proposalResponseSchema } from '../../src/molecules/proposal-schema.js';
import type { ProposerSettings } from '../../src/molecules/propose.js';
import { fakeServerLlm } from '../helpers/fake-server-llm.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { buildMoleculeWorld, type MoleculeWorld } from './molecule-world.js';

let world: MoleculeWorld;
let server: FakeOpenAiServer;
beforeAll(async () => {
  world = await buildMoleculeWorld('fake');
  server = await startFakeOpenAiServer({ models: ['test-model'] });
});
afterAll(async () => {
  await server?.close();
  world?.toolkit.dispose();
});
beforeEach(() => {
  server.requests.length = 0;
});

function proposerWithLlm(settings: ProposerSettings = {}) {
  return world.proposer({ llm: fakeServerLlm(server, { model: 'test-model' }), settings });
}

const imatinibMorpholine = 'Cc1ccc(NC(=O)c2ccc(CN3CCOCC3)cc2)cc1Nc1nccc(-c2cccnc2)n1';

/** Prose around a fenced array holding good, broken, duplicate, seed-copy, salt and junk entries. */
const messyReply = [
  'Sure! Based on the seeds, here are some ideas:',
  '```json',
  JSON.stringify([
    { smiles: imatinibMorpholine, seed: 1, rationale: 'morpholine for the methylpiperazine' },
    { smiles: 'OC1=CC=C(NC(C)=O)C=C1', rationale: 'paracetamol, Kekulé form' },
    { smiles: imatinibMorpholine, rationale: 'repeated' },
    { smiles: 'CC(=O)Nc1ccc(O)cc1', rationale: 'paracetamol again, aromatic form' },
    { smiles: 'OC(=O)c1ccccc1OC(C)=O', rationale: 'aspirin, a seed' },
    { smiles: 'C1CC(', rationale: 'broken' },
    { smiles: 'CCN(CC)CC.Cl', rationale: 'a salt' },
    { smiles: '*c1ccccc1', rationale: 'an R-group' },
    { name: 'forgot the SMILES' },
  ]),
  '```',
  'Let me know if you need more.',
].join('\n');

/** Every filter off, so that all LLM molecules are ranked. */
const noFilters = {
  molecularWeight: {},
  cLogP: {},
  tpsa: {},
  hbd: {},
  hba: {},
  rotatableBonds: {},
  maxAlerts: 100,
};

const invalidOf = (response: ProposalResponse): InvalidCandidateOutput[] =>
  response.candidates.flatMap((candidate) => (candidate.valid ? [] : [candidate]));

describe('LLM proposals through an OpenAI-compatible server', () => {
  it('validates messy output: invalid ones are echoed with reasons, duplicates and seed copies counted', async () => {
    server.setReplies(messyReply);
    const response = await proposerWithLlm().propose({
      target: { gene: 'ABL1' },
      n: 100,
      generations: 0,
      llmProposals: 5,
      filters: noFilters,
    });
    expect(proposalResponseSchema.safeParse(response).success).toBe(true);
    const { stats } = response;
    expect(stats.llm).toEqual({
      status: 'used',
      model: 'test-model',
      format: 'json',
      proposed: 9,
      valid: 6,
      usage: expect.objectContaining({ promptTokens: expect.any(Number) }),
    });
    expect(stats).toMatchObject({
      generated: 9,
      valid: 6,
      invalid: 3,
      invalidReasons: { 'invalid-smiles': 1, 'dummy-atoms': 1, 'no-smiles': 1 },
      invalidEchoed: 3,
      duplicates: 3,
      seedCopies: 1,
      unique: 3,
      passedFilters: 3,
      returned: 3,
    });
    // The LLM's valid molecules seed the genetic algorithm too.
    expect(stats.geneticAlgorithm.evaluations).toBe(response.seeds.length + 3);

    const valid = response.candidates.flatMap((candidate) => (candidate.valid ? [candidate] : []));
    expect(valid.map((candidate) => candidate.smiles).sort()).toEqual(
      [imatinibMorpholine, 'CC(=O)Nc1ccc(O)cc1', 'CCN(CC)CC'].sort(),
    );
    const analogue = valid.find((candidate) => candidate.smiles === imatinibMorpholine)!;
    expect(analogue.provenance).toEqual({
      source: 'llm',
      operation: 'llm',
      operations: ['llm'],
      generation: null,
      seed: {
        kind: 'drug',
        id: response.seeds[0]!.id,
        name: response.seeds[0]!.name,
        smiles: response.seeds[0]!.smiles,
      },
      parents: [{ id: `seed:${response.seeds[0]!.id}`, smiles: response.seeds[0]!.smiles }],
      rationale: 'morpholine for the methylpiperazine',
    });
    expect(analogue.nearestKnownDrug).toMatchObject({ name: 'Imatinib', knownBinder: true });
    expect(analogue.svg).toContain('<svg');

    const invalid = invalidOf(response);
    expect(invalid.map((candidate) => [candidate.smiles, candidate.reasonCode])).toEqual([
      ['C1CC(', 'invalid-smiles'],
      ['*c1ccccc1', 'dummy-atoms'],
      ['{"name":"forgot the SMILES"}', 'no-smiles'],
    ]);
    expect(invalid[0]!.reason).toMatch(/parse|parenthes|ring/i);
    expect(invalid.every((candidate) => candidate.svg === null && candidate.scores === null)).toBe(true);
    expect(invalid[0]!.provenance).toMatchObject({ source: 'llm', rationale: 'broken' });
  });

  it('sends the target and the seeds, marked with known binders, inside delimited blocks', async () => {
    server.setReplies('[]');
    await proposerWithLlm().propose({ target: { gene: 'ABL1' }, generations: 0, llmProposals: 4 });
    const [request] = server.chatRequests();
    const body = request!.body as {
      messages: { role: string; content: string }[];
      max_tokens: number;
      temperature: number;
    };
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user']);
    const user = body.messages[1]!.content;
    expect(user).toContain('<target>\nABL1 (gene/protein 25)\n</target>');
    expect(user).toMatch(/<seed n="1" name="[^"]+" similarity="-?\d\.\d{3}" known-binder="(yes|no)">/);
    expect(user.match(/known-binder="yes"/g)).toHaveLength(3);
    expect(user).toContain('exactly 4 objects');
    expect(body.max_tokens).toBe(256 + 4 * 120);
    expect(body.temperature).toBe(0.7);
  });

  it('prose without molecules counts nothing and the genetic algorithm still answers', async () => {
    server.setReplies('I am sorry, I cannot propose molecules for this target.');
    const response = await proposerWithLlm().propose({
      target: { gene: 'ABL1' },
      n: 3,
      generations: 1,
      population: 8,
    });
    expect(response.stats.llm).toMatchObject({ status: 'used', format: 'none', proposed: 0, valid: 0 });
    expect(response.candidates.filter((candidate) => candidate.valid).length).toBeGreaterThan(0);
    expect(invalidOf(response)).toEqual([]);
  });

  it('an LLM failure or timeout is reported, not thrown', async () => {
    server.setReplies({ kind: 'error', status: 500, message: 'upstream exploded' });
    const failed = await proposerWithLlm().propose({
      target: { gene: 'ABL1' },
      n: 3,
      generations: 1,
      population: 8,
    });
    expect(failed.stats.llm.status).toBe('failed');
    expect(failed.stats.llm.reason).toMatch(/^LLM request failed: /);
    expect(failed.candidates.filter((candidate) => candidate.valid).length).toBeGreaterThan(0);

    server.setReplies({ kind: 'text', text: '[]', delayMs: 3_000 });
    const slow = await proposerWithLlm({ llmTimeoutMs: 200 }).propose({
      target: { gene: 'ABL1' },
      generations: 0,
    });
    expect(slow.stats.llm).toMatchObject({ status: 'failed', reason: 'LLM timed out after 200 ms' });
  });

  it('caps the invalid candidates echoed but counts them all; useLlm: false skips the LLM', async () => {
    server.setReplies(messyReply);
    const capped = await proposerWithLlm({ maxInvalidEchoed: 1 }).propose({
      target: { gene: 'ABL1' },
      generations: 0,
    });
    expect(capped.stats.invalid).toBe(3);
    expect(capped.stats.invalidEchoed).toBe(1);
    expect(invalidOf(capped)).toHaveLength(1);

    server.requests.length = 0;
    const skipped = await proposerWithLlm().propose({
      target: { gene: 'ABL1' },
      generations: 0,
      useLlm: false,
    });
    expect(skipped.stats.llm).toEqual({ status: 'not-requested', proposed: 0, valid: 0 });
    expect(server.chatRequests()).toHaveLength(0);
  });
});
