import { join } from 'node:path';
import { z } from 'zod';
import type { VariantModelMetadata } from '../encoders/variant-learned.js';
import { readOptionalIndexJson, writeIndexJson } from '../util/index-json.js';
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
  return readOptionalIndexJson(join(indexDirectory, VARIANT_FUSION_FILE), variantFusionSchema);
}

export async function writeVariantFusion(indexDirectory: string, fusion: VariantFusion): Promise<string> {
  return writeIndexJson(join(indexDirectory, VARIANT_FUSION_FILE), fusion);
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
