import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { trainLigandModel } from '../../src/eval/ligand-model-training.js';
import { fuse, fusionGrid } from '../../src/retrieval/fusion.js';
import { readLigandFingerprints, writeLigandFingerprints } from '../../src/retrieval/ligand-fingerprints.js';
import {
  loadLigandModel,
  unpackFingerprintBits,
  type LigandModel,
} from '../../src/retrieval/ligand-model.js';
import { LIGAND_FINGERPRINT_BYTES, ligandFingerprint } from '../../src/chem/ligand-fingerprint.js';
import { loadRDKit } from '../../src/chem/rdkit.js';
import { rankByFeatures } from '../../src/retrieval/stages/rank-features.js';
import { createLigandIndex } from '../../src/retrieval/ligand-index.js';
import type { KgGraph } from '../../src/kg/graph.js';
import type { PredictDependencies } from '../../src/retrieval/stages/predict-dependencies.js';
import { useTemporaryDirectory } from '../kg/csv-test-helpers.js';

const PYTHON = '/usr/bin/python3';
const torchAvailable =
  spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const TRAINER_TIMEOUT_MS = 240_000;

/**
 * Three chemical families, each binding its own protein: 4-anilinoquinazoline kinase inhibitors →
 * 100, androstane steroids → 101, penicillins → 102 (103 binds nothing). The last member of each
 * family is held out of training; the model must send it to its family's protein.
 */
const FAMILIES: { target: number; smiles: string[] }[] = [
  {
    target: 100,
    smiles: [
      'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1',
      'COCCOc1cc2ncnc(Nc3cccc(c3)C#C)c2cc1OCCOC',
      'CS(=O)(=O)CCNCc1ccc(o1)-c1ccc2ncnc(Nc3ccc(OCc4cccc(F)c4)c(Cl)c3)c2c1',
      'COc1cc2c(Nc3ccc(Br)cc3F)ncnc2cc1OCC1CCN(C)CC1',
      'C=CC(=O)Nc1cc2c(Nc3ccc(F)c(Cl)c3)ncnc2cc1OCCCN1CCOCC1',
    ],
  },
  {
    target: 101,
    smiles: [
      'C[C@]12CC[C@H]3[C@@H](CCC4=CC(=O)CC[C@@]34C)[C@@H]1CC[C@@H]2O',
      'C[C@]12CC[C@H]3[C@@H](CCC4=CC(=O)CC[C@@H]34)[C@@H]1CC[C@@H]2O',
      'C[C@]12CC[C@H]3[C@@H](CCC4=CC(=O)CC[C@@]34C)[C@@H]1CC[C@]2(C)O',
      'C[C@]12CC[C@H]3[C@@H](CCC4=CC(=O)CC[C@@]34C)[C@@H]1CCC2=O',
      'C[C@]12CC[C@H]3[C@@H](CCC4=CC(=O)C=C[C@@]34C)[C@@H]1CC[C@@H]2O',
    ],
  },
  {
    target: 102,
    smiles: [
      'CC1(C)S[C@@H]2[C@H](NC(=O)Cc3ccccc3)C(=O)N2[C@H]1C(=O)O',
      'CC1(C)S[C@@H]2[C@H](NC(=O)[C@H](N)c3ccccc3)C(=O)N2[C@H]1C(=O)O',
      'CC1(C)S[C@@H]2[C@H](NC(=O)[C@H](N)c3ccc(O)cc3)C(=O)N2[C@H]1C(=O)O',
      'CC1(C)S[C@@H]2[C@H](NC(=O)COc3ccccc3)C(=O)N2[C@H]1C(=O)O',
      'CC1(C)S[C@@H]2[C@H](NC(=O)C(C(=O)O)c3ccccc3)C(=O)N2[C@H]1C(=O)O',
    ],
  },
];
const PROTEINS = [100, 101, 102, 103];
const TARGET = 0; // relation id of `target` in the export's registry below

const drugs = FAMILIES.flatMap((family, familyIndex) =>
  family.smiles.map((smiles, member) => ({
    node: familyIndex * 10 + member,
    smiles,
    target: family.target,
    heldOut: member === family.smiles.length - 1,
  })),
);

let indexDirectory: string;

const int32Bytes = (values: readonly number[]) => new Uint8Array(Int32Array.from(values).buffer);

/** Only what the trainer reads: the export's manifest, node indices, triples, an unseen split, ligands/. */
async function writeTinyIndex(directory: string): Promise<void> {
  const exportDirectory = join(directory, 'export');
  await mkdir(join(exportDirectory, 'vectors'), { recursive: true });
  await mkdir(join(exportDirectory, 'splits'), { recursive: true });
  const triples = drugs.map((drug) => [drug.node, TARGET, drug.target]);
  await writeFile(join(exportDirectory, 'triples.i32'), int32Bytes(triples.flat()));
  await writeFile(join(exportDirectory, 'vectors', 'drug.i32'), int32Bytes(drugs.map((drug) => drug.node)));
  await writeFile(join(exportDirectory, 'vectors', 'gene_protein.i32'), int32Bytes(PROTEINS));
  await writeFile(
    join(exportDirectory, 'manifest.json'),
    JSON.stringify({
      dataHash: 'tiny',
      registry: { nodeTypes: ['drug', 'gene/protein'], relations: ['target', 'indication'] },
      nodeTables: [
        { type: 'drug', nodeIndices: 'vectors/drug.i32' },
        { type: 'gene/protein', nodeIndices: 'vectors/gene_protein.i32' },
      ],
      triples: { file: 'triples.i32', count: triples.length },
    }),
  );
  const rows = (held: boolean) => drugs.flatMap((drug, row) => (drug.heldOut === held ? [row] : []));
  const files = {
    train: 'unseen-drug.train.i32',
    valid: 'unseen-drug.valid.i32',
    test: 'unseen-drug.test.i32',
    heldOutNodes: 'unseen-drug.held-out-nodes.i32',
  };
  await writeFile(join(exportDirectory, 'splits', files.train), int32Bytes(rows(false)));
  await writeFile(join(exportDirectory, 'splits', files.valid), int32Bytes([]));
  await writeFile(join(exportDirectory, 'splits', files.test), int32Bytes(rows(true)));
  await writeFile(
    join(exportDirectory, 'splits', files.heldOutNodes),
    int32Bytes(drugs.filter((drug) => drug.heldOut).map((drug) => drug.node)),
  );
  await writeFile(
    join(exportDirectory, 'splits', 'unseen-drug.json'),
    JSON.stringify({
      format: 'biobridge-split',
      formatVersion: 1,
      name: 'unseen-drug',
      kind: 'unseen-drug',
      files,
    }),
  );
  await writeLigandFingerprints(
    directory,
    drugs.map((drug) => [drug.node, drug.smiles] as const),
  );
}

const root = useTemporaryDirectory('biobridge-ligand-model-');
beforeAll(async () => {
  indexDirectory = join(root.path, 'index');
  await writeTinyIndex(indexDirectory);
});

describe('unpackFingerprintBits', () => {
  it('puts bit j of byte b at 8b + j, least significant bit first (NumPy bitorder="little")', () => {
    const bits = unpackFingerprintBits(Uint8Array.of(0b00000101, 0b10000000));
    expect(Array.from(bits)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('fusion with the ligand-target model', () => {
  it('the grid tries the model alone and the fusion without it', () => {
    const grid = fusionGrid(false, true, true);
    expect(grid).toContainEqual({ bridge: 0, transfer: 0, prior: 0, ligand: 0, ligandModel: 1 });
    expect(grid.some((weights) => weights.ligandModel === 0 && weights.ligand === 1)).toBe(true);
    expect(fusionGrid(false, true, false).every((weights) => weights.ligandModel === undefined)).toBe(true);
  });

  it('adds the weighted probabilities over the query top', () => {
    const out = fuse(
      {
        bridge: undefined,
        transfer: Float32Array.of(0, 0, 0),
        prior: Float32Array.of(0, 0, 0),
        ligand: Float32Array.of(2, 1, 0),
        ligandModel: Float32Array.of(0.1, 0.4, 0.2),
      },
      { bridge: 0, transfer: 0, prior: 0, ligand: 1, ligandModel: 1 },
      new Float32Array(3),
    );
    expect(Array.from(out).map((value) => Number(value.toFixed(3)))).toEqual([1.25, 1.5, 0.5]);
  });
});

describe.skipIf(!torchAvailable)('biobridge train-ligand-model (PyTorch → ONNX → onnxruntime-node)', () => {
  let model: LigandModel | undefined;

  beforeAll(async () => {
    await trainLigandModel({
      indexDirectory,
      python: PYTHON,
      trainerArguments: [
        '--heads',
        'kernel,mlp',
        '--epochs',
        '60',
        '--hidden-dim',
        '32',
        '--batch-size',
        '4',
      ],
      onTrainerOutput: () => undefined,
    });
    model = await loadLigandModel(indexDirectory, { split: 'unseen-drug' });
  }, TRAINER_TIMEOUT_MS);
  afterAll(async () => {
    await model?.dispose();
  });

  it('learns from the training drugs only, over the proteins they bind, with both heads', async () => {
    expect(model!.meta.split).toBe('unseen-drug');
    expect(model!.meta.heads).toEqual(['kernel', 'mlp']);
    // The split's model is not the served one, which stays absent until trained on all drugs.
    expect(await loadLigandModel(indexDirectory)).toBeUndefined();
    expect([...model!.tails]).toEqual([100, 101, 102]);
    expect([...model!.drugs].sort((left, right) => left - right)).toEqual(
      drugs.filter((drug) => !drug.heldOut).map((drug) => drug.node),
    );
  });

  it("sends each held-out drug to its chemical family's target", async () => {
    const fingerprints = (await readLigandFingerprints(indexDirectory))!;
    for (const drug of drugs.filter((candidate) => candidate.heldOut)) {
      const probabilities = await model!.predict(fingerprints.fingerprint(fingerprints.rowOf(drug.node)!), 1);
      const best = [...probabilities.keys()].sort(
        (left, right) => probabilities[right]! - probabilities[left]!,
      )[0]!;
      expect(model!.tails[best], `drug ${drug.node}: ${Array.from(probabilities).join(', ')}`).toBe(
        drug.target,
      );
      expect(probabilities[best]).toBeGreaterThan(0.5);
    }
  });

  it('ranks a new SMILES by the model in the fused ranking, with its score and its say in the explanation', async () => {
    const rdkit = await loadRDKit();
    const penicillin = drugs.find((drug) => drug.heldOut && drug.target === 102)!;
    // Only the model is weighted and no bridge vector is given, so the store is never read.
    const dependencies = {
      transfer: { score: async () => ({ votes: new Map(), prior: () => 0, topPrior: () => [] }) },
      ligands: {
        fingerprint: async (query: { smiles?: string | undefined }) =>
          ligandFingerprint(rdkit, query.smiles!),
        score: async () => new Map(),
        // No shared library scan: the kernel head computes its own similarities.
        kernelSimilarities: async () => undefined,
      },
      ligandModel: model,
    } as unknown as PredictDependencies;
    const ranked = await rankByFeatures(
      dependencies,
      { kind: 'smiles', type: 'drug', input: { value: penicillin.smiles, field: 'smiles' } },
      { headType: 'drug', relation: 'target', tailType: 'gene/protein', kindIds: [], kgRelations: [] },
      {
        vector: new Float32Array(1),
        transformed: undefined,
        weights: { bridge: 0, transfer: 0, prior: 0, ligand: 0, ligandModel: 1 },
        method: 'fused',
        k: 2,
        signal: undefined,
      },
    );
    expect(ranked.map((hit) => hit.nodeIndex)[0]).toBe(102);
    expect(ranked[0]!.candidate.scores?.ligandModel).toBe(1);
    expect(ranked[0]!.candidate.ligandModelScore).toBeGreaterThan(0.5);
  });

  it('refuses a model file that differs from the sha256 its metadata recorded', async () => {
    const copy = join(root.path, 'tampered');
    await mkdir(join(copy, 'ligand-model'), { recursive: true });
    for (const file of [
      'ligand-model.json',
      'tails.i32',
      'drugs.i32',
      'model.onnx',
      'kernel.onnx',
      'fingerprints.u8',
    ])
      await writeFile(
        join(copy, 'ligand-model', file),
        await readFile(join(indexDirectory, 'ligand-model-unseen-drug', file)),
      );
    await writeFile(join(copy, 'ligand-model', 'tails.i32'), int32Bytes([100, 101, 103]));
    const error = await loadLigandModel(copy).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INDEX');
    expect((error as AppError).message).toContain('tails.i32: sha256');
  });

  it("checks the ONNX file's sha256 at the first prediction when asked to (start-up reads it once)", async () => {
    const copy = join(root.path, 'wrong-onnx-digest');
    await mkdir(join(copy, 'ligand-model'), { recursive: true });
    for (const file of ['tails.i32', 'drugs.i32', 'model.onnx', 'kernel.onnx', 'fingerprints.u8'])
      await writeFile(
        join(copy, 'ligand-model', file),
        await readFile(join(indexDirectory, 'ligand-model-unseen-drug', file)),
      );
    const meta = JSON.parse(
      await readFile(join(indexDirectory, 'ligand-model-unseen-drug', 'ligand-model.json'), 'utf8'),
    );
    meta.files.onnx.sha256 = '0'.repeat(64);
    await writeFile(join(copy, 'ligand-model', 'ligand-model.json'), JSON.stringify(meta));

    const eager = await loadLigandModel(copy).catch((caught: unknown) => caught);
    expect((eager as AppError).message).toContain('model.onnx: sha256');

    const lazy = (await loadLigandModel(copy, { verifyChecksums: 'first-use' }))!;
    try {
      const error = await lazy
        .predict(new Uint8Array(LIGAND_FINGERPRINT_BYTES), 1)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('INVALID_INDEX');
      expect((error as AppError).message).toContain('model.onnx: sha256');
    } finally {
      await lazy.dispose();
    }
  });
});

describe.skipIf(!torchAvailable)('the served kernel model (split all) and its similarity kernel', () => {
  let model: LigandModel | undefined;

  beforeAll(async () => {
    await trainLigandModel({
      indexDirectory,
      python: PYTHON,
      split: 'all',
      onTrainerOutput: () => undefined,
    });
    model = await loadLigandModel(indexDirectory);
  }, TRAINER_TIMEOUT_MS);
  afterAll(async () => {
    await model?.dispose();
  });

  it('is trained on every drug with targets, kernel head only by default, and is what the service loads', () => {
    expect(model!.meta.split).toBe('all');
    expect(model!.meta.heads).toEqual(['kernel']);
    expect([...model!.drugs].sort((left, right) => left - right)).toEqual(drugs.map((drug) => drug.node));
  });

  it("sends a new analogue (afatinib, in no family's list) to the quinazolines' target", async () => {
    const rdkit = await loadRDKit();
    const afatinib = 'CN(C)C/C=C/C(=O)Nc1cc2c(Nc3ccc(F)c(Cl)c3)ncnc2cc1O[C@H]1CCOC1';
    expect(drugs.map((drug) => drug.smiles)).not.toContain(afatinib);
    const scores = await model!.predict(ligandFingerprint(rdkit, afatinib)!, 1);
    const best = [...scores.keys()].sort((left, right) => scores[right]! - scores[left]!)[0]!;
    expect(model!.tails[best], Array.from(scores).join(', ')).toBe(100);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
  });

  it('scores bit for bit as before when ligand similarity hands the kernel head its library scan', async () => {
    const fingerprints = (await readLigandFingerprints(indexDirectory))!;
    const ligands = createLigandIndex({ neighbours: () => [] } as unknown as KgGraph, fingerprints);
    const queries = [
      { smiles: 'CN(C)C/C=C/C(=O)Nc1cc2c(Nc3ccc(F)c(Cl)c3)ncnc2cc1O[C@H]1CCOC1' },
      { smiles: 'CC1(C)S[C@@H]2[C@H](NC(=O)c3ccccc3)C(=O)N2[C@H]1C(=O)O' },
      { smiles: 'C[C@]12CC[C@H]3[C@@H](CCc4cc(O)ccc34)[C@@H]1CC[C@@H]2O' },
      ...drugs.map((drug) => ({ nodeIndex: drug.node })),
    ];
    for (const query of queries) {
      const fingerprint = (await ligands.fingerprint(query))!;
      const shared = await ligands.kernelSimilarities(model!.kernel!, query);
      expect(shared, JSON.stringify(query)).toBeInstanceOf(Float32Array);
      const own = await model!.predict(fingerprint, 1);
      const fromShared = await model!.predict(fingerprint, 1, { kernelSimilarities: shared });
      expect(Buffer.from(fromShared.buffer).equals(Buffer.from(own.buffer)), JSON.stringify(query)).toBe(
        true,
      );
    }
  });

  it('scores concurrent queries bit for bit alike with the kernel head batched (window 1 ms, 8 rows) or not', async () => {
    const rdkit = await loadRDKit();
    const queries = [
      'CN(C)C/C=C/C(=O)Nc1cc2c(Nc3ccc(F)c(Cl)c3)ncnc2cc1O[C@H]1CCOC1',
      'CC1(C)S[C@@H]2[C@H](NC(=O)c3ccccc3)C(=O)N2[C@H]1C(=O)O',
      'C[C@]12CC[C@H]3[C@@H](CCc4cc(O)ccc34)[C@@H]1CC[C@@H]2O',
      ...drugs.map((drug) => drug.smiles),
    ].map((smiles) => ligandFingerprint(rdkit, smiles)!);
    const pair = new Uint8Array(2 * LIGAND_FINGERPRINT_BYTES);
    pair.set(queries[0]!, 0);
    pair.set(queries[1]!, LIGAND_FINGERPRINT_BYTES);
    const batched = (await loadLigandModel(indexDirectory, { batching: { windowMs: 1, maxRows: 8 } }))!;
    try {
      const alone = await Promise.all([...queries.map((query) => model!.predict(query, 1))]);
      const pairAlone = await model!.predict(pair, 2);
      const together = await Promise.all([
        ...queries.map((query) => batched.predict(query, 1)),
        batched.predict(pair, 2),
      ]);
      const lone = await batched.predict(queries[2]!, 1); // a batch of one row
      const same = (left: Float32Array, right: Float32Array) =>
        Buffer.from(left.buffer, left.byteOffset, left.byteLength).equals(
          Buffer.from(right.buffer, right.byteOffset, right.byteLength),
        );
      queries.forEach((_, position) =>
        expect(same(together[position]!, alone[position]!), `${position}`).toBe(true),
      );
      expect(same(together[queries.length]!, pairAlone)).toBe(true);
      expect(same(lone, alone[2]!)).toBe(true);
    } finally {
      await batched.dispose();
    }
  });

  it('fails each caller of a failing batch with its own error', async () => {
    const rdkit = await loadRDKit();
    const batched = (await loadLigandModel(indexDirectory, { batching: { windowMs: 1, maxRows: 8 } }))!;
    await batched.dispose(); // its session is released: the batched run fails
    const fingerprints = drugs.slice(0, 3).map((drug) => ligandFingerprint(rdkit, drug.smiles)!);
    const outcomes = await Promise.allSettled(
      fingerprints.map((fingerprint) => batched.predict(fingerprint, 1)),
    );
    const errors = outcomes.map((outcome) => (outcome.status === 'rejected' ? outcome.reason : outcome));
    for (const error of errors) expect(error).toBeInstanceOf(Error);
    expect(new Set(errors).size).toBe(errors.length);
    expect(new Set(errors.map((error) => (error as Error).message)).size).toBe(1);
  });

  it('computes its own similarities when the ligand library no longer holds its fingerprints', async () => {
    const fingerprints = (await readLigandFingerprints(indexDirectory))!;
    const ligands = createLigandIndex({ neighbours: () => [] } as unknown as KgGraph, fingerprints);
    const altered = Uint8Array.from(model!.kernel!.fingerprints);
    altered[0] = altered[0]! ^ 1;
    const stale = { drugs: model!.kernel!.drugs, fingerprints: altered };
    expect(await ligands.kernelSimilarities(stale, { nodeIndex: drugs[0]!.node })).toBeUndefined();
    const unknownDrug = {
      drugs: Int32Array.of(9_999),
      fingerprints: altered.subarray(0, LIGAND_FINGERPRINT_BYTES),
    };
    expect(await ligands.kernelSimilarities(unknownDrug, { nodeIndex: drugs[0]!.node })).toBeUndefined();
  });

  it("computes the same mean Tanimoto as the trainer's kernel (TypeScript library vs NumPy)", async () => {
    const fingerprints = (await readLigandFingerprints(indexDirectory))!;
    const script = [
      'import json, sys, numpy as np',
      'from biobridge_train.ligand_kernel import mean_tanimoto, part_slices',
      'meta = json.load(open(sys.argv[1] + "/ligands.json"))',
      'packed = np.fromfile(sys.argv[1] + "/fingerprints.u8", dtype=np.uint8).reshape(meta["molecules"], -1)',
      'bits = np.unpackbits(packed, axis=1, bitorder="little").astype(np.float32)',
      'print(json.dumps(mean_tanimoto(bits[:3], bits, part_slices(meta["parts"], meta["bytesPerMolecule"])).tolist()))',
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script, join(indexDirectory, 'ligands')], {
      cwd: join(process.cwd(), 'train'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const fromPython = JSON.parse(run.stdout) as number[][];
    const out = new Float32Array(fingerprints.library.size);
    fromPython.forEach((row, query) => {
      fingerprints.library.similarities(fingerprints.fingerprint(query), out);
      row.forEach((similarity, member) => expect(out[member]).toBeCloseTo(similarity, 5));
    });
  });
});
