import { spawnSync } from 'node:child_process';
import { cp, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeTrainingExport } from '../../src/bridge/training-export.js';
import { fitIndexFusion } from '../../src/eval/fusion-fit.js';
import { runRetrievalBenchmark, type RetrievalTask } from '../../src/eval/retrieval-benchmark.js';
import { indexLayout } from '../../src/indexing/manifest.js';
import { openIndex } from '../../src/indexing/open-index.js';
import { loadLigandModel } from '../../src/retrieval/ligand-model.js';
import { openIndexServices } from '../../src/services.js';
import { createMemoryLogger, type Logger } from '../../src/util/logger.js';
import { useTemporaryDirectory } from '../kg/csv-test-helpers.js';

/**
 * The two ligand-target models of one index, end to end on a copy of the bundled demo index (230
 * drugs with SMILES): `fit-fusion` trains the unseen-drug split's model (whose weight it fits) and
 * the served one on every drug; the benchmark must score the split's model, never the served one.
 */
const PYTHON = '/usr/bin/python3';
const torchAvailable =
  spawnSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const TRAINING_TIMEOUT_MS = 240_000;
const drugToProtein: RetrievalTask = {
  name: 'drug->protein',
  headType: 'drug',
  relation: 'target',
  tailType: 'gene/protein',
};
const STALE_WARNING = 'fusion.json was fitted with another ligand-target model; refit it';
const LEAK_WARNING = 'the ligand-target model was trained on nodes this split holds out; it is left out';

const root = useTemporaryDirectory('biobridge-ligand-fusion-');
let indexDirectory: string;

async function modelId(split?: string): Promise<string> {
  const model = (await loadLigandModel(indexDirectory, split === undefined ? {} : { split }))!;
  await model.dispose();
  expect(model.meta.split).toBe(split ?? 'all');
  return model.id;
}

async function warningsOpeningServices(): Promise<string[]> {
  const logger = createMemoryLogger();
  const services = await openIndexServices(indexDirectory, { device: 'cpu', logger });
  await services.close();
  return logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
}

/** Runs `work` with `<index>/<from>` moved to `<index>/<to>`, then moves it back. */
async function withMoved<T>(from: string, to: string, work: () => Promise<T>): Promise<T> {
  await rename(join(indexDirectory, from), join(indexDirectory, to));
  try {
    return await work();
  } finally {
    await rename(join(indexDirectory, to), join(indexDirectory, from));
  }
}

const benchmark = (logger: Logger) =>
  runRetrievalBenchmark({
    indexDirectory,
    split: 'unseen-drug',
    methods: ['ligand_model'],
    tasks: [drugToProtein],
    logger,
  });

describe.skipIf(!torchAvailable)('fit-fusion with the split and the served ligand-target models', () => {
  beforeAll(async () => {
    indexDirectory = join(root.path, 'index');
    await cp(join(process.cwd(), 'indexes', 'demo'), indexDirectory, { recursive: true });
    const index = await openIndex(indexDirectory);
    try {
      await writeTrainingExport({
        graph: index.graph,
        store: index.store,
        encoderHashes: Object.fromEntries(
          Object.entries(index.manifest.encoders).map(([type, ref]) => [type, ref.configHash]),
        ),
        outDirectory: join(indexDirectory, indexLayout.trainingExport),
        source: { index: indexDirectory, indexDataHash: index.manifest.dataHash },
      });
    } finally {
      await index.close();
    }
    await fitIndexFusion({
      indexDirectory,
      splits: ['unseen-drug'],
      tasks: [drugToProtein],
      ligandModel: { python: PYTHON, onTrainerOutput: () => undefined },
    });
  }, TRAINING_TIMEOUT_MS);

  it("trains both models and records the split model's id and the served model's id in fusion.json", async () => {
    const fusion = JSON.parse(await readFile(join(indexDirectory, 'fusion.json'), 'utf8')) as {
      ligandModelId: string | null;
      servedLigandModelId: string | null;
      tasks: { relation: string; weights: { ligandModel?: number } }[];
    };
    const splitModel = await modelId('unseen-drug');
    const served = await modelId();
    expect(splitModel).not.toBe(served);
    expect(fusion.ligandModelId).toBe(splitModel);
    expect(fusion.servedLigandModelId).toBe(served);
    expect(fusion.tasks.find((task) => task.relation === 'target')?.weights.ligandModel).toBeDefined();
  });

  it('the service loads the served model without the mismatch warning; a stale served model warns', async () => {
    expect(await warningsOpeningServices()).not.toContain(STALE_WARNING);
    // A served model other than the one fit-fusion recorded (here: the split's model in its place).
    await withMoved('ligand-model', 'ligand-model.served', async () => {
      await cp(join(indexDirectory, 'ligand-model-unseen-drug'), join(indexDirectory, 'ligand-model'), {
        recursive: true,
      });
      expect(await warningsOpeningServices()).toContain(STALE_WARNING);
      await rename(join(indexDirectory, 'ligand-model'), join(indexDirectory, 'ligand-model.stale'));
    });
  });

  it('the benchmark scores the split model, not the served one that saw the held-out drugs', async () => {
    const logger = createMemoryLogger();
    const report = await benchmark(logger);
    expect(report.ligandModel).toEqual({ id: await modelId('unseen-drug'), split: 'unseen-drug' });
    expect(report.tasks['drug->protein']?.ligand_model).toBeDefined();
    expect(logger.lines.map((line) => line.message)).not.toContain(LEAK_WARNING);
  });

  it('without the split model it refuses the served model, whose training drugs include held-out ones', async () => {
    const logger = createMemoryLogger();
    const report = await withMoved('ligand-model-unseen-drug', 'ligand-model-elsewhere', () =>
      benchmark(logger),
    );
    expect(report.ligandModel).toBeNull();
    expect(report.tasks['drug->protein']?.ligand_model).toBeUndefined();
    const leak = logger.lines.find((line) => line.message === LEAK_WARNING);
    expect(leak?.fields).toMatchObject({ split: 'unseen-drug', trainedOn: 'all' });
    expect(leak?.fields['heldOutNodesSeen']).toBeGreaterThan(0);
  });
});
