import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKgeBaselines } from '../../src/eval/kge-baselines.js';
import { TRAINER_DIRECTORY } from '../../src/indexing/train-bridge.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { rejection } from '../helpers/expect-app-error.js';

const PYTHON = '/usr/bin/python3';
const torchAvailable =
  spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
const TRAINER_TIMEOUT_MS = 180_000;

let root: Awaited<ReturnType<typeof createTemporaryDirectory>>;
beforeAll(async () => {
  root = await createTemporaryDirectory('biobridge-kge-');
});
afterAll(async () => {
  await root?.cleanup();
});

describe('runKgeBaselines (biobridge eval kge)', () => {
  it('names the missing training export', async () => {
    const error = await rejection(
      runKgeBaselines({
        indexDirectory: join(root.path, 'no-index'),
        models: ['transe'],
        reportDirectory: join(root.path, 'reports'),
        device: 'cpu',
        python: PYTHON,
      }),
    );
    expect(error.code).toBe('INVALID_INDEX');
    expect(error.message).toContain('--split transductive');
  });

  it.skipIf(!torchAvailable)(
    'trains a model on the transductive split and reports the retrieval tasks the export has',
    async () => {
      const exportDirectory = join(root.path, 'index', 'export');
      const made = spawnSync(PYTHON, ['-m', 'biobridge_train.synthetic', '--out', exportDirectory], {
        cwd: TRAINER_DIRECTORY,
        env: { ...process.env, PYTHONPATH: TRAINER_DIRECTORY },
        encoding: 'utf8',
      });
      expect(made.status, made.stderr).toBe(0);
      const reportDirectory = join(root.path, 'reports');
      let output = '';
      const { bridgeRun } = await runKgeBaselines({
        indexDirectory: join(root.path, 'index'),
        models: ['distmult'],
        reportDirectory,
        device: 'cpu',
        python: PYTHON,
        kgeArguments: [
          '--dim',
          '16',
          '--epochs',
          '1',
          '--batch-size',
          '64',
          '--negatives',
          '8',
          '--bootstrap',
          '20',
          '--threads',
          '1',
        ],
        env: process.env,
        onTrainerOutput: (chunk) => void (output += chunk),
      });
      expect(bridgeRun).toBeUndefined();
      expect(output).toContain('distmult epoch 1/1');
      const files = (await readdir(reportDirectory)).sort();
      expect(files.filter((name) => name.startsWith('kge-transductive-'))).toHaveLength(2);
      const report = JSON.parse(
        await readFile(
          join(
            reportDirectory,
            files.find((name) => name.endsWith('.json'))!,
          ),
          'utf8',
        ),
      ) as {
        tasks: Record<string, { queries: number; methods: Record<string, { mrr: number }> }>;
        split: { kind: string };
      };
      expect(report.split.kind).toBe('transductive');
      expect(Object.keys(report.tasks).sort()).toEqual([
        'disease->protein',
        'drug->disease',
        'drug->protein',
        'protein->drug',
      ]);
      for (const task of Object.values(report.tasks)) {
        expect(task.queries).toBeGreaterThan(0);
        expect(task.methods.distmult!.mrr).toBeGreaterThan(0);
      }
    },
    TRAINER_TIMEOUT_MS,
  );
});
