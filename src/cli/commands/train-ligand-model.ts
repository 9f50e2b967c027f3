import { trainLigandModel } from '../../eval/ligand-model-training.js';
import { ALL_DRUGS_SPLIT, loadLigandModel } from '../../retrieval/ligand-model.js';
import type { TrainLigandModelOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

export async function run(context: CommandContext<TrainLigandModelOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const result = await trainLigandModel({
    indexDirectory,
    split: options.split,
    python: options.python,
    trainerArguments: [
      '--heads',
      options.heads,
      ...(options.epochs !== undefined ? ['--epochs', String(options.epochs)] : []),
      ...(options['hidden-dim'] !== undefined ? ['--hidden-dim', String(options['hidden-dim'])] : []),
    ],
    env: context.env,
    signal: context.signal,
    logger: context.logger,
  });
  // Loading it back checks the files against their recorded sha256 and the ONNX graph.
  const model = await loadLigandModel(indexDirectory, { logger: context.logger, split: options.split });
  const summary = {
    directory: result.directory,
    id: model?.id ?? null,
    heads: model?.meta.heads ?? [],
    split: model?.meta.split ?? options.split,
    drugs: model?.meta.drugs ?? 0,
    tails: model?.meta.tails ?? 0,
    durationMs: result.durationMs,
  };
  await model?.dispose();
  if (options.json) context.print(JSON.stringify(summary, null, 2) + '\n');
  else
    context.print(
      `ligand-target model ${summary.id} written to ${summary.directory}: ${summary.drugs} training drugs of ${summary.split}, ${summary.tails} targets, heads ${summary.heads.join('+')}, ${(summary.durationMs / 1000).toFixed(0)} s\n` +
        (summary.split === ALL_DRUGS_SPLIT
          ? 'the service answers new molecules with it from its next start\n'
          : `next: biobridge fit-fusion ${indexDirectory} (fits its weight in the fused ranking and trains the served model on all drugs)\n`),
    );
  return 0;
}
