import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { registrySchema } from '../kg/registry.js';
import { writeFileAtomic } from '../util/atomic.js';
import { readJsonFile } from '../util/json-file.js';

export const INDEX_FORMAT_VERSION = 1;

/** Layout of an index directory; every path is relative to the index root. */
export const indexLayout = {
  manifest: 'manifest.json',
  graph: 'graph',
  lance: 'lance',
  encoders: 'encoders',
  bridge: 'bridge',
  splits: 'splits',
  trainingExport: 'export',
} as const;

export const coverageSchema = z.object({
  total: z.number().int().nonnegative(),
  /** Nodes whose modality payload was present in the input files. */
  withPayload: z.number().int().nonnegative(),
  /** Nodes with a raw encoder vector (searchable and used in bridge training). */
  encoded: z.number().int().nonnegative(),
  /** Payloads the encoder rejected (invalid SMILES, illegal letters, …). */
  failed: z.number().int().nonnegative(),
  payloadKind: z.string(),
});
export type Coverage = z.infer<typeof coverageSchema>;

export const encoderRefSchema = z.object({
  /** Directory under `encoders/` holding the saved encoder. */
  directory: z.string(),
  kind: z.string(),
  modality: z.string(),
  dimension: z.number().int().positive(),
  configHash: z.string(),
});
export type EncoderRef = z.infer<typeof encoderRefSchema>;

export const bridgeRefSchema = z.object({
  /** `bridge.json`'s id/hash, copied when `biobridge project` fills the projected columns. */
  id: z.string(),
  hiddenDim: z.number().int().positive(),
  projectedAt: z.string(),
  preset: z.string().optional(),
  split: z.string().optional(),
});

export const indexManifestSchema = z.object({
  formatVersion: z.literal(INDEX_FORMAT_VERSION),
  name: z.string(),
  createdAt: z.string(),
  source: z.object({
    directory: z.string(),
    files: z.array(z.object({ name: z.string(), bytes: z.number().int().nonnegative() })),
    includeNonCommercial: z.boolean(),
  }),
  /** sha256 over the input files' names, sizes and contents: identifies the data a model saw. */
  dataHash: z.string(),
  registry: registrySchema,
  nodes: z.record(z.string(), z.number().int().nonnegative()),
  edges: z.object({ total: z.number().int().nonnegative(), byRelation: z.record(z.string(), z.number()) }),
  coverage: z.record(z.string(), coverageSchema),
  /** Node type → encoder used for it. Types without an entry are searchable by name only. */
  encoders: z.record(z.string(), encoderRefSchema),
  ingest: z.record(z.string(), z.unknown()),
  bridge: bridgeRefSchema.optional(),
});
export type IndexManifest = z.infer<typeof indexManifestSchema>;

export async function readManifest(indexDirectory: string): Promise<IndexManifest> {
  const path = join(indexDirectory, indexLayout.manifest);
  const json = await readJsonFile(path, {
    code: 'INVALID_INDEX',
    unreadable: `no index at ${indexDirectory}: cannot read ${path} (build one with \`biobridge ingest <kg dir> --out ${indexDirectory}\`)`,
  });
  const parsed = indexManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path} does not match the index format (version ${INDEX_FORMAT_VERSION}):\n${z.prettifyError(parsed.error)}`,
    });
  }
  return parsed.data;
}

export async function writeManifest(indexDirectory: string, manifest: IndexManifest): Promise<void> {
  const checked = indexManifestSchema.parse(manifest);
  await writeFileAtomic(join(indexDirectory, indexLayout.manifest), JSON.stringify(checked, null, 2) + '\n');
}
