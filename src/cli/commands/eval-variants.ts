import { runVariantBenchmark } from '../../eval/variant-benchmark.js';
import { variantReportMarkdown, writeVariantReport } from '../../eval/variant-report.js';
import { writeVariantFusion, type VariantFusion } from '../../retrieval/variant-fusion-file.js';
import type { EvalVariantsOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { publishReport } from './publish-report.js';

export async function run(context: CommandContext<EvalVariantsOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const report = await runVariantBenchmark({
    indexDirectory,
    neighbours: options.neighbours,
    resamples: options.resamples,
    device: options.device,
    logger: context.logger,
  });
  if (options['write-fusion'])
    await writeFusion(context, indexDirectory, report.model.id, report.fusion, report.config.neighbours);
  return publishReport(context, report, { write: writeVariantReport, markdown: variantReportMarkdown });
}

/** Stores the weights fitted on validation variants for the service (`<index>/variant-fusion.json`, atomic). */
async function writeFusion(
  context: CommandContext<EvalVariantsOptions>,
  indexDirectory: string,
  variantModelId: string,
  fusion: Awaited<ReturnType<typeof runVariantBenchmark>>['fusion'],
  neighbours: number,
): Promise<void> {
  if (!fusion) return;
  const file: VariantFusion = {
    format: 'biobridge-variant-fusion',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    variantModelId,
    neighbours,
    weights: fusion.weights,
    validation: { queries: fusion.validQueries, hits10: fusion.validHits10, mrr: fusion.validMrr },
  };
  const path = await writeVariantFusion(indexDirectory, file);
  context.logger.info(
    'variant fusion written; the service ranks variant → disease with it from its next start',
    {
      path,
      ...fusion.weights,
    },
  );
}
