import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { AppError, describeError } from '../errors.js';
import { noopLogger, type Logger } from '../util/logger.js';

/**
 * The one module that talks to onnxruntime-node: maps a device to execution providers, falls back
 * from CUDA to CPU, and owns session lifetime. Other modules go through {@link createOnnxSession}.
 */

export const deviceSchema = z.enum(['cpu', 'cuda']);
export type Device = z.infer<typeof deviceSchema>;

export type SessionOptions = ort.InferenceSession.SessionOptions;
export type OnnxTensor = ort.Tensor;

/**
 * Defaults for every session. `graphOptimizationLevel: 'all'` fuses the small transformer;
 * `intraOpNumThreads: 0` lets ORT use one thread per physical core; `logSeverityLevel: 3` keeps
 * ORT's own warnings out of the service log. Callers override any of them via `sessionOptions`.
 */
export const defaultSessionOptions: Readonly<SessionOptions> = Object.freeze({
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  intraOpNumThreads: 0,
  enableCpuMemArena: true,
  logSeverityLevel: 3,
});

/** Execution providers tried for a device, in order; ORT runs unsupported nodes on CPU anyway. */
export function executionProvidersFor(device: Device): string[] {
  switch (device) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return ['cuda', 'cpu'];
  }
}

/** Validates a device name from configuration or a request. */
export function parseDevice(value: string): Device {
  const parsed = deviceSchema.safeParse(value);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `Unsupported device "${value}"; supported devices: ${deviceSchema.options.join(', ')}`,
      details: { field: 'device', value },
    });
  return parsed.data;
}

export interface OnnxSessionOptions {
  /** `cpu` (default) or `cuda`; CUDA falls back to CPU with a warning when unavailable. */
  device?: string;
  logger?: Logger | undefined;
  /** Merged over {@link defaultSessionOptions}; `executionProviders` here wins over `device`. */
  sessionOptions?: SessionOptions;
  /** Test seam: how a session is created. */
  _internal?: { create?: (path: string, options: SessionOptions) => Promise<ort.InferenceSession> };
}

export interface OnnxSession {
  readonly path: string;
  /** Device the session actually runs on, after any fallback. */
  readonly device: Device;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /**
   * Runs the graph. Calls on one session are queued and run one at a time: each run already uses
   * all intra-op threads, and queueing keeps concurrent requests from oversubscribing the CPU.
   */
  run(feeds: Record<string, OnnxTensor>): Promise<Record<string, OnnxTensor>>;
  dispose(): Promise<void>;
}

export function float32Tensor(data: Float32Array, dims: readonly number[]): OnnxTensor {
  return new ort.Tensor('float32', data, dims);
}

export function int64Scalar(value: number): OnnxTensor {
  return new ort.Tensor('int64', BigInt64Array.of(BigInt(value)), []);
}

export async function createOnnxSession(
  path: string,
  options: OnnxSessionOptions = {},
): Promise<OnnxSession> {
  const logger = options.logger ?? noopLogger;
  const requested = parseDevice(options.device ?? 'cpu');
  const create =
    options._internal?.create ??
    ((modelPath, sessionOptions) => ort.InferenceSession.create(modelPath, sessionOptions));
  const base: SessionOptions = { ...defaultSessionOptions, ...options.sessionOptions };
  const explicitProviders = options.sessionOptions?.executionProviders !== undefined;

  const open = async (device: Device): Promise<ort.InferenceSession> =>
    create(path, explicitProviders ? base : { ...base, executionProviders: executionProvidersFor(device) });

  let device: Device = requested;
  let session: ort.InferenceSession;
  try {
    session = await open(requested);
  } catch (error) {
    if (requested !== 'cuda') throw loadError(path, error);
    logger.warn('CUDA requested but unavailable; running ONNX on CPU', {
      model: path,
      reason: describeError(error),
    });
    device = 'cpu';
    try {
      session = await open('cpu');
    } catch (cpuError) {
      throw loadError(path, cpuError);
    }
  }

  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  return {
    path,
    device,
    inputNames: [...session.inputNames],
    outputNames: [...session.outputNames],
    run(feeds) {
      if (disposed)
        return Promise.reject(
          new AppError({
            code: 'UNAVAILABLE',
            message: `ONNX session for ${path} was disposed`,
            retryable: false,
          }),
        );
      const result = queue.then(() => session.run(feeds));
      queue = result.catch(() => undefined);
      return result;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await queue;
      await session.release();
    },
  };
}

function loadError(path: string, cause: unknown): AppError {
  return new AppError({
    code: 'INVALID_INDEX',
    message: `cannot load ONNX model ${path}`,
    cause,
    details: { file: path },
  });
}
