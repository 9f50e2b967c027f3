import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge } from '../../src/bridge/bridge.js';
import { loadOnnxBridge } from '../../src/bridge/onnx-bridge.js';
import { commands } from '../../src/cli/commands.js';
import { runCli } from '../../src/cli/run-cli.js';
import {
  runRetrievalBenchmark,
  type RetrievalReport,
  type RetrievalTask,
} from '../../src/eval/retrieval-benchmark.js';
import { retrievalReportMarkdown, writeRetrievalReport } from '../../src/eval/retrieval-report.js';
import { readSplit } from '../../src/eval/training-data.js';
import { writeManifest, type IndexManifest } from '../../src/indexing/manifest.js';
import { writeGraph } from '../../src/kg/graph.js';
import { ingestKg } from '../../src/kg/ingest.js';
import { Registry } from '../../src/kg/registry.js';
import { createLanceStoreWriter } from '../../src/store/lancedb-store.js';
import type { NodeRow } from '../../src/store/vector-store.js';
import { useTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { rejection } from '../helpers/expect-app-error.js';

/**
 * A hand-built index small enough to rank by hand, with the dims of the committed parity bridge
 * (test/fixtures/bridge: gene/protein 20, drug 12, disease 8) so that the bridge methods run too.
 *
 * Drugs D1 (100), D2 (101) are training heads; D3 (102) and D4 (103) are held out. Target edges:
 * D1–P0, D1–P1, D2–P1, D2–P2 (train) and D3–P0, D3–P3, D4–P2 (test), both directions. Disease Q0
 * (300) is associated with P0 and P1, and held out too.
 * Drug vectors: D1 = e0, D2 = e1, D3 = 0.8 e0 + 0.6 e1, D4 = −e0.
 */
const DRUGS = [100, 101, 102, 103];
const PROTEINS = [200, 201, 202, 203];
const TARGET = 10; // relation id of `target` in Registry.default()
const ASSOCIATED = 6; // `associated with`
const EDGES: [number, number, number][] = [
  [100, TARGET, 200],
  [100, TARGET, 201],
  [101, TARGET, 201],
  [101, TARGET, 202],
  [102, TARGET, 200],
  [102, TARGET, 203],
  [103, TARGET, 202],
  [300, ASSOCIATED, 200],
  [300, ASSOCIATED, 201],
];
const HELD_OUT = [102, 103, 300];

const fixtureBridge = join(import.meta.dirname, '..', 'fixtures', 'bridge');
const drugToProtein: RetrievalTask = {
  name: 'drug->protein',
  headType: 'drug',
  relation: 'target',
  tailType: 'gene/protein',
};

let indexDirectory: string;
let triples: Int32Array;
const drugVectors = new Map<number, Float32Array>();
const proteinVectors = new Map<number, Float32Array>();

function unit(dimension: number, entries: Record<number, number>): Float32Array {
  const vector = new Float32Array(dimension);
  for (const [position, value] of Object.entries(entries)) vector[Number(position)] = value;
  return vector;
}

function int32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

async function writeSplit(
  exportDirectory: string,
  name: string,
  split: { dataHash: string; train: number[]; test: number[]; heldOut: number[] },
): Promise<void> {
  const directory = join(exportDirectory, 'splits');
  await mkdir(directory, { recursive: true });
  const files = {
    train: `${name}.train.i32`,
    valid: `${name}.valid.i32`,
    test: `${name}.test.i32`,
    heldOutNodes: `${name}.held-out-nodes.i32`,
  };
  await writeFile(join(directory, files.train), int32Bytes(split.train));
  await writeFile(join(directory, files.valid), int32Bytes([]));
  await writeFile(join(directory, files.test), int32Bytes(split.test));
  await writeFile(join(directory, files.heldOutNodes), int32Bytes(split.heldOut));
  const metadata = {
    format: 'biobridge-split',
    formatVersion: 1,
    name,
    kind: 'inductive',
    seed: 42,
    dataHash: split.dataHash,
    parameters: { heldOutFraction: 0.1 },
    counts: {
      train: split.train.length,
      valid: 0,
      test: split.test.length,
      heldOutNodes: split.heldOut.length,
    },
    heldOutByType: {},
    files,
    createdAt: '2024-05-01T12:00:00.000Z',
  };
  await writeFile(join(directory, `${name}.json`), JSON.stringify(metadata));
}

async function buildHandIndex(directory: string): Promise<void> {
  // The graph: nodes and edges in PrimeKG CSV form, through the real ingest.
  const kgDirectory = join(directory, '..', 'hand-kg');
  await mkdir(kgDirectory, { recursive: true });
  const nodes = [
    ...DRUGS.map((node) => [node, `DB${node}`, 'drug', `D${node - 100 + 1}`, 'DrugBank']),
    ...PROTEINS.map((node) => [node, String(node), 'gene/protein', `P${node - 200}`, 'NCBI']),
    [300, 'MONDO:1', 'disease', 'Q0', 'MONDO'],
  ];
  const byIndex = new Map(nodes.map((node) => [node[0] as number, node]));
  const registry = Registry.default();
  const rows = EDGES.flatMap(([head, relation, tail]) => {
    const display = registry.relations[relation]!;
    const kind = relation === TARGET ? 'drug_protein' : 'disease_protein';
    return [
      [kind, display, ...byIndex.get(head)!, ...byIndex.get(tail)!].join(','),
      [kind, display, ...byIndex.get(tail)!, ...byIndex.get(head)!].join(','),
    ];
  });
  await writeFile(
    join(kgDirectory, 'nodes.csv'),
    `node_index,node_id,node_type,node_name,node_source\n${nodes.map((node) => node.join(',')).join('\n')}\n`,
  );
  await writeFile(
    join(kgDirectory, 'kg.csv'),
    `relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source\n${rows.join('\n')}\n`,
  );
  const { graph } = await ingestKg(kgDirectory);
  await writeGraph(directory, graph);

  drugVectors.set(100, unit(12, { 0: 1 }));
  drugVectors.set(101, unit(12, { 1: 1 }));
  drugVectors.set(102, unit(12, { 0: 0.8, 1: 0.6 }));
  drugVectors.set(103, unit(12, { 0: -1 }));
  PROTEINS.forEach((node, position) =>
    proteinVectors.set(node, unit(20, { [position]: 1, [position + 4]: 0.5, 19: position / 4 })),
  );
  const writer = await createLanceStoreWriter(join(directory, 'lance'));
  const row = (nodeIndex: number, type: string, vector: Float32Array): NodeRow => ({
    nodeIndex,
    nodeId: String(byIndex.get(nodeIndex)![1]),
    name: String(byIndex.get(nodeIndex)![3]),
    type,
    source: 'test',
    payloadKind: 'name',
    payload: null,
    vector,
  });
  try {
    await writer.writeNodeTable('drug', [DRUGS.map((node) => row(node, 'drug', drugVectors.get(node)!))], {
      dimension: 12,
    });
    await writer.writeNodeTable(
      'gene/protein',
      [PROTEINS.map((node) => row(node, 'gene/protein', proteinVectors.get(node)!))],
      {
        dimension: 20,
      },
    );
    await writer.writeNodeTable('disease', [[row(300, 'disease', unit(8, { 0: 1 }))]], { dimension: 8 });
  } finally {
    await writer.close();
  }
  const manifest: IndexManifest = {
    formatVersion: 1,
    name: 'hand',
    createdAt: '2024-05-01T12:00:00.000Z',
    source: { directory: kgDirectory, files: [], includeNonCommercial: false },
    dataHash: 'index-data-hash-0000',
    registry: registry.toJSON(),
    nodes: { drug: 4, 'gene/protein': 4, disease: 1 },
    edges: { total: graph.edgeCount, byRelation: {} },
    coverage: {},
    encoders: {},
    ingest: {},
  };
  await writeManifest(directory, manifest);

  // The training export: triples sorted as train/FORMAT.md §1 wants them, and an inductive split.
  const all = EDGES.flatMap(([head, relation, tail]) => [
    [head, relation, tail],
    [tail, relation, head],
  ]).sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
  triples = Int32Array.from(all.flat());
  const exportDirectory = join(directory, 'export');
  await mkdir(exportDirectory, { recursive: true });
  await writeFile(join(exportDirectory, 'triples.i32'), new Uint8Array(triples.buffer));
  await writeFile(
    join(exportDirectory, 'manifest.json'),
    JSON.stringify({
      format: 'biobridge-training-export',
      formatVersion: 1,
      dataHash: 'export-hash-1',
      triples: { file: 'triples.i32', count: all.length },
    }),
  );
  const rowsWhere = (test: (head: number) => boolean) =>
    all.flatMap((triple, row) => (test(triple[0]!) ? [row] : []));
  await writeSplit(exportDirectory, 'inductive', {
    dataHash: 'export-hash-1',
    train: rowsWhere((head) => !HELD_OUT.includes(head)),
    test: rowsWhere((head) => HELD_OUT.includes(head)),
    heldOut: HELD_OUT,
  });
  await writeSplit(exportDirectory, 'stale', {
    dataHash: 'another-export',
    train: [],
    test: [],
    heldOut: [],
  });
}

const root = useTemporaryDirectory('biobridge-eval-');
beforeAll(async () => {
  indexDirectory = join(root.path, 'index');
  await buildHandIndex(indexDirectory);
});

describe('readSplit (train/FORMAT.md §2)', () => {
  it('reads the triples, the split rows and the held-out nodes', async () => {
    const split = await readSplit(join(indexDirectory, 'export'), 'inductive');
    expect(split).toMatchObject({
      name: 'inductive',
      kind: 'inductive',
      seed: 42,
      dataHash: 'export-hash-1',
    });
    expect(Array.from(split.triples)).toEqual(Array.from(triples));
    expect([...split.heldOutNodes]).toEqual(HELD_OUT);
    expect(split.train.length + split.test.length).toBe(triples.length / 3);
    for (const row of split.test) expect(HELD_OUT).toContain(split.triples[row * 3]);
  });

  it('rejects a missing split and a split of other training data', async () => {
    const missing = await rejection(readSplit(join(indexDirectory, 'export'), 'transductive'));
    expect(missing.message).toBe(
      `cannot read split "transductive" at ${join(indexDirectory, 'export', 'splits', 'transductive.json')} (train the bridge with --split transductive first)`,
    );
    await expect(readSplit(join(indexDirectory, 'export'), 'stale')).rejects.toThrow(
      /stale\.json was made for other training data \(another-expo ≠ export-hash-\); retrain/,
    );
  });
});

describe('runRetrievalBenchmark: baselines computed by hand', () => {
  let report: RetrievalReport;
  beforeAll(async () => {
    report = await runRetrievalBenchmark({
      indexDirectory,
      split: 'inductive',
      methods: ['nn_transfer', 'random'],
      frequentThreshold: 2,
      tasks: [
        drugToProtein,
        { name: 'protein->drug', headType: 'gene/protein', relation: 'target', tailType: 'drug' },
      ],
    });
  });

  it('reports the run, and only tasks with held-out heads', () => {
    expect(report).toMatchObject({
      benchmark: 'retrieval',
      index: indexDirectory,
      dataHash: 'export-hash-1',
      indexDataHash: 'index-data-hash-0000',
      split: { name: 'inductive', kind: 'inductive', seed: 42 },
      config: { frequentThreshold: 2, neighbours: 20, seed: 42, methods: ['nn_transfer', 'random'] },
      bridge: null,
    });
    // no protein is held out, so protein->drug has no queries
    expect(Object.keys(report.tasks)).toEqual(['drug->protein']);
    expect(report.details).toHaveLength(1);
    // P3 has one link, the others two: the filtered set (≥ 2 links) is P0, P1, P2
    expect(report.details[0]).toMatchObject({
      heads: 2,
      candidates: 4,
      filteredHeads: 2,
      filteredCandidates: 3,
    });
  });

  it('nearest-neighbour transfer: full candidate set', () => {
    // D3: neighbours D1 (cos 0.8), D2 (0.6) → P0 0.8, P1 1.4, P2 0.6, P3 0; true P0, P3 → first rank 2.
    // D4: cosines −1 and 0 → every score 0; true P2 ties with all four → rank 2.5.
    const nn = report.tasks['drug->protein']!.nn_transfer!;
    expect(nn.queries).toBe(2);
    expect(nn.candidates).toBe(4);
    expect(nn.mrr).toBeCloseTo((1 / 2 + 1 / 2.5) / 2, 6);
    expect(nn['hits@1']).toBe(0);
    expect(nn['hits@3']).toBe(1);
    expect(nn.medianRank).toBeCloseTo(2.25, 6);
    // recall@1: D3 0 of 2; D4 one of four tied candidates for one slot → 1/4
    expect(nn['recall@1']).toBeCloseTo((0 + 1 / 4) / 2, 6);
    expect(nn['recall@5']).toBe(1);
  });

  it('nearest-neighbour transfer: filtered candidate set', () => {
    // D3: true P0 (P3 is not frequent) behind P1 → rank 2. D4: P2 tied with P0, P1 → rank 2.
    const nn = report.tasksFiltered['drug->protein']!.nn_transfer!;
    expect(nn.queries).toBe(2);
    expect(nn.candidates).toBe(3);
    expect(nn.mrr).toBeCloseTo(0.5, 6);
    expect(nn['recall@1']).toBeCloseTo((0 + 1 / 3) / 2, 6);
    expect(nn['hits@3']).toBe(1);
  });

  it('nearest-neighbour transfer uses only the given number of neighbours', async () => {
    // k = 1: D3's neighbour D1 alone → P0 0.8, P1 0.8: true P0 ties P1 at the top → rank 1.5
    const one = await runRetrievalBenchmark({
      indexDirectory,
      split: 'inductive',
      methods: ['nn_transfer'],
      neighbours: 1,
      frequentThreshold: 2,
      tasks: [drugToProtein],
    });
    expect(one.tasks['drug->protein']!.nn_transfer!.mrr).toBeCloseTo((1 / 1.5 + 1 / 2.5) / 2, 6);
  });

  it('random ranking is seeded and plausible', async () => {
    const random = report.tasks['drug->protein']!.random!;
    expect(random.queries).toBe(2);
    expect(random.mrr).toBeGreaterThanOrEqual(1 / 4);
    expect(random.mrr).toBeLessThanOrEqual(1);
    const again = await runRetrievalBenchmark({
      indexDirectory,
      split: 'inductive',
      methods: ['random'],
      frequentThreshold: 2,
      tasks: [drugToProtein],
    });
    expect(again.tasks['drug->protein']!.random).toEqual(random);
  });

  it('renders every task and method row in Markdown, full and filtered', () => {
    const markdown = retrievalReportMarkdown(report);
    expect(markdown).toContain('# Cross-modal retrieval benchmark');
    expect(markdown).toContain('- split: inductive (kind inductive, seed 42); queries are held-out heads');
    expect(markdown).toContain('- bridge: not evaluated');
    const rows = markdown.split('\n').filter((line) => /^\| drug->protein \| \d+ \| \d+ \|/.test(line));
    expect(rows).toHaveLength(4);
    // mrr, hits@1, hits@3, hits@10, recall@5, recall@20; the best mrr of a task is bold
    expect(rows[0]).toMatch(
      /^\| drug->protein \| 2 \| 4 \| nn_transfer \| (\*\*)?0\.4500(\*\*)? \| 0\.0000 \| 1\.0000 \| 1\.0000 \| 1\.0000 \| 1\.0000 \|$/,
    );
    expect(rows[1]).toMatch(/^\| drug->protein \| 2 \| 4 \| random \| /);
    expect(rows[2]).toMatch(/^\| drug->protein \| 2 \| 3 \| nn_transfer \| (\*\*)?0\.5000(\*\*)? \| /);
    expect(rows[3]).toMatch(/^\| drug->protein \| 2 \| 3 \| random \| /);
    for (const [section, metrics] of [
      [rows.slice(0, 2), report.tasks['drug->protein']!],
      [rows.slice(2), report.tasksFiltered['drug->protein']!],
    ] as const) {
      const best = Math.max(metrics.nn_transfer!.mrr, metrics.random!.mrr);
      const bold = section.filter((row) => row.includes('**'));
      expect(bold.length).toBeGreaterThanOrEqual(1);
      for (const row of bold) expect(row).toContain(`| **${best.toFixed(4)}** |`);
    }
    expect(
      markdown.match(
        /^\| task \| heads \| candidates \| method \| mrr \| hits@1 \| hits@3 \| hits@10 \| recall@5 \| recall@20 \|$/gm,
      ),
    ).toHaveLength(2);
  });

  it('writes the JSON and Markdown reports', async () => {
    const paths = await writeRetrievalReport(report, join(root.path, 'reports'));
    expect(paths.json).toMatch(/retrieval-inductive-.*\.json$/);
    expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(await readFile(paths.markdown, 'utf8')).toBe(retrievalReportMarkdown(report));
  });
});

describe('runRetrievalBenchmark: bridge methods with the parity fixture bridge', () => {
  let bridge: Bridge;
  beforeAll(async () => {
    await cp(fixtureBridge, join(indexDirectory, 'bridge'), { recursive: true });
    await cp(fixtureBridge, join(indexDirectory, 'bridge-untrained'), { recursive: true });
    bridge = await loadOnnxBridge(fixtureBridge);
  });
  afterAll(async () => {
    await bridge?.dispose();
  });

  /** Rank of each query's best true tail by cosine of transform(head) and project(tail), computed here. */
  async function expectedRanks(
    task: RetrievalTask,
    heads: number[],
    headVectors: Map<number, Float32Array>,
    truth: number[][],
  ) {
    const headDimension = headVectors.get(heads[0]!)!.length;
    const queries = await bridge.transform({
      headType: task.headType,
      relation: task.relation,
      tailType: task.tailType,
      vectors: Float32Array.from(heads.flatMap((node) => Array.from(headVectors.get(node)!))),
      rows: heads.length,
    });
    expect(queries.length).toBe(heads.length * 32);
    expect(headDimension).toBeGreaterThan(0);
    const tails = await bridge.project(
      'gene/protein',
      Float32Array.from(PROTEINS.flatMap((node) => Array.from(proteinVectors.get(node)!))),
      4,
    );
    const cosine = (a: Float32Array, b: Float32Array) => {
      let dot = 0;
      let normA = 0;
      let normB = 0;
      a.forEach((value, i) => {
        dot += value * b[i]!;
        normA += value * value;
        normB += b[i]! * b[i]!;
      });
      return dot / Math.sqrt(normA * normB);
    };
    return heads.map((_, row) => {
      const query = queries.subarray(row * 32, (row + 1) * 32);
      const scores = PROTEINS.map((_, position) =>
        cosine(query, tails.subarray(position * 32, (position + 1) * 32)),
      );
      const best = Math.max(...truth[row]!.map((position) => scores[position]!));
      const greater = scores.filter((score) => score > best + 1e-6).length;
      const equal = scores.filter((score) => Math.abs(score - best) <= 1e-6).length;
      return 1 + greater + (equal - 1) / 2;
    });
  }

  it('scores held-out drugs with the bridge and the untrained bridge', async () => {
    const report = await runRetrievalBenchmark({
      indexDirectory,
      split: 'inductive',
      methods: ['bridge', 'untrained', 'nn_transfer'],
      frequentThreshold: 2,
      tasks: [
        drugToProtein,
        {
          name: 'disease->protein',
          headType: 'disease',
          relation: 'associated with',
          tailType: 'gene/protein',
        },
      ],
    });
    expect(report.bridge?.metadata).toMatchObject({ hiddenDim: 32 });
    const ranks = await expectedRanks(drugToProtein, [102, 103], drugVectors, [[0, 3], [2]]);
    const bridgeMetrics = report.tasks['drug->protein']!.bridge!;
    expect(bridgeMetrics.queries).toBe(2);
    expect(bridgeMetrics.mrr).toBeCloseTo((1 / ranks[0]! + 1 / ranks[1]!) / 2, 5);
    expect(bridgeMetrics.medianRank).toBeCloseTo((ranks[0]! + ranks[1]!) / 2, 5);
    // the same ONNX files under bridge-untrained give the same numbers
    expect(report.tasks['drug->protein']!.untrained).toEqual(bridgeMetrics);
    // disease Q0 is held out with P0, P1
    const diseaseRanks = await expectedRanks(
      {
        name: 'disease->protein',
        headType: 'disease',
        relation: 'associated with',
        tailType: 'gene/protein',
      },
      [300],
      new Map([[300, unit(8, { 0: 1 })]]),
      [[0, 1]],
    );
    expect(report.tasks['disease->protein']!.bridge!.mrr).toBeCloseTo(1 / diseaseRanks[0]!, 5);
    expect(Object.keys(report.tasks['disease->protein']!)).toEqual(['bridge', 'untrained', 'nn_transfer']);
    const markdown = retrievalReportMarkdown(report).split('\n');
    expect(markdown.filter((line) => /^\| [a-z>-]+ \| \d+ \| \d+ \|/.test(line))).toHaveLength(2 * 2 * 3);
    // bootstrap intervals for every task and method; bridge paired against nn_transfer per task
    expect(
      markdown.filter((line) => /^\| [a-z>-]+ \| (bridge|untrained|nn_transfer) \| \d\.\d{3} \[/.test(line)),
    ).toHaveLength(2 * 3);
    expect(
      markdown.filter((line) => /^\| [a-z>-]+ \| bridge \| nn_transfer \| [+-]\d/.test(line)),
    ).toHaveLength(2);
  });

  it('fails clearly when a bridge method has no bridge', async () => {
    const bare = join(root.path, 'bare-index');
    await cp(indexDirectory, bare, {
      recursive: true,
      filter: (source) => !/\/bridge(-untrained)?$/.test(source),
    });
    const error = await rejection(
      runRetrievalBenchmark({
        indexDirectory: bare,
        split: 'inductive',
        methods: ['bridge'],
      }),
    );
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toBe(
      `${join(bare, 'bridge')}/bridge.json is missing; run \`biobridge train ${bare}\` first (or leave the method out with --methods)`,
    );
  });
});

describe('biobridge eval retrieval', () => {
  it('--json prints the report and writes both report files', async () => {
    let stdout = '';
    let stderr = '';
    const reportDirectory = join(root.path, 'cli-reports');
    const code = await runCli(commands, {
      argv: [
        'eval',
        'retrieval',
        indexDirectory,
        '--methods',
        'nn_transfer',
        '--frequent-threshold',
        '2',
        '--report-dir',
        reportDirectory,
        '--json',
        '-q',
      ],
      env: {},
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      signal: new AbortController().signal,
    });
    expect(code, stderr).toBe(0);
    // --quiet leaves the warnings: tasks without held-out heads of their type
    expect(stderr).toBe(
      'warn  no held-out heads for task task=protein->drug\nwarn  no held-out heads for task task=drug->disease\n',
    );
    const report = JSON.parse(stdout) as RetrievalReport;
    expect(Object.keys(report.tasks)).toEqual(['drug->protein', 'disease->protein']);
    expect(report.tasks['drug->protein']!.nn_transfer!.mrr).toBeCloseTo(0.45, 6);
    expect(
      (await readdir(reportDirectory)).map((name) => name.replace(/\d{4}-.*\./, 'TIME.')).sort(),
    ).toEqual([
      'retrieval-inductive-TIME.json',
      'retrieval-inductive-TIME.md',
      'retrieval-inductive-TIME.svg',
      'retrieval-inductive-TIME.svg',
    ]);
    const svgs = (await readdir(reportDirectory)).filter((name) => name.endsWith('.svg'));
    expect(svgs.some((name) => name.endsWith('-disease-protein.svg'))).toBe(true);
    const svg = await readFile(join(reportDirectory, svgs[0]!), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('>nn_transfer</text>');
  });
});
