import { fitIndexFusion } from '../../eval/fusion-fit.js';
import { writeRetrievalReport } from '../../eval/retrieval-report.js';
import type { FitFusionOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

export async function run(context: CommandContext<FitFusionOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { path, model, reports } = await fitIndexFusion({
    indexDirectory,
    splits: context.options.splits,
    compare: context.options.compare,
    device: context.options.device,
    ligandModel: !context.options['no-ligand-model'] && { env: context.env, signal: context.signal },
    logger: context.logger,
  });
  const reportDirectory = context.options['report-dir'];
  if (reportDirectory !== undefined)
    for (const report of reports)
      context.logger.info('report written', await writeRetrievalReport(report, reportDirectory));
  if (context.options.json) {
    context.print(JSON.stringify(model, null, 2) + '\n');
    return 0;
  }
  const lines = model.tasks.map(({ headType, relation, tailType, weights, validation }) => {
    const show = (summary: { mrr: number; hitsAt10: number } | null) =>
      summary ? `${summary.mrr.toFixed(3)}/${summary.hitsAt10.toFixed(3)}` : 'n/a';
    return `${headType} -${relation}-> ${tailType}: weights bridge ${weights.bridge} transfer ${weights.transfer} prior ${weights.prior} ligand ${weights.ligand ?? 0} ligand model ${weights.ligandModel ?? 0}; validation MRR/Hits@10 fused ${show(validation.fused)}, transfer ${show(validation.transfer)}, prior ${show(validation.prior)}, bridge ${show(validation.bridge)}, ligand ${show(validation.ligand ?? null)}, ligand model ${show(validation.ligandModel ?? null)} (${validation.fused.queries} heads)`;
  });
  context.print(`fusion written to ${path}\n${lines.join('\n')}\n`);
  return 0;
}
