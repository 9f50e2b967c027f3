import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BridgeMetadata } from '../bridge/bridge.js';
import { readBridgeMetadata } from '../bridge/onnx-bridge.js';
import { exists } from '../util/atomic.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { indexLayout, readManifest, type IndexManifest } from './manifest.js';
import { projectIndex } from './project-index.js';

/** What a re-ingest did with the trained bridge of the index it replaced. */
export type BridgeCarryOver = { kept: true; bridgeId: string } | { kept: false; reason: string };

/** Directories trained by `biobridge train` that a compatible re-ingest keeps. */
const BRIDGE_DIRECTORIES = [indexLayout.bridge, 'bridge-untrained'] as const;

/**
 * Why a bridge cannot project the vectors of an index, or undefined when it can: the registry
 * (node types and relations, by id) must be the same, and every node type the bridge was trained
 * on must be encoded by the same encoder configuration (configHash).
 */
export function bridgeIncompatibility(metadata: BridgeMetadata, manifest: IndexManifest): string | undefined {
  if (!isDeepStrictEqual(metadata.registry, manifest.registry))
    return 'the new KG has other node types or relations than the bridge was trained on';
  for (const nodeType of metadata.nodeTypes) {
    const encoder = manifest.encoders[nodeType.name];
    if (nodeType.encoderConfigHash === null) continue;
    if (!encoder) return `the new index does not encode ${nodeType.name}, which the bridge was trained on`;
    if (encoder.configHash !== nodeType.encoderConfigHash)
      return (
        `${nodeType.name} is now encoded by encoder ${encoder.configHash.slice(0, 12)}, ` +
        `but the bridge was trained on ${nodeType.encoderConfigHash.slice(0, 12)}`
      );
  }
  return undefined;
}

/**
 * Copies the previous index's trained bridge into the freshly built `staging` index and projects
 * its node tables, when the bridge fits the new vectors; otherwise says why it was dropped.
 * Returns undefined when the previous index had no bridge.
 */
export async function carryBridgeOver(
  previousDirectory: string,
  stagingDirectory: string,
  options: { logger?: Logger | undefined; progress?: boolean | undefined } = {},
): Promise<BridgeCarryOver | undefined> {
  const logger = options.logger ?? noopLogger;
  const previousBridge = join(previousDirectory, indexLayout.bridge);
  if (!(await exists(previousBridge))) return undefined;
  const metadata = await readBridgeMetadata(previousBridge).catch(() => undefined);
  if (!metadata) return { kept: false, reason: `${previousBridge} is not a readable bridge` };
  const reason = bridgeIncompatibility(metadata, await readManifest(stagingDirectory));
  if (reason) {
    logger.warn('the trained bridge is not kept; retrain with `biobridge train`', { reason });
    return { kept: false, reason: `${reason}; retrain with \`biobridge train\`` };
  }
  for (const name of BRIDGE_DIRECTORIES) {
    const source = join(previousDirectory, name);
    if (await exists(source)) await cp(source, join(stagingDirectory, name), { recursive: true });
  }
  logger.info('keeping the trained bridge and projecting the new index with it');
  const projection = await projectIndex(stagingDirectory, {
    logger,
    progress: options.progress,
  });
  return { kept: true, bridgeId: projection.bridgeId };
}
