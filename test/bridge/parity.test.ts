import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/bridge/bridge.js';
import { loadOnnxBridge } from '../../src/bridge/onnx-bridge.js';

// Written by train/tests/test_parity_fixture.py from a seeded PyTorch model (official forward path).
const fixtureDirectory = join(import.meta.dirname, '..', 'fixtures', 'bridge');

interface TransformCase {
  headType: string;
  relation: string;
  tailType: string;
  rows: number;
  vectors: number[];
  expected: number[];
}
interface ProjectCase {
  type: string;
  rows: number;
  vectors: number[];
  expected: number[];
}
const parity = JSON.parse(readFileSync(join(fixtureDirectory, 'parity.json'), 'utf8')) as {
  tolerance: number;
  hiddenDim: number;
  transform: TransformCase[];
  project: ProjectCase[];
};

function maxAbsDifference(actual: Float32Array, expected: number[]): number {
  expect(actual.length).toBe(expected.length);
  return expected.reduce((worst, value, index) => Math.max(worst, Math.abs(actual[index]! - value)), 0);
}

describe.each([
  { label: 'one run per call', batchSize: 1024 },
  { label: 'batches of 2 rows', batchSize: 2 },
])('ONNX bridge matches PyTorch ($label)', ({ batchSize }) => {
  let bridge: Bridge;
  beforeAll(async () => {
    bridge = await loadOnnxBridge(fixtureDirectory, { batchSize });
  });
  afterAll(async () => {
    await bridge.dispose();
  });

  it.each(
    parity.transform.map(
      (testCase) => [`${testCase.headType} ${testCase.relation} ${testCase.tailType}`, testCase] as const,
    ),
  )('transform %s', async (_name, testCase) => {
    const output = await bridge.transform({ ...testCase, vectors: Float32Array.from(testCase.vectors) });
    expect(output.length).toBe(testCase.rows * parity.hiddenDim);
    expect(maxAbsDifference(output, testCase.expected)).toBeLessThanOrEqual(1e-4);
  });

  it.each(parity.project.map((testCase) => [testCase.type, testCase] as const))(
    'project %s',
    async (_name, testCase) => {
      const output = await bridge.project(testCase.type, Float32Array.from(testCase.vectors), testCase.rows);
      expect(maxAbsDifference(output, testCase.expected)).toBeLessThanOrEqual(1e-4);
    },
  );
});

it('covers several head types, relations and batches larger than one row', () => {
  expect(new Set(parity.transform.map((testCase) => testCase.headType)).size).toBeGreaterThanOrEqual(3);
  expect(new Set(parity.transform.map((testCase) => testCase.relation)).size).toBeGreaterThanOrEqual(3);
  expect(parity.transform.some((testCase) => testCase.rows > 2)).toBe(true);
});
