import { runLinkingBenchmark } from '../../eval/linking-benchmark.js';
import { linkingReportMarkdown, writeLinkingReport } from '../../eval/linking-report.js';
import { readLookupEntries } from '../../indexing/lookup-entries.js';
import type { EvalLinkingOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { publishReport } from './publish-report.js';

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
  return publishReport(context, report, { write: writeLinkingReport, markdown: linkingReportMarkdown });
}
