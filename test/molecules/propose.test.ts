import { beforeAll, describe, expect, it } from 'vitest';
import type { ProposalResponse, ValidCandidateOutput } from '../../src/molecules/proposal-schema.js';
import { proposalResponseSchema } from '../../src/molecules/proposal-schema.js';
import { combinedScore, scoringWeightsSchema } from '../../src/molecules/scoring-weights.js';
import { sequenceFor } from '../retrieval/retrieval-world.js';
import { useMoleculeWorld, validOf, DRUGS } from './molecule-world.js';
import { rejection } from '../helpers/expect-app-error.js';

const fixture = useMoleculeWorld('fake');

/** A small, fast search: 8 × 2 generations. */
const small = { n: 6, generations: 2, population: 8 } as const;

const withoutTimings = (response: ProposalResponse) => ({
  ...response,
  stats: { ...response.stats, timingsMs: null },
});

describe('target resolution', () => {
  it('resolves a gene symbol, a UniProt accession, an entity id and an entity name to the same protein', async () => {
    const requests = [
      { gene: 'ABL1' },
      { uniprot: 'P00519' },
      { entity: { type: 'gene/protein', id: '25' } },
      { entity: 'abl1' },
    ];
    const responses = await Promise.all(
      requests.map((target) => fixture.proposer.propose({ target, generations: 0, seedCount: 4 })),
    );
    expect(responses.map((response) => [response.target.kind, response.target.label])).toEqual([
      ['gene', 'ABL1 (gene/protein 25)'],
      ['uniprot', 'ABL1 (gene/protein 25)'],
      ['entity', 'ABL1 (gene/protein 25)'],
      ['entity', 'ABL1 (gene/protein 25)'],
    ]);
    expect(responses[1]!.target.entity).toEqual({
      type: 'gene/protein',
      id: '25',
      name: 'ABL1',
      matched: 'P00519',
    });
    for (const response of responses) {
      expect(response.target.knownBinders).toBe(3);
      expect(response.seeds).toEqual(responses[0]!.seeds);
    }
  });

  it('encodes a sequence: same seeds as the KG protein with that sequence, but no known binders', async () => {
    const byName = await fixture.proposer.propose({ target: { gene: 'ABL1' }, generations: 0 });
    const bySequence = await fixture.proposer.propose({
      target: { sequence: sequenceFor(10) },
      generations: 0,
    });
    expect(bySequence.target).toEqual({
      kind: 'sequence',
      label: 'a protein of 60 residues given by its sequence',
      sequenceLength: 60,
      knownBinders: 0,
    });
    expect(bySequence.seeds.map((seed) => seed.id)).toEqual(byName.seeds.map((seed) => seed.id));
    expect(bySequence.seeds.every((seed) => !seed.knownBinder)).toBe(true);
  });

  it('answers NOT_FOUND with suggestions for an unknown target', async () => {
    const error = await rejection(
      fixture.proposer.propose({ target: { gene: 'ABL11' } }, { fieldPrefix: 'body.' }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('no entity named "ABL11" of type gene/protein');
    expect(error.details).toMatchObject({
      field: 'body.target.gene',
      suggestions: [expect.objectContaining({ name: 'ABL1' })],
    });
  });

  it('answers UNPROCESSABLE for a sequence the encoder rejects and for a protein without a sequence', async () => {
    const bad = await rejection(fixture.proposer.propose({ target: { sequence: 'MKT1LL' } }));
    expect(bad.code).toBe('UNPROCESSABLE');
    expect(bad.details).toMatchObject({ field: 'target.sequence' });
    const noSequence = await rejection(fixture.proposer.propose({ target: { gene: 'TP53' } }));
    expect(noSequence.code).toBe('UNPROCESSABLE');
    expect(noSequence.message).toContain('TP53 (gene/protein 7157) has no encoded sequence in this index');
  });

  it('refuses non-protein entities and malformed requests with BAD_REQUEST', async () => {
    const drug = await rejection(
      fixture.proposer.propose({ target: { entity: { type: 'drug', id: 'DB00619' } } }),
    );
    expect(drug.code).toBe('BAD_REQUEST');
    expect(drug.message).toContain('molecules are designed for gene/protein targets, not "drug"');
    const two = await rejection(fixture.proposer.propose({ target: { gene: 'ABL1', uniprot: 'P00519' } }));
    expect(two.code).toBe('BAD_REQUEST');
    expect(two.message).toContain(
      'give exactly one of sequence, gene, uniprot, entity (got gene and uniprot)',
    );
  });

  it('answers UNAVAILABLE without a bridge, and for useLlm: true without an LLM', async () => {
    const noBridge = await rejection(
      fixture.world.proposer({ bridge: undefined }).propose({ target: { gene: 'ABL1' } }),
    );
    expect(noBridge.code).toBe('UNAVAILABLE');
    expect(noBridge.message).toContain('no trained bridge is loaded');
    const noLlm = await rejection(fixture.proposer.propose({ target: { gene: 'ABL1' }, useLlm: true }));
    expect(noLlm.code).toBe('UNAVAILABLE');
    expect(noLlm.message).toContain('useLlm: no LLM is configured');
  });
});

describe('seeds', () => {
  it('are the drugs nearest to the bridged target, best first, with known KG binders marked', async () => {
    const response = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      generations: 0,
      seedCount: 50,
      seedRanking: 'bridge',
    });
    const withSmiles = DRUGS.filter((drug) => drug[3] !== null).length;
    expect(response.seeds).toHaveLength(withSmiles);
    const similarities = response.seeds.map((seed) => seed.similarity);
    expect(similarities).toEqual([...similarities].sort((left, right) => right - left));
    expect(
      response.seeds
        .filter((seed) => seed.knownBinder)
        .map((seed) => seed.name)
        .sort(),
    ).toEqual(['Dasatinib', 'Imatinib', 'Nilotinib']);
    // The store's similarity is the bridge's cosine between the query and the drug's projection.
    const check = await fixture.world.proposer().propose({
      target: { gene: 'ABL1' },
      generations: 0,
      seedCount: 1,
      seedRanking: 'bridge',
    });
    expect(check.seeds[0]).toEqual(response.seeds[0]);
    expect(response.candidates).toEqual([]);
  });

  it("are by default the service's fused protein → drug ranking, excluded drugs removed after ranking", async () => {
    const hidden = ['DB00619', 'DB04868'];
    const response = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      generations: 0,
      seedCount: 4,
      excludeDrugs: hidden,
    });
    const fused = await fixture.world.retriever.retrieve({
      entity: { type: 'gene/protein', id: '25' },
      targetTypes: ['drug'],
      relations: ['target'],
      method: 'fused',
      includeKnown: false,
      k: 200,
    });
    const expected = fused.results
      .filter(
        (hit) => !hidden.includes(hit.id) && DRUGS.some((drug) => drug[1] === hit.id && drug[3] !== null),
      )
      .slice(0, 4);
    expect(response.seeds.map((seed) => seed.id)).toEqual(expected.map((hit) => hit.id));
    expect(response.seeds.some((seed) => hidden.includes(seed.id))).toBe(false);
    for (const seed of response.seeds)
      expect(seed.knownBinder).toBe(['DB00619', 'DB04868', 'DB01254'].includes(seed.id));
    // The response still reports each seed's bridge cosine.
    const bridged = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      generations: 0,
      seedCount: 50,
      seedRanking: 'bridge',
    });
    for (const seed of response.seeds)
      expect(seed.similarity).toBeCloseTo(bridged.seeds.find((each) => each.id === seed.id)!.similarity, 5);
  });

  it('leave out excluded drugs everywhere: seeds, nearest known drugs and counts', async () => {
    const hidden = ['DB00619', 'DB04868', 'DB01254'];
    const response = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      ...small,
      seedCount: 50,
      excludeDrugs: hidden,
    });
    expect(response.seeds.map((seed) => seed.id)).not.toContain('DB00619');
    expect(response.seeds).toHaveLength(5);
    expect(response.seeds.every((seed) => !seed.knownBinder)).toBe(true);
    expect(response.settings.excludedDrugs).toBe(3);
    for (const candidate of validOf(response)) expect(hidden).not.toContain(candidate.nearestKnownDrug?.id);
    const unknown = await rejection(
      fixture.proposer.propose({ target: { gene: 'ABL1' }, excludeDrugs: ['DB00000'] }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.details).toMatchObject({ field: 'excludeDrugs[0]' });
  });

  it('fails with UNPROCESSABLE when every drug is excluded', async () => {
    const all = DRUGS.map((drug) => drug[1]);
    const error = await rejection(fixture.proposer.propose({ target: { gene: 'ABL1' }, excludeDrugs: all }));
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toContain('no seed drug is left for ABL1');
  });
});

describe('generation, validation, scoring and ranking', () => {
  let response: ProposalResponse;
  beforeAll(async () => {
    response = await fixture.proposer.propose({ target: { gene: 'ABL1' }, ...small, seed: 3 });
  });

  it('returns a response that matches the documented schema', () => {
    const parsed = proposalResponseSchema.safeParse(response);
    expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    expect(response.settings).toMatchObject({
      n: 6,
      seed: 3,
      generations: 2,
      population: 8,
      guidance: 'bridge',
      useLlm: false,
    });
    expect(response.stats.llm).toEqual({ status: 'not-configured', proposed: 0, valid: 0 });
  });

  it('returns canonical, unique, new molecules from the genetic algorithm with their lineage', async () => {
    const valid = validOf(response);
    expect(valid).toHaveLength(6);
    expect(valid.map((candidate) => candidate.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const seedSmiles = new Set(
      response.seeds.map((seed) => {
        const parsed = fixture.world.toolkit.parse(seed.smiles);
        return parsed.ok ? parsed.value.largestFragment : seed.smiles;
      }),
    );
    expect(new Set(valid.map((candidate) => candidate.smiles)).size).toBe(6);
    for (const candidate of valid) {
      const canonical = fixture.world.toolkit.canonicalize(candidate.smiles);
      expect(canonical.ok && canonical.value).toBe(candidate.smiles);
      expect(seedSmiles.has(candidate.smiles)).toBe(false);
      const { provenance } = candidate;
      expect(provenance.source).toBe('genetic-algorithm');
      expect(provenance.generation).toBeGreaterThanOrEqual(1);
      expect(provenance.generation).toBeLessThanOrEqual(2);
      expect(provenance.operations.at(-1)).toBe(provenance.operation);
      expect(provenance.operation).toMatch(/^(crossover|mutation:[a-z-]+)$/);
      expect(provenance.parents.length).toBeGreaterThanOrEqual(1);
      for (const parent of provenance.parents) expect(parent.smiles).not.toBe('');
      expect(response.seeds.map((seed) => seed.id)).toContain(provenance.seed?.id);
      expect(provenance.seed?.kind).toBe('drug');
    }
  });

  it('counts what happened at every step', () => {
    const { stats } = response;
    expect(stats.generated).toBe(stats.valid + stats.invalid);
    expect(stats.generated).toBe(stats.geneticAlgorithm.generated);
    expect(Object.values(stats.invalidReasons).reduce((sum, count) => sum + count, 0)).toBe(stats.invalid);
    expect(stats.unique).toBe(stats.geneticAlgorithm.unique + stats.geneticAlgorithm.filtered);
    expect(stats.passedFilters).toBe(stats.geneticAlgorithm.unique);
    expect(stats.returned).toBe(6);
    expect(stats.passedFilters).toBeGreaterThanOrEqual(stats.returned);
    expect(stats.generationsCompleted).toBe(2);
    expect(stats.stoppedEarly).toBe(false);
    const failures = Object.values(stats.filterFailures).reduce((sum, count) => sum + count, 0);
    expect(failures).toBeGreaterThanOrEqual(stats.geneticAlgorithm.filtered);
    expect(stats.timingsMs.total).toBeGreaterThan(0);
    expect(stats.timingsMs.search).toBeGreaterThan(0);
    expect(stats.timingsMs.total).toBeGreaterThanOrEqual(stats.timingsMs.search);
  });

  it('scores with the documented formula and ranks by the combined score', () => {
    const weights = scoringWeightsSchema.parse({});
    const valid = validOf(response);
    for (const candidate of valid) {
      const { scores } = candidate;
      expect(scores.combined).toBeCloseTo(combinedScore(scores, weights), 12);
      expect(scores.novelty).toBeCloseTo(1 - scores.maxSimilarityToKnownDrugs, 12);
      expect(scores.alerts).toBe(candidate.alerts.length);
      expect(scores.bridge).toBeGreaterThanOrEqual(-1);
      expect(scores.bridge).toBeLessThanOrEqual(1);
      expect(scores.qed).toBeGreaterThan(0);
      expect(candidate.nearestKnownDrug?.similarity).toBeCloseTo(scores.maxSimilarityToKnownDrugs, 12);
      expect(candidate.nearestSeed?.similarity).toBeCloseTo(scores.maxSimilarityToSeeds, 12);
    }
    const combined = valid.map((candidate) => candidate.scores.combined);
    expect(combined).toEqual([...combined].sort((left, right) => right - left));
  });

  it('depicts every candidate as SVG and never repeats a scaffold while others remain', () => {
    const valid = validOf(response);
    for (const candidate of valid) expect(candidate.svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    expect(new Set(valid.map((candidate) => candidate.scaffold)).size).toBe(valid.length);
  });

  it('applies the request filters and reports why molecules failed', async () => {
    const light = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      ...small,
      seed: 3,
      filters: { molecularWeight: { max: 300 } },
    });
    const valid = validOf(light);
    expect(valid.length).toBeGreaterThan(0);
    for (const candidate of valid) expect(candidate.properties.molecularWeight).toBeLessThanOrEqual(300);
    expect(light.stats.filterFailures['molecularWeight']).toBeGreaterThan(
      response.stats.filterFailures['molecularWeight'] ?? 0,
    );
    const impossible = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      ...small,
      seed: 3,
      filters: { minQed: 0.99 },
    });
    expect(validOf(impossible)).toEqual([]);
    expect(impossible.stats.passedFilters).toBe(0);
    expect(impossible.stats.filterFailures['qed']).toBeGreaterThan(0);
  });

  it('weights decide the ranking: QED alone ranks by QED', async () => {
    const byQed = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      ...small,
      seed: 3,
      weights: { bridge: 0, binderSimilarity: 0, qed: 1, synthesizability: 0, novelty: 0, alertPenalty: 0 },
    });
    const valid = validOf(byQed);
    for (const candidate of valid) expect(candidate.scores.combined).toBeCloseTo(candidate.scores.qed, 12);
    const qed = valid.map((candidate) => candidate.scores.qed);
    expect(qed).toEqual([...qed].sort((left, right) => right - left));
    expect(valid.map((candidate) => candidate.smiles)).not.toEqual(
      validOf(response).map((candidate) => candidate.smiles),
    );
  });

  it('analogue slots return the best one-edit analogue of as many distinct seeds, bred several per seed', async () => {
    const request = { target: { gene: 'ABL1' }, ...small, seed: 3, analoguesPerSeed: 3 } as const;
    const analogues = await fixture.proposer.propose({ ...request, analogueSlots: 4 });
    const plain = await fixture.proposer.propose({ ...request, analogueSlots: 0 });
    const seedIds = new Set(analogues.seeds.map((seed) => seed.id));
    const isSeedAnalogue = (candidate: ValidCandidateOutput) =>
      candidate.provenance.generation === 1 &&
      candidate.provenance.operations.length === 1 &&
      seedIds.has(candidate.provenance.seed?.id ?? '');
    const reserved = validOf(analogues).filter(isSeedAnalogue);
    expect(reserved.length).toBeGreaterThanOrEqual(4);
    expect(new Set(reserved.map((candidate) => candidate.provenance.seed?.id)).size).toBeGreaterThanOrEqual(
      4,
    );
    // One mutation of the seed itself: its only parent is the seed.
    for (const candidate of reserved)
      expect(candidate.provenance.parents.map((parent) => parent.id)).toEqual([
        `seed:${candidate.provenance.seed!.id}`,
      ]);
    // Without reserved slots, fewer of the picks are one-edit seed analogues here.
    expect(validOf(plain).filter(isSeedAnalogue).length).toBeLessThanOrEqual(reserved.length);
    // Still ranked by the combined score, and the same search breeds the same pool either way.
    const combined = validOf(analogues).map((candidate) => candidate.scores.combined);
    expect(combined).toEqual([...combined].sort((left, right) => right - left));
    expect(analogues.stats.generated).toBe(plain.stats.generated);
    // Three analogues per seed in the exploit generation: more first-generation molecules than seeds.
    expect(analogues.stats.geneticAlgorithm.unique).toBeGreaterThan(response.stats.geneticAlgorithm.unique);
  });

  it('is deterministic for a seed, and another seed gives other molecules', async () => {
    const again = await fixture.proposer.propose({ target: { gene: 'ABL1' }, ...small, seed: 3 });
    expect(withoutTimings(again)).toEqual(withoutTimings(response));
    const other = await fixture.proposer.propose({ target: { gene: 'ABL1' }, ...small, seed: 4 });
    expect(validOf(other).map((candidate) => candidate.smiles)).not.toEqual(
      validOf(response).map((candidate) => candidate.smiles),
    );
  });

  it('the random control runs the same search with random fitness and ranking', async () => {
    const control = await fixture.proposer.propose(
      { target: { gene: 'ABL1' }, ...small, seed: 3 },
      { guidance: 'random' },
    );
    expect(control.settings.guidance).toBe('random');
    expect(control.seeds).toEqual(response.seeds);
    expect(validOf(control).length).toBeGreaterThan(0);
    expect(validOf(control).map((candidate) => candidate.smiles)).not.toEqual(
      validOf(response).map((candidate) => candidate.smiles),
    );
  });
});

describe('time budget and cancellation', () => {
  it('stops breeding when the time budget is spent and returns what it has', async () => {
    const response = await fixture.proposer.propose({
      target: { gene: 'ABL1' },
      n: 3,
      population: 8,
      generations: 100,
      timeBudgetMs: 300,
    });
    expect(response.stats.stoppedEarly).toBe(true);
    expect(response.stats.generationsCompleted).toBeLessThan(100);
  });

  it('rejects with the abort reason when the request is cancelled', async () => {
    const controller = new AbortController();
    const pending = fixture.proposer.propose(
      { target: { gene: 'ABL1' }, population: 8, generations: 100 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    await expect(pending).rejects.toThrow('client went away');
  });
});
