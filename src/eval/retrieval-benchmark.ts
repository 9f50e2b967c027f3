import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadOnnxBridge, type BridgePrecision } from '../bridge/onnx-bridge.js';
import type { Bridge } from '../bridge/bridge.js';
import type { Device } from '../runtime/onnx-session.js';
import { AppError } from '../errors.js';
import { indexLayout } from '../indexing/manifest.js';
import { openIndex, type IndexHandle } from '../indexing/open-index.js';
import { noopLogger, type Logger } from '../util/logger.js';
import {
  evaluateWeights,
  fitFusion,
  fuse,
  priorFromDegrees,
  type FitQuery,
  type FitSummary,
  type FusionWeights,
} from '../retrieval/fusion.js';
import { voteTails } from '../retrieval/transfer-votes.js';
import { voteLigands } from '../retrieval/ligand-index.js';
import { readLigandFingerprints, type LigandFingerprints } from '../retrieval/ligand-fingerprints.js';
import { loadLigandModel, type LigandModel } from '../retrieval/ligand-model.js';
import { bootstrapMean, pairedBootstrap, type Interval, type PairedComparison } from './bootstrap.js';
import { rankQuery, summarize, type MetricSummary, type QueryRanking } from './metrics.js';
import { normalizeRows, scoreAgainst } from './similarity.js';
import { readSplit, type SplitData } from './training-data.js';
import { ensureUnseenSplit, isUnseenSplit, seededSample } from './unseen-split.js';
import { mulberry32 } from '../util/random.js';
import { RETRIEVAL_METHODS, type RetrievalMethod } from './retrieval-methods.js';

/** A benchmark task: rank every node of `tailType` for held-out heads of `headType`. */
export interface RetrievalTask {
  name: string;
  headType: string;
  relation: string;
  tailType: string;
}

export const RETRIEVAL_TASKS: readonly RetrievalTask[] = [
  {
    name: 'protein->biological_process',
    headType: 'gene/protein',
    relation: 'interacts with',
    tailType: 'biological_process',
  },
  {
    name: 'protein->molecular_function',
    headType: 'gene/protein',
    relation: 'interacts with',
    tailType: 'molecular_function',
  },
  {
    name: 'protein->cellular_component',
    headType: 'gene/protein',
    relation: 'interacts with',
    tailType: 'cellular_component',
  },
  { name: 'drug->protein', headType: 'drug', relation: 'target', tailType: 'gene/protein' },
  { name: 'protein->drug', headType: 'gene/protein', relation: 'target', tailType: 'drug' },
  { name: 'disease->protein', headType: 'disease', relation: 'associated with', tailType: 'gene/protein' },
  { name: 'drug->disease', headType: 'drug', relation: 'indication', tailType: 'disease' },
];

export { RETRIEVAL_METHODS, type RetrievalMethod };

/** Share of held-out heads per task used to fit the fusion when the split has no validation part. */
export const CARVED_VALIDATION_FRACTION = 0.3;
/** k of the Hits@k curves. */
export const HITS_CURVE_K = [1, 2, 3, 5, 10, 20, 50, 100] as const;

export interface RetrievalBenchmarkOptions {
  indexDirectory: string;
  split: string;
  methods?: readonly RetrievalMethod[] | undefined;
  tasks?: readonly RetrievalTask[] | undefined;
  /** Tails with fewer occurrences than this are left out of the filtered set (the paper's 50). */
  frequentThreshold?: number | undefined;
  /** Neighbours used by nearest-neighbour transfer. */
  neighbours?: number | undefined;
  seed?: number | undefined;
  device?: Device | undefined;
  /** `int8` scores the bridge with its dynamic-quantised transform (`onnx.transformInt8`). */
  bridgePrecision?: BridgePrecision | undefined;
  logger?: Logger | undefined;
}

export interface MethodStatistics {
  mrr: Interval;
  'hits@10': Interval;
  /** Hits@k for each k of {@link HITS_CURVE_K}. */
  hitsCurve: number[];
}

export interface PairedTest {
  method: RetrievalMethod;
  versus: RetrievalMethod;
  mrr: PairedComparison;
  'hits@10': PairedComparison;
}

export interface ValidationFit {
  fused: FitSummary;
  bridge: FitSummary | null;
  transfer: FitSummary;
  prior: FitSummary;
  /** Ligand similarity alone (drug heads with ligand fingerprints in the index). */
  ligand?: FitSummary | null | undefined;
  /** The ligand-target model alone (tasks it covers, when the split lets it be used). */
  ligandModel?: FitSummary | null | undefined;
}

export interface TaskResult {
  task: RetrievalTask;
  heads: number;
  candidates: number;
  filteredHeads: number;
  filteredCandidates: number;
  /** Held-out heads used to fit the fusion (never among `heads`), and where they came from. */
  validation: {
    heads: number;
    source: 'split' | 'carved';
    weights: FusionWeights | null;
    /** Validation MRR / Hits@10 of the fitted fusion and of each component alone. */
    fit: ValidationFit | null;
  };
  full: Partial<Record<RetrievalMethod, MetricSummary>>;
  filtered: Partial<Record<RetrievalMethod, MetricSummary>>;
  /** Full candidate set: 95 % bootstrap intervals and Hits@k curves. */
  statistics: Partial<Record<RetrievalMethod, MethodStatistics>>;
  /** Full candidate set: paired bootstrap differences, fused and bridge against each other method. */
  paired: PairedTest[];
  /** Full candidate set: first-rank of each test head, per method (same head order). */
  ranks: Partial<Record<RetrievalMethod, number[]>>;
}

export interface RetrievalReport {
  benchmark: 'retrieval';
  createdAt: string;
  index: string;
  dataHash: string;
  indexDataHash: string;
  split: { name: string; kind: string; seed: number };
  config: { frequentThreshold: number; neighbours: number; seed: number; methods: RetrievalMethod[] };
  bridge: { id: string | undefined; metadata: unknown } | null;
  /** The ligand-target model scored (id, training split), or null when none was used. */
  ligandModel: { id: string; split: string } | null;
  /** `tasks[name][method]` = metrics on the full candidate set (the `--json` shape). */
  tasks: Record<string, Partial<Record<RetrievalMethod, MetricSummary>>>;
  tasksFiltered: Record<string, Partial<Record<RetrievalMethod, MetricSummary>>>;
  details: TaskResult[];
  durationMs: number;
}

interface TypeVectors {
  nodeIndices: Int32Array;
  vectors: Float32Array;
  dimension: number;
  positionOf: Map<number, number>;
}

type BridgeName = 'bridge' | 'untrained';

/**
 * Cross-modal retrieval on held-out heads (train/FORMAT.md splits, or the unseen-entity splits of
 * unseen-split.ts), every method ranking all nodes of the tail type: the fused ranking, the trained
 * bridge, nearest-neighbour transfer in the head's own modality (the index encoders: Morgan counts
 * for drugs, k-mers for proteins, TF-IDF for text), popularity in the training graph, the untrained
 * bridge and random.
 */
export async function runRetrievalBenchmark(options: RetrievalBenchmarkOptions): Promise<RetrievalReport> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const methods = [...(options.methods ?? RETRIEVAL_METHODS)];
  const frequentThreshold = options.frequentThreshold ?? 50;
  const neighbours = options.neighbours ?? 20;
  const seed = options.seed ?? 42;
  const index = await openIndex(options.indexDirectory, { logger });
  const bridges: Partial<Record<BridgeName, Bridge | undefined>> = {};
  let ligandModel: LigandModel | undefined;
  try {
    const exportDirectory = join(options.indexDirectory, indexLayout.trainingExport);
    if (isUnseenSplit(options.split))
      await ensureUnseenSplit(exportDirectory, options.split, { seed, logger });
    const split = await readSplit(exportDirectory, options.split);
    if (methods.includes('bridge') || methods.includes('fused'))
      bridges.bridge = await loadBridgeFor(
        options.indexDirectory,
        indexLayout.bridge,
        options.device,
        logger,
        !methods.includes('bridge'),
        options.bridgePrecision,
      );
    if (methods.includes('untrained'))
      bridges.untrained = await loadBridgeFor(
        options.indexDirectory,
        'bridge-untrained',
        options.device,
        logger,
        false,
      );
    // Molecule features only; each task decides from its own training links which drugs vote.
    const ligands =
      methods.includes('ligand') || methods.includes('ligand_model') || methods.includes('fused')
        ? await readLigandFingerprints(options.indexDirectory)
        : undefined;
    if (!ligands && methods.includes('ligand'))
      logger.warn('the index has no ligand fingerprints (ingest and fit-fusion build them); ligand left out');
    if (ligands && (methods.includes('ligand_model') || methods.includes('fused')))
      ligandModel = usableLigandModel(
        await loadLigandModelFor(options.indexDirectory, split.name, options.device, logger),
        split,
        logger,
      );
    const vectorCache = new Map<string, Promise<TypeVectors>>();
    const rawVectors = (type: string) => {
      let pending = vectorCache.get(type);
      if (!pending) {
        pending = readTypeVectors(index, type);
        vectorCache.set(type, pending);
      }
      return pending;
    };
    const details: TaskResult[] = [];
    for (const task of options.tasks ?? RETRIEVAL_TASKS) {
      const result = await runTask(task, {
        index,
        split,
        bridges,
        methods,
        rawVectors,
        ligands,
        ligandModel,
        frequentThreshold,
        neighbours,
        seed,
        logger,
      });
      if (result) details.push(result);
    }
    return {
      benchmark: 'retrieval',
      createdAt: new Date().toISOString(),
      index: options.indexDirectory,
      dataHash: split.dataHash,
      indexDataHash: index.manifest.dataHash,
      split: { name: split.name, kind: split.kind, seed: split.seed },
      config: { frequentThreshold, neighbours, seed, methods },
      bridge: bridges.bridge ? { id: index.manifest.bridge?.id, metadata: bridges.bridge.metadata } : null,
      ligandModel: ligandModel ? { id: ligandModel.id, split: ligandModel.meta.split } : null,
      tasks: Object.fromEntries(details.map((detail) => [detail.task.name, detail.full])),
      tasksFiltered: Object.fromEntries(details.map((detail) => [detail.task.name, detail.filtered])),
      details,
      durationMs: performance.now() - started,
    };
  } finally {
    await index.close();
    for (const bridge of Object.values(bridges)) await bridge?.dispose();
    await ligandModel?.dispose();
  }
}

/**
 * The model trained on this split's training drugs (`<index>/ligand-model-<split>/`) when there is
 * one, else the served model (which {@link usableLigandModel} refuses if it saw held-out drugs).
 */
async function loadLigandModelFor(
  indexDirectory: string,
  split: string,
  device: Device | undefined,
  logger: Logger,
): Promise<LigandModel | undefined> {
  return (
    (await loadLigandModel(indexDirectory, { device, logger, split })) ??
    (await loadLigandModel(indexDirectory, { device, logger }))
  );
}

/**
 * The ligand-target model when this split may use it: a model that was trained on a drug the split
 * holds out (or validates on), or that predicts a held-out node, has seen what the benchmark hides,
 * so it is left out (with the command that trains one on this split).
 */
function usableLigandModel(
  model: LigandModel | undefined,
  split: SplitData,
  logger: Logger,
): LigandModel | undefined {
  if (!model) return undefined;
  const validationNodes = split.valid ? nodesOfRows(split.triples, split.valid) : new Set<number>();
  const seen = [...model.drugs, ...model.tails].filter(
    (node) => split.heldOutNodes.has(node) || (validationNodes.has(node) && model.drugs.has(node)),
  );
  if (seen.length === 0) return model;
  logger.warn('the ligand-target model was trained on nodes this split holds out; it is left out', {
    split: split.name,
    trainedOn: model.meta.split,
    heldOutNodesSeen: seen.length,
    fix: `biobridge train-ligand-model <index> --split ${split.name}`,
  });
  void model.dispose();
  return undefined;
}

/** Heads of the given triple rows (validation drugs, for the leakage check). */
function nodesOfRows(triples: Int32Array, rows: Int32Array): Set<number> {
  const nodes = new Set<number>();
  for (const row of rows) nodes.add(triples[row * 3]!);
  return nodes;
}

async function loadBridgeFor(
  indexDirectory: string,
  name: string,
  device: Device | undefined,
  logger: Logger,
  optional: boolean,
  precision?: BridgePrecision | undefined,
): Promise<Bridge | undefined> {
  const directory = join(indexDirectory, name);
  if (!existsSync(join(directory, 'bridge.json'))) {
    if (optional) return undefined;
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${directory}/bridge.json is missing; run \`biobridge train ${indexDirectory}\` first (or leave the method out with --methods)`,
    });
  }
  return loadOnnxBridge(directory, { device: device ?? 'cpu', logger, precision });
}

async function readTypeVectors(index: IndexHandle, type: string): Promise<TypeVectors> {
  const { nodeIndices, vectors, dimension } = await index.store.readVectors(type, 'vector');
  return {
    nodeIndices,
    vectors,
    dimension,
    positionOf: new Map(Array.from(nodeIndices, (node, position) => [node, position])),
  };
}

interface TaskContext {
  index: IndexHandle;
  split: SplitData;
  bridges: Partial<Record<BridgeName, Bridge | undefined>>;
  methods: RetrievalMethod[];
  rawVectors(type: string): Promise<TypeVectors>;
  /** The index's ligand fingerprints (drug heads); undefined when it has none. */
  ligands: LigandFingerprints | undefined;
  /** The ligand-target model, when the split may use it. */
  ligandModel: LigandModel | undefined;
  frequentThreshold: number;
  neighbours: number;
  seed: number;
  logger: Logger;
}

/** Links of one task, read from the split: ground truth for test and validation heads, training links. */
interface TaskLinks {
  truth: Map<number, number[]>;
  validationTruth: Map<number, number[]>;
  validationSource: 'split' | 'carved';
  trainLinks: Map<number, number[]>;
  /** Training degree of each tail position for the relation. */
  degrees: Float32Array;
  /** Occurrences of each tail node over all triples of the relation (the filtered set). */
  occurrences: Map<number, number>;
}

async function runTask(task: RetrievalTask, context: TaskContext): Promise<TaskResult | undefined> {
  const { index, logger } = context;
  const registry = index.registry;
  const relationId = registry.relationId(task.relation);
  if (
    relationId === undefined ||
    registry.typeId(task.headType) === undefined ||
    registry.typeId(task.tailType) === undefined
  )
    return undefined;
  const types = await index.store.listTypes();
  if (!types.includes(task.headType) || !types.includes(task.tailType)) return undefined;
  const heads = await context.rawVectors(task.headType);
  const tails = await context.rawVectors(task.tailType);
  const links = collectLinks(task, relationId, context, heads, tails);
  const testHeads = [...links.truth.keys()].sort((a, b) => a - b);
  if (testHeads.length === 0) {
    logger.warn('no held-out heads for task', { task: task.name });
    return undefined;
  }
  const validationHeads = [...links.validationTruth.keys()].sort((a, b) => a - b);
  const frequent = frequentTailMask(tails, links, context.frequentThreshold);
  const frequentCount = frequent.reduce((sum, flag) => sum + flag, 0);
  const data = { heads, tails, links };
  const testScorers = await createScorers(task, context, data, testHeads);
  const { weights, fit } = context.methods.includes('fused')
    ? await fitTaskFusion(task, context, data, validationHeads)
    : { weights: null, fit: null };

  const full: TaskResult['full'] = {};
  const filtered: TaskResult['filtered'] = {};
  const ranks: TaskResult['ranks'] = {};
  let filteredHeads = 0;
  const scores = new Float32Array(tails.nodeIndices.length);
  for (const method of context.methods) {
    const scorer = methodScorer(method, testScorers, weights, tails.nodeIndices.length);
    if (!scorer) {
      logger.warn('method unavailable for this task (no bridge projecting its types); skipped', {
        task: task.name,
        method,
      });
      continue;
    }
    const fullRankings: QueryRanking[] = [];
    const filteredRankings: QueryRanking[] = [];
    testHeads.forEach((node, row) => {
      scorer(row, scores);
      const positives = links.truth.get(node)!;
      fullRankings.push(rankQuery(scores, positives));
      const frequentPositives = positives.filter((position) => frequent[position] === 1);
      if (frequentPositives.length > 0) filteredRankings.push(rankQuery(scores, frequentPositives, frequent));
    });
    full[method] = summarize(fullRankings, tails.nodeIndices.length);
    filtered[method] = summarize(filteredRankings, frequentCount);
    ranks[method] = fullRankings.map((ranking) => ranking.firstRank);
    filteredHeads = filteredRankings.length;
    logger.info('task scored', {
      task: task.name,
      method,
      mrr: full[method].mrr.toFixed(4),
      heads: testHeads.length,
    });
  }
  return {
    task,
    heads: testHeads.length,
    candidates: tails.nodeIndices.length,
    filteredHeads,
    filteredCandidates: frequentCount,
    validation: { heads: validationHeads.length, source: links.validationSource, weights, fit },
    full,
    filtered,
    statistics: methodStatistics(ranks, context.seed),
    paired: pairedTests(ranks, context.seed),
    ranks,
  };
}

/** Tail positions frequent enough (over all triples of the relation) to count in the filtered metrics. */
function frequentTailMask(tails: TypeVectors, links: TaskLinks, threshold: number): Uint8Array {
  const frequent = new Uint8Array(tails.nodeIndices.length);
  tails.nodeIndices.forEach((node, position) => {
    if ((links.occurrences.get(node) ?? 0) >= threshold) frequent[position] = 1;
  });
  return frequent;
}

/**
 * Fits the fusion weights on the validation heads (never the test heads) and scores each single
 * signal there too, so the report can show what fusion adds over its parts.
 */
async function fitTaskFusion(
  task: RetrievalTask,
  context: TaskContext,
  data: { heads: TypeVectors; tails: TypeVectors; links: TaskLinks },
  validationHeads: readonly number[],
): Promise<{ weights: FusionWeights; fit: ValidationFit }> {
  const { tails, links } = data;
  const validationScorers = await createScorers(task, context, data, validationHeads);
  const queries = fitQueries(
    validationScorers,
    validationHeads,
    links.validationTruth,
    tails.nodeIndices.length,
  );
  const fitted = fitFusion(queries);
  const weights = fitted.weights;
  const fit: ValidationFit = {
    fused: fitted.summary,
    bridge: validationScorers.bridge ? evaluateWeights(queries, { bridge: 1, transfer: 0, prior: 0 }) : null,
    transfer: evaluateWeights(queries, { bridge: 0, transfer: 1, prior: 0 }),
    prior: evaluateWeights(queries, { bridge: 0, transfer: 0, prior: 1 }),
    ligand: validationScorers.ligand
      ? evaluateWeights(queries, { bridge: 0, transfer: 0, prior: 0, ligand: 1 })
      : null,
    ligandModel: validationScorers.ligandModel
      ? evaluateWeights(queries, { bridge: 0, transfer: 0, prior: 0, ligand: 0, ligandModel: 1 })
      : null,
  };
  context.logger.info('fusion fitted', {
    task: task.name,
    validationHeads: validationHeads.length,
    ...weights,
  });
  return { weights, fit };
}

function collectLinks(
  task: RetrievalTask,
  relationId: number,
  context: TaskContext,
  heads: TypeVectors,
  tails: TypeVectors,
): TaskLinks {
  const { split } = context;
  const { triples } = split;
  const add = (map: Map<number, number[]>, head: number, position: number) => {
    let list = map.get(head);
    if (!list) map.set(head, (list = []));
    list.push(position);
  };
  const eachLink = (
    rows: Int32Array | undefined,
    visit: (head: number, tail: number, position: number) => void,
  ) => {
    const count = rows ? rows.length : triples.length / 3;
    for (let index = 0; index < count; index++) {
      const row = rows ? rows[index]! : index;
      if (triples[row * 3 + 1] !== relationId) continue;
      const head = triples[row * 3]!;
      const tail = triples[row * 3 + 2]!;
      if (!heads.positionOf.has(head) || !tails.positionOf.has(tail)) continue;
      visit(head, tail, tails.positionOf.get(tail)!);
    }
  };
  // Ground truth from all triples; neighbours and popularity from the training part only.
  const heldOut = new Map<number, number[]>();
  const occurrences = new Map<number, number>();
  eachLink(undefined, (head, tail, position) => {
    occurrences.set(tail, (occurrences.get(tail) ?? 0) + 1);
    if (split.heldOutNodes.has(head)) add(heldOut, head, position);
  });
  const trainLinks = new Map<number, number[]>();
  const degrees = new Float32Array(tails.nodeIndices.length);
  eachLink(split.train, (head, _tail, position) => {
    add(trainLinks, head, position);
    degrees[position] = degrees[position]! + 1;
  });
  const validationTruth = new Map<number, number[]>();
  eachLink(split.valid, (head, _tail, position) => {
    if (!split.heldOutNodes.has(head) && !trainLinks.has(head)) add(validationTruth, head, position);
  });
  if (validationTruth.size > 0)
    return { truth: heldOut, validationTruth, validationSource: 'split', trainLinks, degrees, occurrences };
  // No validation part (the paper's kinds): a seeded share of the held-out heads fits the fusion
  // and is left out of the reported queries, for every method alike.
  const carved = seededSample(
    [...heldOut.keys()].sort((a, b) => a - b),
    CARVED_VALIDATION_FRACTION,
    context.seed,
    hashString(task.name),
  );
  const truth = new Map<number, number[]>();
  for (const [head, positives] of heldOut) (carved.has(head) ? validationTruth : truth).set(head, positives);
  return { truth, validationTruth, validationSource: 'carved', trainLinks, degrees, occurrences };
}

type Scorer = (row: number, out: Float32Array) => void;

/** Per-query scorers of the ranking components, for one list of query heads. */
interface Scorers {
  bridge: Scorer | undefined;
  untrained: Scorer | undefined;
  transfer: Scorer;
  /** Ligand-similarity votes; drug heads with ligand fingerprints only. */
  ligand: Scorer | undefined;
  /** Ligand-target model probabilities; tasks the model covers only. */
  ligandModel: Scorer | undefined;
  prior: Float32Array;
  random: Scorer;
}

async function createScorers(
  task: RetrievalTask,
  context: TaskContext,
  data: { heads: TypeVectors; tails: TypeVectors; links: TaskLinks },
  queryHeads: readonly number[],
): Promise<Scorers> {
  const { heads, tails, links } = data;
  const headMatrix = new Float32Array(queryHeads.length * heads.dimension);
  queryHeads.forEach((node, row) => {
    const position = heads.positionOf.get(node)!;
    headMatrix.set(
      heads.vectors.subarray(position * heads.dimension, (position + 1) * heads.dimension),
      row * heads.dimension,
    );
  });
  const bridgeScorer = async (name: BridgeName) => {
    const bridge = context.bridges[name];
    if (
      !bridge ||
      !bridgeCovers(bridge, task) ||
      !context.methods.some((method) => method === name || (name === 'bridge' && method === 'fused'))
    )
      return undefined;
    return createBridgeScorer(bridge, task, headMatrix, queryHeads.length, tails);
  };
  return {
    bridge: await bridgeScorer('bridge'),
    untrained: await bridgeScorer('untrained'),
    transfer: createTransferScorer(context, heads, headMatrix, links.trainLinks),
    ligand:
      context.ligands && task.headType === 'drug'
        ? createLigandScorer(context.ligands, context.split.heldOutNodes, queryHeads, links.trainLinks)
        : undefined,
    ligandModel:
      context.ligands && context.ligandModel && ligandModelCovers(context.ligandModel, task)
        ? await createLigandModelScorer(context.ligandModel, context.ligands, queryHeads, tails)
        : undefined,
    prior: priorFromDegrees(links.degrees),
    random: createRandomScorer(context.seed ^ hashString(task.name)),
  };
}

function methodScorer(
  method: RetrievalMethod,
  scorers: Scorers,
  weights: FusionWeights | null,
  candidates: number,
): Scorer | undefined {
  switch (method) {
    case 'random':
      return scorers.random;
    case 'bridge':
      return scorers.bridge;
    case 'untrained':
      return scorers.untrained;
    case 'nn_transfer':
      return scorers.transfer;
    case 'ligand':
      return scorers.ligand;
    case 'ligand_model':
      return scorers.ligandModel;
    case 'popularity':
      return (_row, out) => void out.set(scorers.prior);
    case 'fused': {
      const transfer = new Float32Array(candidates);
      const bridge = scorers.bridge ? new Float32Array(candidates) : undefined;
      const ligand = scorers.ligand ? new Float32Array(candidates) : undefined;
      const ligandModel = scorers.ligandModel ? new Float32Array(candidates) : undefined;
      return (row, out) => {
        transfer.fill(0);
        scorers.transfer(row, transfer);
        if (bridge) scorers.bridge!(row, bridge);
        if (ligand) scorers.ligand!(row, ligand);
        if (ligandModel) scorers.ligandModel!(row, ligandModel);
        fuse(
          { bridge, transfer, prior: scorers.prior, ligand, ligandModel },
          weights ?? { bridge: 0, transfer: 1, prior: 0.01 },
          out,
        );
      };
    }
  }
}

function fitQueries(
  scorers: Scorers,
  queryHeads: readonly number[],
  truth: Map<number, number[]>,
  candidates: number,
): FitQuery[] {
  return queryHeads.map((node, row) => {
    const transfer = new Float32Array(candidates);
    scorers.transfer(row, transfer);
    let bridge: Float32Array | undefined;
    if (scorers.bridge) scorers.bridge(row, (bridge = new Float32Array(candidates)));
    let ligand: Float32Array | undefined;
    if (scorers.ligand) scorers.ligand(row, (ligand = new Float32Array(candidates)));
    let ligandModel: Float32Array | undefined;
    if (scorers.ligandModel) scorers.ligandModel(row, (ligandModel = new Float32Array(candidates)));
    return {
      features: { bridge, transfer, prior: scorers.prior, ligand, ligandModel },
      positives: truth.get(node)!,
    };
  });
}

function bridgeCovers(bridge: Bridge, task: RetrievalTask): boolean {
  const projected = new Set(bridge.metadata.nodeTypes.map((type) => type.name));
  return (
    projected.has(task.headType) &&
    projected.has(task.tailType) &&
    bridge.metadata.registry.relations.includes(task.relation)
  );
}

async function createBridgeScorer(
  bridge: Bridge,
  task: RetrievalTask,
  headMatrix: Float32Array,
  rows: number,
  tails: TypeVectors,
): Promise<Scorer> {
  const dimension = bridge.metadata.hiddenDim;
  const queries =
    rows === 0
      ? new Float32Array(0)
      : normalizeRows(
          await bridge.transform({
            headType: task.headType,
            relation: task.relation,
            tailType: task.tailType,
            vectors: headMatrix,
            rows,
          }),
          dimension,
        );
  const candidates = normalizeRows(
    await bridge.project(task.tailType, tails.vectors, tails.nodeIndices.length),
    dimension,
  );
  return (row, out) => void scoreAgainst(queries, row * dimension, candidates, dimension, out);
}

/** Training heads with known links vote for their tails, weighted by cosine in the head's own modality. */
function createTransferScorer(
  context: TaskContext,
  heads: TypeVectors,
  headMatrix: Float32Array,
  trainLinks: Map<number, number[]>,
): Scorer {
  const trainHeads = [...trainLinks.keys()]
    .filter((node) => !context.split.heldOutNodes.has(node))
    .sort((a, b) => a - b);
  const dimension = heads.dimension;
  const library = new Float32Array(trainHeads.length * dimension);
  trainHeads.forEach((node, row) => {
    const position = heads.positionOf.get(node)!;
    library.set(heads.vectors.subarray(position * dimension, (position + 1) * dimension), row * dimension);
  });
  normalizeRows(library, dimension);
  const queries = normalizeRows(Float32Array.from(headMatrix), dimension);
  const similarities = new Float32Array(trainHeads.length);
  return (row, out) => {
    out.fill(0);
    scoreAgainst(queries, row * dimension, library, dimension, similarities);
    voteTails(similarities, (neighbour) => trainLinks.get(trainHeads[neighbour]!)!, context.neighbours, out);
  };
}

/**
 * Ligand similarity over the training drugs: every drug with ligand fingerprints and training links
 * (never a held-out one) may vote, as at query time (ligand-index.ts).
 */
function createLigandScorer(
  ligands: LigandFingerprints,
  heldOut: ReadonlySet<number>,
  queryHeads: readonly number[],
  trainLinks: Map<number, number[]>,
): Scorer {
  const linksOf = Array.from(ligands.nodes, (node) => (heldOut.has(node) ? undefined : trainLinks.get(node)));
  const queryRows = queryHeads.map((node) => ligands.rowOf(node));
  const similarities = new Float32Array(ligands.library.size);
  return (row, out) => {
    out.fill(0);
    const own = queryRows[row];
    if (own === undefined) return;
    ligands.library.similarities(ligands.fingerprint(own), similarities);
    voteLigands(
      similarities,
      (member) => (member === own ? undefined : linksOf[member]),
      (tail, weight) => {
        out[tail] = out[tail]! + weight;
      },
    );
  };
}

function ligandModelCovers(model: LigandModel, task: RetrievalTask): boolean {
  return (
    model.meta.headType === task.headType &&
    model.meta.relation === task.relation &&
    model.meta.tailType === task.tailType
  );
}

/** The model's probabilities for every query drug, computed once; drugs without fingerprints score 0. */
async function createLigandModelScorer(
  model: LigandModel,
  ligands: LigandFingerprints,
  queryHeads: readonly number[],
  tails: TypeVectors,
): Promise<Scorer> {
  const rows = queryHeads.map((node) => ligands.rowOf(node));
  const present = rows.flatMap((row, query) => (row === undefined ? [] : [[query, row] as const]));
  const packed = new Uint8Array(present.length * ligands.fingerprint(0).length);
  present.forEach(([, row], position) =>
    packed.set(ligands.fingerprint(row), position * ligands.fingerprint(row).length),
  );
  const batch = 256;
  const width = model.tails.length;
  const probabilities = new Float32Array(present.length * width);
  const bytes = packed.length / Math.max(1, present.length);
  for (let start = 0; start < present.length; start += batch) {
    const count = Math.min(batch, present.length - start);
    probabilities.set(
      await model.predict(packed.subarray(start * bytes, (start + count) * bytes), count),
      start * width,
    );
  }
  const positionOfQuery = new Map(present.map(([query], position) => [query, position]));
  const columns = Array.from(model.tails, (node) => tails.positionOf.get(node) ?? -1);
  return (row, out) => {
    out.fill(0);
    const position = positionOfQuery.get(row);
    if (position === undefined) return;
    const offset = position * width;
    columns.forEach((column, index) => {
      if (column >= 0) out[column] = probabilities[offset + index]!;
    });
  };
}

function createRandomScorer(seed: number): Scorer {
  const random = mulberry32(seed);
  return (_row, out) => {
    for (let i = 0; i < out.length; i++) out[i] = random();
  };
}

function methodStatistics(ranks: TaskResult['ranks'], seed: number): TaskResult['statistics'] {
  const statistics: TaskResult['statistics'] = {};
  for (const [method, firstRanks] of Object.entries(ranks) as [RetrievalMethod, number[]][])
    statistics[method] = {
      mrr: bootstrapMean(
        firstRanks.map((rank) => 1 / rank),
        { seed },
      ),
      'hits@10': bootstrapMean(
        firstRanks.map((rank) => (rank <= 10 ? 1 : 0)),
        { seed },
      ),
      hitsCurve: HITS_CURVE_K.map(
        (k) => firstRanks.filter((rank) => rank <= k).length / Math.max(1, firstRanks.length),
      ),
    };
  return statistics;
}

/** fused vs every other method, and bridge vs nn_transfer and popularity. */
function pairedTests(ranks: TaskResult['ranks'], seed: number): PairedTest[] {
  const pairs: [RetrievalMethod, RetrievalMethod][] = [];
  for (const versus of RETRIEVAL_METHODS) if (versus !== 'fused') pairs.push(['fused', versus]);
  pairs.push(['bridge', 'nn_transfer'], ['bridge', 'popularity']);
  const tests: PairedTest[] = [];
  for (const [method, versus] of pairs) {
    const a = ranks[method];
    const b = ranks[versus];
    if (!a || !b) continue;
    tests.push({
      method,
      versus,
      mrr: pairedBootstrap(
        a.map((rank) => 1 / rank),
        b.map((rank) => 1 / rank),
        { seed },
      ),
      'hits@10': pairedBootstrap(
        a.map((rank) => (rank <= 10 ? 1 : 0)),
        b.map((rank) => (rank <= 10 ? 1 : 0)),
        { seed },
      ),
    });
  }
  return tests;
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
