import type { DiseaseSimilarity } from './disease-similarity.js';
import type { DrugStructures } from './drug-structures.js';
import type { VariantLoci, VariantLocus } from './variant-loci.js';

/**
 * Similar-entity transfer for the QA evidence model: what the KG says about diseases like the
 * question's disease, carried over to the pair (`pair-evidence.ts` sets these as features):
 * - `textNear` (every kind): the entity's other diseases whose names and definitions resemble the
 *   disease's (TF-IDF cosine, best one);
 * - `variantDiseaseNear` (gene): diseases of the GWAS variants mapped to the gene, best
 *   similarity to the disease;
 * - `geneDiseaseNear` (variant): diseases of the variant's mapped genes and of their other
 *   variants, best similarity;
 * - `nearbySimilar` (variant): diseases of the GWAS hits near the variant on the genome, similarity
 *   × exp(−distance / 100 kb), best one (the disease's own hits are `nearbyVariants`);
 * - `targetDiseaseNear` (drug): diseases associated with the drug's targets, best similarity;
 * - `structureNear` (drug): the drug's structural similarity to the disease's other treating drugs
 *   (best mean Tanimoto; "similar molecules treat similar diseases").
 * The question's own disease is always left out (its direct links are other features, and the
 * ablation hides the pair's edge), and every neighbour set is read from the graph view the
 * reasoner sees. "Similarity" is {@link DiseaseSimilarity.combined} unless said otherwise.
 */
export interface NeighbourSets {
  of(node: number, relations: string | ReadonlySet<string>, type: string): Set<number>;
}

export interface Transfer {
  value: number;
  via: number;
}

const DISEASE = 'disease';
const GENE = 'gene/protein';
const VARIANT = 'variant';
const ASSOCIATED = 'associated with';
const MAPS_TO = 'maps to';
const DRUG_GENE: ReadonlySet<string> = new Set(['target', 'enzyme', 'carrier', 'transporter']);
/** Diseases compared per feature at most (a hub gene has hundreds). */
const MAX_COMPARED = 200;
/** Genes or variants followed per feature at most. */
const MAX_FOLLOWED = 40;
/** Distance at which a neighbouring GWAS hit counts 1/e, and the farthest one read. */
const LOCUS_SCALE = 100_000;
const LOCUS_WINDOW = 500_000;

/** The entity's other disease whose text is most like the disease's. */
export function textNear(
  similarity: DiseaseSimilarity,
  disease: number,
  others: Iterable<number>,
): Transfer | undefined {
  return best(disease, others, (other) => similarity.text(disease, other));
}

export function variantDiseaseNear(
  similarity: DiseaseSimilarity,
  hood: NeighbourSets,
  disease: number,
  gene: number,
): Transfer | undefined {
  return twoHopDiseaseNear(similarity, hood, disease, hood.of(gene, MAPS_TO, VARIANT));
}

export function geneDiseaseNear(
  similarity: DiseaseSimilarity,
  hood: NeighbourSets,
  disease: number,
  variant: number,
): Transfer | undefined {
  const diseases = new Set<number>();
  for (const gene of hood.of(variant, MAPS_TO, GENE)) {
    for (const other of hood.of(gene, ASSOCIATED, DISEASE)) diseases.add(other);
    for (const sibling of first(hood.of(gene, MAPS_TO, VARIANT), MAX_FOLLOWED))
      if (sibling !== variant) for (const other of hood.of(sibling, ASSOCIATED, DISEASE)) diseases.add(other);
  }
  return best(disease, diseases, (other) => similarity.combined(disease, other));
}

export function nearbySimilar(
  similarity: DiseaseSimilarity,
  hood: NeighbourSets,
  loci: VariantLoci,
  allVariants: ArrayLike<number>,
  disease: number,
  variant: number,
): Transfer | undefined {
  const locus = loci.locusOf(variant);
  if (!locus) return undefined;
  let found: Transfer | undefined;
  for (const [other, distance] of genomeIndexOf(loci, allVariants).near(locus, LOCUS_WINDOW)) {
    if (other === variant) continue;
    const decay = Math.exp(-distance / LOCUS_SCALE);
    if (found && decay <= found.value) continue;
    const near = best(disease, hood.of(other, ASSOCIATED, DISEASE), (d) => similarity.combined(disease, d));
    if (near && near.value * decay > (found?.value ?? 0)) found = { value: near.value * decay, via: other };
  }
  return found;
}

export function targetDiseaseNear(
  similarity: DiseaseSimilarity,
  hood: NeighbourSets,
  disease: number,
  drug: number,
): Transfer | undefined {
  return twoHopDiseaseNear(similarity, hood, disease, hood.of(drug, DRUG_GENE, GENE));
}

/** The disease most like `disease` among those associated with (the first few of) `middles`. */
function twoHopDiseaseNear(
  similarity: DiseaseSimilarity,
  hood: NeighbourSets,
  disease: number,
  middles: Iterable<number>,
): Transfer | undefined {
  const diseases = new Set<number>();
  for (const middle of first(middles, MAX_FOLLOWED))
    for (const other of hood.of(middle, ASSOCIATED, DISEASE)) diseases.add(other);
  return best(disease, diseases, (other) => similarity.combined(disease, other));
}

export function structureNear(
  structures: DrugStructures,
  treating: Iterable<number>,
  drug: number,
): Transfer | undefined {
  return best(drug, treating, (other) => structures.similarity(drug, other) ?? 0);
}

/** The highest positive score over at most {@link MAX_COMPARED} nodes other than `own` (the disease or drug). */
function best(own: number, nodes: Iterable<number>, score: (node: number) => number): Transfer | undefined {
  let found: Transfer | undefined;
  let compared = 0;
  for (const node of nodes) {
    if (node === own) continue;
    if (compared++ >= MAX_COMPARED) break;
    const value = score(node);
    if (value > 0 && (!found || value > found.value)) found = { value, via: node };
  }
  return found;
}

function first(nodes: Iterable<number>, limit: number): number[] {
  const taken: number[] = [];
  for (const node of nodes) {
    if (taken.length >= limit) break;
    taken.push(node);
  }
  return taken;
}

/** Variants by chromosome, sorted by position, for the hits within a window of a locus. */
interface GenomeIndex {
  near(locus: VariantLocus, window: number): [number, number][];
}

const genomeIndexes = new WeakMap<VariantLoci, GenomeIndex>();

function genomeIndexOf(loci: VariantLoci, variants: ArrayLike<number>): GenomeIndex {
  let index = genomeIndexes.get(loci);
  if (!index) {
    index = buildGenomeIndex(loci, variants);
    genomeIndexes.set(loci, index);
  }
  return index;
}

function buildGenomeIndex(loci: VariantLoci, variants: ArrayLike<number>): GenomeIndex {
  const byChromosome = new Map<string, { node: number; pos: number }[]>();
  for (const node of Array.from(variants)) {
    const locus = loci.locusOf(node);
    if (!locus) continue;
    const list = byChromosome.get(locus.chrom) ?? [];
    list.push({ node, pos: locus.pos });
    byChromosome.set(locus.chrom, list);
  }
  for (const list of byChromosome.values()) list.sort((left, right) => left.pos - right.pos);
  return {
    near(locus, window) {
      const list = byChromosome.get(locus.chrom) ?? [];
      let low = 0;
      let high = list.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (list[middle]!.pos < locus.pos - window) low = middle + 1;
        else high = middle;
      }
      const found: [number, number][] = [];
      for (let at = low; at < list.length && list[at]!.pos <= locus.pos + window; at++)
        found.push([list[at]!.node, Math.abs(list[at]!.pos - locus.pos)]);
      return found;
    },
  };
}
