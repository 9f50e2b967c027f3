import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createOnnxSession,
  defaultSessionOptions,
  executionProvidersFor,
  float32Tensor,
  int64Scalar,
  parseDevice,
  type SessionOptions,
} from '../../src/runtime/onnx-session.js';
import { AppError } from '../../src/errors.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { rejection } from '../helpers/expect-app-error.js';

const projectModel = join(import.meta.dirname, '..', 'fixtures', 'bridge', 'project.onnx');

function projectFeeds() {
  return {
    vectors: float32Tensor(
      Float32Array.from({ length: 40 }, (_, index) => index / 40),
      [2, 20],
    ),
    node_type: int64Scalar(1),
  };
}

describe('devices', () => {
  it('maps devices to execution providers', () => {
    expect(executionProvidersFor('cpu')).toEqual(['cpu']);
    expect(executionProvidersFor('cuda')).toEqual(['cuda', 'cpu']);
  });

  it('rejects unknown devices with a clear error', () => {
    expect(() => parseDevice('tpu')).toThrowError(AppError);
    expect(() => parseDevice('tpu')).toThrowError('Unsupported device "tpu"; supported devices: cpu, cuda');
  });

  it('rejects an unknown device before loading anything', async () => {
    const error = await rejection(createOnnxSession(projectModel, { device: 'metal' }));
    expect(error.code).toBe('INVALID_CONFIG');
  });
});

describe('createOnnxSession', () => {
  it('runs a model on CPU', async () => {
    const session = await createOnnxSession(projectModel);
    try {
      expect(session.device).toBe('cpu');
      expect(session.inputNames).toEqual(['vectors', 'node_type']);
      const output = await session.run(projectFeeds());
      expect(output.projected?.dims).toEqual([2, 32]);
    } finally {
      await session.dispose();
    }
  });

  it('falls back to CPU with a warning when CUDA cannot be loaded', async () => {
    const logger = createMemoryLogger();
    const seen: SessionOptions[] = [];
    const { InferenceSession: ortSession } = await import('onnxruntime-node');
    const session = await createOnnxSession(projectModel, {
      device: 'cuda',
      logger,
      _internal: {
        create: async (path, options) => {
          seen.push(options);
          if (options.executionProviders?.includes('cuda')) throw new Error('libcudart.so.12: cannot open');
          return ortSession.create(path, options);
        },
      },
    });
    try {
      expect(session.device).toBe('cpu');
      expect(seen.map((options) => options.executionProviders)).toEqual([['cuda', 'cpu'], ['cpu']]);
      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: 'CUDA requested but unavailable; running ONNX on CPU',
          fields: { model: projectModel, reason: 'libcudart.so.12: cannot open' },
        },
      ]);
      expect((await session.run(projectFeeds())).projected?.dims).toEqual([2, 32]);
    } finally {
      await session.dispose();
    }
  });

  it('gives CUDA-or-fallback sessions the same results as CPU ones', async () => {
    const cpu = await createOnnxSession(projectModel, { device: 'cpu' });
    const cuda = await createOnnxSession(projectModel, { device: 'cuda', logger: createMemoryLogger() });
    try {
      const expected = (await cpu.run(projectFeeds())).projected!.data as Float32Array;
      const actual = (await cuda.run(projectFeeds())).projected!.data as Float32Array;
      actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 4));
    } finally {
      await Promise.all([cpu.dispose(), cuda.dispose()]);
    }
  });

  it('merges caller session options over the defaults', async () => {
    const seen: SessionOptions[] = [];
    const { InferenceSession: ortSession } = await import('onnxruntime-node');
    const session = await createOnnxSession(projectModel, {
      sessionOptions: { intraOpNumThreads: 1 },
      _internal: {
        create: async (path, options) => {
          seen.push(options);
          return ortSession.create(path, options);
        },
      },
    });
    await session.dispose();
    expect(seen[0]).toEqual({ ...defaultSessionOptions, intraOpNumThreads: 1, executionProviders: ['cpu'] });
  });

  it('names the model file when it cannot load', async () => {
    const missing = join(import.meta.dirname, 'missing.onnx');
    const error = await rejection(createOnnxSession(missing));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toBe(`cannot load ONNX model ${missing}`);
    expect(error.details).toEqual({ file: missing });
    expect(error.cause).toBeInstanceOf(Error);
  });
});
