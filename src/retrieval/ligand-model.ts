import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LIGAND_FINGERPRINT_BYTES, LIGAND_FINGERPRINT_PARTS } from '../chem/ligand-fingerprint.js';
import { AppError } from '../errors.js';
import { createOnnxSession, float32Tensor, type Device } from '../runtime/onnx-session.js';
import { readOptionalIndexJson } from '../util/index-json.js';
import type { Logger } from '../util/logger.js';

/**
 * The ligand → target model (`<index>/ligand-model/`, written by `python3 -m
 * biobridge_train.ligand_model`, format in its docstring): a multi-label MLP from the packed ligand
 * fingerprint of `<index>/ligands/` to the probability that the drug links to each tail (proteins
 * over `target`). Unlike ligand similarity it generalises across analogues that no single known
 * drug resembles closely. It was trained on the training drugs of one split only; `drugs` lists
 * them, so an evaluation can refuse a model that saw its held-out drugs.
 */
export const LIGAND_MODEL_DIRECTORY = 'ligand-model';
const META_FILE = 'ligand-model.json';

const fileSchema = z.object({ file: z.string(), sha256: z.string() });
const ligandModelMetaSchema = z.object({
  format: z.literal('biobridge-ligand-model'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  split: z.string(),
  headType: z.string(),
  relation: z.string(),
  tailType: z.string(),
  fingerprint: z.object({ parts: z.array(z.string()), bytesPerMolecule: z.number().int().positive() }),
  inputBits: z.number().int().positive(),
  tails: z.number().int().positive(),
  drugs: z.number().int().positive(),
  files: z.object({ onnx: fileSchema, tails: fileSchema, drugs: fileSchema }),
});
export type LigandModelMeta = z.infer<typeof ligandModelMetaSchema>;

export interface LigandModel {
  /** First 16 hex digits of the ONNX file's sha256: fusion.json names the model it was fitted with. */
  readonly id: string;
  readonly meta: LigandModelMeta;
  /** Node index of each output column. */
  readonly tails: Int32Array;
  /** The drugs the model was trained on. */
  readonly drugs: ReadonlySet<number>;
  /** Probabilities [rows × tails] for `rows` packed fingerprints laid end to end. */
  predict(fingerprints: Uint8Array, rows: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export function hasLigandModel(indexDirectory: string): boolean {
  return existsSync(join(indexDirectory, LIGAND_MODEL_DIRECTORY, META_FILE));
}

/** Packed fingerprint bytes → one float per bit, least significant bit of each byte first (as NumPy's `bitorder="little"`). */
export function unpackFingerprintBits(
  packed: Uint8Array,
  out = new Float32Array(packed.length * 8),
): Float32Array {
  for (let byte = 0; byte < packed.length; byte++) {
    const value = packed[byte]!;
    for (let bit = 0; bit < 8; bit++) out[byte * 8 + bit] = (value >> bit) & 1;
  }
  return out;
}

/** The index's ligand-target model, or undefined when none was trained. */
export async function loadLigandModel(
  indexDirectory: string,
  options: {
    device?: Device | undefined;
    logger?: Logger | undefined;
    /**
     * When the ONNX file's sha256 is checked (the small tails and drugs files always are, at once):
     * `true` (default) before loading; `'first-use'` in the background while the service starts,
     * awaited by every `predict`, so a corrupt file still fails the first prediction without its
     * 26 MB being read and hashed on the start-up path (as the bridge's `verifyChecksums`).
     */
    verifyChecksums?: true | 'first-use' | undefined;
  } = {},
): Promise<LigandModel | undefined> {
  const directory = join(indexDirectory, LIGAND_MODEL_DIRECTORY);
  const metaPath = join(directory, META_FILE);
  const meta = await readOptionalIndexJson(metaPath, ligandModelMetaSchema);
  if (!meta) return undefined;
  const expected = LIGAND_FINGERPRINT_PARTS.map((part) => part.name).join(',');
  if (meta.fingerprint.parts.join(',') !== expected || meta.inputBits !== LIGAND_FINGERPRINT_BYTES * 8)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${metaPath}: trained on fingerprints ${meta.fingerprint.parts.join(',')} (${meta.inputBits} bits), this version makes ${expected} (${LIGAND_FINGERPRINT_BYTES * 8}); retrain with \`biobridge train-ligand-model ${indexDirectory}\``,
    });
  const onnxVerified = verifiedFile(directory, meta.files.onnx).then(() => undefined);
  onnxVerified.catch(() => undefined); // reported by the first prediction, not as an unhandled rejection
  if (options.verifyChecksums !== 'first-use') await onnxVerified;
  const [tailBytes, drugBytes] = await Promise.all(
    [meta.files.tails, meta.files.drugs].map((entry) => verifiedFile(directory, entry)),
  );
  const tails = int32View(tailBytes!);
  const drugs = int32View(drugBytes!);
  if (tails.length !== meta.tails || drugs.length !== meta.drugs)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${directory}: ${tails.length} tails and ${drugs.length} drugs on disk, ${metaPath} says ${meta.tails} and ${meta.drugs}`,
    });
  const session = await createOnnxSession(join(directory, meta.files.onnx.file), {
    device: options.device ?? 'cpu',
    logger: options.logger,
  });
  const inputBits = meta.inputBits;
  return {
    // The ONNX file is checked against this digest (before any prediction): hashing it again is waste.
    id: meta.files.onnx.sha256.slice(0, 16),
    meta,
    tails,
    drugs: new Set(drugs),
    async predict(fingerprints, rows) {
      await onnxVerified;
      const bits = new Float32Array(rows * inputBits);
      for (let row = 0; row < rows; row++)
        unpackFingerprintBits(
          fingerprints.subarray(row * LIGAND_FINGERPRINT_BYTES, (row + 1) * LIGAND_FINGERPRINT_BYTES),
          bits.subarray(row * inputBits, (row + 1) * inputBits),
        );
      const output = await session.run({ bits: float32Tensor(bits, [rows, inputBits]) });
      return output['probabilities']!.data as Float32Array;
    },
    dispose: () => session.dispose(),
  };
}

/** A file of the model directory, checked against the sha256 its metadata recorded. */
async function verifiedFile(directory: string, entry: { file: string; sha256: string }): Promise<Buffer> {
  const path = join(directory, entry.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppError({ code: 'INVALID_INDEX', message: `${path}: missing or unreadable`, cause: error });
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== entry.sha256)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: sha256 ${actual.slice(0, 12)}… differs from the ${entry.sha256.slice(0, 12)}… its metadata recorded; retrain the ligand model`,
    });
  return bytes;
}

function int32View(bytes: Buffer): Int32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Int32Array(copy.buffer);
}
