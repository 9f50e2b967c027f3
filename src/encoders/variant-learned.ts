import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  createOnnxSession,
  float32Tensor,
  type OnnxSession,
  type OnnxSessionOptions,
} from '../runtime/onnx-session.js';
import { AppError } from '../errors.js';
import { exists } from '../util/atomic.js';
import { featurizeVariant, splitMappedGenes, type VariantFeatureValues } from './variant-features.js';
import { readJsonFile } from '../util/json-file.js';

/**
 * The learned variant encoder (`variant-learned`, GENEREL-style): an ONNX tower that embeds a SNP
 * from its features, plus the tail embeddings (diseases, genes, phenotypes) and the KG's variants
 * in the same space, all written by `python3 -m biobridge_train.variants` into `<index>/variants/`
 * (train/FORMAT.md § 4). Scores are cosine similarities.
 */
export const VARIANT_LEARNED_KIND = 'variant-learned';
export const VARIANT_MODEL_DIRECTORY = 'variants';

const tableSchema = z.object({
  vectors: z.string().min(1),
  nodeIndices: z.string().min(1),
  rows: z.number().int().min(0),
  dim: z.number().int().positive(),
});

export const variantModelMetadataSchema = z.object({
  format: z.literal('biobridge-variant-model'),
  formatVersion: z.literal(1),
  createdAt: z.string().optional(),
  embeddingDim: z.number().int().positive(),
  inputWidth: z.number().int().positive(),
  tokens: z.number().int().min(0),
  geneDim: z.number().int().positive(),
  encoderConfigHashes: z.record(z.string(), z.string()),
  onnx: z.object({
    file: z.string().min(1),
    input: z.string().min(1),
    output: z.string().min(1),
    sha256: z.string().optional(),
  }),
  vocabulary: z.string().min(1),
  variantFeatures: z.string().min(1),
  tables: z.record(z.string(), tableSchema),
  split: z.object({
    seed: z.number().int(),
    counts: z.record(z.string(), z.number()),
    valid: z.array(z.number().int()),
    test: z.array(z.number().int()),
  }),
  training: z.unknown().optional(),
  metrics: z.unknown().optional(),
});
export type VariantModelMetadata = z.infer<typeof variantModelMetadataSchema>;

const kgVariantSchema = z.object({
  nodeIndex: z.number().int().min(0),
  rsid: z.string().min(1),
  chrom: z.string(),
  pos: z.number().int().nullable(),
  mappedGene: z.string(),
  context: z.string(),
  riskAllele: z.string(),
});
export type KgVariantFeatures = z.infer<typeof kgVariantSchema>;

/** Row-major embeddings of one node type with their `node_index` values. */
export class EmbeddingTable {
  private readonly rowOf = new Map<number, number>();

  constructor(
    readonly nodeIndices: Int32Array,
    readonly vectors: Float32Array,
    readonly dimension: number,
  ) {
    nodeIndices.forEach((node, row) => this.rowOf.set(node, row));
  }

  get rows(): number {
    return this.nodeIndices.length;
  }

  vectorOf(nodeIndex: number): Float32Array | undefined {
    const row = this.rowOf.get(nodeIndex);
    return row === undefined
      ? undefined
      : this.vectors.subarray(row * this.dimension, (row + 1) * this.dimension);
  }

  /** Cosine of `query` (unit length) with every row (rows are unit length). */
  scores(query: Float32Array): Float32Array {
    const out = new Float32Array(this.rows);
    for (let row = 0; row < this.rows; row++) {
      let dot = 0;
      const offset = row * this.dimension;
      for (let i = 0; i < this.dimension; i++) dot += query[i]! * this.vectors[offset + i]!;
      out[row] = dot;
    }
    return out;
  }
}

/** Mean encoder vector of genes given by symbol (undefined when none of them has a vector). */
export type GeneVectorSource = (symbols: readonly string[]) => Promise<Float32Array | undefined>;

/**
 * What the featuriser reads from the index besides the variant (FORMAT.md § 4): the mapped genes'
 * encoder vectors, and the weighted `gdis` / `near` token groups (diseases of the mapped genes;
 * diseases of the nearest reference variants).
 */
export interface VariantInputs {
  genes: GeneVectorSource;
  kgGroups(features: VariantFeatureValues): ReadonlyMap<string, number>[];
  /**
   * What of the index the model reads for `features` (reported as a query's `knownFeatures`): the
   * mapped genes with an encoder vector, how many of their KG diseases it knows, and the nearby
   * reference variants whose diseases it knows (`exclude`: the query's own KG node).
   */
  describe?(
    features: VariantFeatureValues,
    exclude?: number,
  ): Promise<{ genes: string[]; geneDiseases: number; nearVariants: string[] }>;
}

export interface VariantModel {
  readonly kind: typeof VARIANT_LEARNED_KIND;
  readonly directory: string;
  readonly metadata: VariantModelMetadata;
  readonly vocabulary: ReadonlyMap<string, number>;
  /** Tail types the model scores (`disease`, `gene/protein`, `effect/phenotype`). */
  readonly tailTypes: readonly string[];
  tail(type: string): EmbeddingTable | undefined;
  /** Embeddings of the KG's variants, computed from their features at export. */
  readonly variants: EmbeddingTable;
  /** The KG's variants' features, by rsID (lower case) and by node index. */
  featuresOfRsid(rsid: string): KgVariantFeatures | undefined;
  featuresOfNode(nodeIndex: number): KgVariantFeatures | undefined;
  /** Unit-length embeddings of variants given by features. */
  embed(features: readonly VariantFeatureValues[], inputs: VariantInputs): Promise<Float32Array[]>;
  /** The KG variants whose diseases the `near` group reads: every one outside the validation and test split. */
  referenceVariants(): KgVariantFeatures[];
  dispose(): Promise<void>;
}

/** The model's feature values for a KG variant row. */
export function kgVariantFeatureValues(row: KgVariantFeatures): VariantFeatureValues {
  return {
    chrom: row.chrom,
    pos: row.pos ?? undefined,
    mappedGenes: splitMappedGenes(row.mappedGene),
    context: row.context,
    riskAllele: row.riskAllele,
  };
}

export async function hasVariantModel(indexDirectory: string): Promise<boolean> {
  return exists(join(indexDirectory, VARIANT_MODEL_DIRECTORY, 'variant-model.json'));
}

export async function loadVariantModel(
  indexDirectory: string,
  options: Pick<OnnxSessionOptions, 'device' | 'logger'> = {},
): Promise<VariantModel> {
  const directory = join(indexDirectory, VARIANT_MODEL_DIRECTORY);
  const metadata = await readJson(join(directory, 'variant-model.json'), variantModelMetadataSchema);
  const tokens = await readJson(join(directory, metadata.vocabulary), z.array(z.string()));
  if (tokens.length !== metadata.tokens || metadata.tokens + metadata.geneDim !== metadata.inputWidth)
    throw invalid(
      directory,
      `vocabulary has ${tokens.length} tokens; metadata says ${metadata.tokens} of input width ${metadata.inputWidth}`,
    );
  const vocabulary = new Map(tokens.map((token, column) => [token, column]));
  const features = await readJson(join(directory, metadata.variantFeatures), z.array(kgVariantSchema));
  const tables = new Map<string, EmbeddingTable>();
  for (const [type, table] of Object.entries(metadata.tables))
    tables.set(type, await readTable(directory, table));
  const variants = tables.get('variant');
  if (!variants) throw invalid(directory, 'no variant table');
  const byRsid = new Map(features.map((row) => [row.rsid.toLowerCase(), row]));
  const byNode = new Map(features.map((row) => [row.nodeIndex, row]));
  const session: OnnxSession = await createOnnxSession(join(directory, metadata.onnx.file), options);

  const embed = async (
    rows: readonly VariantFeatureValues[],
    inputs: VariantInputs,
  ): Promise<Float32Array[]> => {
    if (rows.length === 0) return [];
    const input = new Float32Array(rows.length * metadata.inputWidth);
    for (const [position, row] of rows.entries()) {
      const geneVector = await inputs.genes(row.mappedGenes ?? []);
      const features = featurizeVariant(row, vocabulary, geneVector, metadata.geneDim, inputs.kgGroups(row));
      input.set(features, position * metadata.inputWidth);
    }
    const output = await session.run({
      [metadata.onnx.input]: float32Tensor(input, [rows.length, metadata.inputWidth]),
    });
    const data = output[metadata.onnx.output]!.data as Float32Array;
    return rows.map((_, position) =>
      data.slice(position * metadata.embeddingDim, (position + 1) * metadata.embeddingDim),
    );
  };

  return {
    kind: VARIANT_LEARNED_KIND,
    directory,
    metadata,
    vocabulary,
    tailTypes: [...tables.keys()].filter((type) => type !== 'variant'),
    tail: (type) => (type === 'variant' ? undefined : tables.get(type)),
    variants,
    featuresOfRsid: (rsid) => byRsid.get(rsid.trim().toLowerCase()),
    featuresOfNode: (nodeIndex) => byNode.get(nodeIndex),
    embed,
    referenceVariants: () => {
      const held = new Set([...metadata.split.valid, ...metadata.split.test]);
      return features.filter((row) => !held.has(row.nodeIndex));
    },
    dispose: () => session.dispose(),
  };
}

async function readTable(directory: string, table: z.infer<typeof tableSchema>): Promise<EmbeddingTable> {
  const vectors = await readFile(join(directory, table.vectors));
  const indices = await readFile(join(directory, table.nodeIndices));
  if (vectors.byteLength !== table.rows * table.dim * 4 || indices.byteLength !== table.rows * 4)
    throw invalid(directory, `${table.vectors}: expected ${table.rows} rows of ${table.dim} values`);
  // Copy into aligned buffers: a Buffer's byteOffset need not be a multiple of 4.
  const vectorArray = new Float32Array(
    vectors.buffer.slice(vectors.byteOffset, vectors.byteOffset + vectors.byteLength),
  );
  const indexArray = new Int32Array(
    indices.buffer.slice(indices.byteOffset, indices.byteOffset + indices.byteLength),
  );
  return new EmbeddingTable(indexArray, vectorArray, table.dim);
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const json = await readJsonFile(path, { code: 'INVALID_INDEX' });
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: ${z.prettifyError(parsed.error)}`,
      details: { file: path },
    });
  return parsed.data;
}

function invalid(directory: string, message: string): AppError {
  return new AppError({ code: 'INVALID_INDEX', message: `${directory}: ${message}`, details: { directory } });
}
