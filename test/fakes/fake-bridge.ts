import {
  bridgeMetadataSchema,
  resolveProjectRequest,
  resolveTransformRequest,
  type Bridge,
  type BridgeMetadata,
  type TransformInput,
} from '../../src/bridge/bridge.js';
import { Registry } from '../../src/kg/registry.js';

export interface FakeBridgeOptions {
  /** Projected node types and their raw dims (default: gene/protein 16, drug 12, disease 8). */
  types?: Record<string, number>;
  hiddenDim?: number;
  seed?: number;
}

export type FakeBridgeCall =
  | { kind: 'project'; type: string; rows: number }
  | { kind: 'transform'; headType: string; relation: string; tailType: string; rows: number };

/**
 * Deterministic Bridge for tests: `project` multiplies by a fixed pseudo-random matrix per type,
 * `transform` projects the head and adds a fixed vector per (relation, tail type). Requests are
 * validated exactly as the ONNX bridge validates them. Every call is recorded in `calls`.
 */
export function createFakeBridge(options: FakeBridgeOptions = {}): Bridge & {
  calls: FakeBridgeCall[];
  disposed: boolean;
} {
  const types = options.types ?? { 'gene/protein': 16, drug: 12, disease: 8 };
  const hidden = options.hiddenDim ?? 8;
  const seed = options.seed ?? 1;
  const registry = Registry.default();
  const nodeTypes = Object.entries(types)
    .map(([name, dim]) => ({
      name,
      id: registry.requireTypeId(name),
      dim,
      encoderConfigHash: `fake-${name}`,
    }))
    .sort((left, right) => left.id - right.id);
  const metadata: BridgeMetadata = bridgeMetadataSchema.parse({
    format: 'biobridge-bridge',
    formatVersion: 1,
    createdAt: '2024-01-01T00:00:00Z',
    source: 'trained',
    registry: registry.toJSON(),
    hiddenDim: hidden,
    inputDim: Math.max(...nodeTypes.map((entry) => entry.dim)),
    nodeTypes,
    edgeKinds: null,
    model: {
      hiddenDim: hidden,
      layers: 1,
      heads: 1,
      ffnDim: hidden,
      dropout: 0,
      layerNormEps: 1e-5,
      parameters: 1,
    },
    training: null,
    dataHash: null,
    metrics: null,
    onnx: {
      opset: 17,
      transform: { file: 'transform.onnx', sha256: '0'.repeat(64), inputs: ['head'], output: 'transformed' },
      project: { file: 'project.onnx', sha256: '0'.repeat(64), inputs: ['vectors'], output: 'projected' },
    },
  });
  const matrices = new Map(
    nodeTypes.map((entry) => [entry.id, randomMatrix(entry.dim * hidden, seed * 7919 + entry.id)]),
  );
  const calls: FakeBridgeCall[] = [];

  const projectRows = (typeId: number, dim: number, vectors: Float32Array, rows: number): Float32Array => {
    const matrix = matrices.get(typeId)!;
    const output = new Float32Array(rows * hidden);
    for (let row = 0; row < rows; row++)
      for (let column = 0; column < hidden; column++) {
        let sum = 0;
        for (let k = 0; k < dim; k++) sum += vectors[row * dim + k]! * matrix[k * hidden + column]!;
        output[row * hidden + column] = sum;
      }
    return output;
  };

  const bridge = {
    metadata,
    calls,
    disposed: false,
    async project(type: string, vectors: Float32Array, rows: number) {
      const request = resolveProjectRequest(metadata, type, vectors, rows);
      calls.push({ kind: 'project', type, rows });
      return projectRows(request.typeId, request.dim, vectors, rows);
    },
    async transform(input: TransformInput) {
      const request = resolveTransformRequest(metadata, input);
      calls.push({
        kind: 'transform',
        headType: input.headType,
        relation: input.relation,
        tailType: input.tailType,
        rows: input.rows,
      });
      const output = projectRows(request.typeId, request.dim, input.vectors, input.rows);
      const shift = randomMatrix(hidden, seed * 104729 + request.relationId * 31 + request.tailTypeId);
      for (let index = 0; index < output.length; index++) output[index]! += shift[index % hidden]!;
      return output;
    },
    async dispose() {
      bridge.disposed = true;
    },
  };
  return bridge;
}

/** Values in [-1, 1) from a small xorshift generator: stable across platforms and runs. */
function randomMatrix(length: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const values = new Float32Array(length);
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    values[index] = state / 2 ** 31 - 1;
  }
  return values;
}
