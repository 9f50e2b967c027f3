import type { Bridge, TransformInput } from '../../src/bridge/bridge.js';
import { createRdkitToolkit, type ChemToolkit } from '../../src/chem/toolkit.js';
import type { Encoder } from '../../src/encoders/encoder.js';
import { createMoleculeMorganEncoder } from '../../src/encoders/molecule-morgan.js';
import { createProteinKmerEncoder } from '../../src/encoders/protein-kmer.js';
import { EdgeListBuilder } from '../../src/kg/edge-list.js';
import { KgGraph } from '../../src/kg/graph.js';
import { NodeTableBuilder } from '../../src/kg/node-table.js';
import { Registry } from '../../src/kg/registry.js';
import type { EdgeKind } from '../../src/kg/types.js';
import type { LlmClient } from '../../src/llm/llm-client.js';
import { loadPromptLibrary, type PromptLibrary } from '../../src/llm/prompts.js';
import {
  createMoleculeProposer,
  type MoleculeProposer,
  type MoleculeProposerDependencies,
} from '../../src/molecules/propose.js';
import { createRetriever, type Retriever } from '../../src/retrieval/retriever.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createNameLookup } from '../../src/store/name-lookup.js';
import type { NodeRow, VectorStore } from '../../src/store/vector-store.js';
import type { ProposalResponse, ValidCandidateOutput } from '../../src/molecules/proposal-schema.js';
import { afterAll, beforeAll } from 'vitest';
import { createFakeBridge } from '../fakes/fake-bridge.js';
import { sequenceFor } from '../retrieval/retrieval-world.js';

/**
 * A hand-built KG for molecule design: kinase and COX targets with a few real drugs each, real
 * protein and molecule encoders (small widths), the memory store and a bridge chosen per test:
 * the fake bridge (random projections) or an oracle that maps each protein onto the molecule
 * vector of one of its drugs, so that guidance has something to find.
 */
export const PROTEINS: readonly [number, string, string, string | null][] = [
  [10, '25', 'ABL1', 'P00519'],
  [11, '3815', 'KIT', 'P10721'],
  [14, '5743', 'PTGS2', 'P35354'],
  [17, '1956', 'EGFR', 'P00533'],
  [16, '7157', 'TP53', null],
];

export const DRUGS: readonly [number, string, string, string | null][] = [
  [20, 'DB00619', 'Imatinib', 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1'],
  [21, 'DB00945', 'Aspirin', 'CC(=O)Oc1ccccc1C(=O)O'],
  [22, 'DB09999', 'Novelib', null],
  [23, 'DB04868', 'Nilotinib', 'Cc1cn(-c2cc(NC(=O)c3ccc(C)c(Nc4nccc(-c5cccnc5)n4)c3)cc(C(F)(F)F)c2)cn1'],
  [24, 'DB01254', 'Dasatinib', 'Cc1nc(Nc2ncc(C(=O)Nc3c(C)cccc3Cl)s2)cc(N2CCN(CCO)CC2)n1'],
  [25, 'DB00482', 'Celecoxib', 'Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1'],
  [26, 'DB01050', 'Ibuprofen', 'CC(C)Cc1ccc(C(C)C(=O)O)cc1'],
  [27, 'DB00317', 'Gefitinib', 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1'],
  [28, 'DB00201', 'Caffeine', 'Cn1c(=O)c2c(ncn2C)n(C)c1=O'],
];

/** drug → protein `target` edges. */
export const TARGET_EDGES: readonly [number, number][] = [
  [20, 10],
  [20, 11],
  [23, 10],
  [24, 10],
  [21, 14],
  [25, 14],
  [26, 14],
  [27, 17],
];

const KINDS: EdgeKind[] = [
  { relation: 'drug_protein', displayRelation: 'target', headType: 'drug', tailType: 'gene/protein' },
  { relation: 'drug_protein', displayRelation: 'target', headType: 'gene/protein', tailType: 'drug' },
  { relation: 'protein_protein', displayRelation: 'ppi', headType: 'gene/protein', tailType: 'gene/protein' },
];

export const DRUG_DIMENSION = 64;
export const PROTEIN_BUCKETS = 16;
export const PROTEIN_DIMENSION = 20 + 400 + PROTEIN_BUCKETS + 8;

export function buildMoleculeGraph(): KgGraph {
  const registry = Registry.default();
  const nodes = new NodeTableBuilder();
  let line = 2;
  for (const [index, id, name] of PROTEINS)
    nodes.add(index, id, registry.requireTypeId('gene/protein'), name, 'NCBI', line++);
  for (const [index, id, name] of DRUGS)
    nodes.add(index, id, registry.requireTypeId('drug'), name, 'DrugBank', line++);
  const edges = new EdgeListBuilder(64);
  for (const [drug, protein] of TARGET_EDGES) {
    edges.add(0, drug, protein);
    edges.add(1, protein, drug);
  }
  edges.add(2, 10, 11);
  edges.add(2, 11, 10);
  return new KgGraph({ registry, nodes: nodes.build(), edgeKinds: KINDS, ...edges.build() });
}

export interface MoleculeWorld {
  graph: KgGraph;
  store: VectorStore;
  retriever: Retriever;
  encoders: Map<string, Encoder>;
  encoderFor: (type: string) => Encoder | undefined;
  bridge: Bridge;
  toolkit: ChemToolkit;
  prompts: PromptLibrary;
  /** A proposer over this world; `overrides` replace dependencies (an LLM, no bridge…). */
  proposer(overrides?: Partial<MoleculeProposerDependencies>): MoleculeProposer;
}

export type BridgeKind = 'fake' | 'oracle';

/** The valid candidates of a response, in rank order. */
export const validOf = (response: ProposalResponse): ValidCandidateOutput[] =>
  response.candidates.flatMap((candidate) => (candidate.valid ? [candidate] : []));

/**
 * Builds a world before a test file's tests and disposes of its toolkit after: read `world` and
 * `proposer` (the default proposer) inside tests.
 */
export function useMoleculeWorld(bridgeKind: BridgeKind = 'fake'): {
  readonly world: MoleculeWorld;
  readonly proposer: MoleculeProposer;
} {
  const fixture: { world?: MoleculeWorld; proposer?: MoleculeProposer } = {};
  beforeAll(async () => {
    fixture.world = await buildMoleculeWorld(bridgeKind);
    fixture.proposer = fixture.world.proposer();
  });
  afterAll(() => fixture.world?.toolkit.dispose());
  return {
    get world() {
      return fixture.world!;
    },
    get proposer() {
      return fixture.proposer!;
    },
  };
}

export async function buildMoleculeWorld(bridgeKind: BridgeKind = 'fake'): Promise<MoleculeWorld> {
  const graph = buildMoleculeGraph();
  const encoders = new Map<string, Encoder>([
    ['gene/protein', createProteinKmerEncoder({ kmerBuckets: PROTEIN_BUCKETS, maxResidues: 300 })],
    ['drug', await createMoleculeMorganEncoder({ size: DRUG_DIMENSION })],
  ]);
  const encoderFor = (type: string) => encoders.get(type);
  const rawVectors = new Map<number, Float32Array>();
  for (const [index, , , uniprot] of PROTEINS) {
    if (uniprot === null) continue;
    rawVectors.set(index, await encodeOne(encoders.get('gene/protein')!, sequenceFor(index)));
  }
  for (const [index, , , smiles] of DRUGS)
    if (smiles !== null) rawVectors.set(index, await encodeOne(encoders.get('drug')!, smiles));

  const bridge =
    bridgeKind === 'fake'
      ? createFakeBridge({ types: { 'gene/protein': PROTEIN_DIMENSION, drug: DRUG_DIMENSION }, hiddenDim: 8 })
      : createOracleBridge(
          new Map([...rawVectors].filter(([index]) => PROTEINS.some((protein) => protein[0] === index))),
          // Each protein is mapped onto one of its drugs: the one a benchmark hides.
          new Map([
            [10, rawVectors.get(24)!],
            [11, rawVectors.get(20)!],
            [14, rawVectors.get(25)!],
            [17, rawVectors.get(27)!],
          ]),
        );

  const row = async (
    index: number,
    id: string,
    type: string,
    name: string,
    payloadKind: 'sequence' | 'smiles',
    payload: string | null,
  ): Promise<NodeRow> => {
    const vector = rawVectors.get(index) ?? null;
    return {
      nodeIndex: index,
      nodeId: id,
      name,
      type,
      source: type === 'drug' ? 'DrugBank' : 'NCBI',
      payloadKind,
      payload,
      vector,
      projected: vector ? await bridge.project(type, vector, 1) : null,
    };
  };
  const tables: Record<string, NodeRow[]> = { 'gene/protein': [], drug: [] };
  for (const [index, id, name, uniprot] of PROTEINS)
    tables['gene/protein']!.push(
      await row(index, id, 'gene/protein', name, 'sequence', uniprot === null ? null : sequenceFor(index)),
    );
  for (const [index, id, name, smiles] of DRUGS)
    tables['drug']!.push(await row(index, id, 'drug', name, 'smiles', smiles));
  const hidden = bridge.metadata.hiddenDim;
  const store = createMemoryStore(tables, {
    dimensions: {
      'gene/protein': { vector: PROTEIN_DIMENSION, projected: hidden },
      drug: { vector: DRUG_DIMENSION, projected: hidden },
    },
  });
  const lookup = createNameLookup(
    [
      ...PROTEINS.map(([nodeIndex, id, name, uniprot]) => ({
        nodeIndex,
        type: 'gene/protein',
        name,
        id,
        aliases: uniprot ? [uniprot] : [],
      })),
      ...DRUGS.map(([nodeIndex, id, name]) => ({ nodeIndex, type: 'drug', name, id, aliases: [] })),
    ],
    { typePriority: ['drug', 'gene/protein'] },
  );
  const retriever = createRetriever({ graph, store, lookup, encoderFor, bridge });
  const toolkit = await createRdkitToolkit();
  const prompts = await loadPromptLibrary();
  return {
    graph,
    store,
    retriever,
    encoders,
    encoderFor,
    bridge,
    toolkit,
    prompts,
    proposer: (overrides = {}) =>
      createMoleculeProposer({ retriever, encoderFor, bridge, toolkit, prompts, ...overrides }),
  };
}

async function encodeOne(encoder: Encoder, input: string): Promise<Float32Array> {
  const [outcome] = await encoder.encode([input]);
  if (!outcome?.ok) throw new Error(`fixture ${input.slice(0, 20)} does not encode`);
  return outcome.value;
}

/**
 * A bridge that knows the answer: drugs are projected as their own molecule vectors (identity),
 * and `transform` maps a protein onto the molecule vector of a chosen drug, recognised by its
 * raw protein vector. Its metadata is the fake bridge's, with a hidden size equal to the drug width.
 */
export function createOracleBridge(
  proteins: ReadonlyMap<number, Float32Array>,
  answers: ReadonlyMap<number, Float32Array>,
): Bridge {
  const base = createFakeBridge({
    types: { 'gene/protein': PROTEIN_DIMENSION, drug: DRUG_DIMENSION },
    hiddenDim: DRUG_DIMENSION,
  });
  const identify = (vector: Float32Array): Float32Array => {
    for (const [index, known] of proteins)
      if (known.length === vector.length && known.every((value, position) => value === vector[position]))
        return answers.get(index) ?? new Float32Array(DRUG_DIMENSION);
    return new Float32Array(DRUG_DIMENSION);
  };
  return {
    metadata: base.metadata,
    async project(type, vectors, rows) {
      if (type === 'drug') return Float32Array.from(vectors);
      return base.project(type, vectors, rows).then((projected) => projected.slice(0, rows * DRUG_DIMENSION));
    },
    async transform(input: TransformInput) {
      const output = new Float32Array(input.rows * DRUG_DIMENSION);
      for (let row = 0; row < input.rows; row++)
        output.set(
          identify(input.vectors.subarray(row * PROTEIN_DIMENSION, (row + 1) * PROTEIN_DIMENSION)),
          row * DRUG_DIMENSION,
        );
      return output;
    },
    dispose: async () => {},
  };
}

/** An LlmClient that answers with scripted text and records requests. */
export function createScriptedLlm(reply: string | ((call: number) => string)): LlmClient & {
  calls: Parameters<LlmClient['complete']>[0][];
} {
  const calls: Parameters<LlmClient['complete']>[0][] = [];
  return {
    model: 'scripted',
    calls,
    async complete(request) {
      calls.push(request);
      const text = typeof reply === 'string' ? reply : reply(calls.length - 1);
      return { text, usage: { promptTokens: 10, completionTokens: 20 }, finishReason: 'stop' };
    },
    // eslint-disable-next-line require-yield -- not used by the proposer
    async *stream() {
      throw new Error('not implemented');
    },
  };
}
