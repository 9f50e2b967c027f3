import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { exportManifestSchema } from '../bridge/training-export.js';
import { AppError } from '../errors.js';

/** Reads the training export's triples and one split (train/FORMAT.md §1–2) for evaluation. */
export interface SplitData {
  name: string;
  kind: string;
  seed: number;
  dataHash: string;
  /** int32 [count, 3]: head, relation id, tail. */
  triples: Int32Array;
  train: Int32Array;
  /** Empty for the paper's inductive kinds (their validation heads are carved at run time). */
  valid: Int32Array;
  test: Int32Array;
  heldOutNodes: Set<number>;
}

const splitSchema = z.object({
  format: z.literal('biobridge-split'),
  name: z.string(),
  kind: z.string(),
  seed: z.number(),
  dataHash: z.string(),
  files: z.object({ train: z.string(), valid: z.string(), test: z.string(), heldOutNodes: z.string() }),
});

/** A little-endian int32 column file of the export; INVALID_INDEX when its size is not whole int32s. */
export async function readInt32(path: string): Promise<Int32Array> {
  const bytes = await readFile(path);
  if (bytes.byteLength % 4 !== 0)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: size ${bytes.byteLength} is not a multiple of 4`,
    });
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Int32Array(copy.buffer);
}

export async function readSplit(exportDirectory: string, splitName: string): Promise<SplitData> {
  const manifestPath = join(exportDirectory, 'manifest.json');
  const splitPath = join(exportDirectory, 'splits', `${splitName}.json`);
  let exported: z.infer<typeof exportManifestSchema>;
  let split: z.infer<typeof splitSchema>;
  try {
    exported = exportManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
    split = splitSchema.parse(JSON.parse(await readFile(splitPath, 'utf8')));
  } catch (error) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `cannot read split "${splitName}" at ${splitPath} (train the bridge with --split ${splitName} first)`,
      cause: error,
    });
  }
  if (split.dataHash !== exported.dataHash)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${splitPath} was made for other training data (${split.dataHash.slice(0, 12)} ≠ ${exported.dataHash.slice(0, 12)}); retrain`,
    });
  const splits = join(exportDirectory, 'splits');
  const triples = await readInt32(join(exportDirectory, exported.triples.file));
  if (triples.length !== exported.triples.count * 3)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${exported.triples.file} does not hold ${exported.triples.count} triples`,
    });
  return {
    name: split.name,
    kind: split.kind,
    seed: split.seed,
    dataHash: exported.dataHash,
    triples,
    train: await readInt32(join(splits, split.files.train)),
    valid: await readInt32(join(splits, split.files.valid)),
    test: await readInt32(join(splits, split.files.test)),
    heldOutNodes: new Set(await readInt32(join(splits, split.files.heldOutNodes))),
  };
}
