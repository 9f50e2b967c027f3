import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.js';
import { indexLayout } from '../indexing/manifest.js';
import { runTrainerModule, type TrainerProcessOptions } from '../indexing/train-bridge.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { RETRIEVAL_TASKS } from './retrieval-benchmark.js';

export const KGE_MODELS = ['transe', 'distmult', 'complex', 'rotate'] as const;
export type KgeModelName = (typeof KGE_MODELS)[number];

export interface KgeBaselinesOptions extends TrainerProcessOptions {
  indexDirectory: string;
  models: readonly KgeModelName[];
  reportDirectory: string;
  /** A trainer run directory trained on the transductive split; default: the newest `<index>/runs/transductive*`. */
  bridgeRun?: string | undefined;
  device: 'cpu' | 'cuda';
  /** Further `python3 -m biobridge_train.kge` flags, e.g. `['--epochs', '3']`. */
  kgeArguments?: readonly string[] | undefined;
  logger?: Logger | undefined;
}

/**
 * `biobridge eval kge`: trains TransE, DistMult, ComplEx and RotatE on the index's transductive split
 * (train/biobridge_train/kge.py) and scores them, and the bridge trained on the same split, on the
 * retrieval benchmark's tasks with the same metric definitions. Reports go to `reportDirectory`.
 */
export async function runKgeBaselines(
  options: KgeBaselinesOptions,
): Promise<{ bridgeRun: string | undefined }> {
  const logger = options.logger ?? noopLogger;
  const indexDirectory = resolve(options.indexDirectory);
  const exportDirectory = join(indexDirectory, indexLayout.trainingExport);
  if (!existsSync(join(exportDirectory, 'manifest.json')))
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${exportDirectory} has no training export; run \`biobridge train ${options.indexDirectory} --split transductive\` first`,
    });
  const bridgeRun = options.bridgeRun ?? findTransductiveRun(indexDirectory);
  if (!bridgeRun)
    logger.warn('no bridge trained on the transductive split: KGE models only', {
      hint: `biobridge train ${options.indexDirectory} --split transductive`,
    });
  const tasks = RETRIEVAL_TASKS.map(({ name, headType, relation, tailType }) => ({
    name,
    headType,
    relation,
    tailType,
  }));
  await runTrainerModule(options, 'biobridge_train.kge', [
    '--data',
    exportDirectory,
    '--tasks',
    JSON.stringify(tasks),
    '--models',
    options.models.join(','),
    '--report-dir',
    resolve(options.reportDirectory),
    '--model-dir',
    join(indexDirectory, 'runs', 'kge-transductive'),
    '--device',
    options.device,
    ...(bridgeRun ? ['--bridge-run', bridgeRun] : []),
    ...(options.kgeArguments ?? []),
  ]);
  return { bridgeRun };
}

function findTransductiveRun(indexDirectory: string): string | undefined {
  const runs = join(indexDirectory, 'runs');
  if (!existsSync(runs)) return undefined;
  return readdirSync(runs)
    .filter(
      (name) => name.startsWith('transductive') && existsSync(join(runs, name, 'best', 'pytorch_model.bin')),
    )
    .sort()
    .map((name) => join(runs, name))[0];
}
