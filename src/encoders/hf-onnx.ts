import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Result } from '../errors.js';
import { AppError, err, ok } from '../errors.js';
import type { EncodeFailure, EncodeOutcome, Encoder, EncoderDescription, Modality } from './encoder.js';
import { describeEncoder, writeEncoderDirectory } from './encoder-description.js';
import { DEFAULT_MAX_RESIDUES, normalizeProteinSequence } from './protein-sequence.js';
import { normalizeInPlace } from './vector-math.js';
import { readJsonFile } from '../util/json-file.js';

export const HF_ONNX_KIND = 'hf-onnx';
const VERSION = 1;

export const hfOnnxPoolingSchema = z.enum(['esm-mean', 'masked-mean', 'cls']);
export type HfOnnxPooling = z.infer<typeof hfOnnxPoolingSchema>;

export const hfOnnxOptionsSchema = z.object({
  /** Local directory with `config.json`, `tokenizer.json` (or, for ESM, `vocab.txt`) and `onnx/model.onnx`. */
  modelPath: z.string().min(1),
  modality: z.enum(['protein', 'text', 'molecule']),
  /**
   * `esm-mean`: mean over residue tokens, without the leading `<cls>` and the closing `<eos>` (ESM-2 as
   * in BioBridge); `masked-mean`: attention-mask-weighted mean over all tokens (PubMedBERT);
   * `cls`: the first token's state.
   */
  pooling: hfOnnxPoolingSchema,
  /**
   * Longest token sequence, special tokens included. Longer inputs keep their first `maxLength - 1`
   * tokens and the closing special token. Default: the smallest of the tokenizer's `model_max_length`,
   * the model's `max_position_embeddings` (512 for BERT) and 1024 (ESM-2 was trained on 1,022 residues
   * + 2 special tokens; attention memory grows with the square of the length).
   */
  maxLength: z.number().int().min(2).optional(),
  /** Inputs per ONNX Runtime call; larger batches are faster on GPU and use more memory. */
  batchSize: z.number().int().min(1).default(8),
  /** `cuda` needs onnxruntime-node's CUDA execution provider (Linux x64 with CUDA 12 libraries). */
  device: z.enum(['cpu', 'cuda']).default('cpu'),
  /** Which ONNX file to load: `fp32` → model.onnx, `fp16` → model_fp16.onnx, `q8` → model_quantized.onnx… */
  dtype: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']).default('fp32'),
  /** L2-normalise the pooled vector (BioBridge feeds raw pooled states to its projections: off). */
  normalize: z.boolean().default(false),
  /** Protein inputs are validated like `protein-kmer` (same alphabet) up to this many residues. */
  maxResidues: z.number().int().positive().default(DEFAULT_MAX_RESIDUES),
});
export type HfOnnxOptions = z.infer<typeof hfOnnxOptionsSchema>;
export type HfOnnxOptionsInput = z.input<typeof hfOnnxOptionsSchema>;

/** Settings that do not change the vectors; kept out of `configHash` so an index can move machines. */
const RUNTIME_OPTIONS = ['modelPath', 'batchSize', 'device'] as const;

interface TokenizerLike {
  encode(text: string): number[];
  readonly padTokenId: number;
  /** Leading special token (`[CLS]`, `<cls>`), if the tokenizer adds one. */
  readonly firstSpecialId: number | undefined;
  /** Closing special token (`[SEP]`, `<eos>`), if the tokenizer adds one. */
  readonly lastSpecialId: number | undefined;
  readonly modelMaxLength: number;
}

interface ModelConfig {
  model_type?: string;
  hidden_size?: number;
  pad_token_id?: number;
  max_position_embeddings?: number;
}

export interface HfOnnxEncoder extends Encoder {
  /** Token ids after validation and truncation, as fed to the model. */
  tokenize(input: string): Result<number[], EncodeFailure>;
}

/**
 * Encoder over a Hugging Face model exported to ONNX (e.g. ESM-2 or PubMedBERT), run by
 * `@huggingface/transformers` on ONNX Runtime, loaded **only** from a local directory: remote
 * loading is switched off and `fetch` throws, so a missing file is an error and never a download.
 *
 * The output dimension is the model's `hidden_size` (320–2560 for ESM-2, 768 for PubMedBERT); the
 * 1024-dimension cap applies to the built-in lexical encoders, not to this one.
 *
 * `configHash` covers the pooling, dtype, truncation and a fingerprint of the model files, not the
 * directory, device or batch size, so a saved index still loads when the model directory moves.
 */
export async function createHfOnnxEncoder(input: HfOnnxOptionsInput): Promise<HfOnnxEncoder> {
  const options = hfOnnxOptionsSchema.parse(input);
  const modelPath = resolve(options.modelPath);
  const transformers = await import('@huggingface/transformers');
  configureTransformersEnvironment(transformers.env);

  const { config, hiddenSize } = await readModelConfig(modelPath);
  const tokenizer = await loadTokenizer(transformers, modelPath, options.modality, config);
  const maxLength =
    options.maxLength ?? Math.min(tokenizer.modelMaxLength, config.max_position_embeddings ?? Infinity, 1024);
  // transformers.js looks in onnx/; optimum-cli writes model.onnx at the top level.
  const subfolder = (await isDirectory(join(modelPath, 'onnx'))) ? 'onnx' : '';
  const fingerprint = await fingerprintModel(modelPath, subfolder, options.dtype);

  const model = await loadModel(transformers, modelPath, subfolder, options);

  const hashed = Object.fromEntries(
    Object.entries({ ...options, maxLength }).filter(
      ([key]) => !(RUNTIME_OPTIONS as readonly string[]).includes(key),
    ),
  );
  const description = describeEncoder({
    kind: HF_ONNX_KIND,
    version: VERSION,
    modality: options.modality,
    dimension: hiddenSize,
    options: { ...hashed, model: { type: config.model_type ?? 'unknown', hiddenSize, fingerprint } },
    provenance: { modelPath, device: options.device, batchSize: String(options.batchSize) },
  });

  const tokenize = (text: string) => tokenizeInput(text, options, tokenizer, maxLength);

  const runBatch = async (batch: number[][]): Promise<Float32Array[]> => {
    const length = Math.max(...batch.map((ids) => ids.length));
    const inputIds = new BigInt64Array(batch.length * length).fill(BigInt(tokenizer.padTokenId));
    const attentionMask = new BigInt64Array(batch.length * length);
    batch.forEach((ids, row) => {
      ids.forEach((id, position) => {
        inputIds[row * length + position] = BigInt(id);
        attentionMask[row * length + position] = 1n;
      });
    });
    const output = (await model({
      input_ids: new transformers.Tensor('int64', inputIds, [batch.length, length]),
      attention_mask: new transformers.Tensor('int64', attentionMask, [batch.length, length]),
    })) as Record<string, InstanceType<typeof transformers.Tensor> | undefined>;
    const hidden = output.last_hidden_state;
    if (!hidden) {
      throw new AppError({
        code: 'INVALID_CONFIG',
        message: `the ONNX model in ${modelPath} has no last_hidden_state output (outputs: ${Object.keys(output).join(', ')})`,
      });
    }
    const states = hidden.type === 'float32' ? hidden : hidden.to('float32');
    const data = states.data as Float32Array;
    return batch.map((ids, row) =>
      pool(
        data,
        row,
        length,
        hiddenSize,
        ids,
        options.pooling,
        tokenizer.firstSpecialId,
        tokenizer.lastSpecialId,
        options.normalize,
      ),
    );
  };

  return {
    modality: options.modality,
    dimension: hiddenSize,
    tokenize,
    async encode(inputs) {
      const outcomes = new Array<EncodeOutcome>(inputs.length);
      const valid: { index: number; ids: number[] }[] = [];
      inputs.forEach((text, index) => {
        const tokens = tokenize(text);
        if (tokens.ok) valid.push({ index, ids: tokens.value });
        else outcomes[index] = tokens;
      });
      // Similar lengths share a batch, which keeps padding (wasted attention) small.
      valid.sort((left, right) => left.ids.length - right.ids.length || left.index - right.index);
      for (let start = 0; start < valid.length; start += options.batchSize) {
        const batch = valid.slice(start, start + options.batchSize);
        const vectors = await runBatch(batch.map((item) => item.ids));
        batch.forEach((item, position) => {
          outcomes[item.index] = ok(vectors[position]!);
        });
      }
      return outcomes;
    },
    describe: (): EncoderDescription => description,
    save: (directory) => writeEncoderDirectory(directory, description),
    dispose: async () => {
      await model.dispose();
    },
  };
}

/** Token ids for one input: validated (protein residues, non-empty text), then cut to `maxLength` keeping the closing special token. */
function tokenizeInput(
  text: string,
  options: HfOnnxOptions,
  tokenizer: TokenizerLike,
  maxLength: number,
): Result<number[], EncodeFailure> {
  let prepared: string;
  if (options.modality === 'protein') {
    const sequence = normalizeProteinSequence(text, options.maxResidues);
    if (!sequence.ok) return sequence;
    prepared = sequence.value;
  } else {
    prepared = text.trim();
    if (prepared.length === 0) return err({ code: 'EMPTY', message: `empty ${options.modality} input` });
  }
  const ids = tokenizer.encode(prepared);
  if (ids.length <= maxLength) return ok(ids);
  const last = ids[ids.length - 1]!;
  return ok(
    tokenizer.lastSpecialId !== undefined && last === tokenizer.lastSpecialId
      ? [...ids.slice(0, maxLength - 1), last]
      : ids.slice(0, maxLength),
  );
}

/** `config.json` of the model directory, which must give a positive integer `hidden_size`. */
async function readModelConfig(modelPath: string): Promise<{ config: ModelConfig; hiddenSize: number }> {
  const file = join(modelPath, 'config.json');
  const config = (await readJson(file)) as ModelConfig;
  const hiddenSize = config.hidden_size;
  if (typeof hiddenSize !== 'number' || !Number.isInteger(hiddenSize) || hiddenSize < 1) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `${file} has no positive integer hidden_size`,
      details: { file },
    });
  }
  return { config, hiddenSize };
}

async function loadModel(
  transformers: TransformersModule,
  modelPath: string,
  subfolder: string,
  options: HfOnnxOptions,
) {
  try {
    return await transformers.AutoModel.from_pretrained(modelPath, {
      local_files_only: true,
      subfolder,
      device: options.device,
      dtype: options.dtype,
    });
  } catch (error) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `cannot load the ONNX model in ${modelPath} (device ${options.device}, dtype ${options.dtype})`,
      cause: error,
      details: { directory: modelPath },
    });
  }
}

/** Pools one row of `last_hidden_state` (batch × length × hidden, row-major). */
export function pool(
  data: Float32Array,
  row: number,
  length: number,
  hidden: number,
  ids: readonly number[],
  pooling: HfOnnxPooling,
  firstSpecialId: number | undefined,
  lastSpecialId: number | undefined,
  normalize: boolean,
): Float32Array {
  const result = new Float64Array(hidden);
  const base = row * length * hidden;
  if (pooling === 'cls') {
    for (let unit = 0; unit < hidden; unit++) result[unit] = data[base + unit]!;
  } else {
    let start = 0;
    let end = ids.length;
    if (pooling === 'esm-mean') {
      if (firstSpecialId !== undefined && ids[0] === firstSpecialId) start = 1;
      if (lastSpecialId !== undefined && end > start && ids[end - 1] === lastSpecialId) end -= 1;
    }
    const count = Math.max(end - start, 0);
    for (let position = start; position < end; position++) {
      const offset = base + position * hidden;
      for (let unit = 0; unit < hidden; unit++) result[unit]! += data[offset + unit]!;
    }
    if (count > 0) for (let unit = 0; unit < hidden; unit++) result[unit]! /= count;
  }
  if (normalize) normalizeInPlace(result);
  return Float32Array.from(result);
}

type TransformersModule = typeof import('@huggingface/transformers');

/**
 * Local-only loading, once per process: no Hub requests, no cache writes into node_modules, and a
 * `fetch` that throws, so nothing can reach the network even through a code path we did not foresee.
 */
function configureTransformersEnvironment(env: TransformersModule['env']): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.useBrowserCache = false;
  env.fetch = async (resource: string | URL) => {
    throw new AppError({
      code: 'INTERNAL',
      message: `refusing network access to ${String(resource)}: hf-onnx encoders load local files only`,
    });
  };
}

async function loadTokenizer(
  transformers: TransformersModule,
  modelPath: string,
  modality: Exclude<Modality, 'variant'>,
  config: ModelConfig,
): Promise<TokenizerLike> {
  if (await isFile(join(modelPath, 'tokenizer.json'))) {
    let tokenizer: Awaited<ReturnType<typeof transformers.AutoTokenizer.from_pretrained>>;
    try {
      tokenizer = await transformers.AutoTokenizer.from_pretrained(modelPath, { local_files_only: true });
    } catch (error) {
      throw new AppError({
        code: 'INVALID_CONFIG',
        message: `cannot load the tokenizer in ${modelPath} (tokenizer.json, tokenizer_config.json)`,
        cause: error,
        details: { directory: modelPath },
      });
    }
    // The ids the tokenizer wraps an empty input with are its leading and closing special tokens.
    const specials = tokenizer.encode('');
    return {
      encode: (text) => tokenizer.encode(text),
      padTokenId: tokenizer.pad_token_id ?? config.pad_token_id ?? 0,
      firstSpecialId: specials.length >= 1 ? specials[0] : undefined,
      lastSpecialId: specials.length >= 2 ? specials[specials.length - 1] : undefined,
      modelMaxLength: Number.isFinite(tokenizer.model_max_length) ? Number(tokenizer.model_max_length) : 1024,
    };
  }
  if (modality === 'protein' && (await isFile(join(modelPath, 'vocab.txt')))) {
    return residueTokenizer(await readFile(join(modelPath, 'vocab.txt'), 'utf8'), modelPath);
  }
  throw new AppError({
    code: 'INVALID_CONFIG',
    message:
      `no tokenizer in ${modelPath}: expected tokenizer.json + tokenizer_config.json` +
      (modality === 'protein' ? ' (or, for ESM models, vocab.txt)' : ''),
    details: { directory: modelPath },
  });
}

/**
 * ESM-2's tokenizer: one token per residue between `<cls>` and `<eos>`. Facebook's ESM-2 repositories
 * ship only `vocab.txt` (no `tokenizer.json`), so this is what a plain `optimum-cli` export needs.
 */
export function residueTokenizer(vocabularyText: string, modelPath = '(vocab.txt)'): TokenizerLike {
  const tokens = vocabularyText.split(/\r?\n/).filter((line) => line.length > 0);
  const ids = new Map(tokens.map((token, index) => [token, index]));
  const required = (token: string): number => {
    const id = ids.get(token);
    if (id === undefined) {
      throw new AppError({
        code: 'INVALID_CONFIG',
        message: `${join(modelPath, 'vocab.txt')} has no ${token} token; it is not an ESM vocabulary`,
      });
    }
    return id;
  };
  const cls = required('<cls>');
  const eos = required('<eos>');
  const pad = required('<pad>');
  const unknown = required('<unk>');
  return {
    encode: (sequence) => [cls, ...Array.from(sequence, (residue) => ids.get(residue) ?? unknown), eos],
    padTokenId: pad,
    firstSpecialId: cls,
    lastSpecialId: eos,
    modelMaxLength: 1026,
  };
}

const SMALL_FILE_BYTES = 16 * 1024 * 1024;
const EDGE_BYTES = 1024 * 1024;

/**
 * sha256 over the tokenizer and config files and the ONNX file(s) of the chosen dtype. Files up to
 * 16 MiB are hashed whole; larger ones (multi-GB weights) by size plus their first and last MiB, which
 * tells exports apart without reading gigabytes at every start.
 */
export async function fingerprintModel(modelPath: string, subfolder: string, dtype: string): Promise<string> {
  const suffix: Record<string, string> = {
    fp32: '',
    fp16: '_fp16',
    q8: '_quantized',
    int8: '_int8',
    uint8: '_uint8',
    q4: '_q4',
    q4f16: '_q4f16',
    bnb4: '_bnb4',
  };
  const onnxName = `model${suffix[dtype] ?? ''}.onnx`;
  const onnxPath = join(modelPath, subfolder, onnxName);
  const files = [
    'config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'vocab.txt',
    join(subfolder, onnxName),
    join(subfolder, `${onnxName}_data`),
    join(subfolder, `${onnxName}.data`),
  ];
  if (!(await isFile(onnxPath))) {
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `no ONNX model at ${onnxPath} (dtype ${dtype}); export one with optimum-cli (see create-encoder.ts)`,
      details: { file: onnxPath },
    });
  }
  const hash = createHash('sha256');
  for (const name of files) {
    const path = join(modelPath, name);
    if (!(await isFile(path))) continue;
    hash.update(`\u0000${name}\u0000`);
    const size = (await stat(path)).size;
    if (size <= SMALL_FILE_BYTES) {
      hash.update(await readFile(path));
      continue;
    }
    hash.update(`size=${size}`);
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(EDGE_BYTES);
      await handle.read(buffer, 0, EDGE_BYTES, 0);
      hash.update(buffer);
      await handle.read(buffer, 0, EDGE_BYTES, size - EDGE_BYTES);
      hash.update(buffer);
    } finally {
      await handle.close();
    }
  }
  return hash.digest('hex');
}

function readJson(path: string): Promise<unknown> {
  return readJsonFile(path, {
    code: 'INVALID_CONFIG',
    unreadable: `cannot read ${path}: an hf-onnx modelPath must be a local model directory`,
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
