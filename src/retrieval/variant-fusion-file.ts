import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { VariantModelMetadata } from '../encoders/variant-learned.js';
import { AppError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { Logger } from '../util/logger.js';
import { DEFAULT_FUSION_NEIGHBOURS, type VariantFusionWeights } from './variant-signals.js';

/**
 * `<index>/variant-fusion.json`: the fused variant → disease ranking's weights, fitted on the
 * variant model's validation variants by `biobridge eval variants --write-fusion`. It names the
 * variant model it was fitted with; the service refuses it (with a warning) after the model is
 * retrained, since the weights balance that model's cosines.
 */
export const VARIANT_FUSION_FILE = 'variant-fusion.json';

const weight = z.number().min(0).max(100);
const variantFusionSchema = z.object({
  format: z.literal('biobridge-variant-fusion'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  variantModelId: z.string().min(1),
  neighbours: z.number().int().min(1).default(DEFAULT_FUSION_NEIGHBOURS),
  weights: z.object({ positional: weight, geneProxy: weight, popularity: weight }),
  validation: z.object({ queries: z.number().int(), hits10: z.number(), mrr: z.number() }),
});
export type VariantFusion = z.infer<typeof variantFusionSchema>;

/** Identifies a trained variant model: its ONNX file's sha256, else its creation time. */
export function variantModelId(metadata: VariantModelMetadata): string {
  return metadata.onnx.sha256 ?? metadata.createdAt ?? 'unversioned';
}

export function variantFusionOf(
  metadata: VariantModelMetadata,
  weights: VariantFusionWeights,
  validation: VariantFusion['validation'],
  neighbours = DEFAULT_FUSION_NEIGHBOURS,
): VariantFusion {
  return {
    format: 'biobridge-variant-fusion',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    variantModelId: variantModelId(metadata),
    neighbours,
    weights,
    validation,
  };
}

/** The index's variant fusion, or undefined when none was fitted; a malformed file is INVALID_INDEX. */
export async function readVariantFusion(indexDirectory: string): Promise<VariantFusion | undefined> {
  const path = join(indexDirectory, VARIANT_FUSION_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AppError({ code: 'INVALID_INDEX', message: `${path}: not JSON`, cause: error });
  }
  const parsed = variantFusionSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path}: ${z.prettifyError(parsed.error)}`,
      cause: parsed.error,
    });
  return parsed.data;
}

export async function writeVariantFusion(indexDirectory: string, fusion: VariantFusion): Promise<string> {
  const path = join(indexDirectory, VARIANT_FUSION_FILE);
  await writeFileAtomic(path, JSON.stringify(fusion, null, 2) + '\n');
  return path;
}

/** The fusion when it was fitted with `metadata`'s model; else undefined, with a warning that says how to refit. */
export function usableVariantFusion(
  fusion: VariantFusion | undefined,
  metadata: VariantModelMetadata,
  logger: Logger,
  indexDirectory = '<index>',
): VariantFusion | undefined {
  if (!fusion) return undefined;
  if (fusion.variantModelId === variantModelId(metadata)) return fusion;
  logger.warn(
    `${VARIANT_FUSION_FILE} was fitted with another variant model; ignoring it (variant queries rank by the learned score)`,
    {
      fitted: fusion.variantModelId,
      model: variantModelId(metadata),
      fix: `biobridge eval variants ${indexDirectory} --write-fusion`,
    },
  );
  return undefined;
}
