import { dirname, join } from 'node:path';
import { z } from 'zod';
import { AppError, err, ok } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { noopLogger } from '../util/logger.js';
import type { EncodeOutcome, Encoder, EncoderDescription } from './encoder.js';
import {
  type Artifact,
  bytesToFloat32,
  describeEncoder,
  float32ToBytes,
  invalidArtifact,
  parseSavedOptions,
  type SavedEncoder,
  writeEncoderDirectory,
} from './encoder-description.js';
import { expandFactors, truncatedSvd } from './randomized-svd.js';
import { CsrBuilder, multiplyDense, multiplyTransposedDense } from './sparse-matrix.js';
import { characterTrigrams, textTerms, tokenizeText } from './text-tokenizer.js';
import { fnv1a, normalizeInPlace } from './vector-math.js';

export const TEXT_TFIDF_KIND = 'text-tfidf';
const VERSION = 1;
const VOCABULARY_FILE = 'vocabulary.json';
const IDF_FILE = 'idf.f32';
const COMPONENTS_FILE = 'components.f32';

export const textTfidfOptionsSchema = z.object({
  /** Output dimension: number of SVD components kept (at most 1024). */
  dimension: z.number().int().min(2).max(1024).default(256),
  /** A term must occur in at least this many documents to enter the vocabulary. */
  minDf: z.number().int().min(1).default(2),
  /** Terms in more than this fraction of documents are dropped (corpus-specific stop words). */
  maxDfRatio: z.number().gt(0).max(1).default(0.5),
  /** Most frequent terms (by document frequency, ties alphabetical) kept after the df filters. */
  maxVocabulary: z.number().int().min(1).max(1_000_000).default(50_000),
  /**
   * The SVD is computed on the `svdTerms` most frequent terms; rarer terms are folded into the
   * reduced space afterwards, like trigram buckets. Rare terms barely move the leading components,
   * and the SVD's dense work grows with the square of the sketch times this number.
   */
  svdTerms: z.number().int().min(1).default(20_000),
  /**
   * Buckets for hashed character trigrams of every word. This block lets words never seen in the
   * corpus (misspellings, new drug names) still land near similar known words; 0 disables it.
   */
  trigramBuckets: z
    .number()
    .int()
    .min(0)
    .max(1 << 20)
    .default(4096),
  /** Weight of the trigram block relative to the word block (each L2-normalised first). */
  trigramWeight: z.number().min(0).default(0.5),
  /** Randomized SVD: extra sketch directions, power iterations, seed. */
  oversample: z.number().int().min(0).max(256).default(10),
  powerIterations: z.number().int().min(0).max(10).default(2),
  seed: z.number().int().default(42),
});
export type TextTfidfOptions = z.infer<typeof textTfidfOptionsSchema>;
export type TextTfidfOptionsInput = z.input<typeof textTfidfOptionsSchema>;

export interface TextTfidfEncoder extends Encoder {
  readonly vocabulary: readonly string[];
}

interface Model {
  options: TextTfidfOptions;
  vocabulary: string[];
  /** Word idf (vocabulary order), then one idf per trigram bucket. */
  idf: Float32Array;
  /** `(vocabulary + buckets) × dimension`, row-major: each term's direction in the reduced space. */
  components: Float32Array;
  provenance: Record<string, string>;
  /**
   * The description and artifact bytes read back from disk, already checked against their
   * `configHash`: a restored encoder keeps them instead of serialising and hashing its 55 MB again.
   */
  saved?: { description: EncoderDescription; artifacts: Artifact[] } | undefined;
}

export interface FitTextEncoderDependencies {
  logger?: Logger;
  now?: () => number;
}

/**
 * Fits a lexical text encoder on the KG's own text (LSA):
 * 1. tokens (see `text-tokenizer.ts`): unigrams + bigrams of adjacent words, stop words removed;
 * 2. vocabulary: `minDf ≤ df ≤ maxDfRatio · n`, at most `maxVocabulary` terms;
 * 3. sublinear TF-IDF, `(1 + ln tf) · (ln((1 + n) / (1 + df)) + 1)`, rows L2-normalised;
 * 4. randomized truncated SVD of the document × term matrix, restricted to the `svdTerms` most
 *    frequent terms, to `dimension` components; rarer terms are folded in (LSA fold-in,
 *    `v = Σᵢ xᵢ zᵢ / σ²` over the documents `i` containing them, `zᵢ` their projections);
 * 5. hashed character trigrams of each word, TF-IDF weighted like words and folded in the same way,
 *    so text made only of unseen words (misspellings, new drug names) lands near the documents whose
 *    words it resembles.
 * A document's vector is the projection of its weighted words plus `trigramWeight` times that of its
 * weighted trigrams, L2-normalised. Text whose words and trigrams were all absent from the corpus
 * projects to the zero vector; text without any letter or digit fails with `EMPTY`.
 */
export function fitTextEncoder(
  corpus: readonly string[],
  input: TextTfidfOptionsInput = {},
  dependencies: FitTextEncoderDependencies = {},
): TextTfidfEncoder {
  const options = textTfidfOptionsSchema.parse(input);
  const logger = dependencies.logger ?? noopLogger;
  const now = dependencies.now ?? (() => performance.now());
  const started = now();

  const { documentTerms, documentWords, vocabulary, termIndex, idf } = fitVocabulary(corpus, options);
  const documents = corpus.length;
  const buckets = options.trigramBuckets;
  const vocabularyDone = now();

  // Columns of the SVD: the `svdTerms` most frequent terms. Everything else (rarer terms, then
  // trigram buckets) is folded in afterwards.
  const svdTerms = Math.min(options.svdTerms, vocabulary.length);
  const foldedTerms = vocabulary.length - svdTerms;
  const coreRows = new CsrBuilder(svdTerms);
  // Folded columns: the rarer terms, then the trigram buckets.
  const foldRows = new CsrBuilder(Math.max(foldedTerms + buckets, 1));
  for (let document = 0; document < documents; document++) {
    const words = weightedTerms(documentTerms[document]!, termIndex, idf, 0);
    const split = words.indices.findIndex((index) => index >= svdTerms);
    const boundary = split === -1 ? words.indices.length : split;
    coreRows.addRow(words.indices.slice(0, boundary), words.values.slice(0, boundary));
    const trigrams = weightedBuckets(documentWords[document]!, buckets, idf, vocabulary.length);
    foldRows.addRow(
      [
        ...words.indices.slice(boundary).map((index) => index - svdTerms),
        ...trigrams.indices.map((bucket) => foldedTerms + bucket),
      ],
      [...words.values.slice(boundary), ...trigrams.values],
    );
  }
  const coreMatrix = coreRows.build();
  const rank = options.dimension;
  const svd = truncatedSvd(coreMatrix, {
    rank,
    oversample: options.oversample,
    powerIterations: options.powerIterations,
    seed: options.seed,
  });
  const svdDone = now();

  const components = componentsOf(svd, coreMatrix, foldRows.build(), rank, svdTerms, foldedTerms + buckets);
  const finished = now();
  logger.info('fitted text encoder', {
    documents,
    vocabulary: vocabulary.length,
    svdTerms,
    nonZeros: coreMatrix.values.length,
    dimension: rank,
    vocabularyMs: Math.round(vocabularyDone - started),
    svdMs: Math.round(svdDone - vocabularyDone),
    totalMs: Math.round(finished - started),
  });
  return buildEncoder({
    options,
    vocabulary,
    idf,
    components,
    provenance: {
      documents: String(documents),
      topSingularValue: (svd.singularValues[0] ?? 0).toPrecision(6),
    },
  });
}

/** Each document's terms and words, the vocabulary (by document frequency) and the IDF of terms then trigram buckets. */
function fitVocabulary(corpus: readonly string[], options: TextTfidfOptions) {
  const documentTerms: string[][] = [];
  const documentWords: string[][] = [];
  const documentFrequency = new Map<string, number>();
  for (const text of corpus) {
    const tokenized = tokenizeText(text);
    const terms = textTerms(tokenized);
    documentTerms.push(terms);
    documentWords.push(tokenized.words);
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const documents = corpus.length;
  const maxDf = Math.floor(options.maxDfRatio * documents);
  const vocabulary = [...documentFrequency]
    .filter(([, frequency]) => frequency >= options.minDf && frequency <= Math.max(maxDf, options.minDf))
    .sort(([leftTerm, left], [rightTerm, right]) => right - left || (leftTerm < rightTerm ? -1 : 1))
    .slice(0, options.maxVocabulary)
    .map(([term]) => term);
  if (vocabulary.length === 0) {
    throw new AppError({
      code: 'UNPROCESSABLE',
      message:
        `cannot fit a text encoder: none of the ${documentFrequency.size} terms in ${documents} documents ` +
        `occurs in at least minDf=${options.minDf} documents (and at most maxDfRatio=${options.maxDfRatio})`,
    });
  }
  const termIndex = new Map(vocabulary.map((term, index) => [term, index]));
  const buckets = options.trigramBuckets;
  const idf = new Float32Array(vocabulary.length + buckets);
  vocabulary.forEach((term, index) => {
    idf[index] = smoothIdf(documents, documentFrequency.get(term)!);
  });
  const bucketFrequency = new Int32Array(buckets);
  if (buckets > 0) {
    for (const words of documentWords) {
      for (const bucket of new Set(trigramBucketsOf(words, buckets))) bucketFrequency[bucket]! += 1;
    }
    for (let bucket = 0; bucket < buckets; bucket++) {
      idf[vocabulary.length + bucket] = smoothIdf(documents, bucketFrequency[bucket]!);
    }
  }
  return { documentTerms, documentWords, vocabulary, termIndex, idf };
}

/**
 * The projection of every column: the SVD's components for the core terms, then the LSA fold-in
 * of the `folded` other columns (rarer terms, trigram buckets).
 */
function componentsOf(
  svd: ReturnType<typeof truncatedSvd>,
  coreMatrix: ReturnType<CsrBuilder['build']>,
  foldMatrix: ReturnType<CsrBuilder['build']>,
  rank: number,
  svdTerms: number,
  folded: number,
): Float32Array {
  const components = new Float32Array((svdTerms + folded) * rank);
  const coreComponents = expandFactors(svd.columnFactors, svd.columnMixing, svd.width, rank);
  components.set(coreComponents);
  if (folded > 0) {
    // LSA fold-in of a column c: v = Σᵢ X[i, c] zᵢ / σ², where zᵢ = Xᵢ V is document i's projection
    // on the kept components (computed from its frequent terms, as `encode` would).
    const latent = multiplyDense(coreMatrix, coreComponents, rank);
    const foldedProjection = multiplyTransposedDense(foldMatrix, latent, rank);
    for (let column = 0; column < folded; column++) {
      for (let component = 0; component < rank; component++) {
        const singular = svd.singularValues[component]!;
        components[(svdTerms + column) * rank + component] =
          singular > 0 ? foldedProjection[column * rank + component]! / (singular * singular) : 0;
      }
    }
  }
  return components;
}

/** Restores a saved `text-tfidf` encoder; outputs are bit-identical to the encoder that was saved. */
export function restoreTextTfidfEncoder(saved: SavedEncoder): TextTfidfEncoder {
  const options = parseSavedOptions(textTfidfOptionsSchema, saved);
  const path = (name: string): string => join(dirname(saved.path), name);
  const vocabularyBytes = saved.artifacts.get(VOCABULARY_FILE);
  const idfBytes = saved.artifacts.get(IDF_FILE);
  const componentBytes = saved.artifacts.get(COMPONENTS_FILE);
  if (!vocabularyBytes || !idfBytes || !componentBytes) {
    throw invalidArtifact(
      saved.path,
      `a text-tfidf encoder needs ${VOCABULARY_FILE}, ${IDF_FILE} and ${COMPONENTS_FILE}`,
    );
  }
  let vocabulary: unknown;
  try {
    vocabulary = JSON.parse(new TextDecoder().decode(vocabularyBytes));
  } catch (error) {
    throw invalidArtifact(path(VOCABULARY_FILE), 'not valid JSON', error);
  }
  if (!Array.isArray(vocabulary) || !vocabulary.every((term) => typeof term === 'string')) {
    throw invalidArtifact(path(VOCABULARY_FILE), 'expected a JSON array of strings');
  }
  const terms = vocabulary.length + options.trigramBuckets;
  const idf = bytesToFloat32(idfBytes, path(IDF_FILE), terms);
  const components = bytesToFloat32(componentBytes, path(COMPONENTS_FILE), terms * options.dimension);
  return buildEncoder({
    options,
    vocabulary: vocabulary,
    idf,
    components,
    provenance: saved.description.provenance ?? {},
    saved: {
      description: saved.description,
      artifacts: [...saved.artifacts].map(([name, bytes]) => ({ name, bytes })),
    },
  });
}

function buildEncoder(model: Model): TextTfidfEncoder {
  const { options, vocabulary, idf, components } = model;
  const dimension = options.dimension;
  const termIndex = new Map(vocabulary.map((term, index) => [term, index]));
  const artifacts: Artifact[] = model.saved?.artifacts ?? [
    { name: VOCABULARY_FILE, bytes: new TextEncoder().encode(JSON.stringify(vocabulary)) },
    { name: IDF_FILE, bytes: float32ToBytes(idf) },
    { name: COMPONENTS_FILE, bytes: float32ToBytes(components) },
  ];
  const description =
    model.saved?.description ??
    describeEncoder(
      {
        kind: TEXT_TFIDF_KIND,
        version: VERSION,
        modality: 'text',
        dimension,
        options,
        provenance: model.provenance,
      },
      artifacts,
    );

  const encodeOne = (text: string): EncodeOutcome => {
    if (text.trim().length === 0) return err({ code: 'EMPTY', message: 'empty text' });
    const tokenized = tokenizeText(text);
    if (tokenized.words.length === 0 && tokenized.parts.length === 0) {
      return err({ code: 'EMPTY', message: 'text has no letters or digits' });
    }
    const output = new Float64Array(dimension);
    const words = weightedTerms(textTerms(tokenized), termIndex, idf, 0);
    project(words.indices, words.values, 0, 1, components, dimension, output);
    if (options.trigramBuckets > 0 && options.trigramWeight > 0) {
      const trigrams = weightedBuckets(tokenized.words, options.trigramBuckets, idf, vocabulary.length);
      project(
        trigrams.indices,
        trigrams.values,
        vocabulary.length,
        options.trigramWeight,
        components,
        dimension,
        output,
      );
    }
    normalizeInPlace(output);
    return ok(Float32Array.from(output));
  };

  return {
    modality: 'text',
    dimension,
    vocabulary,
    encode: async (inputs) => inputs.map(encodeOne),
    describe: (): EncoderDescription => description,
    save: (directory) => writeEncoderDirectory(directory, description, artifacts),
  };
}

function smoothIdf(documents: number, frequency: number): number {
  return Math.log((1 + documents) / (1 + frequency)) + 1;
}

interface SparseVector {
  indices: number[];
  values: number[];
}

/** Sublinear TF-IDF over vocabulary terms, sorted by index, L2-normalised. */
function weightedTerms(
  terms: readonly string[],
  termIndex: ReadonlyMap<string, number>,
  idf: Float32Array,
  idfOffset: number,
): SparseVector {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const index = termIndex.get(term);
    if (index !== undefined) counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  return weighCounts(counts, idf, idfOffset);
}

/** Sublinear TF-IDF over trigram buckets of `words` (bucket indices are relative to the block). */
function weightedBuckets(
  words: readonly string[],
  buckets: number,
  idf: Float32Array,
  idfOffset: number,
): SparseVector {
  if (buckets === 0) return { indices: [], values: [] };
  const counts = new Map<number, number>();
  for (const bucket of trigramBucketsOf(words, buckets)) counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  return weighCounts(counts, idf, idfOffset);
}

function trigramBucketsOf(words: readonly string[], buckets: number): number[] {
  const result: number[] = [];
  for (const word of words)
    for (const trigram of characterTrigrams(word)) result.push(fnv1a(trigram) % buckets);
  return result;
}

function weighCounts(counts: Map<number, number>, idf: Float32Array, idfOffset: number): SparseVector {
  const indices = [...counts.keys()].sort((left, right) => left - right);
  const values = indices.map((index) => (1 + Math.log(counts.get(index)!)) * idf[idfOffset + index]!);
  let sum = 0;
  for (const value of values) sum += value * value;
  const norm = Math.sqrt(sum);
  return { indices, values: norm > 0 ? values.map((value) => value / norm) : values };
}

/** `output += weight · Σₑ values[e] · components[rowOffset + indices[e]]`, in index order. */
function project(
  indices: readonly number[],
  values: readonly number[],
  rowOffset: number,
  weight: number,
  components: Float32Array,
  dimension: number,
  output: Float64Array,
): void {
  for (let entry = 0; entry < indices.length; entry++) {
    const scale = values[entry]! * weight;
    const offset = (rowOffset + indices[entry]!) * dimension;
    for (let component = 0; component < dimension; component++) {
      output[component]! += scale * components[offset + component]!;
    }
  }
}
