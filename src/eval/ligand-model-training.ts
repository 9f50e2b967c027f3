import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.js';
import { ensureUnseenSplit, isUnseenSplit } from './unseen-split.js';
import { hasLigandFingerprints } from '../retrieval/ligand-fingerprints.js';
import { ligandModelDirectory } from '../retrieval/ligand-model.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { indexLayout } from '../indexing/manifest.js';
import { runTrainerModule, type TrainerProcessOptions } from '../indexing/train-bridge.js';

/**
 * The split whose training drugs the evaluated ligand-target model learns from (what a new SMILES
 * is); the served model learns from every drug (`ALL_DRUGS_SPLIT`).
 */
export const DEFAULT_LIGAND_MODEL_SPLIT = 'unseen-drug';

export interface TrainLigandModelOptions extends Partial<TrainerProcessOptions> {
  indexDirectory: string;
  /** Split whose `train` part is learned from (default {@link DEFAULT_LIGAND_MODEL_SPLIT}; `all`: every KG drug, the served model). */
  split?: string | undefined;
  /** Extra `python3 -m biobridge_train.ligand_model` flags, e.g. `['--epochs', '5']`. */
  trainerArguments?: readonly string[] | undefined;
  logger?: Logger | undefined;
}

/**
 * `biobridge train-ligand-model`: writes the unseen split when missing, then runs the PyTorch
 * trainer, which writes `<index>/ligand-model-<split>/` (split `all`: `<index>/ligand-model/`, the
 * served model) atomically. It learns only from the split's training drugs: held-out and validation
 * drugs lost every edge there, so the fusion fitted on validation drugs and the test drugs stay unseen.
 */
export async function trainLigandModel(
  options: TrainLigandModelOptions,
): Promise<{ directory: string; durationMs: number }> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const indexDirectory = resolve(options.indexDirectory);
  const split = options.split ?? DEFAULT_LIGAND_MODEL_SPLIT;
  if (!hasLigandFingerprints(indexDirectory))
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${indexDirectory} has no ligand fingerprints (<index>/ligands/); run \`biobridge fit-fusion ${indexDirectory}\` or re-ingest`,
    });
  const exportDirectory = join(indexDirectory, indexLayout.trainingExport);
  if (!existsSync(join(exportDirectory, 'manifest.json')))
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${exportDirectory}/manifest.json is missing; \`biobridge train ${indexDirectory}\` (or fit-fusion) writes the training export first`,
    });
  if (isUnseenSplit(split)) await ensureUnseenSplit(exportDirectory, split, { logger });
  logger.info('training the ligand-target model', { split });
  const directory = join(indexDirectory, ligandModelDirectory(split));
  await runTrainerModule(
    { python: options.python ?? '/usr/bin/python3', ...trainerProcess(options) },
    'biobridge_train.ligand_model',
    ['--index', indexDirectory, '--split', split, '--out', directory, ...(options.trainerArguments ?? [])],
  );
  return { directory, durationMs: performance.now() - started };
}

function trainerProcess(options: TrainLigandModelOptions): Omit<TrainerProcessOptions, 'python'> {
  return {
    signal: options.signal,
    env: options.env,
    onTrainerOutput: options.onTrainerOutput,
  };
}
