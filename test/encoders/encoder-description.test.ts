import { describe, expect, it } from 'vitest';
import {
  bytesToFloat32,
  canonicalJson,
  computeConfigHash,
  describeEncoder,
  float32ToBytes,
} from '../../src/encoders/encoder-description.js';

const fields = {
  kind: 'demo',
  version: 1,
  modality: 'text' as const,
  dimension: 4,
  options: { b: 1, a: { d: [1, 2], c: 'x' } },
};

describe('encoder descriptions', () => {
  it('serialises options canonically, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('hashes kind, version, options and artifacts', () => {
    const artifacts = [{ name: 'weights.f32', bytes: new Uint8Array([1, 2, 3]) }];
    const base = computeConfigHash(fields, artifacts);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(computeConfigHash({ ...fields, options: { a: { c: 'x', d: [1, 2] }, b: 1 } }, artifacts)).toBe(
      base,
    );
    expect(computeConfigHash({ ...fields, version: 2 }, artifacts)).not.toBe(base);
    expect(computeConfigHash({ ...fields, options: { b: 2 } }, artifacts)).not.toBe(base);
    expect(computeConfigHash(fields, [{ name: 'weights.f32', bytes: new Uint8Array([1, 2, 4]) }])).not.toBe(
      base,
    );
    expect(computeConfigHash(fields, [{ name: 'other.f32', bytes: new Uint8Array([1, 2, 3]) }])).not.toBe(
      base,
    );
  });

  it('leaves provenance out of the hash', () => {
    expect(describeEncoder({ ...fields, provenance: { tool: '1' } }).configHash).toBe(
      describeEncoder(fields).configHash,
    );
  });

  it('stores float32 arrays as little-endian bytes and checks their length', () => {
    const values = Float32Array.from([1.5, -2, 3.25]);
    const bytes = float32ToBytes(values);
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 192, 63]);
    expect([...bytesToFloat32(bytes, 'x.f32')]).toEqual([1.5, -2, 3.25]);
    expect(() => bytesToFloat32(bytes, 'x.f32', 4)).toThrow('x.f32: expected 4 float32 values, found 3');
    expect(() => bytesToFloat32(bytes.subarray(0, 5), 'x.f32')).toThrow(
      'x.f32: length 5 is not a multiple of 4',
    );
  });
});
