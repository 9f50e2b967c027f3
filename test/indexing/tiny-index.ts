import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncoderConfigInput } from '../../src/encoders/encoder-config.js';
import { buildIndex, type BuildIndexResult } from '../../src/indexing/build-index.js';
import { TINY_FILES, writeTinyKg } from '../kg/tiny-kg.js';

/**
 * Small encoders for the tiny KG: the default text encoder needs terms shared by two documents,
 * which five short texts do not have, and the 1024-wide defaults only slow tests down.
 */
export const TINY_TEXT_ENCODER = {
  kind: 'text-tfidf',
  options: { dimension: 4, minDf: 1, maxDfRatio: 1 },
} as const;

export const TINY_ENCODERS = {
  'gene/protein': { kind: 'protein-kmer', options: { kmerBuckets: 16 } },
  drug: { kind: 'molecule-morgan', options: { size: 64 } },
  biological_process: TINY_TEXT_ENCODER,
  molecular_function: TINY_TEXT_ENCODER,
  cellular_component: TINY_TEXT_ENCODER,
  pathway: TINY_TEXT_ENCODER,
  disease: TINY_TEXT_ENCODER,
  'effect/phenotype': TINY_TEXT_ENCODER,
  variant: { kind: 'variant-text', options: { text: TINY_TEXT_ENCODER } },
} satisfies EncoderConfigInput;

/** protein-kmer: 20 + 400 + kmerBuckets + 8. */
export const TINY_DIMENSIONS = { protein: 20 + 400 + 16 + 8, drug: 64, text: 4 } as const;

/**
 * The tiny KG with A2M's sequence left out, so the index has a protein without a vector
 * (Cetuximab, without a SMILES, is the drug without one).
 */
export const TINY_INDEX_KG_FILES = {
  protein_sequences: TINY_FILES.protein_sequences!.split('\n')
    .filter((line) => !line.startsWith('11,'))
    .join('\n'),
};

export async function writeTinyIndexKg(
  directory: string,
  replace: Record<string, string> = {},
): Promise<void> {
  await writeTinyKg(directory, { replace: { ...TINY_INDEX_KG_FILES, ...replace } });
}

/** Writes the tiny KG to `<root>/kg` and builds `<root>/index` from it with the small encoders. */
export async function buildTinyIndex(
  root: string,
): Promise<{ kgDirectory: string; indexDirectory: string; result: BuildIndexResult }> {
  const kgDirectory = join(root, 'kg');
  const indexDirectory = join(root, 'index');
  await writeTinyIndexKg(kgDirectory);
  const result = await buildIndex({
    kgDirectory,
    outDirectory: indexDirectory,
    encoders: TINY_ENCODERS,
    progress: false,
  });
  return { kgDirectory, indexDirectory, result };
}

/** The encoder configuration as a file for `biobridge ingest --encoders`. */
export async function writeTinyEncoderConfig(path: string): Promise<string> {
  await writeFile(path, JSON.stringify(TINY_ENCODERS, null, 2));
  return path;
}
