import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FUSION_WEIGHTS, type FusionModel } from '../../src/retrieval/fusion.js';
import { buildLigandFingerprints, readLigandFingerprints } from '../../src/retrieval/ligand-fingerprints.js';
import type { RetrievalRequestInput } from '../../src/retrieval/retrieval-request.js';
import { useTemporaryDirectories } from '../helpers/temporary-directories.js';
import { buildRetrievalWorld, type RetrievalWorld } from './retrieval-world.js';

let world: RetrievalWorld;
beforeAll(async () => {
  world = await buildRetrievalWorld();
});

// Imatinib with the N-methylpiperazine swapped for morpholine: a new molecule close to Imatinib.
const IMATINIB_ANALOGUE = 'Cc1ccc(NC(=O)c2ccc(CN3CCOCC3)cc2)cc1Nc1nccc(-c2cccnc2)n1';
/** The drug → protein `target` queries of these tests, for the analogue and for Imatinib itself. */
const ANALOGUE_TARGETS = {
  smiles: IMATINIB_ANALOGUE,
  targetTypes: ['gene/protein'],
  relations: ['target'],
} satisfies RetrievalRequestInput;
const IMATINIB_TARGETS = {
  entity: 'Imatinib',
  targetTypes: ['gene/protein'],
  relations: ['target'],
} satisfies RetrievalRequestInput;

function fusionModel(weights: {
  bridge: number;
  transfer: number;
  prior: number;
  ligand?: number;
}): FusionModel {
  const summary = { queries: 10, mrr: 0.5, hitsAt10: 0.8 };
  return {
    format: 'biobridge-fusion',
    formatVersion: 1,
    createdAt: '2026-12-07T00:00:00Z',
    split: 'unseen-drug',
    bridgeId: null,
    neighbours: 20,
    tasks: [
      {
        headType: 'drug',
        relation: 'target',
        tailType: 'gene/protein',
        weights,
        validation: { fused: summary, bridge: null, transfer: summary, prior: summary },
      },
    ],
  };
}

describe('retrieval methods', () => {
  const temporaryDirectory = useTemporaryDirectories('biobridge-ligands-');
  /** Ligand fingerprints of the world's drugs, built into a fresh index directory and read back. */
  async function indexedLigands() {
    const directory = await temporaryDirectory();
    const built = await buildLigandFingerprints(directory, world.store);
    return { built, ligands: await readLigandFingerprints(directory) };
  }

  it('ligand similarity: fingerprints stored in the index vote in the fused ranking, with the voters named', async () => {
    const { built, ligands } = await indexedLigands();
    expect(built.molecules).toBeGreaterThan(1);
    const retriever = world.retrieverWith({
      bridge: undefined,
      fusion: fusionModel({ bridge: 0, transfer: 0, prior: 0.003, ligand: 1 }),
      ligands,
    });
    const response = await retriever.retrieve({ ...ANALOGUE_TARGETS, k: 4 });
    expect(response.query.method).toBe('fused');
    const top = response.results.slice(0, 2);
    expect(top.map((result) => result.name).sort()).toEqual(['ABL1', 'KIT']);
    expect(top[0]!.scores.ligand).toBe(1);
    expect(top[0]!.scores.fused).toBeCloseTo(1 + 0.003 * top[0]!.scores.prior!, 5);
    expect(top[0]!.explanation.kind).toBe('transfer');
    if (top[0]!.explanation.kind === 'transfer')
      expect(top[0]!.explanation.voters[0]).toMatchObject({ name: 'Imatinib' });
    // a KG drug never votes for itself
    const own = await retriever.retrieve({ ...IMATINIB_TARGETS, k: 4 });
    for (const result of own.results)
      if (result.explanation.kind === 'transfer')
        expect(result.explanation.voters.map((voter) => voter.name)).not.toContain('Imatinib');
  });

  it('transfer: a new molecule gets the targets of the most similar KG drugs, who are named as voters', async () => {
    const response = await world.retrieverWithoutBridge.retrieve({
      ...ANALOGUE_TARGETS,
      method: 'transfer',
      k: 5,
    });
    expect(response.query.method).toBe('transfer');
    expect(response.query.predictions).toEqual({ available: true });
    // Imatinib's targets (ABL1, KIT) outvote Aspirin's (PTGS1, PTGS2): the analogue is far closer to Imatinib.
    expect(
      response.results
        .slice(0, 2)
        .map((result) => result.name)
        .sort(),
    ).toEqual(['ABL1', 'KIT']);
    const top = response.results[0]!;
    expect(top).toMatchObject({ source: 'transfer', known: false, score: 1 });
    expect(top.scores).toMatchObject({ transfer: 1, bridge: null });
    expect(top.scores.prior).toBeGreaterThan(0);
    expect(top.explanation.kind).toBe('transfer');
    if (top.explanation.kind !== 'transfer') return;
    expect(top.explanation.voters[0]).toMatchObject({ id: 'DB00619', name: 'Imatinib' });
    expect(top.explanation.voters[0]!.similarity).toBeGreaterThan(0.5);
    expect(top.explanation.text).toMatch(
      /^target of a similar known entity: Imatinib \(0\.\d\d\)|^target of 2 similar known entities: Imatinib/,
    );
    // only tails somebody voted for
    expect(response.results.every((result) => (result.scores.transfer ?? 0) > 0)).toBe(true);
  });

  it('transfer never lets an entity vote for itself; its KG facts are explained by their edge', async () => {
    const response = await world.retrieverWithoutBridge.retrieve({
      ...IMATINIB_TARGETS,
      method: 'transfer',
      k: 5,
    });
    for (const result of response.results) {
      if (result.explanation.kind === 'transfer')
        expect(result.explanation.voters.map((voter) => voter.name)).not.toContain('Imatinib');
    }
    const known = response.results.filter((result) => result.known);
    expect(known.map((result) => result.name).sort()).toEqual(['ABL1', 'KIT']);
    for (const result of known) {
      expect(result.explanation).toMatchObject({ kind: 'kg', relation: 'target' });
      expect(result.explanation.text).toBe(`KG edge: Imatinib —target→ ${result.name}`);
    }
  });

  it('fused is the default with a fusion model, and reports every component', async () => {
    const fused = world.retrieverWith({
      bridge: world.bridge,
      fusion: fusionModel({ bridge: 0.1, transfer: 1, prior: 0.03 }),
    });
    const response = await fused.retrieve({ ...ANALOGUE_TARGETS, k: 4 });
    expect(response.query.method).toBe('fused');
    for (const result of response.results) {
      expect(result.source).toBe('fused');
      const { bridge, transfer, prior, fused: score } = result.scores;
      expect(bridge).not.toBeNull();
      expect(score).toBeCloseTo(1 * transfer! + 0.03 * prior! + 0.1 * bridge!, 5);
      expect(result.score).toBe(score);
    }
    expect(response.results.map((result) => result.score)).toEqual(
      [...response.results.map((result) => result.score)].sort((left, right) => right! - left!),
    );
    expect(response.query.fusion).toEqual([
      {
        relation: 'target',
        tailType: 'gene/protein',
        source: 'fitted',
        weights: { bridge: 0.1, transfer: 1, prior: 0.03 },
      },
    ]);
    // `method: bridge` still gives the bridge alone
    const plain = await world.retriever.retrieve({
      smiles: IMATINIB_ANALOGUE,
      targetTypes: ['gene/protein'],
      method: 'bridge',
      k: 2,
    });
    expect(plain.query.method).toBe('bridge');
    expect(plain.query.fusion).toBeUndefined();
    expect(plain.results[0]!.explanation.kind).toBe('bridge');
    expect(plain.results[0]!.scores.bridge).toBe(plain.results[0]!.score);
  });

  it('without fusion.json, fused is still the default, with the documented default weights', async () => {
    const response = await world.retriever.retrieve({ ...ANALOGUE_TARGETS, k: 2 });
    expect(response.query.method).toBe('fused');
    expect(response.query.fusion).toEqual([
      {
        relation: 'target',
        tailType: 'gene/protein',
        source: 'default',
        weights: DEFAULT_FUSION_WEIGHTS.transfer,
      },
    ]);
    expect(response.results[0]!.source).toBe('fused');
    expect(['ABL1', 'KIT']).toContain(response.results[0]!.name);
  });

  it('an index with ligand fingerprints but no fusion.json answers a SMILES by ligand similarity', async () => {
    const { ligands } = await indexedLigands();
    const withoutFit = world.retrieverWith({ bridge: undefined, fusion: undefined, ligands });
    const response = await withoutFit.retrieve({ ...ANALOGUE_TARGETS, k: 4 });
    expect(response.query.method).toBe('fused');
    // no trained bridge: the default's bridge weight is 0
    expect(response.query.fusion).toEqual([
      {
        relation: 'target',
        tailType: 'gene/protein',
        source: 'default',
        weights: { ...DEFAULT_FUSION_WEIGHTS.drugToProteinWithLigands, bridge: 0 },
      },
    ]);
    const top = response.results.slice(0, 2);
    expect(top.map((result) => result.name).sort()).toEqual(['ABL1', 'KIT']);
    expect(top[0]!.scores.ligand).toBe(1);
    expect(top[0]!.scores.bridge).toBeNull();
  });

  it('fused without a bridge ranks by transfer and prior instead of failing', async () => {
    const response = await world.retrieverWithoutBridge.retrieve({
      ...ANALOGUE_TARGETS,
      method: 'fused',
      k: 3,
    });
    expect(response.results[0]!.scores.bridge).toBeNull();
    expect(['ABL1', 'KIT']).toContain(response.results[0]!.name);
  });

  it('the bridge method still needs a bridge', async () => {
    await expect(
      world.retrieverWithoutBridge.retrieve({ smiles: IMATINIB_ANALOGUE, method: 'bridge' }),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
