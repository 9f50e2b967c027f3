import { z } from 'zod';
import { AppError } from '../errors.js';
import { registrySchema } from '../kg/registry.js';

/**
 * `bridge.json`, written by train/biobridge_train/export_onnx.py (spec: train/FORMAT.md § Bridge).
 * Unknown keys are ignored so that newer exporters stay readable.
 */
const onnxGraphSchema = z.object({
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  inputs: z.array(z.string().min(1)).min(1),
  output: z.string().min(1),
});

const bridgeNodeTypeSchema = z.object({
  name: z.string().min(1),
  id: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  /** Encoder that produced the training vectors; null for the official checkpoint. */
  encoderConfigHash: z.string().min(1).nullable(),
});

const edgeKindSchema = z.object({
  headType: z.string().min(1),
  relation: z.string().min(1),
  tailType: z.string().min(1),
  triples: z.number().int().nonnegative(),
});

export const bridgeMetadataSchema = z
  .object({
    format: z.literal('biobridge-bridge'),
    formatVersion: z.literal(1),
    createdAt: z.string(),
    source: z.enum(['trained', 'official']),
    registry: registrySchema,
    hiddenDim: z.number().int().positive(),
    /** Width of the ONNX inputs: vectors are zero-padded to this many columns. */
    inputDim: z.number().int().positive(),
    /** Node types that have a projection, with their raw vector dims. */
    nodeTypes: z.array(bridgeNodeTypeSchema).min(1),
    /** (head type, relation, tail type) combinations seen in training; null when unknown. */
    edgeKinds: z.array(edgeKindSchema).nullable(),
    model: z.object({
      hiddenDim: z.number().int().positive(),
      layers: z.number().int().positive(),
      heads: z.number().int().positive(),
      ffnDim: z.number().int().positive(),
      dropout: z.number(),
      layerNormEps: z.number(),
      parameters: z.number().int().positive(),
    }),
    training: z.record(z.string(), z.unknown()).nullable(),
    dataHash: z.string().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    onnx: z.object({
      opset: z.number().int(),
      transform: onnxGraphSchema,
      project: onnxGraphSchema,
      /** The int8 dynamic-quantised transform (train/biobridge_train/quantize_onnx.py), when made. */
      transformInt8: onnxGraphSchema.optional(),
    }),
  })
  .superRefine((value, context) => {
    value.nodeTypes.forEach((entry, index) => {
      if (value.registry.nodeTypes[entry.id] !== entry.name)
        context.addIssue({
          code: 'custom',
          path: ['nodeTypes', index, 'id'],
          message: `id ${entry.id} is "${value.registry.nodeTypes[entry.id] ?? 'nothing'}" in the registry, not "${entry.name}"`,
        });
      if (entry.dim > value.inputDim)
        context.addIssue({
          code: 'custom',
          path: ['nodeTypes', index, 'dim'],
          message: `dim ${entry.dim} exceeds inputDim ${value.inputDim}`,
        });
    });
    if (value.model.hiddenDim !== value.hiddenDim)
      context.addIssue({ code: 'custom', path: ['model', 'hiddenDim'], message: 'differs from hiddenDim' });
  });
export type BridgeMetadata = z.infer<typeof bridgeMetadataSchema>;
export type BridgeNodeType = z.infer<typeof bridgeNodeTypeSchema>;

export interface TransformInput {
  headType: string;
  relation: string;
  /** The space the output lives in: compare it with `project(tailType, …)` outputs. */
  tailType: string;
  /** Row-major [rows, dim(headType)] raw vectors of the heads. */
  vectors: Float32Array;
  rows: number;
}

/**
 * The cross-modal bridge: per-type projections into one space, and the transformation of a head
 * (with relation and tail type) into its tail type's region of that space. Outputs are row-major
 * [rows, metadata.hiddenDim] and not normalised; callers compare them by cosine similarity.
 */
export interface Bridge {
  readonly metadata: BridgeMetadata;
  /** Projects raw vectors of `type` ([rows, dim(type)]) into the shared space. */
  project(type: string, vectors: Float32Array, rows: number): Promise<Float32Array>;
  transform(input: TransformInput): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** Resolved ids and dims of a validated request. */
export interface ResolvedRequest {
  typeId: number;
  dim: number;
}

/** Checks a project request against the metadata; the AppError names the offending field. */
export function resolveProjectRequest(
  metadata: BridgeMetadata,
  type: string,
  vectors: Float32Array,
  rows: number,
): ResolvedRequest {
  const nodeType = requireProjectedType(metadata, type, 'type');
  checkShape(vectors, rows, nodeType.dim, type);
  return { typeId: nodeType.id, dim: nodeType.dim };
}

export function resolveTransformRequest(
  metadata: BridgeMetadata,
  input: TransformInput,
): ResolvedRequest & { relationId: number; tailTypeId: number } {
  const head = requireProjectedType(metadata, input.headType, 'headType');
  const relationId = metadata.registry.relations.indexOf(input.relation);
  if (relationId < 0)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `unknown relation "${input.relation}"; the bridge knows: ${metadata.registry.relations.join(', ')}`,
      details: { field: 'relation', value: input.relation },
    });
  const tail = requireProjectedType(metadata, input.tailType, 'tailType');
  checkShape(input.vectors, input.rows, head.dim, input.headType);
  return { typeId: head.id, dim: head.dim, relationId, tailTypeId: tail.id };
}

function requireProjectedType(metadata: BridgeMetadata, name: string, field: string): BridgeNodeType {
  const entry = metadata.nodeTypes.find((candidate) => candidate.name === name);
  if (entry) return entry;
  const known = metadata.nodeTypes.map((candidate) => candidate.name).join(', ');
  const inRegistry = metadata.registry.nodeTypes.includes(name);
  throw new AppError({
    code: 'BAD_REQUEST',
    message: inRegistry
      ? `node type "${name}" has no projection in this bridge; projected types: ${known}`
      : `unknown node type "${name}"; projected types: ${known}`,
    details: { field, value: name },
  });
}

function checkShape(vectors: Float32Array, rows: number, dim: number, type: string): void {
  if (!Number.isInteger(rows) || rows < 0)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `rows must be a non-negative integer, got ${rows}`,
      details: { field: 'rows', value: rows },
    });
  if (vectors.length !== rows * dim)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `vectors of "${type}" must hold rows × ${dim} = ${rows * dim} values, got ${vectors.length}`,
      details: { field: 'vectors', expected: rows * dim, actual: vectors.length },
    });
}

export interface EncoderMismatch {
  type: string;
  /** Hash recorded in bridge.json (the encoder the bridge was trained on). */
  expected: string;
  /** Hash of the index's encoder for that type, or null when the index has none. */
  actual: string | null;
}

/**
 * Projected types whose training encoder differs from the index's encoder. A bridge fed vectors
 * of another encoder returns garbage without failing, so callers refuse (or warn) on mismatches.
 * Types with a null hash (the official checkpoint) are not reported.
 */
export function encoderMismatches(
  metadata: BridgeMetadata,
  indexConfigHashes: Readonly<Record<string, string>>,
): EncoderMismatch[] {
  return metadata.nodeTypes.flatMap((entry) => {
    if (entry.encoderConfigHash === null) return [];
    const actual = indexConfigHashes[entry.name] ?? null;
    return actual === entry.encoderConfigHash
      ? []
      : [{ type: entry.name, expected: entry.encoderConfigHash, actual }];
  });
}
