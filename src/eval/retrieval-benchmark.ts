import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadOnnxBridge } from '../bridge/onnx-bridge.js';
import type { Bridge } from '../bridge/bridge.js';
import type { Device } from '../bridge/onnx-session.js';
import { AppError } from '../errors.js';
import { indexLayout } from '../indexing/manifest.js';
import { openIndex, type IndexHandle } from '../indexing/open-index.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { rankQuery, summarize, type MetricSummary, type QueryRanking } from './metrics.js';
import { normalizeRows, scoreAgainst } from './similarity.js';
import { readSplit, type SplitData } from './training-data.js';

/** A benchmark task: rank every node of `tailType` for held-out heads of `headType`. */
export interface RetrievalTask {
  name: string;
  headType: string;
  relation: string;
  tailType: string;
}

export const RETRIEVAL_TASKS: readonly RetrievalTask[] = [
  { name: 'protein->biological_process', headType: 'gene/protein', relation: 'interacts with', tailType: 'biological_process' },
  { name: 'protein->molecular_function', headType: 'gene/protein', relation: 'interacts with', tailType: 'molecular_function' },
  { name: 'protein->cellular_component', headType: 'gene/protein', relation: 'interacts with', tailType: 'cellular_component' },
  { name: 'drug->protein', headType: 'drug', relation: 'target', tailType: 'gene/protein' },
  { name: 'protein->drug', headType: 'gene/protein', relation: 'target', tailType: 'drug' },
  { name: 'disease->protein', headType: 'disease', relation: 'associated with', tailType: 'gene/protein' },
  { name: 'drug->disease', headType: 'drug', relation: 'indication', tailType: 'disease' },
];

export const RETRIEVAL_METHODS = ['bridge', 'nn_transfer', 'untrained', 'random'] as const;
export type RetrievalMethod = (typeof RETRIEVAL_METHODS)[number];

export interface RetrievalBenchmarkOptions {
  indexDirectory: string;
  split: string;
  methods?: readonly RetrievalMethod[];
  tasks?: readonly RetrievalTask[];
  /** Tails with fewer occurrences than this are left out of the filtered set (the paper's 50). */
  frequentThreshold?: number;
  /** Neighbours used by nearest-neighbour transfer. */
  neighbours?: number;
  seed?: number;
  device?: Device;
  logger?: Logger;
}

export interface TaskResult {
  task: RetrievalTask;
  heads: number;
  candidates: number;
  filteredHeads: number;
  filteredCandidates: number;
  full: Partial<Record<RetrievalMethod, MetricSummary>>;
  filtered: Partial<Record<RetrievalMethod, MetricSummary>>;
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

/**
 * Cross-modal retrieval on held-out heads (train/FORMAT.md splits), comparing the trained bridge
 * with three baselines in one run: nearest-neighbour transfer in the head's own modality, the
 * untrained bridge of the same architecture, and random ranking.
 */
export async function runRetrievalBenchmark(options: RetrievalBenchmarkOptions): Promise<RetrievalReport> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const methods = [...(options.methods ?? RETRIEVAL_METHODS)];
  const frequentThreshold = options.frequentThreshold ?? 50;
  const neighbours = options.neighbours ?? 20;
  const seed = options.seed ?? 42;
  const index = await openIndex(options.indexDirectory, { logger });
  const bridges: Partial<Record<'bridge' | 'untrained', Bridge>> = {};
  try {
    const split = await readSplit(join(options.indexDirectory, indexLayout.trainingExport), options.split);
    if (methods.includes('bridge')) bridges.bridge = await loadBridgeFor(options.indexDirectory, indexLayout.bridge, options.device, logger);
    if (methods.includes('untrained'))
      bridges.untrained = await loadBridgeFor(options.indexDirectory, 'bridge-untrained', options.device, logger);
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
      const result = await runTask(task, { index, split, bridges, methods, rawVectors, frequentThreshold, neighbours, seed, logger });
      if (result) details.push(result);
    }
    const tasks = Object.fromEntries(details.map((d) => [d.task.name, d.full]));
    const tasksFiltered = Object.fromEntries(details.map((d) => [d.task.name, d.filtered]));
    return {
      benchmark: 'retrieval',
      createdAt: new Date().toISOString(),
      index: options.indexDirectory,
      dataHash: split.dataHash,
      indexDataHash: index.manifest.dataHash,
      split: { name: split.name, kind: split.kind, seed: split.seed },
      config: { frequentThreshold, neighbours, seed, methods },
      bridge: bridges.bridge ? { id: index.manifest.bridge?.id, metadata: bridges.bridge.metadata } : null,
      tasks,
      tasksFiltered,
      details,
      durationMs: performance.now() - started,
    };
  } finally {
    await index.close();
    for (const bridge of Object.values(bridges)) await bridge.dispose();
  }
}

async function loadBridgeFor(indexDirectory: string, name: string, device: Device | undefined, logger: Logger): Promise<Bridge> {
  const directory = join(indexDirectory, name);
  if (!existsSync(join(directory, 'bridge.json')))
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${directory}/bridge.json is missing; run \`biobridge train ${indexDirectory}\` first (or leave the method out with --methods)`,
    });
  return loadOnnxBridge(directory, { device: device ?? 'cpu', logger });
}

async function readTypeVectors(index: IndexHandle, type: string): Promise<TypeVectors> {
  const { nodeIndices, vectors, dimension } = await index.store.readVectors(type, 'vector');
  return { nodeIndices, vectors, dimension, positionOf: new Map(Array.from(nodeIndices, (node, position) => [node, position])) };
}

interface TaskContext {
  index: IndexHandle;
  split: SplitData;
  bridges: Partial<Record<'bridge' | 'untrained', Bridge>>;
  methods: RetrievalMethod[];
  rawVectors(type: string): Promise<TypeVectors>;
  frequentThreshold: number;
  neighbours: number;
  seed: number;
  logger: Logger;
}

async function runTask(task: RetrievalTask, context: TaskContext): Promise<TaskResult | undefined> {
  const { index, split, logger } = context;
  const registry = index.registry;
  const relationId = registry.relationId(task.relation);
  const headTypeId = registry.typeId(task.headType);
  const tailTypeId = registry.typeId(task.tailType);
  if (relationId === undefined || headTypeId === undefined || tailTypeId === undefined) return undefined;
  const types = await index.store.listTypes();
  if (!types.includes(task.headType) || !types.includes(task.tailType)) return undefined;
  const heads = await context.rawVectors(task.headType);
  const tails = await context.rawVectors(task.tailType);
  const isHead = (node: number) => heads.positionOf.has(node);
  const isTail = (node: number) => tails.positionOf.has(node);

  // Ground truth from all triples; neighbours for NN transfer from the training part only.
  const truth = new Map<number, number[]>();
  const occurrences = new Map<number, number>();
  const { triples } = split;
  for (let row = 0; row < triples.length / 3; row++) {
    if (triples[row * 3 + 1] !== relationId) continue;
    const head = triples[row * 3]!;
    const tail = triples[row * 3 + 2]!;
    if (!isHead(head) || !isTail(tail)) continue;
    occurrences.set(tail, (occurrences.get(tail) ?? 0) + 1);
    if (!split.heldOutNodes.has(head)) continue;
    let list = truth.get(head);
    if (!list) truth.set(head, (list = []));
    list.push(tails.positionOf.get(tail)!);
  }
  const testHeads = [...truth.keys()].sort((a, b) => a - b);
  if (testHeads.length === 0) {
    logger.warn('no held-out heads for task', { task: task.name });
    return undefined;
  }
  const trainLinks = new Map<number, number[]>();
  for (const row of split.train) {
    if (triples[row * 3 + 1] !== relationId) continue;
    const head = triples[row * 3]!;
    const tail = triples[row * 3 + 2]!;
    if (!isHead(head) || !isTail(tail)) continue;
    let list = trainLinks.get(head);
    if (!list) trainLinks.set(head, (list = []));
    list.push(tails.positionOf.get(tail)!);
  }
  const frequent = new Uint8Array(tails.nodeIndices.length);
  tails.nodeIndices.forEach((node, position) => {
    if ((occurrences.get(node) ?? 0) >= context.frequentThreshold) frequent[position] = 1;
  });

  const headMatrix = new Float32Array(testHeads.length * heads.dimension);
  testHeads.forEach((node, row) => {
    const position = heads.positionOf.get(node)!;
    headMatrix.set(heads.vectors.subarray(position * heads.dimension, (position + 1) * heads.dimension), row * heads.dimension);
  });

  const full: TaskResult['full'] = {};
  const filtered: TaskResult['filtered'] = {};
  let filteredHeads = 0;
  for (const method of context.methods) {
    const bridge = method === 'bridge' || method === 'untrained' ? context.bridges[method] : undefined;
    if (bridge && !bridgeCovers(bridge, task)) {
      logger.warn('bridge does not project this task\'s types; method skipped', { task: task.name, method });
      continue;
    }
    const scorer = await scorerFor(method, task, context, { heads, tails, headMatrix, testHeads, trainLinks });
    const fullRankings: QueryRanking[] = [];
    const filteredRankings: QueryRanking[] = [];
    const scores = new Float32Array(tails.nodeIndices.length);
    testHeads.forEach((node, row) => {
      scorer(row, scores);
      const positives = truth.get(node)!;
      fullRankings.push(rankQuery(scores, positives));
      const frequentPositives = positives.filter((position) => frequent[position] === 1);
      if (frequentPositives.length > 0) filteredRankings.push(rankQuery(scores, frequentPositives, frequent));
    });
    const frequentCount = frequent.reduce((sum, flag) => sum + flag, 0);
    full[method] = summarize(fullRankings, tails.nodeIndices.length);
    filtered[method] = summarize(filteredRankings, frequentCount);
    filteredHeads = filteredRankings.length;
    logger.info('task scored', { task: task.name, method, mrr: full[method].mrr.toFixed(4), heads: testHeads.length });
  }
  return {
    task,
    heads: testHeads.length,
    candidates: tails.nodeIndices.length,
    filteredHeads,
    filteredCandidates: frequent.reduce((sum, flag) => sum + flag, 0),
    full,
    filtered,
  };
}

type Scorer = (row: number, out: Float32Array) => void;

function bridgeCovers(bridge: Bridge, task: RetrievalTask): boolean {
  const projected = new Set(bridge.metadata.nodeTypes.map((type) => type.name));
  return (
    projected.has(task.headType) &&
    projected.has(task.tailType) &&
    bridge.metadata.registry.relations.includes(task.relation)
  );
}

async function scorerFor(
  method: RetrievalMethod,
  task: RetrievalTask,
  context: TaskContext,
  data: {
    heads: TypeVectors;
    tails: TypeVectors;
    headMatrix: Float32Array;
    testHeads: number[];
    trainLinks: Map<number, number[]>;
  },
): Promise<Scorer> {
  const { heads, tails, headMatrix, testHeads } = data;
  switch (method) {
    case 'random': {
      let state = (context.seed ^ hashString(task.name)) >>> 0;
      return (_row, out) => {
        for (let i = 0; i < out.length; i++) {
          state = (state + 0x6d2b79f5) >>> 0;
          let t = state;
          t = Math.imul(t ^ (t >>> 15), t | 1);
          t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
          out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        }
      };
    }
    case 'bridge':
    case 'untrained': {
      const bridge = context.bridges[method]!;
      const queries = normalizeRows(
        await bridge.transform({
          headType: task.headType,
          relation: task.relation,
          tailType: task.tailType,
          vectors: headMatrix,
          rows: testHeads.length,
        }),
        bridge.metadata.hiddenDim,
      );
      const candidates = normalizeRows(
        await bridge.project(task.tailType, tails.vectors, tails.nodeIndices.length),
        bridge.metadata.hiddenDim,
      );
      const dimension = bridge.metadata.hiddenDim;
      return (row, out) => void scoreAgainst(queries, row * dimension, candidates, dimension, out);
    }
    case 'nn_transfer': {
      // Training heads with known links, compared with the query head in its own modality.
      const trainHeads = [...data.trainLinks.keys()].filter((node) => !context.split.heldOutNodes.has(node)).sort((a, b) => a - b);
      const dimension = heads.dimension;
      const library = new Float32Array(trainHeads.length * dimension);
      trainHeads.forEach((node, row) => {
        const position = heads.positionOf.get(node)!;
        library.set(heads.vectors.subarray(position * dimension, (position + 1) * dimension), row * dimension);
      });
      normalizeRows(library, dimension);
      const queries = normalizeRows(Float32Array.from(headMatrix), dimension);
      const similarities = new Float32Array(trainHeads.length);
      const k = context.neighbours;
      return (row, out) => {
        out.fill(0);
        scoreAgainst(queries, row * dimension, library, dimension, similarities);
        const order = topIndices(similarities, k);
        for (const neighbour of order) {
          const weight = Math.max(similarities[neighbour]!, 0);
          for (const tail of data.trainLinks.get(trainHeads[neighbour]!)!) out[tail] = out[tail]! + weight;
        }
      };
    }
  }
}

function topIndices(values: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length < k) {
      top.push(i);
      if (top.length === k) top.sort((a, b) => values[b]! - values[a]!);
      continue;
    }
    if (values[i]! <= values[top[k - 1]!]!) continue;
    let position = k - 1;
    while (position > 0 && values[top[position - 1]!]! < values[i]!) {
      top[position] = top[position - 1]!;
      position--;
    }
    top[position] = i;
  }
  return top;
}

function hashString(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}
