import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Device } from '../runtime/onnx-session.js';
import { readManifest } from '../indexing/manifest.js';
import { openIndex } from '../indexing/open-index.js';
import { buildLigandFingerprints, hasLigandFingerprints } from '../retrieval/ligand-fingerprints.js';
import { ALL_DRUGS_SPLIT, hasLigandModel, loadLigandModel } from '../retrieval/ligand-model.js';
import {
  DEFAULT_LIGAND_MODEL_SPLIT,
  trainLigandModel,
  type TrainLigandModelOptions,
} from './ligand-model-training.js';
import { writeFusionModel, type FusionModel } from '../retrieval/fusion.js';
import type { Logger } from '../util/logger.js';
import {
  runRetrievalBenchmark,
  type RetrievalMethod,
  type RetrievalReport,
  type RetrievalTask,
} from './retrieval-benchmark.js';

export interface FitIndexFusionOptions {
  indexDirectory: string;
  /**
   * Splits whose validation heads fit the weights (never their reported test heads); a task fitted
   * on several keeps the last split's weights (e.g. `inductive,unseen-drug`: drug tasks from the
   * unseen-drug split, which is what a new molecule is).
   */
  splits: readonly string[];
  neighbours?: number | undefined;
  tasks?: readonly RetrievalTask[] | undefined;
  /** Methods reported beside `fused` on the test heads (the weights never see them). */
  compare?: readonly RetrievalMethod[] | undefined;
  device?: Device | undefined;
  /**
   * Train the ligand-target models the index lacks (default true; `false` fits the fusion without
   * them, or with those already there): first the one of the unseen-drug split, whose weight is
   * fitted on that split's validation drugs, then the served one on every KG drug (same recipe).
   * Options are passed to the trainer.
   */
  ligandModel?: boolean | Omit<TrainLigandModelOptions, 'indexDirectory' | 'logger'> | undefined;
  logger?: Logger | undefined;
}

/** Ligand fingerprints of the index's drugs, the molecule features of the `ligand` component. */
async function buildIndexLigands(options: FitIndexFusionOptions): Promise<void> {
  const index = await openIndex(options.indexDirectory, options.logger ? { logger: options.logger } : {});
  try {
    const built = await buildLigandFingerprints(options.indexDirectory, index.store, {
      logger: options.logger,
    });
    options.logger?.info('ligand fingerprints written', built);
  } finally {
    await index.close();
  }
}

/**
 * Fits the fused ranking for every benchmark task on the split's validation heads and writes
 * `<index>/fusion.json` atomically (building `<index>/ligands/` first when missing); `/v1/retrieve` uses it from the next start. The benchmark's
 * test heads are scored too (the report is returned), but they never choose the weights.
 */
export async function fitIndexFusion(
  options: FitIndexFusionOptions,
): Promise<{ path: string; model: FusionModel; reports: RetrievalReport[] }> {
  const reports: RetrievalReport[] = [];
  // Bridge comparisons are reported only where the index has that bridge.
  const compare = (options.compare ?? []).filter((method) => {
    const directory =
      method === 'bridge' ? 'bridge' : method === 'untrained' ? 'bridge-untrained' : undefined;
    if (directory === undefined || existsSync(join(options.indexDirectory, directory, 'bridge.json')))
      return method !== 'fused';
    options.logger?.warn('no such bridge in the index; method left out of the reports', { method });
    return false;
  });
  if (!hasLigandFingerprints(options.indexDirectory)) await buildIndexLigands(options);
  await ensureLigandModel(options, DEFAULT_LIGAND_MODEL_SPLIT);
  let ligandModelId: string | null = null;
  const tasks = new Map<string, FusionModel['tasks'][number]>();
  let neighbours = options.neighbours ?? 20;
  for (const split of options.splits) {
    const report = await runRetrievalBenchmark({
      indexDirectory: options.indexDirectory,
      split,
      methods: ['fused', ...compare],
      neighbours: options.neighbours,
      tasks: options.tasks,
      device: options.device,
      logger: options.logger,
    });
    reports.push(report);
    neighbours = report.config.neighbours;
    ligandModelId = report.ligandModel?.id ?? ligandModelId;
    for (const detail of report.details) {
      const { weights, fit } = detail.validation;
      if (!weights || !fit || fit.fused.queries === 0) continue;
      tasks.set(detail.task.name, {
        headType: detail.task.headType,
        relation: detail.task.relation,
        tailType: detail.task.tailType,
        weights,
        validation: fit,
      });
    }
  }
  await ensureLigandModel(options, ALL_DRUGS_SPLIT);
  const manifest = await readManifest(options.indexDirectory);
  const model: FusionModel = {
    format: 'biobridge-fusion',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    split: options.splits.join(','),
    bridgeId: manifest.bridge?.id ?? null,
    ligandModelId,
    servedLigandModelId: ligandModelId === null ? null : await servedLigandModelId(options),
    neighbours,
    tasks: [...tasks.values()],
  };
  return { path: await writeFusionModel(options.indexDirectory, model), model, reports };
}

/**
 * Trains the model of `split` when the index lacks it (the served one also when `ligand-model/`
 * holds a model of a split, as indexes fitted before 2026-12-08 do).
 */
async function ensureLigandModel(options: FitIndexFusionOptions, split: string): Promise<void> {
  if (options.ligandModel === false) return;
  if (hasLigandModel(options.indexDirectory, split)) {
    if (split !== ALL_DRUGS_SPLIT) return;
    const served = await loadLigandModel(options.indexDirectory);
    await served?.dispose();
    if (served?.meta.split === ALL_DRUGS_SPLIT) return;
  }
  await trainLigandModel({
    ...(typeof options.ligandModel === 'object' ? options.ligandModel : {}),
    indexDirectory: options.indexDirectory,
    split,
    logger: options.logger,
  });
}

/** Id of the served model (`ligand-model/`), which the service checks fusion.json against. */
async function servedLigandModelId(options: FitIndexFusionOptions): Promise<string | null> {
  const served = await loadLigandModel(options.indexDirectory, { logger: options.logger });
  await served?.dispose();
  return served?.id ?? null;
}
