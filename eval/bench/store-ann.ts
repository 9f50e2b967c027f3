/**
 * LanceDB store benchmark: write, ANN index build, search latency (exact vs IVF_HNSW_SQ),
 * recall@k of ANN against exact search, filtered search, getRows and readVectors.
 *
 *   npx tsx eval/bench/store-ann.ts [--rows 20000] [--dimension 1024] [--queries 100]
 *                                   [--clusters 200] [--ef 200] [--refine 2] [--json]
 *
 * `--clusters 0` draws unclustered Gaussian vectors, the hardest case for ANN recall.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLanceStoreWriter, openLanceStore } from '../../src/store/lancedb-store.js';
import type { NodeRow, VectorStore } from '../../src/store/vector-store.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { clusteredVectors, createRandom, gaussian } from '../../test/store/store-fixtures.js';
import { benchArgs } from './bench-args.js';

export interface StoreBenchOptions {
  rows: number;
  dimension: number;
  queries: number;
  clusters: number;
  k: number;
  ef: number;
  refineFactor: number;
}

export interface LatencySummary {
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
}

export interface StoreBenchResult {
  options: StoreBenchOptions;
  writeMs: number;
  annBuildMs: number;
  exact: LatencySummary;
  exactWithAnnTable: LatencySummary;
  ann: LatencySummary;
  annRecallAtK: number;
  allow1000: LatencySummary;
  exclude100: LatencySummary;
  getRows100Ms: number;
  readVectorsMs: number;
  /** writeProjected of every row with a `dimension`-wide projection. */
  projectMs: number;
}

export async function runStoreBench(options: StoreBenchOptions): Promise<StoreBenchResult> {
  const root = await mkdtemp(join(tmpdir(), 'biobridge-store-bench-'));
  try {
    const { rows, dimension, clusters } = options;
    const vectors =
      clusters > 0
        ? clusteredVectors(rows, dimension, { seed: 7, clusters, spread: 0.7 })
        : gaussianMatrix(rows, dimension, 7);
    const makeRows = function* (): Generator<NodeRow[]> {
      for (let start = 0; start < rows; start += 5000) {
        const batch: NodeRow[] = [];
        for (let row = start; row < Math.min(rows, start + 5000); row++)
          batch.push({
            nodeIndex: row,
            nodeId: `N${row}`,
            name: `node ${row}`,
            type: 'gene/protein',
            source: 'BENCH',
            payloadKind: 'sequence',
            payload: 'M'.repeat(400),
            vector: vectors.slice(row * dimension, (row + 1) * dimension),
          });
        yield batch;
      }
    };

    const flatDirectory = join(root, 'flat');
    let started = performance.now();
    const flatWriter = await createLanceStoreWriter(flatDirectory, { annThreshold: Number.MAX_SAFE_INTEGER });
    await flatWriter.writeNodeTable('gene/protein', makeRows(), { dimension });
    await flatWriter.close();
    const writeMs = performance.now() - started;

    const annDirectory = join(root, 'ann');
    const logger = createMemoryLogger();
    const annWriter = await createLanceStoreWriter(annDirectory, { annThreshold: 1, logger });
    await annWriter.writeNodeTable('gene/protein', makeRows(), { dimension });
    await annWriter.close();
    const annBuildMs = Number(logger.lines.find((line) => line.message === 'ann index built')?.fields.ms);

    const random = createRandom(99);
    const queries = Array.from({ length: options.queries }, () => {
      const near = Math.floor(random() * rows);
      return vectors
        .slice(near * dimension, (near + 1) * dimension)
        .map((value) => value + 0.5 * gaussian(random));
    });

    const flat = await openLanceStore(flatDirectory);
    const ann = await openLanceStore(annDirectory, {
      ann: { ef: options.ef, refineFactor: options.refineFactor },
    });
    const k = options.k;
    await flat.search('gene/protein', queries[0]!, { k }); // warm the page cache
    await ann.search('gene/protein', queries[0]!, { k });
    const exactHits: number[][] = [];
    const exact = await time(queries, async (query) => {
      exactHits.push((await flat.search('gene/protein', query, { k })).map((hit) => hit.nodeIndex));
    });
    const exactWithAnnTable = await time(queries, (query) =>
      ann.search('gene/protein', query, { k, exact: true }),
    );
    let overlap = 0;
    let position = 0;
    const annLatency = await time(queries, async (query) => {
      const truth = new Set(exactHits[position++]);
      overlap += (await ann.search('gene/protein', query, { k })).filter((hit) =>
        truth.has(hit.nodeIndex),
      ).length;
    });
    const allowIndices = new Set(Array.from({ length: 1000 }, (_, index) => (index * 7919) % rows));
    const excludeIndices = new Set(Array.from({ length: 100 }, (_, index) => (index * 104_729) % rows));
    const allow1000 = await time(queries, (query) => ann.search('gene/protein', query, { k, allowIndices }));
    const exclude100 = await time(queries, (query) =>
      ann.search('gene/protein', query, { k, excludeIndices }),
    );
    started = performance.now();
    await ann.getRows(
      'gene/protein',
      Array.from({ length: 100 }, (_, index) => (index * 37) % rows),
    );
    const getRows100Ms = performance.now() - started;
    started = performance.now();
    await ann.readVectors('gene/protein', 'vector');
    const readVectorsMs = performance.now() - started;
    await closeAll(flat, ann);

    // Re-projection of every row (one merge-insert commit), on the table without an index.
    const projectWriter = await createLanceStoreWriter(flatDirectory);
    const nodeIndices = Int32Array.from({ length: rows }, (_, row) => row);
    started = performance.now();
    await projectWriter.writeProjected('gene/protein', nodeIndices, vectors, dimension);
    const projectMs = performance.now() - started;
    await projectWriter.close();
    return {
      projectMs,
      options,
      writeMs,
      annBuildMs,
      exact,
      exactWithAnnTable,
      ann: annLatency,
      annRecallAtK: overlap / (k * queries.length),
      allow1000,
      exclude100,
      getRows100Ms,
      readVectorsMs,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function gaussianMatrix(rows: number, dimension: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: rows * dimension }, () => gaussian(random));
}

async function time<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<LatencySummary> {
  const samples: number[] = [];
  for (const item of items) {
    const started = performance.now();
    await run(item);
    samples.push(performance.now() - started);
  }
  samples.sort((left, right) => left - right);
  const at = (fraction: number) =>
    samples[Math.min(samples.length - 1, Math.floor(fraction * samples.length))]!;
  return {
    meanMs: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
  };
}

async function closeAll(...stores: VectorStore[]): Promise<void> {
  for (const store of stores) await store.close();
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const values = benchArgs({
    rows: 20_000,
    dimension: 1024,
    queries: 100,
    clusters: 200,
    k: 10,
    ef: 200,
    refine: 2,
    json: false,
  });
  const result = await runStoreBench({
    rows: values.rows,
    dimension: values.dimension,
    queries: values.queries,
    clusters: values.clusters,
    k: values.k,
    ef: values.ef,
    refineFactor: values.refine,
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const line = (label: string, summary: LatencySummary) =>
    `${label.padEnd(28)} mean ${round(summary.meanMs)} ms  p50 ${round(summary.p50Ms)} ms  p95 ${round(summary.p95Ms)} ms`;
  process.stdout.write(
    [
      `rows ${result.options.rows} × dim ${result.options.dimension}, ${result.options.queries} queries, k ${result.options.k}, clusters ${result.options.clusters}`,
      `write (no index)             ${round(result.writeMs)} ms`,
      `IVF_HNSW_SQ build            ${round(result.annBuildMs)} ms`,
      line('exact search', result.exact),
      line('exact search (bypass index)', result.exactWithAnnTable),
      line('ANN search', result.ann),
      `ANN recall@${result.options.k}                ${round(result.annRecallAtK)}`,
      line('ANN + allow 1000 (exact)', result.allow1000),
      line('ANN + exclude 100', result.exclude100),
      `getRows(100)                 ${round(result.getRows100Ms)} ms`,
      `readVectors (whole column)   ${round(result.readVectorsMs)} ms`,
      `writeProjected (all rows)    ${round(result.projectMs)} ms`,
    ].join('\n') + '\n',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
