import { fitIndexFusion } from '../../eval/fusion-fit.js';
import { trainBridge } from '../../indexing/train-bridge.js';
import type { TrainOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

export async function run(context: CommandContext<TrainOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const trainerArguments = [
    '--negatives',
    options.negatives,
    ...(options.epochs !== undefined ? ['--epochs', String(options.epochs)] : []),
    ...(options['max-steps'] !== undefined ? ['--max-steps', String(options['max-steps'])] : []),
    ...(options['trainer-arg'] ?? []),
  ];
  const result = await trainBridge({
    indexDirectory,
    preset: options.preset,
    split: options.split,
    python: options.python,
    device: options.device,
    resume: options.resume,
    trainerArguments,
    logger: context.logger,
    signal: context.signal,
    env: context.env,
    excludeRelations: options['exclude-relation'],
  });
  const fusion = options['no-fit-fusion'] ? undefined : await fitFusionAfterTraining(context);
  if (options.json) {
    context.print(JSON.stringify({ ...result, fusion: fusion ?? null }, null, 2) + '\n');
    return 0;
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  context.print(
    `trained on ${result.export.triples} triples (${result.export.tables.map((t) => `${t.type} ${t.rows}×${t.dim}`).join(', ')})\n` +
      `bridge ${result.projection.bridgeId} written to ${indexDirectory}/bridge, run in ${result.runDirectory}\n` +
      `time: export ${seconds(result.durationMs.export)} s, train ${seconds(result.durationMs.train)} s, ` +
      `project ${seconds(result.durationMs.project)} s, total ${seconds(result.durationMs.total)} s\n` +
      (fusion
        ? `fused ranking fitted on ${fusion.splits.join(',')} (${fusion.tasks} tasks) in ${seconds(fusion.durationMs)} s: ${fusion.path}\n`
        : `fused ranking not fitted (--no-fit-fusion): /v1/retrieve uses the default weights; run biobridge fit-fusion ${indexDirectory}\n`) +
      `next: biobridge eval retrieval ${indexDirectory} --split ${options.split}\n`,
  );
  return 0;
}

/**
 * The last stage of `train`: fit the fused ranking on the validation heads of `--fusion-splits`
 * with the new bridge, so a trained index answers with fitted weights (fusion.json names the bridge).
 */
async function fitFusionAfterTraining(context: CommandContext<TrainOptions>) {
  const [indexDirectory = ''] = context.positionals;
  const splits = context.options['fusion-splits'];
  context.logger.info('fitting the fused ranking', { splits: splits.join(',') });
  const started = performance.now();
  const fitted = await fitIndexFusion({
    indexDirectory,
    splits,
    device: context.options.device === 'cuda' ? 'cuda' : 'cpu',
    // The ligand-target model is trained here too when the index has none (fusion-fit.ts).
    ligandModel: { python: context.options.python, env: context.env, signal: context.signal },
    logger: context.logger,
  });
  const durationMs = performance.now() - started;
  context.logger.info('fused ranking fitted', { path: fitted.path, seconds: Math.round(durationMs / 1000) });
  return { path: fitted.path, splits, tasks: fitted.model.tasks.length, durationMs };
}
