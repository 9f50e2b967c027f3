import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/bridge/bridge.js';
import { loadOnnxBridge, readBridgeMetadata } from '../../src/bridge/onnx-bridge.js';
import { createMemoryLogger } from '../../src/util/logger.js';
import { rejection } from '../helpers/expect-app-error.js';

const fixtureDirectory = join(import.meta.dirname, '..', 'fixtures', 'bridge');
const temporaryDirectories: string[] = [];

async function fixtureCopy(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'biobridge-bridge-'));
  temporaryDirectories.push(directory);
  await cp(fixtureDirectory, directory, { recursive: true });
  return directory;
}

async function editMetadata(
  directory: string,
  edit: (value: Record<string, unknown>) => void,
): Promise<void> {
  const path = join(directory, 'bridge.json');
  const value = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(value);
  await writeFile(path, JSON.stringify(value));
}

function maxAbsDifference(left: Float32Array, right: Float32Array): number {
  expect(left.length).toBe(right.length);
  return left.reduce((worst, value, index) => Math.max(worst, Math.abs(value - right[index]!)), 0);
}

function rowsOf(rows: number, dim: number, seed: number): Float32Array {
  return Float32Array.from({ length: rows * dim }, (_, index) => Math.sin(seed + index * 0.37));
}

afterAll(async () => {
  await Promise.all(temporaryDirectories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describe('loadOnnxBridge', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await loadOnnxBridge(fixtureDirectory, { batchSize: 3 });
  });
  afterAll(async () => {
    await bridge.dispose();
  });

  it('exposes the validated metadata', () => {
    expect(bridge.metadata.hiddenDim).toBe(32);
    expect(bridge.metadata.inputDim).toBe(20);
    expect(bridge.metadata.nodeTypes.map((entry) => [entry.name, entry.dim])).toEqual([
      ['gene/protein', 20],
      ['disease', 8],
      ['drug', 12],
    ]);
  });

  // Kernels differ with the batch size, so rows agree to rounding, not bit for bit.
  it('gives the same rows whether inputs are batched or not', async () => {
    const whole = await loadOnnxBridge(fixtureDirectory, { batchSize: 1024 });
    try {
      const vectors = rowsOf(7, 12, 1);
      const batched = await bridge.transform({
        headType: 'drug',
        relation: 'target',
        tailType: 'gene/protein',
        vectors,
        rows: 7,
      });
      const single = await whole.transform({
        headType: 'drug',
        relation: 'target',
        tailType: 'gene/protein',
        vectors,
        rows: 7,
      });
      expect(maxAbsDifference(batched, single)).toBeLessThan(1e-5);
      const lastRow = await whole.transform({
        headType: 'drug',
        relation: 'target',
        tailType: 'gene/protein',
        vectors: vectors.subarray(6 * 12),
        rows: 1,
      });
      expect(maxAbsDifference(batched.subarray(6 * 32), lastRow)).toBeLessThan(1e-5);
    } finally {
      await whole.dispose();
    }
  });

  it('answers concurrent calls exactly as sequential ones', async () => {
    const requests = Array.from({ length: 24 }, (_, index) => ({
      kind: index % 3 === 0 ? ('project' as const) : ('transform' as const),
      rows: 1 + (index % 5),
      seed: index,
    }));
    const call = (request: (typeof requests)[number]) =>
      request.kind === 'project'
        ? bridge.project('gene/protein', rowsOf(request.rows, 20, request.seed), request.rows)
        : bridge.transform({
            headType: 'disease',
            relation: 'associated with',
            tailType: 'gene/protein',
            vectors: rowsOf(request.rows, 8, request.seed),
            rows: request.rows,
          });
    const sequential: Float32Array[] = [];
    for (const request of requests) sequential.push(await call(request));
    const concurrent = await Promise.all(requests.map(call));
    concurrent.forEach((output, index) => expect(Array.from(output)).toEqual(Array.from(sequential[index]!)));
  });

  it('returns an empty array for zero rows', async () => {
    expect((await bridge.project('drug', new Float32Array(0), 0)).length).toBe(0);
  });

  it.each([
    [
      'an unknown type',
      () => bridge.project('mineral', new Float32Array(12), 1),
      'type',
      /unknown node type "mineral"/,
    ],
    [
      'a type without projection',
      () => bridge.project('variant', new Float32Array(12), 1),
      'type',
      /"variant" has no projection/,
    ],
    [
      'a wrong vector length',
      () => bridge.project('drug', new Float32Array(13), 1),
      'vectors',
      /rows × 12 = 12 values, got 13/,
    ],
    [
      'fractional rows',
      () => bridge.project('drug', new Float32Array(12), 1.5),
      'rows',
      /non-negative integer/,
    ],
    [
      'an unknown relation',
      () =>
        bridge.transform({
          headType: 'drug',
          relation: 'cures',
          tailType: 'disease',
          vectors: new Float32Array(12),
          rows: 1,
        }),
      'relation',
      /unknown relation "cures"/,
    ],
    [
      'an unknown tail type',
      () =>
        bridge.transform({
          headType: 'drug',
          relation: 'target',
          tailType: 'protein',
          vectors: new Float32Array(12),
          rows: 1,
        }),
      'tailType',
      /unknown node type "protein"/,
    ],
    [
      'head vectors of the wrong width',
      () =>
        bridge.transform({
          headType: 'drug',
          relation: 'target',
          tailType: 'disease',
          vectors: new Float32Array(20),
          rows: 1,
        }),
      'vectors',
      /"drug" must hold rows × 12/,
    ],
  ])('rejects %s with BAD_REQUEST naming the field', async (_label, call, field, message) => {
    const error = await rejection(call());
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.details?.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it('logs what it loaded', async () => {
    const logger = createMemoryLogger();
    const loaded = await loadOnnxBridge(fixtureDirectory, { logger });
    await loaded.dispose();
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'bridge loaded',
        fields: expect.objectContaining({ device: 'cpu', hiddenDim: 32 }),
      }),
    );
  });

  it('refuses calls after dispose', async () => {
    const loaded = await loadOnnxBridge(fixtureDirectory);
    await loaded.dispose();
    const error = await rejection(loaded.project('drug', new Float32Array(12), 1));
    expect(error.code).toBe('UNAVAILABLE');
  });
});

describe('bridge directory errors', () => {
  it('names a missing bridge.json', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'biobridge-empty-'));
    temporaryDirectories.push(directory);
    const error = await rejection(loadOnnxBridge(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toBe(
      `${join(directory, 'bridge.json')}: missing or unreadable (not a bridge directory)`,
    );
  });

  it('names the file and the field of invalid metadata', async () => {
    const directory = await fixtureCopy();
    await editMetadata(directory, (value) => {
      value.hiddenDim = 'wide';
      (value.nodeTypes as { id: number }[])[0]!.id = 3;
    });
    const error = await rejection(readBridgeMetadata(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toContain(`${join(directory, 'bridge.json')}: invalid bridge metadata`);
    expect(error.message).toContain('hiddenDim');
  });

  it('reports registry/id disagreements', async () => {
    const directory = await fixtureCopy();
    await editMetadata(directory, (value) => {
      (value.nodeTypes as { id: number }[])[0]!.id = 3;
    });
    const error = await rejection(readBridgeMetadata(directory));
    expect(error.message).toContain('id 3 is "effect/phenotype" in the registry, not "gene/protein"');
  });

  it('reports invalid JSON', async () => {
    const directory = await fixtureCopy();
    await writeFile(join(directory, 'bridge.json'), '{"format": ');
    const error = await rejection(loadOnnxBridge(directory));
    expect(error.message).toBe(`${join(directory, 'bridge.json')}: invalid JSON`);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('detects an ONNX file that does not match its checksum', async () => {
    const directory = await fixtureCopy();
    const path = join(directory, 'project.onnx');
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(path, bytes);
    const error = await rejection(loadOnnxBridge(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toMatch(/project\.onnx: sha256 [0-9a-f]{64} does not match bridge\.json/);
  });

  it("with verifyChecksums 'first-use', loads at once but refuses to run a graph that fails its checksum", async () => {
    const directory = await fixtureCopy();
    const path = join(directory, 'project.onnx');
    const bytes = await readFile(path);
    // One bit in the middle of the weights: the graph still loads, with a wrong value.
    const middle = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0x01, middle);
    await writeFile(path, bytes);
    const bridge = await loadOnnxBridge(directory, { verifyChecksums: 'first-use' });
    try {
      const type = bridge.metadata.nodeTypes[0]!;
      const error = await rejection(bridge.project(type.name, rowsOf(1, type.dim, 1), 1));
      expect(error.code).toBe('INVALID_INDEX');
      expect(error.message).toMatch(/project\.onnx: sha256 [0-9a-f]{64} does not match bridge\.json/);
    } finally {
      await bridge.dispose();
    }
  });

  it('detects graphs whose inputs differ from bridge.json', async () => {
    const directory = await fixtureCopy();
    await editMetadata(directory, (value) => {
      (value.onnx as { project: { inputs: string[] } }).project.inputs = ['rows', 'node_type'];
    });
    const error = await rejection(loadOnnxBridge(directory));
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toContain('bridge.json expects inputs [rows, node_type]');
  });

  it('with openProjectOnFirstUse, opens only the transform graph at load and the project graph on its first use', async () => {
    const opened: string[] = [];
    const seam = {
      create: async (path: string, options: ort.InferenceSession.SessionOptions) => {
        opened.push(basename(path));
        return ort.InferenceSession.create(path, options);
      },
    };
    const eager = await loadOnnxBridge(fixtureDirectory);
    const lazy = await loadOnnxBridge(fixtureDirectory, { openProjectOnFirstUse: true, _internal: seam });
    try {
      expect(opened).toEqual(['transform.onnx']);
      const type = lazy.metadata.nodeTypes[0]!;
      const rows = rowsOf(2, type.dim, 3);
      const [first, second] = await Promise.all([
        lazy.project(type.name, rows, 2),
        lazy.project(type.name, rows, 2),
      ]);
      expect(opened).toEqual(['transform.onnx', 'project.onnx']);
      expect(first).toEqual(await eager.project(type.name, rows, 2));
      expect(second).toEqual(first);
    } finally {
      await Promise.all([eager.dispose(), lazy.dispose()]);
    }

    // A project graph that does not match bridge.json fails its first use, not the load.
    const directory = await fixtureCopy();
    await editMetadata(directory, (value) => {
      (value.onnx as { project: { inputs: string[] } }).project.inputs = ['rows', 'node_type'];
    });
    const mismatched = await loadOnnxBridge(directory, { openProjectOnFirstUse: true });
    try {
      const type = mismatched.metadata.nodeTypes[0]!;
      const error = await rejection(mismatched.project(type.name, rowsOf(1, type.dim, 1), 1));
      expect(error.message).toContain('bridge.json expects inputs [rows, node_type]');
    } finally {
      await mismatched.dispose();
    }
  });

  it('rejects a non-positive batch size', async () => {
    const error = await rejection(loadOnnxBridge(fixtureDirectory, { batchSize: 0 }));
    expect(error.code).toBe('INVALID_CONFIG');
  });
});
