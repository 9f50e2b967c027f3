/**
 * Builds the bundled demo index `indexes/demo/` from `data/demo/` (run `build-data.ts` first, or
 * `npm run demo:build` for both): ingest with the small encoders of `data/demo/encoders.json`,
 * train the bridge on CPU, project, then drop what serving does not need and swap it in.
 *
 *   npx tsx scripts/demo/build-index.ts [--data data/demo] [--out indexes/demo] [--python /usr/bin/python3]
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encoderConfigSchema } from '../../src/encoders/encoder-config.js';
import { buildIndex } from '../../src/indexing/build-index.js';
import { indexLayout } from '../../src/indexing/manifest.js';
import { trainBridge } from '../../src/indexing/train-bridge.js';
import { compactLanceDatabase } from '../../src/store/lance-maintenance.js';
import { buildDirectoryAtomic } from '../../src/util/atomic.js';
import { createLogger } from '../../src/util/logger.js';

/**
 * Bridge size for the demo: small enough to keep the bundle at a few MB, large enough to learn
 * the demo's 44k triples (about a minute on 2 CPU cores).
 */
export const DEMO_TRAINER_ARGUMENTS = [
  '--hidden-dim',
  '128',
  '--n-layer',
  '2',
  '--n-head',
  '4',
  '--ffn-dim',
  '256',
  '--batch-size',
  '256',
  '--epochs',
  '12',
  '--negatives',
  'both',
  '--valid-fraction',
  '0.05',
];

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'data/demo' },
    out: { type: 'string', default: 'indexes/demo' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const logger = createLogger({ level: 'info' });
const dataDirectory = resolve(values.data);
const outDirectory = resolve(values.out);
const started = performance.now();

const encoders = encoderConfigSchema.parse(
  JSON.parse(await readFile(join(dataDirectory, 'encoders.json'), 'utf8')),
);
await buildDirectoryAtomic(outDirectory, async (staging) => {
  // The manifest records the KG directory as given: keep it relative so the bundle names no local path.
  await buildIndex({
    kgDirectory: values.data,
    outDirectory: staging,
    name: 'demo',
    encoders,
    logger,
    progress: false,
    inPlace: true,
  });
  await trainBridge({
    indexDirectory: staging,
    preset: 'cpu',
    split: 'inductive',
    python: values.python,
    device: 'cpu',
    env: process.env,
    trainerArguments: DEMO_TRAINER_ARGUMENTS,
    logger,
  });
  // Serving needs neither the training export, the runs nor the untrained baseline.
  for (const name of [indexLayout.trainingExport, 'runs', 'bridge-untrained'])
    await rm(join(staging, name), { recursive: true, force: true });
  await compactLanceDatabase(join(staging, indexLayout.lance), { logger });
});
logger.info('demo index built', {
  out: outDirectory,
  seconds: ((performance.now() - started) / 1000).toFixed(1),
});
