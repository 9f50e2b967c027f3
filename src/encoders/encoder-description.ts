import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { EncoderDescription, Modality } from './encoder.js';
import { readJsonFile } from '../util/json-file.js';

/** Name of the description file inside a saved encoder directory. */
export const DESCRIPTION_FILE = 'encoder.json';

export const modalitySchema = z.enum(['protein', 'molecule', 'text', 'variant']);

export const encoderDescriptionSchema = z.object({
  kind: z.string().min(1),
  version: z.number().int().positive(),
  modality: modalitySchema,
  dimension: z.number().int().positive(),
  options: z.record(z.string(), z.unknown()),
  artifacts: z.array(z.string()),
  configHash: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
  provenance: z.record(z.string(), z.string()).optional(),
});

/** One file an encoder writes beside its description. `name` is relative to the encoder directory. */
export interface Artifact {
  name: string;
  bytes: Uint8Array;
}

/**
 * JSON with object keys sorted at every depth, so that equal settings always hash equally whatever
 * order they were written in. `undefined` members are dropped, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return Object.fromEntries(entries.map(([key, member]) => [key, sortKeys(member)]));
  }
  return value;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 over kind, version, modality, dimension, canonical options and each artifact's name and bytes. */
export function computeConfigHash(
  fields: Pick<EncoderDescription, 'kind' | 'version' | 'modality' | 'dimension' | 'options'>,
  artifacts: readonly Artifact[],
): string {
  const hash = createHash('sha256');
  hash.update(
    canonicalJson({
      kind: fields.kind,
      version: fields.version,
      modality: fields.modality,
      dimension: fields.dimension,
      options: fields.options,
    }),
  );
  for (const artifact of [...artifacts].sort((left, right) => (left.name < right.name ? -1 : 1))) {
    hash.update('\u0000' + artifact.name + '\u0000');
    // node:crypto's sha256 (OpenSSL, SHA extensions where the CPU has them) hashes the text
    // encoder's 55 MB in ≈ 35 CPU-ms; WebCrypto's digest took ≈ 250 (it copies the input first).
    hash.update(sha256Hex(artifact.bytes));
  }
  return hash.digest('hex');
}

export interface DescriptionFields {
  kind: string;
  version: number;
  modality: Modality;
  dimension: number;
  options: Record<string, unknown>;
  provenance?: Record<string, string> | undefined;
}

export function describeEncoder(
  fields: DescriptionFields,
  artifacts: readonly Artifact[] = [],
): EncoderDescription {
  // Round-trip through JSON so that the in-memory description equals the one read back from disk.
  const options = JSON.parse(canonicalJson(fields.options)) as Record<string, unknown>;
  return {
    kind: fields.kind,
    version: fields.version,
    modality: fields.modality,
    dimension: fields.dimension,
    options,
    artifacts: artifacts.map((artifact) => artifact.name).sort(),
    configHash: computeConfigHash({ ...fields, options }, artifacts),
    provenance: fields.provenance,
  };
}

/** Writes the artifacts, then `encoder.json` last, so a directory with a description is complete. */
export async function writeEncoderDirectory(
  directory: string,
  description: EncoderDescription,
  artifacts: readonly Artifact[] = [],
): Promise<void> {
  for (const artifact of artifacts) await writeFileAtomic(join(directory, artifact.name), artifact.bytes);
  await writeFileAtomic(join(directory, DESCRIPTION_FILE), JSON.stringify(description, null, 2) + '\n');
}

export interface SavedEncoder {
  description: EncoderDescription;
  /** Artifact bytes by name, already checked against `configHash`. */
  artifacts: Map<string, Uint8Array>;
  path: string;
}

/**
 * Reads `encoder.json` and its artifacts and verifies `configHash`. Throws `INVALID_INDEX` naming the
 * file when the description is missing or malformed, an artifact is missing, or the hash differs.
 */
export async function readEncoderDirectory(directory: string): Promise<SavedEncoder> {
  const path = join(directory, DESCRIPTION_FILE);
  const json = await readJsonFile(path, {
    code: 'INVALID_INDEX',
    unreadable: `no saved encoder at ${directory}: cannot read ${path}`,
  });
  const parsed = encoderDescriptionSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path} is not an encoder description:\n${z.prettifyError(parsed.error)}`,
      details: { file: path },
    });
  }
  const { provenance, ...required } = parsed.data;
  const description: EncoderDescription = provenance ? { ...required, provenance } : required;
  const artifacts = new Map<string, Uint8Array>(
    await Promise.all(
      description.artifacts.map(async (name) => {
        const artifactPath = join(directory, name);
        try {
          // A view of the file's own buffer: copying the text encoder's 55 MB would cost start-up time.
          const bytes = await readFile(artifactPath);
          return [name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)] as const;
        } catch (error) {
          throw new AppError({
            code: 'INVALID_INDEX',
            message: `encoder artifact ${artifactPath} listed in ${path} cannot be read`,
            cause: error,
            details: { file: artifactPath },
          });
        }
      }),
    ),
  );
  const expected = computeConfigHash(
    description,
    [...artifacts].map(([name, bytes]) => ({ name, bytes })),
  );
  if (expected !== description.configHash) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message:
        `configHash mismatch in ${path}: the file says ${description.configHash} but its settings and ` +
        `artifacts hash to ${expected}; the encoder directory was edited or is incomplete`,
      details: { file: path, expected, found: description.configHash },
    });
  }
  return { description, artifacts, path };
}

/** Throws `INVALID_INDEX` naming `path` when an artifact's bytes are not what the loader expects. */
export function invalidArtifact(path: string, message: string, cause?: unknown): AppError {
  return new AppError({
    code: 'INVALID_INDEX',
    message: `${path}: ${message}`,
    details: { file: path },
    cause,
  });
}

/** Parses a saved encoder's `options` with the kind's schema; errors name the description file. */
export function parseSavedOptions<T>(schema: z.ZodType<T>, saved: SavedEncoder): T {
  const parsed = schema.safeParse(saved.description.options);
  if (!parsed.success) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${saved.path}: options are not valid for ${saved.description.kind}:\n${z.prettifyError(parsed.error)}`,
      details: { file: saved.path },
    });
  }
  return parsed.data;
}

/**
 * Float32 arrays are stored little-endian, the layout of every platform Node runs on. Returns a view
 * (no copy): callers must not modify `values` afterwards.
 */
export function float32ToBytes(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export function bytesToFloat32(bytes: Uint8Array, path: string, expectedLength?: number): Float32Array {
  if (bytes.byteLength % 4 !== 0)
    throw invalidArtifact(path, `length ${bytes.byteLength} is not a multiple of 4`);
  // A view when the bytes are aligned (a file read fills its own buffer): no 55 MB copy at start-up.
  const values =
    bytes.byteOffset % 4 === 0
      ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
      : new Float32Array(bytes.slice().buffer);
  if (expectedLength !== undefined && values.length !== expectedLength) {
    throw invalidArtifact(path, `expected ${expectedLength} float32 values, found ${values.length}`);
  }
  return values;
}
