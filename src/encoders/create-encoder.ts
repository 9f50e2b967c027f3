/**
 * Building encoders from configuration, and restoring saved ones.
 *
 * ## Using real foundation models (ESM-2, PubMedBERT)
 *
 * The built-in encoders (`protein-kmer`, `molecule-morgan`, `text-tfidf`, `variant-text`) need no
 * weights. BioBridge's own setup embeds proteins with ESM-2 and text with PubMedBERT; biobridge runs
 * such models through the `hf-onnx` encoder, from ONNX exports in a local directory. It never
 * downloads weights: export them on a machine with internet access, then copy the directories over.
 *
 * ```sh
 * pip install "optimum[onnx]"        # optimum ≥ 1.x with the ONNX exporters
 * optimum-cli export onnx --model facebook/esm2_t33_650M_UR50D --task feature-extraction esm2-650m/
 * optimum-cli export onnx --model microsoft/BiomedNLP-BiomedBERT-base-uncased-abstract-fulltext \
 *   --task feature-extraction pubmedbert/
 * ```
 *
 * (`BiomedBERT` is the current name of PubMedBERT, `microsoft/BiomedNLP-PubMedBERT-base-uncased-abstract-fulltext`.)
 * Each directory holds `config.json`, `model.onnx` and the tokenizer files. Both layouts load:
 * `model.onnx` at the top level (optimum's) or in `onnx/` (transformers.js's; `model_fp16.onnx` or
 * `model_quantized.onnx` there are picked by `dtype`). ESM-2 repositories ship `vocab.txt` without a
 * `tokenizer.json`; `hf-onnx` then tokenizes residues itself, one token per residue between `<cls>`
 * and `<eos>`, as ESM does. Point the node types at them in the encoder configuration:
 *
 * ```json
 * {
 *   "gene/protein": { "kind": "hf-onnx",
 *     "options": { "modelPath": "/models/esm2-650m", "modality": "protein", "pooling": "esm-mean", "maxLength": 1024 } },
 *   "disease": { "kind": "hf-onnx",
 *     "options": { "modelPath": "/models/pubmedbert", "modality": "text", "pooling": "masked-mean", "maxLength": 512 } }
 * }
 * ```
 *
 * `esm-mean` averages the residue states without `<cls>` and `<eos>`, which is how BioBridge pooled
 * ESM-2; `masked-mean` averages all non-padding tokens for BERT models. Dimensions come from the
 * model's `hidden_size`: ESM-2 8M 320, 35M 480, 150M 640, 650M 1280, 3B 2560; PubMedBERT 768 (the
 * 1024 cap applies only to the built-in lexical encoders). Add `"device": "cuda"` to run on a GPU
 * (onnxruntime-node's CUDA execution provider: Linux x64 with CUDA 12 and cuDNN 9). Proteins longer
 * than `maxLength - 2` residues are truncated. Exports over 2 GB (ESM-2 3B) come with
 * `model.onnx_data` beside `model.onnx`; keep the two together.
 *
 * A saved `hf-onnx` encoder records the model directory and a fingerprint of its files; loading the
 * index elsewhere works when the same files are found (pass `modelPaths` to {@link loadEncoder} if
 * they moved), and fails with `INVALID_INDEX` when they differ.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { RDKitModule } from '../chem/rdkit.js';
import type { Logger } from '../util/logger.js';
import { noopLogger } from '../util/logger.js';
import type { Encoder } from './encoder.js';
import { parseSavedOptions, readEncoderDirectory, type SavedEncoder } from './encoder-description.js';
import {
  type EncoderConfig,
  type EncoderSpec,
  encoderDirectoryName,
  encoderSpecKey,
  type TextEncoderSpec,
} from './encoder-config.js';
import { createHfOnnxEncoder, HF_ONNX_KIND, hfOnnxOptionsSchema } from './hf-onnx.js';
import {
  createMoleculeMorganEncoder,
  MOLECULE_MORGAN_KIND,
  moleculeMorganOptionsSchema,
} from './molecule-morgan.js';
import { createProteinKmerEncoder, PROTEIN_KMER_KIND, proteinKmerOptionsSchema } from './protein-kmer.js';
import { fitTextEncoder, restoreTextTfidfEncoder, TEXT_TFIDF_KIND } from './text-tfidf.js';
import { createVariantTextEncoder, VARIANT_TEXT_KIND } from './variant-text.js';

export { textCorpusNodeTypes } from './encoder-config.js';

export interface EncoderBuildContext {
  /**
   * The documents a `text-tfidf` spec is fitted on; called once per distinct spec. Use
   * {@link textCorpusNodeTypes} to know which node types' texts belong in it.
   */
  textCorpus?: (spec: TextEncoderSpec) => readonly string[] | Promise<readonly string[]>;
  rdkit?: RDKitModule;
  logger?: Logger;
}

/** Builds one encoder. `cache` (spec key → encoder) makes equal specs share one instance. */
export async function createEncoder(
  spec: EncoderSpec,
  context: EncoderBuildContext = {},
  cache: Map<string, Promise<Encoder>> = new Map(),
): Promise<Encoder> {
  const key = encoderSpecKey(spec);
  let pending = cache.get(key);
  if (!pending) {
    pending = buildEncoder(spec, context, cache);
    cache.set(key, pending);
  }
  return pending;
}

async function buildEncoder(
  spec: EncoderSpec,
  context: EncoderBuildContext,
  cache: Map<string, Promise<Encoder>>,
): Promise<Encoder> {
  switch (spec.kind) {
    case PROTEIN_KMER_KIND:
      return createProteinKmerEncoder(spec.options);
    case MOLECULE_MORGAN_KIND:
      return createMoleculeMorganEncoder(spec.options, context.rdkit ? { rdkit: context.rdkit } : {});
    case HF_ONNX_KIND:
      return createHfOnnxEncoder(spec.options);
    case TEXT_TFIDF_KIND: {
      if (!context.textCorpus) {
        throw new AppError({
          code: 'INVALID_CONFIG',
          message:
            'a text-tfidf encoder must be fitted on a corpus, but no textCorpus was given to createEncoder',
        });
      }
      const corpus = await context.textCorpus(spec);
      return fitTextEncoder(corpus, spec.options, context.logger ? { logger: context.logger } : {});
    }
    case VARIANT_TEXT_KIND:
      return createVariantTextEncoder(await createEncoder(spec.options.text, context, cache));
  }
}

export interface EncoderSetEntry {
  encoder: Encoder;
  spec: EncoderSpec;
  /** Directory under the index's `encoders/` to save it in; shared by node types with equal specs. */
  directoryName: string;
}

export interface EncoderSet {
  byType: Map<string, EncoderSetEntry>;
  /** Saves each distinct encoder once, into `encodersDirectory/<directoryName>`. */
  save(encodersDirectory: string): Promise<void>;
  dispose(): Promise<void>;
}

/** Builds every configured node type's encoder; equal specs share one instance. */
export async function createEncoders(
  config: EncoderConfig,
  context: EncoderBuildContext = {},
): Promise<EncoderSet> {
  const cache = new Map<string, Promise<Encoder>>();
  const byType = new Map<string, EncoderSetEntry>();
  // Sequential: fitting and model loading are CPU- and memory-heavy.
  for (const [nodeType, spec] of Object.entries(config)) {
    if (!spec) continue;
    byType.set(nodeType, {
      encoder: await createEncoder(spec, context, cache),
      spec,
      directoryName: encoderDirectoryName(spec),
    });
  }
  const distinct = (): EncoderSetEntry[] => [
    ...new Map([...byType.values()].map((entry) => [entry.directoryName, entry])).values(),
  ];
  return {
    byType,
    async save(encodersDirectory) {
      for (const entry of distinct()) await entry.encoder.save(join(encodersDirectory, entry.directoryName));
    },
    async dispose() {
      const encoders = new Set((await Promise.all(cache.values())).filter((encoder) => encoder.dispose));
      for (const encoder of encoders) await encoder.dispose!();
    },
  };
}

export interface LoadEncoderOptions {
  /**
   * Where `hf-onnx` model directories are now, by the path recorded at save time (or by the
   * directory's base name); default: the recorded path.
   */
  modelPaths?: Record<string, string>;
  /** Overrides the saved device / batch size of `hf-onnx` encoders (e.g. load a GPU index on CPU). */
  device?: 'cpu' | 'cuda';
  batchSize?: number;
  rdkit?: RDKitModule;
  logger?: Logger;
}

/**
 * Restores a saved encoder from `directory/encoder.json`, dispatching on its kind, and checks that the
 * rebuilt encoder has the saved `configHash`. Errors (`INVALID_INDEX`) name the file: missing or
 * malformed description, unknown kind, edited artifacts, or a configuration this build computes
 * differently (e.g. an encoder version bump or a different hf-onnx model).
 */
export async function loadEncoder(directory: string, options: LoadEncoderOptions = {}): Promise<Encoder> {
  const saved = await readEncoderDirectory(directory);
  const encoder = await restore(saved, directory, options);
  const rebuilt = encoder.describe();
  if (rebuilt.configHash !== saved.description.configHash) {
    await encoder.dispose?.();
    throw new AppError({
      code: 'INVALID_INDEX',
      message:
        `${saved.path}: this build rebuilds the ${saved.description.kind} encoder (version ` +
        `${rebuilt.version}, saved as version ${saved.description.version}) with configHash ` +
        `${rebuilt.configHash}, not the saved ${saved.description.configHash}` +
        (saved.description.kind === HF_ONNX_KIND
          ? `; the model files at ${String(rebuilt.provenance?.modelPath)} differ from the ones the index was built with`
          : '; rebuild the index with this version'),
      details: { file: saved.path, expected: saved.description.configHash, found: rebuilt.configHash },
    });
  }
  return encoder;
}

async function restore(
  saved: SavedEncoder,
  directory: string,
  options: LoadEncoderOptions,
): Promise<Encoder> {
  const { description } = saved;
  switch (description.kind) {
    case PROTEIN_KMER_KIND:
      return createProteinKmerEncoder(parseSavedOptions(proteinKmerOptionsSchema, saved));
    case MOLECULE_MORGAN_KIND: {
      const encoder = await createMoleculeMorganEncoder(
        parseSavedOptions(moleculeMorganOptionsSchema, saved),
        options.rdkit ? { rdkit: options.rdkit } : {},
      );
      const savedWith = description.provenance?.rdkit;
      const running = encoder.describe().provenance?.rdkit;
      if (savedWith && running && savedWith !== running) {
        (options.logger ?? noopLogger).warn('molecule encoder saved with another RDKit version', {
          file: saved.path,
          savedWith,
          running,
        });
      }
      return encoder;
    }
    case TEXT_TFIDF_KIND:
      return restoreTextTfidfEncoder(saved);
    case VARIANT_TEXT_KIND: {
      const variantOptions = parseSavedOptions(
        z.object({ textDirectory: z.string().min(1), text: z.object({ configHash: z.string() }) }),
        saved,
      );
      const text = await loadEncoder(join(directory, variantOptions.textDirectory), options);
      if (text.describe().configHash !== variantOptions.text.configHash) {
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `${saved.path}: the text encoder in ${join(directory, variantOptions.textDirectory)} is not the one this variant encoder was saved with`,
          details: { file: saved.path },
        });
      }
      return createVariantTextEncoder(text, { ownsTextEncoder: true });
    }
    case HF_ONNX_KIND: {
      const recordedPath = description.provenance?.modelPath;
      const baseName = recordedPath?.split(/[\\/]/).filter(Boolean).pop();
      const modelPath =
        (recordedPath && options.modelPaths?.[recordedPath]) ??
        (baseName && options.modelPaths?.[baseName]) ??
        recordedPath;
      if (!modelPath) {
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `${saved.path}: no model directory recorded for this hf-onnx encoder; pass modelPaths`,
          details: { file: saved.path },
        });
      }
      const savedBatchSize = Number(description.provenance?.batchSize);
      const hfOptions = parseSavedOptions(hfOnnxOptionsSchema, {
        ...saved,
        description: {
          ...description,
          options: {
            ...description.options,
            modelPath,
            device: options.device ?? description.provenance?.device ?? 'cpu',
            batchSize:
              options.batchSize ??
              (Number.isInteger(savedBatchSize) && savedBatchSize > 0 ? savedBatchSize : 8),
          },
        },
      });
      return createHfOnnxEncoder(hfOptions);
    }
    default:
      throw new AppError({
        code: 'INVALID_INDEX',
        message: `${saved.path}: unknown encoder kind ${JSON.stringify(description.kind)} (known: ${[
          PROTEIN_KMER_KIND,
          MOLECULE_MORGAN_KIND,
          TEXT_TFIDF_KIND,
          VARIANT_TEXT_KIND,
          HF_ONNX_KIND,
        ].join(', ')})`,
        details: { file: saved.path, kind: description.kind },
      });
  }
}
