import { runLinkingBenchmark } from '../../eval/linking-benchmark.js';
import { linkingReportMarkdown, writeLinkingReport } from '../../eval/linking-report.js';
import { readLookupEntries } from '../../indexing/lookup-entries.js';
import type { CommandContext } from '../command.js';

interface EvalLinkingOptions {
  cases: number;
  seed: number;
  bootstrap: number;
  'report-dir': string;
  json: boolean;
}

export async function run(context: CommandContext<EvalLinkingOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const report = runLinkingBenchmark({
    entries: await readLookupEntries(indexDirectory),
    index: indexDirectory,
    seed: options.seed,
    perPerturbation: options.cases,
    bootstrap: options.bootstrap,
  });
  const paths = await writeLinkingReport(report, options['report-dir']);
  context.logger.info('report written', paths);
  context.print(options.json ? JSON.stringify(report, null, 2) + '\n' : linkingReportMarkdown(report));
  return 0;
}
