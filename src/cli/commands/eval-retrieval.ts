import { runRetrievalBenchmark } from '../../eval/retrieval-benchmark.js';
import { retrievalReportMarkdown, writeRetrievalReport } from '../../eval/retrieval-report.js';
import type { EvalRetrievalOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { publishReport } from './publish-report.js';

export async function run(context: CommandContext<EvalRetrievalOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const report = await runRetrievalBenchmark({
    indexDirectory,
    split: options.split,
    methods: options.methods,
    neighbours: options.neighbours,
    frequentThreshold: options['frequent-threshold'],
    device: options.device,
    bridgePrecision: options['bridge-precision'],
    logger: context.logger,
  });
  return publishReport(context, report, { write: writeRetrievalReport, markdown: retrievalReportMarkdown });
}
