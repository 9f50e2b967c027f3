import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import { tableNameForType } from '../kg/registry.js';
import type { VectorStore } from '../store/vector-store.js';
import { buildDirectoryAtomic } from '../util/atomic.js';
import { noopLogger, type Logger } from '../util/logger.js';

/**
 * Writes the trainer's input (format `biobridge-training-export` v1, spec: train/FORMAT.md):
 * raw encoder vectors per node type and the triples between nodes that have vectors. The trainer
 * never re-encodes anything; it learns from exactly these vectors.
 */
export interface TrainingExportOptions {
  graph: KgGraph;
  store: VectorStore;
  /** Node type → encoder configHash (from the index manifest). */
  encoderHashes: Record<string, string>;
  outDirectory: string;
  /** Display relations to leave out of training (e.g. `parent-child`). */
  excludeRelations?: readonly string[] | undefined;
  /** Free-form provenance recorded in the manifest (not hashed). */
  source?: Record<string, unknown> | undefined;
  logger?: Logger | undefined;
}

export interface TrainingExportSummary {
  directory: string;
  dataHash: string;
  tables: { type: string; rows: number; dim: number }[];
  triples: number;
  droppedTriples: number;
}

/** One node type's vectors in the export (`nodeTables` of the manifest). */
export interface TrainingExportTable {
  type: string;
  typeId: number;
  table: string;
  rows: number;
  dim: number;
  /** Relative paths of the `.f32` vectors and `.i32` node indices. */
  vectors: string;
  nodeIndices: string;
  encoderConfigHash: string;
  sha256: { vectors: string; nodeIndices: string };
}

/** `manifest.json` of a training export. */
export interface TrainingExportManifest {
  format: 'biobridge-training-export';
  formatVersion: 1;
  createdAt: string;
  registry: { nodeTypes: string[]; relations: string[] };
  nodeTables: TrainingExportTable[];
  triples: { file: string; count: number; sha256: string };
  dataHash: string;
  source: Record<string, unknown>;
}

const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export async function writeTrainingExport(options: TrainingExportOptions): Promise<TrainingExportSummary> {
  if (!little)
    throw new AppError({ code: 'INTERNAL', message: 'the training export needs a little-endian machine' });
  const { graph, store } = options;
  const logger = options.logger ?? noopLogger;
  const registry = graph.registry;
  const excluded = new Set((options.excludeRelations ?? []).map((name) => registry.requireRelationId(name)));

  return buildDirectoryAtomic(options.outDirectory, async (staging) => {
    await mkdir(join(staging, 'vectors'), { recursive: true });
    const hasVector = new Set<number>();
    const tables: TrainingExportTable[] = [];
    for (const type of await store.listTypes()) {
      const encoderConfigHash = options.encoderHashes[type];
      if (!encoderConfigHash) continue;
      const { nodeIndices, vectors, dimension } = await store.readVectors(type, 'vector');
      if (nodeIndices.length === 0) continue;
      const table = tableNameForType(type);
      const vectorFile = `vectors/${table}.f32`;
      const indexFile = `vectors/${table}.i32`;
      const vectorBytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
      const indexBytes = new Uint8Array(nodeIndices.buffer, nodeIndices.byteOffset, nodeIndices.byteLength);
      await writeFile(join(staging, vectorFile), vectorBytes);
      await writeFile(join(staging, indexFile), indexBytes);
      for (const nodeIndex of nodeIndices) hasVector.add(nodeIndex);
      tables.push({
        type,
        typeId: registry.requireTypeId(type),
        table,
        rows: nodeIndices.length,
        dim: dimension,
        vectors: vectorFile,
        nodeIndices: indexFile,
        encoderConfigHash,
        sha256: { vectors: sha256(vectorBytes), nodeIndices: sha256(indexBytes) },
      });
      logger.info('exported vectors', { type, rows: nodeIndices.length, dim: dimension });
    }
    tables.sort((a, b) => a.typeId - b.typeId);
    if (tables.length === 0)
      throw new AppError({ code: 'INVALID_INDEX', message: 'the index has no encoded nodes to train on' });

    const { triples, dropped } = collectTriples(graph, hasVector, excluded);
    if (triples.length === 0)
      throw new AppError({
        code: 'INVALID_INDEX',
        message: `no triple joins two encoded nodes (${dropped} edges touch a node without a vector), so there is nothing to train on`,
      });
    const tripleBytes = new Uint8Array(triples.buffer, triples.byteOffset, triples.byteLength);
    await writeFile(join(staging, 'triples.i32'), tripleBytes);
    const count = triples.length / 3;
    const triplesHash = sha256(tripleBytes);
    const lines = [
      'biobridge-training-export/1',
      ['nodeTypes', ...registry.nodeTypes].join('\t'),
      ['relations', ...registry.relations].join('\t'),
      ...tables.map((t) =>
        [
          'table',
          t.typeId,
          t.type,
          t.rows,
          t.dim,
          t.encoderConfigHash,
          t.sha256.vectors,
          t.sha256.nodeIndices,
        ].join('\t'),
      ),
      ['triples', count, triplesHash].join('\t'),
    ];
    const dataHash = sha256(Buffer.from(lines.map((line) => line + '\n').join(''), 'utf8'));
    const manifest: TrainingExportManifest = {
      format: 'biobridge-training-export',
      formatVersion: 1,
      createdAt: new Date().toISOString(),
      registry: registry.toJSON(),
      nodeTables: tables,
      triples: { file: 'triples.i32', count, sha256: triplesHash },
      dataHash,
      source: options.source ?? {},
    };
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    logger.info('exported triples', { triples: count, dropped, dataHash: dataHash.slice(0, 12) });
    return {
      directory: options.outDirectory,
      dataHash,
      tables: tables.map((t) => ({ type: t.type, rows: t.rows, dim: t.dim })),
      triples: count,
      droppedTriples: dropped,
    };
  });
}

/** (head, relation id, tail) rows between nodes with vectors, sorted and de-duplicated. */
function collectTriples(
  graph: KgGraph,
  hasVector: ReadonlySet<number>,
  excludedRelations: ReadonlySet<number>,
): { triples: Int32Array; dropped: number } {
  const keep: number[] = [];
  let dropped = 0;
  for (let edge = 0; edge < graph.edgeCount; edge++) {
    const kind = graph.edgeKinds[graph.kinds[edge]!]!;
    if (excludedRelations.has(kind.relationId)) continue;
    if (!hasVector.has(graph.heads[edge]!) || !hasVector.has(graph.tails[edge]!)) {
      dropped++;
      continue;
    }
    keep.push(edge);
  }
  const order = Int32Array.from(keep);
  const relationOf = (edge: number) => graph.edgeKinds[graph.kinds[edge]!]!.relationId;
  order.sort(
    (a, b) =>
      graph.heads[a]! - graph.heads[b]! || relationOf(a) - relationOf(b) || graph.tails[a]! - graph.tails[b]!,
  );
  const triples = new Int32Array(order.length * 3);
  let rows = 0;
  for (const edge of order) {
    const head = graph.heads[edge]!;
    const relation = relationOf(edge);
    const tail = graph.tails[edge]!;
    // Two PrimeKG relations can share a display relation (`associated with`): keep one row.
    if (
      rows > 0 &&
      triples[rows * 3 - 3] === head &&
      triples[rows * 3 - 2] === relation &&
      triples[rows * 3 - 1] === tail
    )
      continue;
    triples[rows * 3] = head;
    triples[rows * 3 + 1] = relation;
    triples[rows * 3 + 2] = tail;
    rows++;
  }
  return { triples: triples.slice(0, rows * 3), dropped };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The fields of `manifest.json` (a `TrainingExportManifest`) that readers of the export rely on. */
export const exportManifestSchema = z.object({
  dataHash: z.string(),
  triples: z.object({ file: z.string(), count: z.number() }),
});

export async function readTrainingExportHash(
  directory: string,
): Promise<{ dataHash: string; triples: number }> {
  const path = join(directory, 'manifest.json');
  try {
    const parsed = exportManifestSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    return { dataHash: parsed.dataHash, triples: parsed.triples.count };
  } catch (error) {
    throw new AppError({ code: 'INVALID_INDEX', message: `${path}: not a training export`, cause: error });
  }
}
