import { describe, expect, it } from 'vitest';
import { encoderMismatches } from '../../src/bridge/bridge.js';
import { createFakeBridge } from '../fakes/fake-bridge.js';
import { rejection } from '../helpers/expect-app-error.js';

describe('createFakeBridge', () => {
  it('is deterministic and records calls', async () => {
    const first = createFakeBridge();
    const second = createFakeBridge();
    const vectors = Float32Array.from({ length: 24 }, (_, index) => index / 10);
    const projected = await first.project('drug', vectors, 2);
    expect(projected.length).toBe(16);
    expect(Array.from(projected)).toEqual(Array.from(await second.project('drug', vectors, 2)));
    const transformed = await first.transform({
      headType: 'drug',
      relation: 'target',
      tailType: 'gene/protein',
      vectors,
      rows: 2,
    });
    expect(Array.from(transformed)).not.toEqual(Array.from(projected));
    expect(first.calls).toEqual([
      { kind: 'project', type: 'drug', rows: 2 },
      { kind: 'transform', headType: 'drug', relation: 'target', tailType: 'gene/protein', rows: 2 },
    ]);
  });

  it('depends on the seed, the type and the relation', async () => {
    const vectors = new Float32Array(8).fill(1);
    const base = await createFakeBridge().transform({
      headType: 'disease',
      relation: 'associated with',
      tailType: 'gene/protein',
      vectors,
      rows: 1,
    });
    const otherRelation = await createFakeBridge().transform({
      headType: 'disease',
      relation: 'indication',
      tailType: 'gene/protein',
      vectors,
      rows: 1,
    });
    const otherSeed = await createFakeBridge({ seed: 2 }).transform({
      headType: 'disease',
      relation: 'associated with',
      tailType: 'gene/protein',
      vectors,
      rows: 1,
    });
    expect(Array.from(otherRelation)).not.toEqual(Array.from(base));
    expect(Array.from(otherSeed)).not.toEqual(Array.from(base));
  });

  it('validates requests like the ONNX bridge', async () => {
    const bridge = createFakeBridge({ types: { drug: 4 }, hiddenDim: 3 });
    expect(bridge.metadata.inputDim).toBe(4);
    const error = await rejection(bridge.project('gene/protein', new Float32Array(4), 1));
    expect(error.details).toEqual({ field: 'type', value: 'gene/protein' });
    await bridge.dispose();
    expect(bridge.disposed).toBe(true);
  });
});

describe('encoderMismatches', () => {
  it('reports types trained on another encoder or missing from the index', () => {
    const { metadata } = createFakeBridge({ types: { drug: 4, disease: 3 } });
    expect(encoderMismatches(metadata, { drug: 'fake-drug', disease: 'fake-disease' })).toEqual([]);
    expect(encoderMismatches(metadata, { drug: 'other' })).toEqual([
      { type: 'disease', expected: 'fake-disease', actual: null },
      { type: 'drug', expected: 'fake-drug', actual: 'other' },
    ]);
  });
});
