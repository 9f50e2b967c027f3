import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVariantModel, type VariantModel } from '../../src/encoders/variant-learned.js';
import { AppError } from '../../src/errors.js';
import {
  readVariantFusion,
  usableVariantFusion,
  variantFusionOf,
  variantModelId,
  VARIANT_FUSION_FILE,
  writeVariantFusion,
} from '../../src/retrieval/variant-fusion-file.js';
import type { Logger } from '../../src/util/logger.js';
import { FIXTURE } from './variant-world.js';

/** variant-fusion.json: written atomically, read back, and refused when fitted for another variant model. */
let model: VariantModel;
let directory: string;
beforeAll(async () => {
  model = await loadVariantModel(FIXTURE);
  directory = await mkdtemp(join(tmpdir(), 'variant-fusion-'));
});
afterAll(async () => {
  await model.dispose();
  await rm(directory, { recursive: true, force: true });
});

function recordingLogger(): Logger & {
  warnings: { message: string; fields?: Record<string, unknown> | undefined }[];
} {
  const warnings: { message: string; fields?: Record<string, unknown> | undefined }[] = [];
  const ignore = () => undefined;
  return {
    warnings,
    debug: ignore,
    info: ignore,
    error: ignore,
    warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }),
    child() {
      return this;
    },
  } as unknown as Logger & { warnings: typeof warnings };
}

describe('variant-fusion.json', () => {
  const weights = { positional: 0.2, geneProxy: 0.1, popularity: 0.05 };

  it('round-trips and is used for the model it was fitted with', async () => {
    await writeVariantFusion(
      directory,
      variantFusionOf(model.metadata, weights, { queries: 5, hits10: 0.6, mrr: 0.4 }),
    );
    const read = await readVariantFusion(directory);
    expect(read).toMatchObject({ variantModelId: variantModelId(model.metadata), weights, neighbours: 10 });
    const logger = recordingLogger();
    expect(usableVariantFusion(read, model.metadata, logger)).toEqual(read);
    expect(logger.warnings).toEqual([]);
  });

  it('refuses a file fitted with another variant model, with a warning that says how to refit', async () => {
    const stale = {
      ...variantFusionOf(model.metadata, weights, { queries: 5, hits10: 0.6, mrr: 0.4 }),
      variantModelId: 'retrained-away',
    };
    await writeVariantFusion(directory, stale);
    const logger = recordingLogger();
    expect(
      usableVariantFusion(await readVariantFusion(directory), model.metadata, logger, directory),
    ).toBeUndefined();
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]!.message).toMatch(/fitted with another variant model/);
    expect(logger.warnings[0]!.fields).toMatchObject({
      fitted: 'retrained-away',
      fix: `biobridge eval variants ${directory} --write-fusion`,
    });
  });

  it('is absent without a file, and a malformed one is an INVALID_INDEX naming the file', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'variant-fusion-none-'));
    expect(await readVariantFusion(empty)).toBeUndefined();
    await writeFile(
      join(empty, VARIANT_FUSION_FILE),
      JSON.stringify({ format: 'biobridge-variant-fusion', formatVersion: 1 }),
    );
    const error = await readVariantFusion(empty).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INDEX');
    expect((error as AppError).message).toContain(VARIANT_FUSION_FILE);
    await rm(empty, { recursive: true, force: true });
  });
});
