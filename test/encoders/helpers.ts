import { expect } from 'vitest';
import type { EncodeOutcome } from '../../src/encoders/encoder.js';
import { cosineSimilarity } from '../../src/encoders/vector-math.js';

/** The vector of a successful outcome; fails the test with the failure message otherwise. */
export function vectorOf(outcome: EncodeOutcome | undefined): Float32Array {
  expect(outcome, 'missing outcome').toBeDefined();
  if (!outcome!.ok)
    throw new Error(`expected a vector, got ${outcome!.error.code}: ${outcome!.error.message}`);
  return outcome!.value;
}

export function bytesOf(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function l2Norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

export { cosineSimilarity };
