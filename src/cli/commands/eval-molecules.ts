import { join } from 'node:path';
import { createRdkitToolkit } from '../../chem/toolkit.js';
import { loadConfig } from '../../config/index.js';
import {
  MOLECULE_ARMS,
  runMoleculeBenchmark,
  selectHeldOutTargets,
  type MoleculeArm,
} from '../../eval/molecule-benchmark.js';
import { moleculeReportMarkdown, writeMoleculeReport } from '../../eval/molecule-report.js';
import { openMoleculeCheckpoint } from '../../eval/molecule-checkpoint.js';
import { readSplit } from '../../eval/training-data.js';
import { AppError } from '../../errors.js';
import { indexLayout } from '../../indexing/manifest.js';
import { scoringWeightsSchema } from '../../molecules/scoring-weights.js';
import { createMoleculeProposer } from '../../molecules/propose.js';
import { benchmarkRequestSchema } from '../../eval/molecule-benchmark.js';
import { openIndexServices } from '../../services.js';
import type { EvalMoleculesOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { parseJsonFlagAs } from '../json-flag.js';
import { publishReport } from './publish-report.js';

export async function run(context: CommandContext<EvalMoleculesOptions>): Promise<number> {
  const [indexDirectory = ''] = context.positionals;
  const { options, logger } = context;
  const config = loadConfig(context.env, {
    BIOBRIDGE_INDEX: indexDirectory,
    BIOBRIDGE_DEVICE: options.device,
  });
  const split = await readSplit(join(indexDirectory, indexLayout.trainingExport), options.split);
  const core = await openIndexServices(indexDirectory, { device: config.device, logger });
  const toolkit = await createRdkitToolkit();
  try {
    if (!core.bridge)
      throw new AppError({
        code: 'UNAVAILABLE',
        message: `${indexDirectory} has no trained bridge; run \`biobridge train ${indexDirectory}\` first`,
      });
    const { targets, candidates, drugs } = await selectHeldOutTargets({
      graph: core.index.graph,
      store: core.index.store,
      split,
      count: options.targets,
      seed: options.seed,
      minTrueDrugs: options['min-drugs'],
      validationTargets: options['validation-targets'],
      role: options.role,
    });
    if (targets.length === 0)
      throw new AppError({
        code: 'UNPROCESSABLE',
        message: `split ${options.split} holds out no protein with a known drug that has a SMILES`,
      });
    logger.info('molecule benchmark', { targets: targets.length, of: candidates, split: split.name });
    // The LLM stays out: the benchmark measures the bridge's guidance of the genetic algorithm.
    const proposer = createMoleculeProposer({
      retriever: core.retriever,
      encoderFor: (type) => core.encoders.get(type),
      bridge: core.bridge,
      toolkit,
      logger,
    });
    const selection = {
      minTrueDrugs: options['min-drugs'],
      validationTargets: options['validation-targets'],
      role: options.role,
    };
    const weights =
      options.weights === undefined
        ? undefined
        : parseJsonFlagAs('--weights', options.weights, scoringWeightsSchema);
    const request =
      options.request === undefined
        ? undefined
        : parseJsonFlagAs('--request', options.request, benchmarkRequestSchema);
    const arms = parseArms(options.arms);
    const checkpoint =
      options.checkpoint === undefined
        ? undefined
        : await openMoleculeCheckpoint(options.checkpoint, {
            index: indexDirectory,
            split: split.name,
            selection,
            targets: targets.map((target) => target.nodeIndex),
            ...pick(options, ['n', 'generations', 'population', 'seed', 'time-budget', 'ablation-targets']),
            weights: weights ?? null,
            request: request ?? null,
            arms: arms ?? null,
          });
    if (checkpoint && checkpoint.done.size > 0)
      logger.info('molecule benchmark resumes', { finished: checkpoint.done.size, of: targets.length });
    const report = await runMoleculeBenchmark({
      proposer,
      toolkit,
      targets,
      drugs,
      arms,
      ablationTargets: options['ablation-targets'],
      checkpoint,
      stopAfterMs: options['stop-after'] > 0 ? options['stop-after'] * 60_000 : undefined,
      selection,
      candidateTargets: candidates,
      n: options.n,
      generations: options.generations,
      population: options.population,
      seed: options.seed,
      timeBudgetMs: options['time-budget'],
      weights,
      request,
      index: indexDirectory,
      split: { name: split.name, kind: split.kind, seed: split.seed },
      bridge: { id: core.index.manifest.bridge?.id, hiddenDim: core.bridge.metadata.hiddenDim },
      signal: context.signal,
      logger,
    });
    return publishReport(context, report, { write: writeMoleculeReport, markdown: moleculeReportMarkdown });
  } finally {
    toolkit.dispose();
    await core.close();
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

function parseArms(text: string | undefined): MoleculeArm[] | undefined {
  if (text === undefined) return undefined;
  const arms = text.split(',').map((arm) => arm.trim());
  const unknown = arms.filter((arm) => !(MOLECULE_ARMS as readonly string[]).includes(arm));
  if (unknown.length > 0)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `--arms: unknown arm ${unknown.join(', ')} (arms: ${MOLECULE_ARMS.join(', ')})`,
    });
  return arms as MoleculeArm[];
}
