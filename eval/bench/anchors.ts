/**
 * The project against its anchors, side by side in one run, on the same inputs:
 *   - top-k over an index table's projected vectors: our in-memory search vs numpy / torch brute
 *     force (eval/bench/anchors.py);
 *   - the bridge transform: our onnxruntime bridge (fp32, and int8 when the bridge has it) vs
 *     torch eager on the same module, at batch 1, 32 and 256.
 * Ratios (anchor time / ours; > 1 means we are faster) are what to compare across machines.
 *
 *   npx tsx eval/bench/anchors.ts [--index indexes/demo] [--checkpoint <run>/best] [--seconds 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bridge } from '../../src/bridge/bridge.js';
import { loadOnnxBridge, type BridgePrecision } from '../../src/bridge/onnx-bridge.js';
import { openIndex } from '../../src/indexing/open-index.js';
import { mulberry32 } from '../../src/util/random.js';
import { benchArgs } from './bench-args.js';

export const BRIDGE_BATCHES = [1, 32, 256] as const;
const QUERIES = 200;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface AnchorsResult {
  index: string;
  topk: {
    type: string;
    rows: number;
    dimension: number;
    oursP50Ms: number;
    numpyP50Ms: number;
    torchP50Ms: number;
  };
  /** torch / ours: > 1 when our top-k is faster than torch brute force. */
  topkRatioTorch: number;
  bridge: Record<BridgePrecision, Record<string, number> | null> & { torchEager: Record<string, number> };
  /** torch eager / onnxruntime fp32 per batch size: the goal is ≥ 3. */
  bridgeRatio: Record<string, number>;
  bridgeRatioInt8: Record<string, number> | null;
  bridgeWeights: string;
  python: { torch: string; threads: number };
}

async function timeBridge(bridge: Bridge, seconds: number): Promise<Record<string, number>> {
  const kind = bridge.metadata.edgeKinds?.[0];
  const headType = kind?.headType ?? bridge.metadata.nodeTypes[0]!.name;
  const dim = bridge.metadata.nodeTypes.find((entry) => entry.name === headType)!.dim;
  const input = {
    headType,
    relation: kind?.relation ?? bridge.metadata.registry.relations[0]!,
    tailType: kind?.tailType ?? headType,
  };
  const result: Record<string, number> = {};
  for (const rows of BRIDGE_BATCHES) {
    const random = mulberry32(rows);
    const vectors = Float32Array.from({ length: rows * dim }, () => random());
    for (let warm = 0; warm < 3; warm++) await bridge.transform({ ...input, vectors, rows });
    const samples: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    while (performance.now() < deadline || samples.length < 5) {
      const started = performance.now();
      await bridge.transform({ ...input, vectors, rows });
      samples.push(performance.now() - started);
    }
    result[String(rows)] = median(samples);
  }
  return result;
}

export async function runAnchors(options: {
  index: string;
  checkpoint?: string | undefined;
  seconds: number;
}): Promise<AnchorsResult> {
  const index = await openIndex(options.index);
  const scratch = mkdtempSync(join(tmpdir(), 'biobridge-anchors-'));
  try {
    // The largest table with projected vectors: what /v1/retrieve searches.
    let largest:
      { type: string; nodeIndices: Int32Array; vectors: Float32Array; dimension: number } | undefined;
    for (const type of await index.store.listTypes()) {
      const read = await index.store.readVectors(type, 'projected').catch(() => undefined);
      if (read && read.nodeIndices.length > (largest?.nodeIndices.length ?? 0)) largest = { type, ...read };
    }
    if (!largest) throw new Error(`${options.index}: no table has projected vectors (train a bridge first)`);
    const { type, vectors, dimension } = largest;
    const rows = largest.nodeIndices.length;
    const random = mulberry32(7);
    const queries = new Float32Array(QUERIES * dimension);
    for (let query = 0; query < QUERIES; query++) {
      const row = Math.floor(random() * rows);
      for (let column = 0; column < dimension; column++)
        queries[query * dimension + column] = vectors[row * dimension + column]! + (random() - 0.5) * 0.1;
    }
    writeFileSync(
      join(scratch, 'vectors.f32'),
      new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength),
    );
    writeFileSync(join(scratch, 'queries.f32'), new Uint8Array(queries.buffer));

    await index.store.search(type, queries.subarray(0, dimension), { k: 10, column: 'projected' }); // loads the column
    const samples: number[] = [];
    for (let query = 0; query < QUERIES; query++) {
      const started = performance.now();
      await index.store.search(type, queries.subarray(query * dimension, (query + 1) * dimension), {
        k: 10,
        column: 'projected',
      });
      samples.push(performance.now() - started);
    }
    const oursP50Ms = median(samples);

    const bridgeDirectory = join(options.index, 'bridge');
    const fp32 = await loadOnnxBridge(bridgeDirectory);
    const bridgeFp32 = await timeBridge(fp32, options.seconds);
    await fp32.dispose();
    let bridgeInt8: Record<string, number> | null = null;
    if (fp32.metadata.onnx.transformInt8) {
      const int8 = await loadOnnxBridge(bridgeDirectory, { precision: 'int8' });
      bridgeInt8 = await timeBridge(int8, options.seconds);
      await int8.dispose();
    }

    const python = spawnSync(
      '/usr/bin/python3',
      [
        'eval/bench/anchors.py',
        '--vectors',
        join(scratch, 'vectors.f32'),
        '--queries',
        join(scratch, 'queries.f32'),
        '--dim',
        String(dimension),
        '--bridge',
        join(bridgeDirectory, 'bridge.json'),
        '--batches',
        BRIDGE_BATCHES.join(','),
        '--seconds',
        String(options.seconds),
        ...(options.checkpoint ? ['--checkpoint', options.checkpoint] : []),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (python.status !== 0) throw new Error(`eval/bench/anchors.py exited with ${python.status}`);
    const anchors = JSON.parse(python.stdout) as {
      torch: string;
      threads: number;
      topk: { numpyP50Ms: number; torchP50Ms: number };
      bridgeTorchEagerMs: Record<string, number>;
      bridgeWeights: string;
    };
    const ratio = (ours: Record<string, number>) =>
      Object.fromEntries(
        BRIDGE_BATCHES.map((rows) => [rows, anchors.bridgeTorchEagerMs[rows]! / ours[rows]!]),
      );
    return {
      index: options.index,
      topk: { type, rows, dimension, oursP50Ms, ...anchors.topk },
      topkRatioTorch: anchors.topk.torchP50Ms / oursP50Ms,
      bridge: { fp32: bridgeFp32, int8: bridgeInt8, torchEager: anchors.bridgeTorchEagerMs },
      bridgeRatio: ratio(bridgeFp32),
      bridgeRatioInt8: bridgeInt8 ? ratio(bridgeInt8) : null,
      bridgeWeights: anchors.bridgeWeights,
      python: { torch: anchors.torch, threads: anchors.threads },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await index.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const values = benchArgs({ index: 'indexes/demo', checkpoint: null, seconds: 1 });
  console.log(
    JSON.stringify(
      await runAnchors({
        index: values.index,
        checkpoint: values.checkpoint,
        seconds: values.seconds,
      }),
      null,
      2,
    ),
  );
}
