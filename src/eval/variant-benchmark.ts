import { AppError } from '../errors.js';
import {
  kgVariantFeatureValues,
  loadVariantModel,
  type EmbeddingTable,
  type KgVariantFeatures,
  type VariantModel,
} from '../encoders/variant-learned.js';
import { geneSymbolIndex } from '../indexing/gene-vectors.js';
import { createVariantSignals } from '../retrieval/variant-signals.js';
import { variantModelId } from '../retrieval/variant-fusion-file.js';
import { createVariantInputs, variantModelMismatch } from '../indexing/variant-inputs.js';
import { openIndex, type IndexHandle } from '../indexing/open-index.js';
import type { KgGraph } from '../kg/graph.js';
import type { KgFacts } from '../kg/kg-facts.js';
import { splitMappedGenes } from '../encoders/variant-features.js';
import {
  comparePaired,
  fitFusionWeights,
  fusedScores,
  type PairedComparison,
  type VariantFusionWeights,
} from './variant-fusion.js';
import { createRandom } from '../molecules/ga/random.js';
import { noopLogger, type Logger } from '../util/logger.js';
import {
  filteredRank,
  spearmanWithInterval,
  summarizeRanks,
  type Interval,
  type RankSummary,
} from './rank-statistics.js';

/**
 * Variant → disease benchmark on unseen variants (all their edges held out; the split is the
 * variant model's own, seeded). The learned variant encoder against baselines that see the same
 * training variants: gene proxy (diseases of the mapped genes through disease–protein edges),
 * positional neighbours (diseases of the nearest training variants on the same chromosome),
 * popularity, random, and the text-encoder variant path (cosine of the variant description's text
 * vector with disease text vectors). Plus Spearman's ρ between the model's score and −log10 p.
 * `fused` adds the baselines' signals to the learned cosine with weights fitted on the model's
 * validation variants ({@link fitFusionWeights}); learned and fused are each compared with the
 * best baseline by paired tests over the test variants.
 */
export const VARIANT_METHODS = [
  'learned',
  'fused',
  'gene_proxy',
  'positional',
  'popularity',
  'text',
  'random',
] as const;
export type VariantMethod = (typeof VARIANT_METHODS)[number];

export interface VariantBenchmarkOptions {
  indexDirectory: string;
  /** Training variants consulted by the positional baseline. */
  neighbours?: number | undefined;
  resamples?: number | undefined;
  seed?: number | undefined;
  device?: 'cpu' | 'cuda' | undefined;
  logger?: Logger | undefined;
}

export interface CorrelationResult extends Interval {
  n: number;
  pairs: string;
}

export interface VariantReport {
  benchmark: 'variants';
  createdAt: string;
  index: string;
  model: {
    /** {@link variantModelId}: what a written variant-fusion.json is versioned with. */
    id: string;
    createdAt: string | undefined;
    splitSeed: number;
    counts: Record<string, number>;
    training: unknown;
  };
  config: { neighbours: number; resamples: number; seed: number };
  candidates: number;
  /** Max |TypeScript featurisation + ONNX − the trainer's exported embedding| over the held-out variants. */
  parityMaxAbsDiff: number;
  results: Partial<Record<VariantMethod, RankSummary>>;
  skipped: Partial<Record<VariantMethod, string>>;
  correlation: {
    learnedHeldOut: CorrelationResult;
    learnedAll: CorrelationResult;
    textHeldOut?: CorrelationResult | undefined;
  };
  /** Weights of the fused ranking and its Hits@10 / MRR on the validation variants it was fitted on. */
  fusion?:
    | { weights: VariantFusionWeights; validQueries: number; validHits10: number; validMrr: number }
    | undefined;
  /** Learned and fused vs the best baseline (by test Hits@10), paired over test variants. */
  paired?: PairedComparison[] | undefined;
  /** (−log10 p, learned score) of the held-out associations, for the scatter plot. */
  scatter: [number, number][];
  durationMs: number;
}

interface Context {
  index: IndexHandle;
  model: VariantModel;
  diseases: EmbeddingTable;
  diseaseRow: Map<number, number>;
  truth: Map<number, Set<number>>;
  train: KgVariantFeatures[];
  valid: KgVariantFeatures[];
  test: KgVariantFeatures[];
  popularity: Float32Array;
}

export async function runVariantBenchmark(options: VariantBenchmarkOptions): Promise<VariantReport> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const settings = {
    neighbours: options.neighbours ?? 10,
    resamples: options.resamples ?? 1000,
    seed: options.seed ?? 42,
  };
  const index = await openIndex(options.indexDirectory, { logger });
  let model: VariantModel | undefined;
  try {
    model = await loadVariantModel(options.indexDirectory, { device: options.device ?? 'cpu', logger });
    checkBenchmarkable(options.indexDirectory, index, model);
    const context = buildContext(index, model);
    logger.info('variant benchmark', {
      test: context.test.length,
      train: context.train.length,
      diseases: context.diseases.rows,
    });
    const scoring = await buildScorers(context, model, settings, logger);
    const { results, ranksOf } = rankMethods(context, scoring.scorers, settings.resamples, logger);
    const best = BASELINES.filter((method) => results[method]).reduce((a, b) =>
      results[b]!['hits@10'].value > results[a]!['hits@10'].value ? b : a,
    );
    const paired = (['learned', 'fused'] as const).map((method) =>
      comparePaired(method, best, ranksOf[method]!, ranksOf[best]!, settings.resamples),
    );
    const { heldOut, correlation } = correlations(context, model, scoring.scorers, settings.resamples);
    return {
      benchmark: 'variants',
      createdAt: new Date().toISOString(),
      index: options.indexDirectory,
      model: {
        id: variantModelId(model.metadata),
        createdAt: model.metadata.createdAt,
        splitSeed: model.metadata.split.seed,
        counts: model.metadata.split.counts,
        training: summarizeTraining(model.metadata.training),
      },
      config: settings,
      candidates: context.diseases.rows,
      parityMaxAbsDiff: scoring.parityMaxAbsDiff,
      results,
      skipped: scoring.skipped,
      correlation,
      fusion: {
        weights: scoring.fit.weights,
        validQueries: scoring.validQueries,
        validHits10: scoring.fit.hits10,
        validMrr: scoring.fit.mrr,
      },
      paired,
      scatter: heldOut.map(({ mlog, score }) => [mlog, score]),
      durationMs: performance.now() - started,
    };
  } finally {
    await model?.dispose();
    await index.close();
  }
}

type Scorer = (row: KgVariantFeatures, position: number) => Float32Array;

/** The variant model must match the index, and the index must keep the GWAS statistics. */
function checkBenchmarkable(indexDirectory: string, index: IndexHandle, model: VariantModel): void {
  const mismatch = variantModelMismatch(model, index.manifest);
  if (mismatch) throw new AppError({ code: 'INVALID_INDEX', message: `${indexDirectory}: ${mismatch}` });
  if (index.facts.associationList.length === 0)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${indexDirectory} keeps no GWAS statistics (built before graph/facts.json.gz); rebuild it with \`biobridge ingest\``,
    });
}

/**
 * One scorer a method over the test variants: the learned embeddings, the baselines, and the fused
 * ranking whose weights are fitted on the validation variants; text when the index has encoders for it.
 */
async function buildScorers(
  context: Context,
  model: VariantModel,
  settings: { neighbours: number; seed: number },
  logger: Logger,
) {
  const { index } = context;
  const learned = await model.embed(
    context.test.map(kgVariantFeatureValues),
    createVariantInputs(index.graph, index.store, model),
  );
  const parityMaxAbsDiff = maxAbsDiff(
    learned,
    context.test.map((row) => model.variants.vectorOf(row.nodeIndex)),
  );
  const signals = createVariantSignals(
    index.graph,
    geneSymbolIndex(index.graph),
    context.diseases,
    context.train,
    settings.neighbours,
  );
  const geneProxy = (row: KgVariantFeatures) => signals.geneProxy(splitMappedGenes(row.mappedGene));
  const positional = (row: KgVariantFeatures) => signals.positional(row);
  const components = (rows: readonly KgVariantFeatures[], embedded: readonly Float32Array[]) =>
    rows.map((row, position) => ({
      learned: context.diseases.scores(embedded[position]!),
      positional: positional(row),
      geneProxy: geneProxy(row),
      popularity: context.popularity,
      positives: context.truth.get(row.nodeIndex)!,
    }));
  const validQueries = components(
    context.valid,
    await model.embed(
      context.valid.map(kgVariantFeatureValues),
      createVariantInputs(index.graph, index.store, model),
    ),
  );
  const fit = fitFusionWeights(validQueries);
  logger.info('fused ranking fitted on validation', { ...fit.weights, hits10: fit.hits10 });
  const testQueries = components(context.test, learned);
  const scorers: Partial<Record<VariantMethod, Scorer>> = {
    learned: (_, position) => testQueries[position]!.learned,
    fused: (_, position) => fusedScores(testQueries[position]!, fit.weights),
    gene_proxy: (row) => withPopularity(geneProxy(row), context.popularity),
    positional: (row) => withPopularity(positional(row), context.popularity),
    popularity: () => context.popularity,
    random: randomScorer(context.diseases.rows, settings.seed),
  };
  const skipped: Partial<Record<VariantMethod, string>> = {};
  const text = await textScorer(context);
  if (typeof text === 'string') skipped.text = text;
  else scorers.text = text;
  return { scorers, skipped, fit, validQueries: validQueries.length, parityMaxAbsDiff };
}

/** Filtered ranks of every held-out association under each method, and their summaries. */
function rankMethods(
  context: Context,
  scorers: Partial<Record<VariantMethod, Scorer>>,
  resamples: number,
  logger: Logger,
) {
  const results: Partial<Record<VariantMethod, RankSummary>> = {};
  const ranksOf: Partial<Record<VariantMethod, number[][]>> = {};
  for (const method of VARIANT_METHODS) {
    const scorer = scorers[method];
    if (!scorer) continue;
    const ranks = context.test.map((row, position) => {
      const positives = context.truth.get(row.nodeIndex)!;
      const scores = scorer(row, position);
      return [...positives].map((target) => filteredRank(scores, target, positives));
    });
    ranksOf[method] = ranks;
    results[method] = summarizeRanks(ranks, resamples);
    logger.info('method', {
      method,
      mrr: results[method].mrr.value,
      hits10: results[method]['hits@10'].value,
    });
  }
  return { results, ranksOf };
}

/** Spearman correlation of scores with the GWAS −log10 p: held out, all KG associations, and text. */
function correlations(
  context: Context,
  model: VariantModel,
  scorers: Partial<Record<VariantMethod, Scorer>>,
  resamples: number,
) {
  const associations = context.index.facts;
  const heldOut = associationScores(context.test, context, associations, pick(scorers.learned!));
  const all = associationScores(
    [...model.variants.nodeIndices].flatMap((node) => {
      const row = model.featuresOfNode(node);
      return row && context.truth.has(node) ? [row] : [];
    }),
    context,
    associations,
    (row, _, diseaseRows) => {
      const variant = model.variants.vectorOf(row.nodeIndex)!;
      return diseaseRows.map((diseaseRow) =>
        dot(variant, context.diseases.vectorOf(context.diseases.nodeIndices[diseaseRow]!)!),
      );
    },
  );
  const textHeldOut = scorers.text
    ? associationScores(context.test, context, associations, pick(scorers.text))
    : undefined;
  return {
    heldOut,
    correlation: {
      learnedHeldOut: { ...correlate(heldOut, resamples), pairs: 'held-out variants × their KG diseases' },
      learnedAll: {
        ...correlate(all, resamples),
        pairs: 'every KG variant–disease association (training ones included)',
      },
      textHeldOut: textHeldOut
        ? { ...correlate(textHeldOut, resamples), pairs: 'held-out, text-encoder score' }
        : undefined,
    },
  };
}

function buildContext(index: IndexHandle, model: VariantModel): Context {
  const diseases = model.tail('disease');
  if (!diseases)
    throw new AppError({ code: 'INVALID_INDEX', message: `${model.directory} has no disease table` });
  const diseaseRow = new Map(Array.from(diseases.nodeIndices, (node, row) => [node, row]));
  const truth = new Map<number, Set<number>>();
  for (const { heads, tails } of edgesBetween(index.graph, 'variant', 'disease'))
    heads.forEach((variant, edge) => {
      const row = diseaseRow.get(tails[edge]!);
      if (row === undefined) return;
      if (!truth.has(variant)) truth.set(variant, new Set());
      truth.get(variant)!.add(row);
    });
  const held = new Set([...model.metadata.split.valid, ...model.metadata.split.test]);
  const rowsOf = (nodes: Iterable<number>) =>
    [...nodes].flatMap((node) => {
      const row = model.featuresOfNode(node);
      return row && truth.has(node) ? [row] : [];
    });
  const train = rowsOf([...model.variants.nodeIndices].filter((node) => !held.has(node)));
  const valid = rowsOf(model.metadata.split.valid);
  const test = rowsOf(model.metadata.split.test);
  const popularity = new Float32Array(diseases.rows);
  for (const row of train) for (const disease of truth.get(row.nodeIndex)!) popularity[disease]! += 1;
  return { index, model, diseases, diseaseRow, truth, train, valid, test, popularity };
}

function edgesBetween(
  graph: KgGraph,
  headType: string,
  tailType: string,
): { heads: Int32Array; tails: Int32Array }[] {
  return graph.edgeKinds
    .filter((kind) => kind.headType === headType && kind.tailType === tailType)
    .map((kind) => graph.edgesOfKind(kind.id));
}

const BASELINES = ['gene_proxy', 'positional', 'popularity', 'random'] as const;

/** Adds popularity scaled below 1 so that ties among a baseline's hits break by popularity, not by chance. */
function withPopularity(scores: Float32Array, popularity: Float32Array): Float32Array {
  const largest = Math.max(1, ...popularity);
  for (let i = 0; i < scores.length; i++) scores[i]! += (0.5 * popularity[i]!) / largest;
  return scores;
}

function randomScorer(candidates: number, seed: number): () => Float32Array {
  const random = createRandom(seed);
  return () => Float32Array.from({ length: candidates }, () => random.next());
}

/** The text-encoder path: the stored variant vector (text of its description) against disease text vectors. */
async function textScorer(context: Context): Promise<((row: KgVariantFeatures) => Float32Array) | string> {
  const { store, manifest } = context.index;
  const variantEncoder = manifest.encoders?.variant;
  const diseaseEncoder = manifest.encoders?.disease;
  if (!variantEncoder || !diseaseEncoder) return 'the index has no variant or disease encoder';
  const variants = await store.readVectors('variant', 'vector');
  const diseases = await store.readVectors('disease', 'vector');
  if (variants.dimension !== diseases.dimension)
    return `variant vectors (${variantEncoder.kind}, ${variants.dimension}) and disease vectors (${diseaseEncoder.kind}, ${diseases.dimension}) do not share a space`;
  const variantRow = new Map(Array.from(variants.nodeIndices, (node, row) => [node, row]));
  const diseaseVectors = new Float32Array(context.diseases.rows * diseases.dimension);
  const present = new Uint8Array(context.diseases.rows);
  diseases.nodeIndices.forEach((node, row) => {
    const target = context.diseaseRow.get(node);
    if (target === undefined) return;
    diseaseVectors.set(
      unit(diseases.vectors.subarray(row * diseases.dimension, (row + 1) * diseases.dimension)),
      target * diseases.dimension,
    );
    present[target] = 1;
  });
  const dimension = diseases.dimension;
  return (row) => {
    const scores = new Float32Array(context.diseases.rows).fill(-2);
    const position = variantRow.get(row.nodeIndex);
    if (position === undefined) return scores;
    const query = unit(variants.vectors.subarray(position * dimension, (position + 1) * dimension));
    for (let disease = 0; disease < context.diseases.rows; disease++) {
      if (!present[disease]) continue;
      let dot = 0;
      for (let i = 0; i < dimension; i++) dot += query[i]! * diseaseVectors[disease * dimension + i]!;
      scores[disease] = dot;
    }
    return scores;
  };
}

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

/** (−log10 p, score) of every known association of `rows`; `score` gives one pair's score. */
function associationScores(
  rows: readonly KgVariantFeatures[],
  context: Context,
  associations: KgFacts,
  score: (row: KgVariantFeatures, position: number, diseaseRows: readonly number[]) => number[],
): { mlog: number; score: number }[] {
  return rows.flatMap((row, position) => {
    const diseaseRows = [...context.truth.get(row.nodeIndex)!];
    const scores = score(row, position, diseaseRows);
    return diseaseRows.flatMap((diseaseRow, k) => {
      const mlog = associations.association(
        row.nodeIndex,
        context.diseases.nodeIndices[diseaseRow]!,
      )?.pvalueMlog;
      return mlog === undefined ? [] : [{ mlog, score: scores[k]! }];
    });
  });
}

/** Adapts a full-candidate scorer to {@link associationScores}. */
function pick(scorer: (row: KgVariantFeatures, position: number) => Float32Array) {
  return (row: KgVariantFeatures, position: number, diseaseRows: readonly number[]) => {
    const scores = scorer(row, position);
    return diseaseRows.map((diseaseRow) => scores[diseaseRow]!);
  };
}

function dot(a: Float32Array, b: Float32Array): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i]! * b[i]!;
  return total;
}

function correlate(pairs: { mlog: number; score: number }[], resamples: number): Interval & { n: number } {
  return spearmanWithInterval(
    pairs.map((pair) => pair.score),
    pairs.map((pair) => pair.mlog),
    resamples,
  );
}

function maxAbsDiff(
  computed: readonly Float32Array[],
  exported: readonly (Float32Array | undefined)[],
): number {
  let largest = 0;
  computed.forEach((vector, row) => {
    const reference = exported[row];
    if (!reference) {
      largest = Number.POSITIVE_INFINITY;
      return;
    }
    for (let i = 0; i < vector.length; i++) largest = Math.max(largest, Math.abs(vector[i]! - reference[i]!));
  });
  return largest;
}

function summarizeTraining(training: unknown): unknown {
  if (typeof training !== 'object' || training === null) return training;
  const { history: _history, ...rest } = training as Record<string, unknown>;
  return rest;
}
