import { runKgeBaselines } from '../../eval/kge-baselines.js';
import type { EvalKgeOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';

export async function run(context: CommandContext<EvalKgeOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options } = context;
  const { bridgeRun } = await runKgeBaselines({
    indexDirectory,
    models: options.models,
    bridgeRun: options['bridge-run'],
    reportDirectory: options['report-dir'],
    device: options.device,
    python: options.python,
    kgeArguments: options['kge-arg'],
    logger: context.logger,
    signal: context.signal,
    env: context.env,
  });
  context.logger.info('KGE baselines scored', {
    bridgeRun: bridgeRun ?? 'none',
    reports: options['report-dir'],
  });
  return 0;
}
