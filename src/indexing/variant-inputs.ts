import { normalChromosome, type VariantFeatureValues } from '../encoders/variant-features.js';
import type { KgVariantFeatures, VariantInputs, VariantModel } from '../encoders/variant-learned.js';
import type { KgGraph } from '../kg/graph.js';
import type { VectorStore } from '../store/vector-store.js';
import type { IndexManifest } from './manifest.js';
import { createGeneVectorSource, GENE_TYPE, geneSymbolIndex } from './gene-vectors.js';

/**
 * Why `model` cannot read this index's vectors (a tail type or the gene input encoded by another
 * encoder than the one it was trained on), or undefined when it can.
 */
export function variantModelMismatch(model: VariantModel, manifest: IndexManifest): string | undefined {
  for (const [type, trained] of Object.entries(model.metadata.encoderConfigHashes)) {
    const current = manifest.encoders[type]?.configHash;
    if (current !== trained)
      return `the variant model was trained on ${type} vectors of encoder ${trained.slice(0, 12)}, the index has ${current?.slice(0, 12) ?? 'none'}; retrain it (python3 -m biobridge_train.variants)`;
  }
  return undefined;
}

/** Reference variants consulted for the `near` group (the trainer's NEAR_VARIANTS). */
export const NEAR_VARIANTS = 10;

/**
 * The learned variant encoder's inputs from the index, as the trainer builds them: mapped genes'
 * encoder vectors; `gdis:<disease>` for each disease the KG links to a mapped gene; and
 * `near:<disease>` for the diseases of the {@link NEAR_VARIANTS} nearest reference variants on the
 * chromosome, weighted 1/rank (ties in distance broken by node index).
 */
export function createVariantInputs(graph: KgGraph, store: VectorStore, model: VariantModel): VariantInputs {
  const symbols = geneSymbolIndex(graph);
  const diseasesOf = (headType: string) => {
    const lists = new Map<number, Set<number>>();
    for (const kind of graph.edgeKinds) {
      if (kind.headType !== headType || kind.tailType !== 'disease') continue;
      const { heads, tails } = graph.edgesOfKind(kind.id);
      heads.forEach((head, edge) => {
        if (!lists.has(head)) lists.set(head, new Set());
        lists.get(head)!.add(tails[edge]!);
      });
    }
    return lists;
  };
  const geneDiseases = diseasesOf(GENE_TYPE);
  const variantDiseases = diseasesOf('variant');
  const byChromosome = new Map<string, KgVariantFeatures[]>();
  for (const row of model.referenceVariants()) {
    const chrom = normalChromosome(row.chrom);
    if (row.pos === null || !chrom) continue;
    if (!byChromosome.has(chrom)) byChromosome.set(chrom, []);
    byChromosome.get(chrom)!.push(row);
  }

  const geneGroup = (features: VariantFeatureValues): Map<string, number> => {
    const diseases = new Set<number>();
    for (const symbol of features.mappedGenes ?? []) {
      const gene = symbols.get(symbol.trim().toUpperCase());
      for (const disease of gene === undefined ? [] : (geneDiseases.get(gene) ?? [])) diseases.add(disease);
    }
    return new Map([...diseases].sort((a, b) => a - b).map((disease) => [`gdis:${disease}`, 1]));
  };
  const nearestOf = (features: VariantFeatureValues, exclude?: number): KgVariantFeatures[] => {
    const pos = features.pos;
    if (pos === undefined) return [];
    return (byChromosome.get(normalChromosome(features.chrom ?? '')) ?? [])
      .filter((row) => row.nodeIndex !== exclude)
      .sort((a, b) => Math.abs(a.pos! - pos) - Math.abs(b.pos! - pos) || a.nodeIndex - b.nodeIndex)
      .slice(0, NEAR_VARIANTS);
  };
  const nearGroup = (features: VariantFeatureValues): Map<string, number> => {
    const weights = new Map<string, number>();
    const nearest = nearestOf(features);
    nearest.forEach((neighbour, rank) => {
      for (const disease of [...(variantDiseases.get(neighbour.nodeIndex) ?? [])].sort((a, b) => a - b)) {
        const token = `near:${disease}`;
        weights.set(token, (weights.get(token) ?? 0) + 1 / (rank + 1));
      }
    });
    return weights;
  };
  const genes = createGeneVectorSource(graph, store);
  const inVocabulary = (tokens: Iterable<string>) => [...tokens].some((token) => model.vocabulary.has(token));
  return {
    genes,
    kgGroups: (features) => [geneGroup(features), nearGroup(features)],
    async describe(features, exclude) {
      const used: string[] = [];
      for (const symbol of features.mappedGenes ?? [])
        if ((await genes([symbol])) !== undefined) used.push(symbol.trim());
      const nearVariants = nearestOf(features, exclude).filter((row) =>
        inVocabulary([...(variantDiseases.get(row.nodeIndex) ?? [])].map((disease) => `near:${disease}`)),
      );
      return {
        genes: used,
        geneDiseases: [...geneGroup(features).keys()].filter((token) => model.vocabulary.has(token)).length,
        nearVariants: nearVariants.map((row) => row.rsid),
      };
    },
  };
}
