import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { noopLogger, type Logger } from '../util/logger.js';
import {
  bridgeMetadataSchema,
  resolveProjectRequest,
  resolveTransformRequest,
  type Bridge,
  type BridgeMetadata,
  type TransformInput,
} from './bridge.js';
import {
  createOnnxSession,
  float32Tensor,
  int64Scalar,
  type OnnxSession,
  type OnnxSessionOptions,
  type OnnxTensor,
  type SessionOptions,
} from '../runtime/onnx-session.js';

export interface OnnxBridgeOptions {
  /** `cpu` (default) or `cuda` (falls back to CPU with a warning). */
  device?: string;
  logger?: Logger;
  /**
   * Rows per ONNX run (default 1024). Larger inputs are split; memory per run is about
   * batchSize × inputDim × 4 bytes plus activations.
   */
  batchSize?: number;
  /**
   * Check the ONNX files against the sha256 in bridge.json: `true` (default) before loading;
   * `'first-use'` in the background while the sessions open, and every `project`/`transform`
   * waits for it (a mismatch fails them), so the service starts without hashing on its critical
   * path yet never answers from unverified weights; `false` never.
   */
  verifyChecksums?: boolean | 'first-use' | undefined;
  sessionOptions?: SessionOptions;
  /**
   * `fp32` (default) or `int8`: the dynamic-quantised transform graph recorded in bridge.json as
   * `onnx.transformInt8` (made by `python3 -m biobridge_train.quantize_onnx <bridge dir>`).
   */
  precision?: BridgePrecision | undefined;
  /**
   * Open the project graph's session on the first `project` call instead of at load (default
   * false). The service's queries only `transform`; projecting is for indexing and molecule
   * design, so its session (≈ 0.2 CPU-s on the shared index's bridge) stays off the start-up path.
   */
  openProjectOnFirstUse?: boolean | undefined;
  /** Test seam passed to {@link createOnnxSession}. */
  _internal?: OnnxSessionOptions['_internal'];
}

export const BRIDGE_METADATA_FILE = 'bridge.json';

export const BRIDGE_PRECISIONS = ['fp32', 'int8'] as const;
export type BridgePrecision = (typeof BRIDGE_PRECISIONS)[number];

/** Reads and validates `<directory>/bridge.json`. */
export async function readBridgeMetadata(directory: string): Promise<BridgeMetadata> {
  const path = join(directory, BRIDGE_METADATA_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: missing or unreadable (not a bridge directory)`,
      cause,
      details: { file: path },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: invalid JSON`,
      cause,
      details: { file: path },
    });
  }
  const parsed = bridgeMetadataSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: invalid bridge metadata\n${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
      details: { file: path },
    });
  return parsed.data;
}

/** Loads a bridge directory (`bridge.json`, `transform.onnx`, `project.onnx`); sessions open once. */
export async function loadOnnxBridge(directory: string, options: OnnxBridgeOptions = {}): Promise<Bridge> {
  const logger = options.logger ?? noopLogger;
  const batchSize = validBatchSize(options.batchSize ?? 1024);
  const metadata = await readBridgeMetadata(directory);
  const graphs: BridgeGraphs = {
    transform: transformGraphFor(metadata, directory, options.precision),
    project: metadata.onnx.project,
  };
  const { verified } = await startVerification(directory, graphs, options.verifyChecksums ?? true);
  const sessionOptions = sessionOptionsFor(options, logger);
  const sessions = await openSessions(directory, graphs, sessionOptions, options.openProjectOnFirstUse);
  const [transformSession] = sessions;
  let projectSession = sessions[1] && Promise.resolve(sessions[1]);
  const projectSessionOf = () => (projectSession ??= openSession(directory, graphs.project, sessionOptions));
  logger.info('bridge loaded', {
    directory,
    device: transformSession.device,
    source: metadata.source,
    types: metadata.nodeTypes.map((entry) => entry.name),
    hiddenDim: metadata.hiddenDim,
  });
  const runBatched = batchRunner(metadata, batchSize, verified);

  return {
    metadata,
    async project(type, vectors, rows) {
      const request = resolveProjectRequest(metadata, type, vectors, rows);
      const nodeType = int64Scalar(request.typeId);
      const [vectorsName, typeName] = graphs.project.inputs as [string, string];
      return runBatched(
        await projectSessionOf(),
        graphs.project.output,
        vectors,
        rows,
        request.dim,
        (batch) => ({
          [vectorsName]: batch,
          [typeName]: nodeType,
        }),
      );
    },
    async transform(input: TransformInput) {
      const request = resolveTransformRequest(metadata, input);
      const ids = [
        int64Scalar(request.typeId),
        int64Scalar(request.relationId),
        int64Scalar(request.tailTypeId),
      ];
      const [headName, headTypeName, relationName, tailTypeName] = graphs.transform.inputs as [
        string,
        string,
        string,
        string,
      ];
      return runBatched(
        transformSession,
        graphs.transform.output,
        input.vectors,
        input.rows,
        request.dim,
        (batch) => ({
          [headName]: batch,
          [headTypeName]: ids[0]!,
          [relationName]: ids[1]!,
          [tailTypeName]: ids[2]!,
        }),
      );
    },
    async dispose() {
      const project = await projectSession?.catch(() => undefined);
      await Promise.all([transformSession.dispose(), project?.dispose()]);
    },
  };
}

type BridgeGraph = BridgeMetadata['onnx']['transform'];
interface BridgeGraphs {
  transform: BridgeGraph;
  project: BridgeGraph;
}

function validBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `bridge batchSize must be a positive integer, got ${batchSize}`,
      details: { field: 'batchSize', value: batchSize },
    });
  return batchSize;
}

/**
 * Checks the graphs' checksums per `verifyChecksums`; resolves to the promise every run awaits
 * (already settled unless `'first-use'`), wrapped so that awaiting this call does not await it.
 */
async function startVerification(
  directory: string,
  graphs: BridgeGraphs,
  verification: NonNullable<OnnxBridgeOptions['verifyChecksums']>,
): Promise<{ verified: Promise<void> }> {
  const verifyAll = () =>
    Promise.all(
      [graphs.transform, graphs.project].map((graph) =>
        verifyChecksum(join(directory, graph.file), graph.sha256),
      ),
    ).then(() => undefined);
  if (verification === true) await verifyAll();
  // Started now, awaited by every run: hashing overlaps the session start instead of preceding it.
  const verified = verification === 'first-use' ? verifyAll() : Promise.resolve();
  verified.catch(() => undefined); // reported by the first run, not as an unhandled rejection
  return { verified };
}

function sessionOptionsFor(options: OnnxBridgeOptions, logger: Logger): OnnxSessionOptions {
  const sessionOptions: OnnxSessionOptions = { logger };
  if (options.device !== undefined) sessionOptions.device = options.device;
  if (options.sessionOptions !== undefined) sessionOptions.sessionOptions = options.sessionOptions;
  if (options._internal !== undefined) sessionOptions._internal = options._internal;
  return sessionOptions;
}

/**
 * Opens the transform session and, unless `projectLater`, the project session, checking their
 * signatures; disposes what opened when one fails.
 */
async function openSessions(
  directory: string,
  graphs: BridgeGraphs,
  sessionOptions: OnnxSessionOptions,
  projectLater = false,
): Promise<[OnnxSession, OnnxSession?]> {
  // Both sessions open at once: onnxruntime builds them off the JavaScript thread.
  const opened = await Promise.allSettled(
    (projectLater ? [graphs.transform] : [graphs.transform, graphs.project]).map((graph) =>
      openSession(directory, graph, sessionOptions),
    ),
  );
  const sessions = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = opened.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(sessions.map((session) => session.dispose()));
    throw failed.reason;
  }
  return sessions as [OnnxSession, OnnxSession?];
}

/** One graph's session, its inputs and output checked against bridge.json (closed when they differ). */
async function openSession(
  directory: string,
  graph: BridgeGraph,
  sessionOptions: OnnxSessionOptions,
): Promise<OnnxSession> {
  const session = await createOnnxSession(join(directory, graph.file), sessionOptions);
  try {
    checkSignature(session, graph.inputs, graph.output);
  } catch (error) {
    await session.dispose();
    throw error;
  }
  return session;
}

/** Runs a session over `rows` input rows in batches of `batchSize`, after the checksums are verified. */
function batchRunner(metadata: BridgeMetadata, batchSize: number, verified: Promise<void>) {
  const hidden = metadata.hiddenDim;
  const width = metadata.inputDim;
  return async function runBatched(
    session: OnnxSession,
    outputName: string,
    vectors: Float32Array,
    rows: number,
    dim: number,
    feedsFor: (batch: OnnxTensor) => Record<string, OnnxTensor>,
  ): Promise<Float32Array> {
    await verified;
    const result = new Float32Array(rows * hidden);
    for (let start = 0; start < rows; start += batchSize) {
      const count = Math.min(batchSize, rows - start);
      const input = padRows(vectors, start, count, dim, width);
      const outputs = await session.run(feedsFor(float32Tensor(input, [count, width])));
      const output = outputs[outputName];
      if (!output || output.dims.length !== 2 || output.dims[0] !== count || output.dims[1] !== hidden)
        throw new AppError({
          code: 'INTERNAL',
          message: `${session.path}: output "${outputName}" has shape [${output?.dims.join(', ') ?? ''}], expected [${count}, ${hidden}]`,
        });
      result.set(output.data as Float32Array, start * hidden);
    }
    return result;
  };
}

function transformGraphFor(
  metadata: BridgeMetadata,
  directory: string,
  precision: BridgePrecision | undefined,
): BridgeMetadata['onnx']['transform'] {
  if ((precision ?? 'fp32') === 'fp32') return metadata.onnx.transform;
  if (metadata.onnx.transformInt8) return metadata.onnx.transformInt8;
  throw new AppError({
    code: 'INVALID_CONFIG',
    message: `bridge precision int8 was asked for, but ${join(directory, BRIDGE_METADATA_FILE)} has no onnx.transformInt8; make it with \`python3 -m biobridge_train.quantize_onnx ${directory}\` (from train/)`,
    details: { field: 'precision', value: precision },
  });
}

/** Rows [start, start + count) of a [rows, dim] matrix, zero-padded to `width` columns. */
function padRows(
  vectors: Float32Array,
  start: number,
  count: number,
  dim: number,
  width: number,
): Float32Array {
  if (dim === width) return vectors.subarray(start * dim, (start + count) * dim);
  const padded = new Float32Array(count * width);
  for (let row = 0; row < count; row++) {
    const from = (start + row) * dim;
    padded.set(vectors.subarray(from, from + dim), row * width);
  }
  return padded;
}

function checkSignature(session: OnnxSession, inputs: readonly string[], output: string): void {
  const sameInputs =
    session.inputNames.length === inputs.length &&
    session.inputNames.every((name, index) => name === inputs[index]);
  if (!sameInputs || !session.outputNames.includes(output))
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${session.path}: graph has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; bridge.json expects inputs [${inputs.join(', ')}] and output ${output}`,
      details: { file: session.path },
    });
}

async function verifyChecksum(path: string, expected: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: missing or unreadable`,
      cause,
      details: { file: path },
    });
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: sha256 ${actual} does not match bridge.json (${expected}); re-export the bridge`,
      details: { file: path, expected, actual },
    });
}
