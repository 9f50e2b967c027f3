import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSplit } from '../../src/eval/training-data.js';
import { ensureUnseenSplit, seededSample } from '../../src/eval/unseen-split.js';
import { readFusionModel, writeFusionModel, type FusionModel } from '../../src/retrieval/fusion.js';
import { useTemporaryDirectory } from '../kg/csv-test-helpers.js';

/**
 * A synthetic export: drugs 0…39, proteins 100…109; drug d targets proteins 100 + d % 10 and
 * 100 + (d + 1) % 10 (both directions), and drugs d, d + 1 interact.
 */
const root = useTemporaryDirectory('biobridge-unseen-');
let exportDirectory: string;
const DRUGS = Array.from({ length: 40 }, (_, index) => index);

beforeAll(async () => {
  exportDirectory = join(root.path, 'export');
  await mkdir(join(exportDirectory, 'vectors'), { recursive: true });
  const rows: number[][] = [];
  for (const drug of DRUGS) {
    for (const protein of [100 + (drug % 10), 100 + ((drug + 1) % 10)])
      rows.push([drug, 1, protein], [protein, 1, drug]);
    if (drug + 1 < DRUGS.length) rows.push([drug, 2, drug + 1], [drug + 1, 2, drug]);
  }
  rows.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
  await writeFile(join(exportDirectory, 'triples.i32'), new Uint8Array(Int32Array.from(rows.flat()).buffer));
  await writeFile(
    join(exportDirectory, 'vectors', 'drug.i32'),
    new Uint8Array(Int32Array.from(DRUGS).buffer),
  );
  await writeFile(
    join(exportDirectory, 'manifest.json'),
    JSON.stringify({
      dataHash: 'hash-1',
      registry: { nodeTypes: ['gene/protein', 'drug'], relations: ['x', 'target', 'drug_drug'] },
      nodeTables: [{ type: 'drug', nodeIndices: 'vectors/drug.i32' }],
      triples: { file: 'triples.i32', count: rows.length },
    }),
  );
  await ensureUnseenSplit(exportDirectory, 'unseen-drug', { seed: 42 });
});

describe('ensureUnseenSplit', () => {
  it('holds out 10 % of the drugs as test and 10 % more as validation; both lose every edge from train', async () => {
    const split = await readSplit(exportDirectory, 'unseen-drug');
    expect(split).toMatchObject({ name: 'unseen-drug', kind: 'unseen-drug', seed: 42, dataHash: 'hash-1' });
    const test = [...split.heldOutNodes];
    expect(test).toHaveLength(4);
    for (const node of test) expect(DRUGS).toContain(node);
    const touches = (rows: Int32Array, nodes: Set<number>) =>
      Array.from(rows).filter(
        (row) => nodes.has(split.triples[row * 3]!) || nodes.has(split.triples[row * 3 + 2]!),
      );
    const validation = new Set(
      Array.from(split.valid)
        .flatMap((row) => [split.triples[row * 3]!, split.triples[row * 3 + 2]!])
        .filter((node) => node < 100),
    );
    const validationHeads = new Set([...validation].filter((node) => !split.heldOutNodes.has(node)));
    expect(touches(split.train, split.heldOutNodes)).toEqual([]);
    expect(split.train.length + split.valid.length + split.test.length).toBe(split.triples.length / 3);
    // every test triple touches a test drug; validation drugs are disjoint from test drugs
    expect(touches(split.test, split.heldOutNodes)).toHaveLength(split.test.length);
    expect(validationHeads.size).toBeGreaterThanOrEqual(4);
    const metadata = JSON.parse(await readFile(join(exportDirectory, 'splits', 'unseen-drug.json'), 'utf8'));
    expect(metadata).toMatchObject({
      format: 'biobridge-split',
      formatVersion: 1,
      counts: {
        train: split.train.length,
        valid: split.valid.length,
        test: split.test.length,
        heldOutNodes: 4,
      },
      heldOutByType: { drug: 4 },
      files: {
        train: 'unseen-drug.train.i32',
        valid: 'unseen-drug.valid.i32',
        test: 'unseen-drug.test.i32',
        heldOutNodes: 'unseen-drug.held-out-nodes.i32',
      },
    });
  });

  it('keeps an existing split as it is', async () => {
    const before = await readFile(join(exportDirectory, 'splits', 'unseen-drug.json'), 'utf8');
    await ensureUnseenSplit(exportDirectory, 'unseen-drug', { seed: 7 });
    expect(await readFile(join(exportDirectory, 'splits', 'unseen-drug.json'), 'utf8')).toBe(before);
  });

  it('seededSample is reproducible and takes floor(fraction × n)', () => {
    const nodes = Array.from({ length: 25 }, (_, index) => index * 3);
    expect(seededSample(nodes, 0.2, 42, 0)).toEqual(seededSample(nodes, 0.2, 42, 0));
    expect(seededSample(nodes, 0.2, 42, 0).size).toBe(5);
    expect([...seededSample(nodes, 0.2, 42, 1)].sort()).not.toEqual(
      [...seededSample(nodes, 0.2, 42, 0)].sort(),
    );
  });
});

describe('fusion.json', () => {
  it('round-trips and rejects a malformed file naming it', async () => {
    const model: FusionModel = {
      format: 'biobridge-fusion',
      formatVersion: 1,
      createdAt: '2026-12-07T00:00:00Z',
      split: 'inductive',
      bridgeId: null,
      neighbours: 20,
      tasks: [],
    };
    const directory = join(root.path, 'index');
    await mkdir(directory, { recursive: true });
    expect(await readFusionModel(directory)).toBeUndefined();
    await writeFusionModel(directory, model);
    expect(await readFusionModel(directory)).toEqual(model);
    await writeFile(join(directory, 'fusion.json'), JSON.stringify({ ...model, neighbours: -1 }));
    await expect(readFusionModel(directory)).rejects.toThrow(`${join(directory, 'fusion.json')}: `);
  });
});
