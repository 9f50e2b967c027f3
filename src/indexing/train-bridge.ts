import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import { writeTrainingExport, type TrainingExportSummary } from '../bridge/training-export.js';
import type { Device } from '../runtime/onnx-session.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { openIndex } from './open-index.js';
import { projectIndex, type ProjectIndexResult } from './project-index.js';
import { indexLayout } from './manifest.js';

/** The Python trainer package, found from this module in both `src/` and `dist/`. */
export const TRAINER_DIRECTORY = fileURLToPath(new URL('../../train', import.meta.url));

export interface TrainBridgeOptions {
  indexDirectory: string;
  preset: string;
  split: 'inductive' | 'inductive-leakfree' | 'transductive';
  python: string;
  device?: 'auto' | Device | undefined;
  /** Extra trainer flags, e.g. `['--epochs', '2']`. */
  trainerArguments?: readonly string[] | undefined;
  excludeRelations?: readonly string[] | undefined;
  /** Reuse `<index>/export` when it matches the index (default: re-export). */
  reuseExport?: boolean | undefined;
  resume?: boolean | undefined;
  logger?: Logger | undefined;
  signal?: AbortSignal | undefined;
  /** Environment for the trainer process (the CLI passes its own); PYTHONPATH is added. */
  env?: Record<string, string | undefined> | undefined;
  /** Where the trainer's progress lines go (default: this process's stderr). */
  onTrainerOutput?: ((chunk: string) => void) | undefined;
}

export interface TrainBridgeResult {
  export: TrainingExportSummary;
  runDirectory: string;
  untrainedDirectory: string;
  projection: ProjectIndexResult;
  durationMs: { export: number; train: number; project: number; total: number };
}

/**
 * `biobridge train`: export raw vectors and triples → run the PyTorch trainer (which writes
 * `<index>/bridge/` atomically) → project every node table with the new bridge. Also exports the
 * same architecture untrained to `<index>/bridge-untrained/`, the benchmark's baseline.
 */
export async function trainBridge(options: TrainBridgeOptions): Promise<TrainBridgeResult> {
  const logger = options.logger ?? noopLogger;
  const started = performance.now();
  const indexDirectory = resolve(options.indexDirectory);
  const exportDirectory = join(indexDirectory, indexLayout.trainingExport);
  const index = await openIndex(indexDirectory, { logger });
  let exported: TrainingExportSummary;
  try {
    exported = await writeTrainingExport({
      graph: index.graph,
      store: index.store,
      encoderHashes: Object.fromEntries(
        Object.entries(index.manifest.encoders).map(([type, ref]) => [type, ref.configHash]),
      ),
      outDirectory: exportDirectory,
      source: { index: indexDirectory, indexDataHash: index.manifest.dataHash },
      excludeRelations: options.excludeRelations,
      logger,
    });
  } finally {
    await index.close();
  }
  const exportDone = performance.now();

  const runName = `${options.split}-${options.preset}`;
  const runDirectory = join(indexDirectory, 'runs', runName);
  const untrainedRun = join(indexDirectory, 'runs', `${runName}-untrained`);
  const untrainedDirectory = join(indexDirectory, 'bridge-untrained');
  // A new `train` starts over (the export may have changed); only --resume continues a run.
  if (!options.resume && existsSync(runDirectory)) {
    logger.info('replacing the previous run', { run: runDirectory });
    await rm(runDirectory, { recursive: true, force: true });
  }
  await rm(untrainedRun, { recursive: true, force: true });
  const common = ['--data', exportDirectory, '--split', options.split, '--preset', options.preset];
  if (options.device) common.push('--device', options.device);
  logger.info('training the bridge', { preset: options.preset, split: options.split, run: runDirectory });
  await runTrainer(options, [
    ...common,
    '--out',
    runDirectory,
    '--export-to',
    indexDirectory,
    ...(options.resume ? ['--resume'] : []),
    ...(options.trainerArguments ?? []),
  ]);
  logger.info('exporting the untrained baseline', { directory: untrainedDirectory });
  await runTrainer(options, [
    ...common,
    '--out',
    untrainedRun,
    '--max-steps',
    '0',
    '--export-bridge-dir',
    untrainedDirectory,
    ...(options.trainerArguments ?? []).filter((argument) => argument !== '--resume'),
  ]);
  const trainDone = performance.now();

  const projection = await projectIndex(indexDirectory, {
    logger,
    device: options.device === 'auto' ? undefined : options.device,
  });
  const finished = performance.now();
  return {
    export: exported,
    runDirectory,
    untrainedDirectory,
    projection,
    durationMs: {
      export: exportDone - started,
      train: trainDone - exportDone,
      project: finished - trainDone,
      total: finished - started,
    },
  };
}

function runTrainer(options: TrainBridgeOptions, args: readonly string[]): Promise<void> {
  return runTrainerModule(options, 'biobridge_train.train', args);
}

/** What running a module of the Python trainer package needs (a subset of the train options). */
export type TrainerProcessOptions = Pick<TrainBridgeOptions, 'python' | 'signal' | 'env' | 'onTrainerOutput'>;

/** Runs `python -m <module> ...args` from the trainer package, relaying its output; rejects with its last lines. */
export function runTrainerModule(
  options: TrainerProcessOptions,
  module: string,
  args: readonly string[],
): Promise<void> {
  if (!existsSync(join(TRAINER_DIRECTORY, 'biobridge_train')))
    throw new AppError({
      code: 'INVALID_CONFIG',
      message: `the Python trainer is missing at ${TRAINER_DIRECTORY}`,
    });
  const write = options.onTrainerOutput ?? ((chunk: string) => process.stderr.write(chunk));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.python, ['-m', module, ...args], {
      cwd: TRAINER_DIRECTORY,
      env: { ...options.env, PYTHONPATH: TRAINER_DIRECTORY, PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let tail = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4000);
      write(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) =>
      reject(
        new AppError({
          code: 'INVALID_CONFIG',
          message: `cannot run the trainer with ${options.python} (install Debian's python3-torch, or pass --python)`,
          cause: error,
        }),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new AppError({
            code: 'INTERNAL',
            message: `${module} exited with ${signal ?? `code ${code}`}; last output:\n${tail.trim().split('\n').slice(-8).join('\n')}`,
          }),
        );
    });
  });
}
