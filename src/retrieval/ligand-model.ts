import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  LIGAND_FINGERPRINT_BYTES,
  LIGAND_FINGERPRINT_PARTS,
  createLigandFingerprintLibrary,
} from '../chem/ligand-fingerprint.js';
import { AppError } from '../errors.js';
import { createOnnxSession, float32Tensor, type Device, type OnnxSession } from '../runtime/onnx-session.js';
import { readOptionalIndexJson } from '../util/index-json.js';
import type { Logger } from '../util/logger.js';
import { createMicroBatcher } from '../util/micro-batcher.js';

/**
 * The ligand → target model (written by `python3 -m biobridge_train.ligand_model`, format in its
 * docstring): from the packed ligand fingerprint of `<index>/ligands/` to a score in [0, 1] that the
 * drug links to each tail (proteins over `target`). Its heads: `kernel`, kernel ridge regression over
 * the mean-Tanimoto similarity to every training drug (`ligand_kernel.py`), and `mlp`, a multi-label
 * MLP on the fingerprint bits; with both, their mean. Unlike nearest-neighbour ligand votes, every
 * training drug contributes and near-duplicate drugs share their weight. `drugs` lists the training
 * drugs, so an evaluation can refuse a model that saw its held-out drugs.
 *
 * `<index>/ligand-model/` is the model the service answers with (trained on every KG drug: split
 * `all`); `<index>/ligand-model-<split>/` is the one trained on a split's training drugs only, which
 * the benchmark and `fit-fusion` score on that split's held-out drugs.
 */
export const LIGAND_MODEL_DIRECTORY = 'ligand-model';
/** The split whose model the service serves: every drug of the KG. */
export const ALL_DRUGS_SPLIT = 'all';
const META_FILE = 'ligand-model.json';

/** Index-relative directory of the model trained on `split` ({@link ALL_DRUGS_SPLIT}: the served one). */
export function ligandModelDirectory(split: string): string {
  return split === ALL_DRUGS_SPLIT ? LIGAND_MODEL_DIRECTORY : `${LIGAND_MODEL_DIRECTORY}-${split}`;
}

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
  /** Absent in models written before the kernel head: an MLP only. */
  heads: z
    .array(z.enum(['kernel', 'mlp']))
    .nonempty()
    .default(['mlp']),
  files: z.object({
    /** The MLP head. */
    onnx: fileSchema.optional(),
    /** The kernel head and the packed fingerprints of the training drugs it compares a query with. */
    kernel: fileSchema.optional(),
    fingerprints: fileSchema.optional(),
    tails: fileSchema,
    drugs: fileSchema,
  }),
});
export type LigandModelMeta = z.infer<typeof ligandModelMetaSchema>;

export interface LigandModel {
  /** First 16 hex digits of the sha256 of its ONNX file (of both files' digests with two heads): fusion.json names the model it was fitted with. */
  readonly id: string;
  readonly meta: LigandModelMeta;
  /** Node index of each output column. */
  readonly tails: Int32Array;
  /** The drugs the model was trained on. */
  readonly drugs: ReadonlySet<number>;
  /** The kernel head's training drugs and fingerprints; undefined without a kernel head. */
  readonly kernel: LigandModelKernel | undefined;
  /**
   * Scores in [0, 1] [rows × tails] for `rows` packed fingerprints laid end to end.
   * `kernelSimilarities`, when given, is the kernel head's input already computed ([rows × kernel
   * drugs], see {@link LigandModelKernel}), so the head does not scan its library again.
   */
  predict(fingerprints: Uint8Array, rows: number, options?: PredictOptions): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * What the kernel head compares a query with: its training drugs (node indices, in the order of
 * its similarity input) and their packed fingerprints laid end to end, as the trainer copied them
 * from `<index>/ligands/`. Ligand similarity scans the same fingerprints, so it can hand the head
 * its input (ligand-index.ts) instead of the head scanning them a second time.
 */
export interface LigandModelKernel {
  readonly drugs: Int32Array;
  readonly fingerprints: Uint8Array;
}

export interface PredictOptions {
  kernelSimilarities?: Float32Array | undefined;
}

/** Whether the index holds the model trained on `split` (default: the served one). */
export function hasLigandModel(indexDirectory: string, split = ALL_DRUGS_SPLIT): boolean {
  return existsSync(join(indexDirectory, ligandModelDirectory(split), META_FILE));
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

/**
 * A ligand-target model of the index, or undefined when none was trained: by default the served one
 * (`<index>/ligand-model/`); `split` names another ({@link ligandModelDirectory}).
 */
export async function loadLigandModel(
  indexDirectory: string,
  options: {
    device?: Device | undefined;
    logger?: Logger | undefined;
    split?: string | undefined;
    /**
     * When the heads' ONNX files are checked against their sha256 (the small tails, drugs and
     * fingerprint files always are, at once): `true` (default) before loading; `'first-use'` in the
     * background while the service starts, awaited by every `predict`, so a corrupt file still fails
     * the first prediction without tens of MB being read and hashed on the start-up path (as the
     * bridge's `verifyChecksums`).
     */
    verifyChecksums?: true | 'first-use' | undefined;
    /**
     * Concurrent predictions share one run of the kernel head's ONNX graph (`Config['requestPath']`,
     * as the bridge's transforms); off when absent or `maxRows` ≤ 1.
     */
    batching?: KernelBatchingOptions | undefined;
  } = {},
): Promise<LigandModel | undefined> {
  const directory = join(indexDirectory, ligandModelDirectory(options.split ?? ALL_DRUGS_SPLIT));
  const metaPath = join(directory, META_FILE);
  const meta = await readOptionalIndexJson(metaPath, ligandModelMetaSchema);
  if (!meta) return undefined;
  const expected = LIGAND_FINGERPRINT_PARTS.map((part) => part.name).join(',');
  if (meta.fingerprint.parts.join(',') !== expected || meta.inputBits !== LIGAND_FINGERPRINT_BYTES * 8)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${metaPath}: trained on fingerprints ${meta.fingerprint.parts.join(',')} (${meta.inputBits} bits), this version makes ${expected} (${LIGAND_FINGERPRINT_BYTES * 8}); retrain with \`biobridge train-ligand-model ${indexDirectory}\``,
    });
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
  const runtime: HeadRuntime = {
    device: options.device ?? 'cpu',
    logger: options.logger,
    verifyChecksums: options.verifyChecksums ?? true,
    batching: options.batching,
  };
  const heads: LigandModelHead[] = [];
  let kernel: LigandModelKernel | undefined;
  try {
    if (meta.heads.includes('kernel')) {
      const head = await loadKernelHead(directory, meta, runtime);
      heads.push(head);
      kernel = { drugs, fingerprints: head.fingerprints };
    }
    if (meta.heads.includes('mlp')) heads.push(await loadMlpHead(directory, meta, runtime));
  } catch (error) {
    await Promise.all(heads.map((head) => head.dispose()));
    throw error;
  }
  return {
    id: modelId(meta),
    meta,
    tails,
    drugs: new Set(drugs),
    kernel,
    predict: (fingerprints, rows, predictOptions) => meanOfHeads(heads, fingerprints, rows, predictOptions),
    dispose: async () => {
      await Promise.all(heads.map((head) => head.dispose()));
    },
  };
}

/** One head: scores [rows × tails] in [0, 1] for packed fingerprints laid end to end. */
interface LigandModelHead {
  predict(fingerprints: Uint8Array, rows: number, options?: PredictOptions): Promise<Float32Array>;
  dispose(): Promise<void>;
}

type HeadRuntime = {
  device: Device;
  logger: Logger | undefined;
  verifyChecksums: true | 'first-use';
  batching: KernelBatchingOptions | undefined;
};

export interface KernelBatchingOptions {
  /** See {@link createMicroBatcher}: 0 batches the calls of one event-loop turn. */
  windowMs: number;
  /** Rows per batched run; 1 passes every call straight through. */
  maxRows: number;
}

/**
 * Checks a head's ONNX file per `verifyChecksums`: at once, or in the background; the promise it
 * returns is awaited by every prediction, so a corrupt file fails the first one either way.
 */
async function startVerification(
  directory: string,
  file: { file: string; sha256: string },
  runtime: HeadRuntime,
): Promise<{ verified: Promise<void> }> {
  const verified = verifiedFile(directory, file).then(() => undefined);
  verified.catch(() => undefined); // reported by the first prediction, not as an unhandled rejection
  if (runtime.verifyChecksums !== 'first-use') await verified;
  // Wrapped: an async function returning the bare promise would wait for it.
  return { verified };
}

/**
 * The files were just checked against their digests: the id comes from those (hashing 30 MB again
 * at start-up is waste). One head: its ONNX file's digest, so models written before the kernel head
 * keep their id.
 */
function modelId(meta: LigandModelMeta): string {
  const digests = [meta.files.kernel?.sha256, meta.files.onnx?.sha256].filter(
    (digest): digest is string => digest !== undefined,
  );
  const joined =
    digests.length === 1 ? digests[0]! : createHash('sha256').update(digests.join(',')).digest('hex');
  return joined.slice(0, 16);
}

async function meanOfHeads(
  heads: readonly LigandModelHead[],
  fingerprints: Uint8Array,
  rows: number,
  options: PredictOptions | undefined,
) {
  const outputs = await Promise.all(heads.map((head) => head.predict(fingerprints, rows, options)));
  if (outputs.length === 1) return outputs[0]!;
  const mean = new Float32Array(outputs[0]!.length);
  for (const output of outputs)
    for (let index = 0; index < mean.length; index++) mean[index]! += output[index]! / outputs.length;
  return mean;
}

/** The MLP head: fingerprint bits → sigmoid probabilities (`model.onnx`). */
async function loadMlpHead(
  directory: string,
  meta: LigandModelMeta,
  runtime: HeadRuntime,
): Promise<LigandModelHead> {
  const file = requiredFile(directory, meta.files.onnx, 'onnx');
  const { verified } = await startVerification(directory, file, runtime);
  const session = await createOnnxSession(join(directory, file.file), {
    device: runtime.device,
    logger: runtime.logger,
  });
  const inputBits = meta.inputBits;
  return {
    async predict(fingerprints, rows) {
      await verified;
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

/**
 * The kernel head: the mean-Tanimoto similarity of the query to every training drug (the same
 * library search as ligand similarity), then `kernel.onnx`: clip(similarities · A, 0, 1).
 */
async function loadKernelHead(
  directory: string,
  meta: LigandModelMeta,
  runtime: HeadRuntime,
): Promise<LigandModelHead & { fingerprints: Uint8Array }> {
  const file = requiredFile(directory, meta.files.kernel, 'kernel');
  const packed = new Uint8Array(
    await verifiedFile(directory, requiredFile(directory, meta.files.fingerprints, 'fingerprints')),
  );
  const { verified } = await startVerification(directory, file, runtime);
  if (packed.byteLength !== meta.drugs * LIGAND_FINGERPRINT_BYTES)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${directory}: ${packed.byteLength} fingerprint bytes for ${meta.drugs} drugs of ${LIGAND_FINGERPRINT_BYTES}`,
    });
  const library = createLigandFingerprintLibrary(packed, meta.drugs);
  const session = await createOnnxSession(join(directory, file.file), {
    device: runtime.device,
    logger: runtime.logger,
  });
  const score = kernelScorer(session, library.size, runtime.batching);
  return {
    fingerprints: packed,
    async predict(fingerprints, rows, options) {
      await verified;
      const given = options?.kernelSimilarities;
      if (given !== undefined && given.length !== rows * library.size)
        throw new RangeError(`kernel similarities: ${given.length} values for ${rows} × ${library.size}`);
      const similarities = given ?? new Float32Array(rows * library.size);
      if (!given)
        for (let row = 0; row < rows; row++)
          library.similarities(
            fingerprints.subarray(row * LIGAND_FINGERPRINT_BYTES, (row + 1) * LIGAND_FINGERPRINT_BYTES),
            similarities.subarray(row * library.size, (row + 1) * library.size),
          );
      return score({ similarities, rows });
    },
    dispose: () => session.dispose(),
  };
}

interface KernelCall {
  similarities: Float32Array;
  rows: number;
}

/**
 * Runs `kernel.onnx` over [rows × drugs] similarities. With batching on, concurrent calls share one
 * run: the graph reads its whole weight matrix (tens of MB) per run whatever the rows, so a row
 * costs several times less in company. A batch's rows come out bit for bit as from their own runs
 * (test/retrieval/ligand-model.test.ts); a lone row still runs as two, as the bridge's transforms
 * do, so that an answer cannot depend on what else was running.
 */
function kernelScorer(
  session: OnnxSession,
  drugs: number,
  batching: KernelBatchingOptions | undefined,
): (call: KernelCall) => Promise<Float32Array> {
  const run = async (similarities: Float32Array, rows: number) => {
    const output = await session.run({ similarities: float32Tensor(similarities, [rows, drugs]) });
    return output['scores']!.data as Float32Array;
  };
  if (!batching || batching.maxRows <= 1) return (call) => run(call.similarities, call.rows);
  const queue = createMicroBatcher<KernelCall, Float32Array>({
    windowMs: batching.windowMs,
    maxRows: batching.maxRows,
    rowsOf: (call) => call.rows,
    run: (calls) => scoreTogether(run, calls, drugs),
  });
  return async (call) => {
    if (call.rows >= batching.maxRows) return run(call.similarities, call.rows);
    // Each caller gets its own error object: a handler that annotates one must not touch the others.
    return queue.submit(call).catch((error: unknown) => {
      throw ownCopy(error);
    });
  };
}

/** The calls' rows end to end in one run, split per call; a lone row runs twice over (see above). */
async function scoreTogether(
  run: (similarities: Float32Array, rows: number) => Promise<Float32Array>,
  calls: readonly KernelCall[],
  drugs: number,
): Promise<Float32Array[]> {
  const rows = calls.reduce((sum, call) => sum + call.rows, 0);
  const padded = rows === 1 ? [calls[0]!, calls[0]!] : calls;
  const similarities = new Float32Array((padded === calls ? rows : 2) * drugs);
  let offset = 0;
  for (const call of padded) {
    similarities.set(call.similarities.subarray(0, call.rows * drugs), offset);
    offset += call.rows * drugs;
  }
  const scores = await run(similarities, offset / drugs);
  const tails = scores.length / (offset / drugs);
  let row = 0;
  return calls.map((call) => {
    const slice = scores.slice(row * tails, (row + call.rows) * tails);
    row += call.rows;
    return slice;
  });
}

function ownCopy(error: unknown): unknown {
  if (error instanceof AppError)
    return new AppError({
      code: error.code,
      message: error.message,
      details: error.details,
      retryable: error.retryable,
      cause: error,
    });
  if (error instanceof Error) return new Error(error.message, { cause: error });
  return error;
}

function requiredFile(
  directory: string,
  entry: { file: string; sha256: string } | undefined,
  name: string,
): { file: string; sha256: string } {
  if (!entry)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${join(directory, META_FILE)}: its heads need files.${name}, which it does not list; retrain the ligand model`,
    });
  return entry;
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
