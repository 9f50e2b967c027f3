import { err, ok } from '../../src/errors.js';
import type { EncodeFailure, Encoder, EncoderDescription, Modality } from '../../src/encoders/encoder.js';

export interface FakeEncoderOptions {
  modality?: Modality;
  dimension?: number;
  /** Returns a failure for inputs the fake should reject (default: only empty input). */
  reject?: (input: string) => EncodeFailure | undefined;
}

/**
 * Deterministic Encoder for tests: character trigrams hashed into `dimension` slots, L2-normalised,
 * so similar strings get similar vectors. Every batch is recorded in `calls`.
 */
export function createFakeEncoder(options: FakeEncoderOptions = {}): Encoder & { calls: string[][] } {
  const modality = options.modality ?? 'text';
  const dimension = options.dimension ?? 16;
  const calls: string[][] = [];
  const description: EncoderDescription = {
    kind: 'fake',
    version: 1,
    modality,
    dimension,
    options: {},
    artifacts: [],
    configHash: `fake-${modality}-${dimension}`,
  };
  const encodeOne = (input: string) => {
    const rejected =
      options.reject?.(input) ??
      (input.trim() === '' ? ({ code: 'EMPTY', message: 'empty input' } as const) : undefined);
    if (rejected) return err(rejected);
    const text = ` ${input.toLowerCase()} `;
    const vector = new Float32Array(dimension);
    for (let position = 0; position + 3 <= text.length; position++) {
      let hash = 2166136261;
      for (let offset = 0; offset < 3; offset++)
        hash = Math.imul(hash ^ text.charCodeAt(position + offset), 16777619);
      vector[(hash >>> 0) % dimension]! += 1;
    }
    const norm = Math.hypot(...vector);
    if (norm > 0) for (let index = 0; index < dimension; index++) vector[index]! /= norm;
    return ok(vector);
  };
  return {
    calls,
    modality,
    dimension,
    async encode(inputs) {
      calls.push([...inputs]);
      return inputs.map(encodeOne);
    },
    describe: () => description,
    save: async () => {},
  };
}
