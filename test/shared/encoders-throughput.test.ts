import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadRDKit } from '../../src/chem/rdkit.js';
import type { EncodeOutcome, Encoder } from '../../src/encoders/encoder.js';
import { createHfOnnxEncoder } from '../../src/encoders/hf-onnx.js';
import { createMoleculeMorganEncoder } from '../../src/encoders/molecule-morgan.js';
import { createProteinKmerEncoder } from '../../src/encoders/protein-kmer.js';
import { fitTextEncoder } from '../../src/encoders/text-tfidf.js';
import { createVariantTextEncoder } from '../../src/encoders/variant-text.js';

// Throughput of each encoder on the real KG (../shared/kg). Numbers are printed, not asserted:
// speed depends on the machine. Run: npx vitest run -c vitest.shared.config.ts test/shared/encoders-throughput.test.ts
const repoRoot = resolve(import.meta.dirname, '../..');
const kg = resolve(repoRoot, '../shared/kg');

function readCsv(name: string): Record<string, string>[] {
  return parse<Record<string, string>>(gunzipSync(readFileSync(resolve(kg, name))), {
    columns: true,
    skip_empty_lines: true,
  });
}

async function measure(
  label: string,
  encoder: Encoder,
  inputs: readonly string[],
): Promise<{ outcomes: EncodeOutcome[]; perSecond: number }> {
  const started = performance.now();
  const outcomes = await encoder.encode(inputs);
  const seconds = (performance.now() - started) / 1000;
  const perSecond = inputs.length / seconds;
  const failures = outcomes.filter((outcome) => !outcome.ok);
  console.log(
    `${label}: ${inputs.length} items in ${seconds.toFixed(2)} s = ${perSecond.toFixed(0)} items/s, ` +
      `${failures.length} failures${failures.length ? ` (first: ${JSON.stringify(failures[0])})` : ''}`,
  );
  return { outcomes, perSecond };
}

/** Single-core multiply-add rate right now: ~1.1 G/s on an idle 2-core dev box, lower under load. */
function calibrate(): number {
  const size = 50_000;
  const left = Float64Array.from({ length: size }, (_, index) => (index % 7) / 7);
  const right = Float64Array.from({ length: size }, (_, index) => (index % 5) / 5);
  let sum = 0;
  const started = performance.now();
  for (let repeat = 0; repeat < 400; repeat++)
    for (let index = 0; index < size; index++) sum += left[index]! * right[index]!;
  const rate = (400 * size) / ((performance.now() - started) / 1000) / 1e9;
  console.log(`calibration: ${rate.toFixed(2)} G multiply-adds/s (checksum ${sum.toFixed(0)})`);
  return rate;
}

describe('encoder throughput on the shared KG', () => {
  it('calibrates', () => {
    expect(calibrate()).toBeGreaterThan(0);
  });

  it('protein-kmer: 1000 SwissProt sequences', async () => {
    const sequences = readCsv('protein_sequences.csv.gz')
      .slice(0, 1000)
      .map((row) => row.sequence!);
    const { outcomes } = await measure('protein-kmer', createProteinKmerEncoder(), sequences);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1000);
  });

  it('molecule-morgan: 1000 DrugBank SMILES', async () => {
    const smiles = readCsv('drug_smiles.csv.gz')
      .slice(0, 1000)
      .map((row) => row.smiles!);
    const encoder = await createMoleculeMorganEncoder({}, { rdkit: await loadRDKit() });
    const { outcomes } = await measure('molecule-morgan', encoder, smiles);
    expect(outcomes.filter((outcome) => outcome.ok).length).toBeGreaterThan(990);
  });

  it('text-tfidf: fit on all KG text, encode 10k; variant-text over it', async () => {
    const textRows = readCsv('text_features.csv.gz');
    const corpus = textRows.map((row) => (row.definition ? `${row.name}. ${row.definition}` : row.name!));
    const variants = readCsv('variant_features.csv.gz');
    const started = performance.now();
    const encoder = fitTextEncoder(corpus);
    const fitSeconds = (performance.now() - started) / 1000;
    console.log(
      `text-tfidf fit: ${corpus.length} documents, vocabulary ${encoder.vocabulary.length}, ` +
        `${fitSeconds.toFixed(1)} s, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
    const { outcomes } = await measure('text-tfidf encode', encoder, corpus.slice(0, 10_000));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const variantEncoder = createVariantTextEncoder(encoder);
    await measure(
      'variant-text encode',
      variantEncoder,
      variants.map((row) => JSON.stringify(row)),
    );
  });

  it('text-tfidf: fit on ~75k documents (all text definitions plus every other node name)', () => {
    const textRows = readCsv('text_features.csv.gz');
    const withText = new Set(textRows.map((row) => row.node_index));
    const names = readCsv('nodes.csv.gz')
      .filter((row) => !withText.has(row.node_index))
      .map((row) => row.node_name!);
    const corpus = [...textRows.map((row) => `${row.name}. ${row.definition}`), ...names];
    const started = performance.now();
    const encoder = fitTextEncoder(corpus);
    console.log(
      `text-tfidf fit: ${corpus.length} documents, vocabulary ${encoder.vocabulary.length}, ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    calibrate();
    expect(encoder.dimension).toBe(256);
  });

  it('hf-onnx (tiny ESM fixture, pipeline overhead only): 200 sequences', async () => {
    const sequences = readCsv('protein_sequences.csv.gz')
      .slice(0, 200)
      .map((row) => row.sequence!);
    const encoder = await createHfOnnxEncoder({
      modelPath: resolve(repoRoot, 'test/fixtures/models/tiny-esm'),
      modality: 'protein',
      pooling: 'esm-mean',
      maxLength: 1024,
      batchSize: 8,
    });
    try {
      const { outcomes } = await measure('hf-onnx tiny-esm', encoder, sequences);
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    } finally {
      await encoder.dispose!();
    }
  });
});
