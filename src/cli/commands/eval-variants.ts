import { runVariantBenchmark } from '../../eval/variant-benchmark.js';
import { variantReportMarkdown, writeVariantReport } from '../../eval/variant-report.js';
import type { CommandContext } from '../command.js';
import { publishReport } from './publish-report.js';

interface EvalOptions {
  neighbours: number;
  resamples: number;
  'report-dir': string;
  device: 'cpu' | 'cuda';
  json: boolean;
}

export async function run(context: CommandContext<EvalOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const report = await runVariantBenchmark({
    indexDirectory,
    neighbours: options.neighbours,
    resamples: options.resamples,
    device: options.device,
    logger: context.logger,
  });
  return publishReport(context, report, { write: writeVariantReport, markdown: variantReportMarkdown });
}
