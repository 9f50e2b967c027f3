import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVariantModel, type VariantModel } from '../../src/encoders/variant-learned.js';
import { createVariantInputs } from '../../src/indexing/variant-inputs.js';
import { EdgeListBuilder } from '../../src/kg/edge-list.js';
import { KgGraph } from '../../src/kg/graph.js';
import { KgFacts } from '../../src/kg/kg-facts.js';
import { NodeTableBuilder } from '../../src/kg/node-table.js';
import { Registry } from '../../src/kg/registry.js';
import { geneSymbolIndex } from '../../src/indexing/gene-vectors.js';
import type { VariantFusion } from '../../src/retrieval/variant-fusion-file.js';
import { variantFusedRanking } from '../../src/retrieval/variant-signals.js';
import { createRetriever, type Retriever } from '../../src/retrieval/retriever.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createNameLookup } from '../../src/store/name-lookup.js';
import type { NodeRow } from '../../src/store/vector-store.js';
import { edgeKindsBothWays } from './edge-kinds.js';

/**
 * The tiny learned variant model (test/fixtures/variant-model, written by
 * train/fixtures/make_tiny_variant_model.py) over the same synthetic KG: variants 100–111
 * (rs1000–rs1011), even ones type 2 diabetes variants near TCF7L2/KCNJ11 on chromosome 10, odd
 * ones autoimmune variants in the HLA region on chromosome 6.
 */
export const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'variant-model');
const features = JSON.parse(readFileSync(join(FIXTURE, 'variants', 'variant-features.json'), 'utf8')) as {
  nodeIndex: number;
  rsid: string;
  mappedGene: string;
}[];
const GENES: [number, string, string][] = [
  [10, '6934', 'TCF7L2'],
  [11, '3767', 'KCNJ11'],
  [12, '3123', 'HLA-DRB1'],
  [13, '26191', 'PTPN22'],
];
const DISEASES: [number, string, string][] = [
  [30, 'DOID:9352', 'type 2 diabetes mellitus'],
  [31, 'DOID:7148', 'rheumatoid arthritis'],
  [32, 'DOID:9074', 'systemic lupus erythematosus'],
];
const PHENOTYPES: [number, string, string][] = [
  [50, 'HP:0003074', 'Hyperglycemia'],
  [51, 'HP:0001369', 'Arthritis'],
];
const diseaseOf = (node: number) => ((node - 100) % 2 === 0 ? 30 : 32);
const KINDS = edgeKindsBothWays([
  ['variant_disease', 'associated with', 'variant', 'disease'],
  ['variant_protein', 'maps to', 'variant', 'gene/protein'],
  ['disease_protein', 'associated with', 'disease', 'gene/protein'],
]);

function buildGraph(): KgGraph {
  const registry = Registry.default();
  const nodes = new NodeTableBuilder();
  let line = 2;
  for (const [index, id, name] of GENES)
    nodes.add(index, id, registry.requireTypeId('gene/protein'), name, 'NCBI', line++);
  for (const [index, id, name] of DISEASES)
    nodes.add(index, id, registry.requireTypeId('disease'), name, 'DOID', line++);
  for (const [index, id, name] of PHENOTYPES)
    nodes.add(index, id, registry.requireTypeId('effect/phenotype'), name, 'HPO', line++);
  for (const row of features)
    nodes.add(row.nodeIndex, row.rsid, registry.requireTypeId('variant'), row.rsid, 'dbSNP', line++);
  const edges = new EdgeListBuilder(64);
  const both = (kind: number, x: number, y: number) => {
    edges.add(kind, x, y);
    edges.add(kind + 1, y, x);
  };
  for (const row of features) {
    both(0, row.nodeIndex, diseaseOf(row.nodeIndex));
    both(2, row.nodeIndex, GENES.find(([, , symbol]) => symbol === row.mappedGene)![0]);
  }
  both(4, 30, 10);
  both(4, 30, 11);
  both(4, 31, 12);
  both(4, 31, 13);
  return new KgGraph({ registry, nodes: nodes.build(), edgeKinds: KINDS, ...edges.build() });
}

const genes = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')).genes as Record<
  string,
  number[]
>;

function row(
  nodeIndex: number,
  nodeId: string,
  name: string,
  type: string,
  vector: Float32Array | null,
): NodeRow {
  return { nodeIndex, nodeId, name, type, source: 'test', payloadKind: 'text', payload: `${name}.`, vector };
}

/** Retrievers over the synthetic KG with the tiny learned variant model, and one without it. */
export interface VariantWorld {
  model: VariantModel;
  graph: KgGraph;
  retriever: Retriever;
  withoutModel: Retriever;
}

/** `fusion`: a fitted variant fusion, as the service loads variant-fusion.json (the retriever ranks variant → disease with it). */
export async function buildVariantWorld(
  options: { fusion?: VariantFusion | undefined } = {},
): Promise<VariantWorld> {
  const model = await loadVariantModel(FIXTURE);
  const graph = buildGraph();
  const store = createMemoryStore({
    'gene/protein': GENES.map(([index, id, name]) =>
      row(index, id, name, 'gene/protein', Float32Array.from(genes[name]!)),
    ),
    disease: DISEASES.map(([index, id, name]) => row(index, id, name, 'disease', null)),
    'effect/phenotype': PHENOTYPES.map(([index, id, name]) => row(index, id, name, 'effect/phenotype', null)),
    variant: features.map((variant) => row(variant.nodeIndex, variant.rsid, variant.rsid, 'variant', null)),
  });
  const lookup = createNameLookup(
    [
      ...GENES.map(([nodeIndex, id, name]) => ({ nodeIndex, id, name, type: 'gene/protein', aliases: [] })),
      ...DISEASES.map(([nodeIndex, id, name]) => ({ nodeIndex, id, name, type: 'disease', aliases: [] })),
      ...features.map((variant) => ({
        nodeIndex: variant.nodeIndex,
        id: variant.rsid,
        name: variant.rsid,
        type: 'variant',
        aliases: [],
      })),
    ],
    { typePriority: ['gene/protein', 'disease'] },
  );
  const facts = new KgFacts(
    features.map((variant) => ({
      head: variant.nodeIndex,
      tail: diseaseOf(variant.nodeIndex),
      relation: 'variant_disease',
      pvalueMlog: 6 + variant.nodeIndex - 100,
      orBeta: 1.2,
      pubmedId: String(20000000 + variant.nodeIndex - 100),
    })),
    [],
  );
  const base = { graph, store, lookup, encoderFor: () => undefined, bridge: undefined };
  const retriever = createRetriever({
    ...base,
    variants: {
      model,
      inputs: createVariantInputs(graph, store, model),
      facts,
      fusion: options.fusion && variantFusedRanking(graph, geneSymbolIndex(graph), model, options.fusion),
    },
  });
  const withoutModel = createRetriever(base);
  return { model, graph, retriever, withoutModel };
}
