import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { BRIDGE_METADATA_FILE, loadOnnxBridge } from '../bridge/onnx-bridge.js';
import type { Device } from '../runtime/onnx-session.js';
import { createLanceStoreWriter } from '../store/lancedb-store.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { createProgress, noopProgress } from '../util/progress.js';
import { writeIndexVectorFiles } from './index-vector-files.js';
import { openIndex } from './open-index.js';
import { indexLayout, writeManifest, type IndexManifest } from './manifest.js';

export interface ProjectIndexOptions {
  device?: Device | undefined;
  logger?: Logger | undefined;
  progress?: boolean | undefined;
  batchSize?: number | undefined;
}

export interface ProjectIndexResult {
  bridgeId: string;
  types: { type: string; rows: number; dimension: number; annIndex: boolean }[];
  durationMs: number;
}

/**
 * Fills the `projected` column of every node table with the bridge's projection of its raw
 * vectors. Each table's column is replaced in one commit, and the manifest names the bridge only
 * after every table is done; a bridge is refused for vectors of another encoder (configHash).
 * Then rewrites the vector files: every projected table has a new version, so its files (raw
 * vectors included) would be stale on the next start.
 */
export async function projectIndex(
  indexDirectory: string,
  options: ProjectIndexOptions = {},
): Promise<ProjectIndexResult> {
  // After projectTables has closed its index: that one's background writes are of the old versions.
  const result = await projectTables(indexDirectory, options);
  await writeIndexVectorFiles(indexDirectory, { logger: options.logger });
  return result;
}

async function projectTables(
  indexDirectory: string,
  options: ProjectIndexOptions,
): Promise<ProjectIndexResult> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const bridgeDirectory = join(indexDirectory, indexLayout.bridge);
  const bridge = await loadOnnxBridge(bridgeDirectory, { device: options.device ?? 'cpu', logger });
  const index = await openIndex(indexDirectory, { logger });
  const types: ProjectIndexResult['types'] = [];
  try {
    const writer = await createLanceStoreWriter(join(indexDirectory, indexLayout.lance), { logger });
    try {
      for (const nodeType of bridge.metadata.nodeTypes) {
        const encoder = index.manifest.encoders[nodeType.name];
        if (!encoder || !(await index.store.listTypes()).includes(nodeType.name)) continue;
        if (nodeType.encoderConfigHash && nodeType.encoderConfigHash !== encoder.configHash)
          throw new AppError({
            code: 'INVALID_INDEX',
            message:
              `the bridge in ${bridgeDirectory} was trained on ${nodeType.name} vectors of encoder ${nodeType.encoderConfigHash.slice(0, 12)}, ` +
              `but this index encodes ${nodeType.name} with ${encoder.configHash.slice(0, 12)}; retrain with \`biobridge train ${indexDirectory}\``,
          });
        const { nodeIndices, vectors } = await index.store.readVectors(nodeType.name, 'vector');
        const progress =
          options.progress === false
            ? noopProgress
            : createProgress({ label: `project ${nodeType.name}`, total: nodeIndices.length, unit: 'nodes' });
        const projected = new Float32Array(nodeIndices.length * bridge.metadata.hiddenDim);
        const batch = options.batchSize ?? 4096;
        const dimension = encoder.dimension;
        for (let start = 0; start < nodeIndices.length; start += batch) {
          const rows = Math.min(batch, nodeIndices.length - start);
          const out = await bridge.project(
            nodeType.name,
            vectors.subarray(start * dimension, (start + rows) * dimension),
            rows,
          );
          projected.set(out, start * bridge.metadata.hiddenDim);
          progress.tick(rows);
        }
        progress.done();
        const written = await writer.writeProjected(
          nodeType.name,
          nodeIndices,
          projected,
          bridge.metadata.hiddenDim,
        );
        types.push({
          type: nodeType.name,
          rows: written.withProjected,
          dimension: written.dimension,
          annIndex: written.annIndex,
        });
      }
    } finally {
      await writer.close();
    }
    const metadataBytes = await readFile(join(bridgeDirectory, BRIDGE_METADATA_FILE));
    const bridgeId = createHash('sha256').update(metadataBytes).digest('hex').slice(0, 16);
    const training = bridge.metadata.training as Record<string, unknown> | null | undefined;
    const split = training?.split as { name?: unknown } | undefined;
    const manifest: IndexManifest = {
      ...index.manifest,
      bridge: {
        id: bridgeId,
        hiddenDim: bridge.metadata.hiddenDim,
        projectedAt: new Date().toISOString(),
        preset: typeof training?.preset === 'string' ? training.preset : undefined,
        split: typeof split?.name === 'string' ? split.name : undefined,
      },
    };
    await writeManifest(indexDirectory, manifest);
    return { bridgeId, types, durationMs: performance.now() - started };
  } finally {
    await index.close();
    await bridge.dispose();
  }
}
