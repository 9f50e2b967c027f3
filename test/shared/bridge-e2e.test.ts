import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxBridge } from '../../src/bridge/onnx-bridge.js';
import { runRetrievalBenchmark, type RetrievalReport } from '../../src/eval/retrieval-benchmark.js';
import { buildIndex } from '../../src/indexing/build-index.js';
import { openIndex } from '../../src/indexing/open-index.js';
import { TRAINER_DIRECTORY, trainBridge } from '../../src/indexing/train-bridge.js';

/**
 * The whole bridge pipeline on a slice of the real KG, sized to run in about a minute on CI:
 * ingest → export → PyTorch training → ONNX → TS/PyTorch parity → project → retrieval benchmark.
 */
const kgDirectory = resolve('../shared/kg');
const python = '/usr/bin/python3';
const hasKg = existsSync(join(kgDirectory, 'kg.csv.gz'));
const hasTorch = hasKg && spawnSync(python, ['-c', 'import torch, onnx'], { stdio: 'ignore' }).status === 0;
if (!hasKg) console.warn(`skipping the bridge end-to-end test: no ${kgDirectory}`);
else if (!hasTorch) console.warn(`skipping the bridge end-to-end test: ${python} lacks torch/onnx`);

/** Nodes kept in the slice: drugs with SMILES, their targets, and those targets' GO processes. */
const MAX_DRUGS = 250;

async function* csvLines(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) yield line;
}

/** Writes `file` keeping the header and the rows whose node_index column(s) pass `keep`. */
async function filterFile(name: string, out: string, keep: (line: string) => boolean): Promise<void> {
  const output = createWriteStream(join(out, name.replace(/\.gz$/, '')));
  let header = true;
  for await (const line of csvLines(join(kgDirectory, name))) {
    if (header || keep(line)) output.write(line + '\n');
    header = false;
  }
  await new Promise<void>((done, fail) =>
    output.end((error?: Error | null) => (error ? fail(error) : done())),
  );
}

let root: string;
let indexDirectory: string;
let report: RetrievalReport;

beforeAll(async () => {
  if (!hasTorch) return;
  root = await mkdtemp(join(tmpdir(), 'biobridge-e2e-'));
  const slice = join(root, 'kg');
  await mkdir(slice);
  // Pass 1: drugs with SMILES (the first MAX_DRUGS by index).
  const drugs = new Set<number>();
  let header = true;
  for await (const line of csvLines(join(kgDirectory, 'drug_smiles.csv.gz'))) {
    if (!header && drugs.size < MAX_DRUGS) drugs.add(Number(line.slice(0, line.indexOf(','))));
    header = false;
  }
  // Pass 2: their protein targets; pass 3: those proteins' biological processes and diseases.
  const proteins = new Set<number>();
  const columnsOf = (line: string) => {
    const parts = line.split(',');
    return {
      relation: parts[1] ?? '',
      x: Number(parts[2]),
      y: Number(parts[7]),
      xType: parts[4] ?? '',
      yType: parts[9] ?? '',
    };
  };
  for await (const line of csvLines(join(kgDirectory, 'kg.csv.gz'))) {
    if (!line.startsWith('drug_protein,target,')) continue;
    const edge = columnsOf(line);
    if (drugs.has(edge.x)) proteins.add(edge.y);
  }
  const others = new Set<number>();
  for await (const line of csvLines(join(kgDirectory, 'kg.csv.gz'))) {
    if (!line.startsWith('bioprocess_protein,') && !line.startsWith('disease_protein,')) continue;
    const edge = columnsOf(line);
    if (proteins.has(edge.y)) others.add(edge.x);
  }
  const kept = new Set([...drugs, ...proteins, ...others]);
  const firstColumnKept = (line: string) => kept.has(Number(line.slice(0, line.indexOf(','))));
  await filterFile('nodes.csv.gz', slice, firstColumnKept);
  await filterFile('kg.csv.gz', slice, (line) => {
    const edge = columnsOf(line);
    return kept.has(edge.x) && kept.has(edge.y);
  });
  for (const file of ['protein_sequences.csv.gz', 'drug_smiles.csv.gz', 'text_features.csv.gz'])
    await filterFile(file, slice, firstColumnKept);

  indexDirectory = join(root, 'index');
  await buildIndex({
    kgDirectory: slice,
    outDirectory: indexDirectory,
    progress: false,
    encoders: {
      'gene/protein': { kind: 'protein-kmer', options: { kmerBuckets: 84 } },
      drug: { kind: 'molecule-morgan', options: { size: 256 } },
      biological_process: {
        kind: 'text-tfidf',
        options: { dimension: 64, maxVocabulary: 4000, trigramBuckets: 256 },
      },
      disease: { kind: 'text-tfidf', options: { dimension: 64, maxVocabulary: 4000, trigramBuckets: 256 } },
    },
  });
  await trainBridge({
    indexDirectory,
    preset: 'tiny',
    split: 'inductive',
    python,
    device: 'cpu',
    env: process.env,
    trainerArguments: ['--negatives', 'both', '--epochs', '2', '--hidden-dim', '64'],
    onTrainerOutput: () => {},
  });
  report = await runRetrievalBenchmark({ indexDirectory, split: 'inductive' });
}, 600_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(!hasTorch)('bridge pipeline on a slice of ../shared/kg', () => {
  it('projects every encoded node with the trained bridge', async () => {
    const index = await openIndex(indexDirectory);
    try {
      expect(index.manifest.bridge?.hiddenDim).toBe(64);
      for (const type of ['drug', 'gene/protein', 'biological_process']) {
        const info = await index.store.tableInfo(type);
        expect(info.withProjected, type).toBe(info.withVector);
        expect(info.projectedDimension).toBe(64);
      }
    } finally {
      await index.close();
    }
  });

  it('runs the ONNX bridge in TypeScript as PyTorch runs the checkpoint (max abs diff ≤ 1e-4)', async () => {
    const index = await openIndex(indexDirectory);
    const bridge = await loadOnnxBridge(join(indexDirectory, 'bridge'));
    try {
      const { vectors, dimension } = await index.store.readVectors('drug', 'vector');
      const rows = 4;
      const head = vectors.slice(0, rows * dimension);
      const typescript = await bridge.transform({
        headType: 'drug',
        relation: 'target',
        tailType: 'gene/protein',
        vectors: head,
        rows,
      });
      const registry = index.registry;
      const script = [
        'import json, sys, torch',
        'from biobridge_train.model import BindingModel, ModelConfig, load_state_dict_file',
        'run = sys.argv[1]',
        "config = ModelConfig.from_json(json.load(open(run + '/model_config.json')))",
        'model = BindingModel.from_config(config)',
        "model.load_state_dict(load_state_dict_file(run + '/pytorch_model.bin'))",
        'model.eval()',
        'data = json.load(sys.stdin)',
        "head = torch.tensor(data['head'], dtype=torch.float32).reshape(data['rows'], -1)",
        'with torch.no_grad():',
        "    out = model.transform(head, data['headType'], data['relation'], data['tailType'])",
        'print(json.dumps(out.reshape(-1).tolist()))',
      ].join('\n');
      const result = spawnSync(
        python,
        ['-c', script, join(indexDirectory, 'runs', 'inductive-tiny', 'best')],
        {
          cwd: TRAINER_DIRECTORY,
          env: { ...process.env, PYTHONPATH: TRAINER_DIRECTORY },
          input: JSON.stringify({
            head: Array.from(head),
            rows,
            headType: registry.typeId('drug'),
            relation: registry.relationId('target'),
            tailType: registry.typeId('gene/protein'),
          }),
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      expect(result.status, result.stderr).toBe(0);
      const pytorch = JSON.parse(result.stdout) as number[];
      expect(pytorch.length).toBe(typescript.length);
      const maxDiff = Math.max(...pytorch.map((value, i) => Math.abs(value - typescript[i]!)));
      expect(maxDiff).toBeLessThanOrEqual(1e-4);
    } finally {
      await bridge.dispose();
      await index.close();
    }
  });

  it('reports the retrieval benchmark with the bridge above random', () => {
    const task = report.tasks['drug->protein'];
    expect(task, Object.keys(report.tasks).join(', ')).toBeDefined();
    for (const method of ['bridge', 'nn_transfer', 'untrained', 'random'] as const)
      expect(task?.[method]?.queries).toBeGreaterThan(0);
    expect(task!.bridge!.mrr).toBeGreaterThan(task!.random!.mrr);
    expect(report.tasks['protein->biological_process']?.bridge?.mrr).toBeGreaterThan(
      report.tasks['protein->biological_process']!.random!.mrr,
    );
  });
});
