import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareAcrossReports,
  runMoleculeBenchmark,
  selectHeldOutTargets,
  signTest,
  type MoleculeReport,
  type SelectTargetsOptions,
} from '../../src/eval/molecule-benchmark.js';
import {
  moleculeReportMarkdown,
  moleculeReportSvg,
  writeMoleculeReport,
} from '../../src/eval/molecule-report.js';
import { openMoleculeCheckpoint } from '../../src/eval/molecule-checkpoint.js';
import { bootstrapMeanCi, wilcoxonSignedRank } from '../../src/eval/paired-statistics.js';
import { createTemporaryDirectory } from '../kg/csv-test-helpers.js';
import { buildMoleculeWorld, type MoleculeWorld } from './molecule-world.js';

let world: MoleculeWorld;
beforeAll(async () => {
  // The oracle bridge maps each protein onto the molecule vector of one of its drugs, which the
  // benchmark hides: guidance has a real signal to follow, the random control has none.
  world = await buildMoleculeWorld('oracle');
});
afterAll(() => world?.toolkit.dispose());

/** Targets and drugs of a split holding out these nodes (other selection options as given). */
const heldOut = (nodes: readonly number[], options: Partial<SelectTargetsOptions> = {}) =>
  selectHeldOutTargets({
    graph: world.graph,
    store: world.store,
    split: { heldOutNodes: new Set(nodes) },
    ...options,
  });

describe('selectHeldOutTargets', () => {
  it('keeps held-out proteins with a sequence and a known drug that has a SMILES', async () => {
    const { targets, candidates } = await selectHeldOutTargets({
      graph: world.graph,
      store: world.store,
      // TP53 (16) has no sequence; 21 is a drug, not a protein.
      split: { heldOutNodes: new Set([10, 14, 16, 21]) },
    });
    expect(candidates).toBe(2);
    expect(
      targets.map((target) => [
        target.name,
        target.trueDrugs.map((drug) => drug.name),
        target.excludedDrugIds,
      ]),
    ).toEqual([
      ['ABL1', ['Imatinib', 'Nilotinib', 'Dasatinib'], ['DB00619', 'DB04868', 'DB01254']],
      ['PTGS2', ['Aspirin', 'Celecoxib', 'Ibuprofen'], ['DB00945', 'DB00482', 'DB01050']],
    ]);
    const sampled = await heldOut([10, 11, 14, 17], { count: 2, seed: 7 });
    expect(sampled.candidates).toBe(4);
    expect(sampled.targets).toHaveLength(2);
    const again = await heldOut([10, 11, 14, 17], { count: 2, seed: 7 });
    expect(again.targets).toEqual(sampled.targets);
  });
});

describe('selectHeldOutTargets: validation and test targets', () => {
  it('draws test targets only from outside the seeded validation set, and filters by drug count', async () => {
    const split = { heldOutNodes: new Set([10, 11, 14, 17]) };
    const select = (role: 'test' | 'validation', extra: { minTrueDrugs?: number } = {}) =>
      selectHeldOutTargets({
        graph: world.graph,
        store: world.store,
        split,
        seed: 3,
        validationTargets: 1,
        role,
        ...extra,
      });
    const validation = (await select('validation')).targets.map((target) => target.nodeIndex);
    const test = (await select('test')).targets.map((target) => target.nodeIndex);
    expect(validation).toHaveLength(1);
    expect(test).toHaveLength(3);
    expect(test).not.toContain(validation[0]);
    expect([...validation, ...test].sort((a, b) => a - b)).toEqual([10, 11, 14, 17]);
    // The drug-count rule applies before the partition: both sets are drawn from the eligible ones.
    const all = await selectHeldOutTargets({ graph: world.graph, store: world.store, split });
    const eligible = all.targets.filter((target) => target.trueDrugs.length >= 3).map((t) => t.nodeIndex);
    const many = (await select('test', { minTrueDrugs: 3 })).targets;
    const fewValidation = (await select('validation', { minTrueDrugs: 3 })).targets;
    expect(fewValidation).toHaveLength(1);
    expect([...fewValidation, ...many].map((target) => target.nodeIndex).sort((a, b) => a - b)).toEqual(
      eligible,
    );
    expect(eligible.length).toBeLessThan(all.targets.length);
    expect(many.every((target) => target.trueDrugs.length >= 3)).toBe(true);
  });
});

describe('runMoleculeBenchmark with an oracle bridge', () => {
  let report: MoleculeReport;
  beforeAll(async () => {
    const { targets, drugs } = await heldOut([10, 11, 14, 17]);
    report = await runMoleculeBenchmark({
      proposer: world.proposer(),
      toolkit: world.toolkit,
      targets,
      drugs,
      arms: ['guided', 'control', 'seeds', 'random-drugs'],
      n: 5,
      generations: 4,
      population: 12,
      seed: 1,
      index: 'molecule-world',
      split: { name: 'hand-made', kind: 'inductive', seed: 0 },
    });
  }, 240_000);

  it('hides every known binder from the runs and measures all three arms per target', () => {
    expect(report.details.map((detail) => detail.target.name)).toEqual(['ABL1', 'KIT', 'PTGS2', 'EGFR']);
    for (const detail of report.details) {
      expect(detail.knownBinderSeeds).toBe(0);
      expect(Object.keys(detail.arms).sort()).toEqual(['control', 'guided', 'random-drugs', 'seeds']);
      expect(detail.arms['random-drugs']!.molecules).toBe(5);
      expect(detail.arms.seeds!.molecules).toBe(5);
      expect(detail.arms.guided!.molecules).toBe(5);
      for (const metrics of Object.values(detail.arms)) {
        expect(metrics.validity).toBeGreaterThan(0.5);
        expect(metrics.validity).toBeLessThanOrEqual(1);
        expect(metrics.bestTanimotoToTrue).toBeGreaterThanOrEqual(metrics.meanTanimotoToTrue);
        // Hidden drugs are not compared against, so nothing is an exact copy of one.
        expect(metrics.bestTanimotoToTrue).toBeLessThan(1);
      }
      expect(detail.arms.seeds!.novelty).toBe(0);
      expect(detail.arms.guided!.novelty).toBeGreaterThan(0);
    }
    expect(report.config).toMatchObject({
      targets: 4,
      n: 5,
      seedCount: 5,
      generations: 4,
      population: 12,
      seed: 1,
    });
  });

  it('finds that guidance by an informative bridge gets closer to the hidden drugs than the control', () => {
    const guided = report.summary.guided!;
    const control = report.summary.control!;
    expect(guided.bestTanimotoToTrue).toBeGreaterThan(control.bestTanimotoToTrue);
    const comparison = report.comparisons.find(
      (each) => each.arm === 'guided' && each.baseline === 'control',
    )!;
    expect(comparison.wins).toBeGreaterThan(comparison.losses);
    expect(comparison.wins + comparison.losses + comparison.ties).toBe(4);
    // Four targets cannot reach significance, and the verdict says so.
    expect(comparison.signTestP).toBeGreaterThanOrEqual(0.125);
    expect(comparison.pValue).toBeGreaterThan(0.05);
    expect(comparison.ci[0]).toBeLessThanOrEqual(comparison.meanDifference);
    expect(comparison.ci[1]).toBeGreaterThanOrEqual(comparison.meanDifference);
    expect(report.verdict).toMatch(
      /^no significant difference between bridge guidance and the unguided control/,
    );
  });

  it('pairs arms across two reports by target, as within one report', () => {
    const within = report.comparisons.find((each) => each.arm === 'guided' && each.baseline === 'control')!;
    // The report's comparisons use its seed (1) for the bootstrap.
    expect(compareAcrossReports(report, 'guided', report, 'control', 1)).toEqual(within);
    // Targets only one report measured are left out.
    const firstTwo = { details: report.details.slice(0, 2) };
    expect(compareAcrossReports(firstTwo, 'guided', report, 'seeds')).toMatchObject({
      arm: 'guided',
      baseline: 'seeds',
    });
    const { wins, losses, ties } = compareAcrossReports(firstTwo, 'guided', report, 'seeds');
    expect(wins + losses + ties).toBe(2);
  });

  it('writes JSON and Markdown reports with the summary, comparisons and per-target rows', async () => {
    const markdown = moleculeReportMarkdown(report);
    expect(markdown).toContain('# Target-guided molecule design benchmark');
    expect(markdown).toMatch(/\| guided \| 4 \| [\d.]+ \|/);
    expect(markdown).toMatch(/\| control \| 4 \|/);
    expect(markdown).toMatch(/\| seeds \| 4 \| 1\.000 \| 1\.000 \| 0\.000 \|/);
    expect(markdown).toContain('| guided | control |');
    expect(markdown).toContain(`**Verdict:** ${report.verdict}.`);
    expect(markdown).toMatch(/\| ABL1 \| 25 \| 3 \|/);
    const svg = moleculeReportSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle /g)).toHaveLength(4 * 4);
    const directory = await createTemporaryDirectory('biobridge-molecule-report-');
    try {
      const paths = await writeMoleculeReport(report, directory.path);
      expect(paths.json).toMatch(/molecules-hand-made-.*\.json$/);
      expect(JSON.parse(await readFile(paths.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
      expect(await readFile(paths.markdown, 'utf8')).toBe(
        moleculeReportMarkdown(report, paths.svg.split('/').at(-1)),
      );
      expect(await readFile(paths.svg, 'utf8')).toBe(svg);
      const novelty = await readFile(paths.noveltySvg, 'utf8');
      expect(novelty).toBe(moleculeReportSvg(report, 'novelty'));
      expect(novelty).toContain('Novelty (1 − max Tc to visible KG drugs)');
      expect(novelty.match(/<circle /g)).toHaveLength(4 * 4);
    } finally {
      await directory.cleanup();
    }
  });
});

describe('runMoleculeBenchmark: ablation subset and resuming', () => {
  it('runs ablations on a seeded subset and resumes finished targets from the checkpoint', async () => {
    const { targets, drugs } = await heldOut([10, 11, 14, 17]);
    const directory = await createTemporaryDirectory('biobridge-molecule-checkpoint-');
    try {
      const path = join(directory.path, 'progress.jsonl');
      const settings = { arms: ['guided', 'no-qed', 'seeds'] };
      const options = {
        toolkit: world.toolkit,
        targets,
        drugs,
        arms: ['guided', 'no-qed', 'seeds'] as const,
        ablationTargets: 2,
        n: 3,
        generations: 1,
        population: 8,
        seed: 2,
      };
      const first = await runMoleculeBenchmark({
        ...options,
        proposer: world.proposer(),
        checkpoint: await openMoleculeCheckpoint(path, settings),
      });
      expect(first.details.filter((detail) => detail.arms['no-qed']).length).toBe(2);
      expect(first.details.every((detail) => detail.arms.guided && detail.arms.seeds)).toBe(true);
      expect(first.config.ablationTargets).toBe(2);
      expect(first.summary['no-qed']!.targets).toBe(2);
      // Every target is in the checkpoint: a rerun proposes nothing and reports the same results.
      const resumed = await runMoleculeBenchmark({
        ...options,
        proposer: { propose: () => Promise.reject(new Error('should have resumed')) },
        checkpoint: await openMoleculeCheckpoint(path, settings),
      });
      expect(resumed.details).toEqual(first.details);
      // Other settings do not resume from it.
      expect((await openMoleculeCheckpoint(path, { ...settings, n: 4 })).done.size).toBe(0);
    } finally {
      await directory.cleanup();
    }
  }, 240_000);
});

describe('runMoleculeBenchmark: novelty-capped arms', () => {
  it('returns only molecules with Tanimoto ≤ 0.4 to every visible KG drug, on the subset, with their comparison', async () => {
    const { targets, drugs } = await heldOut([10, 11, 14, 17]);
    const report = await runMoleculeBenchmark({
      proposer: world.proposer(),
      toolkit: world.toolkit,
      targets,
      drugs,
      arms: ['guided', 'guided-novel', 'control-novel'],
      ablationTargets: 2,
      n: 3,
      generations: 3,
      population: 8,
      seed: 3,
    });
    expect(report.details.filter((detail) => detail.arms['guided-novel']).length).toBe(2);
    expect(report.details.filter((detail) => detail.arms['control-novel']).length).toBe(2);
    expect(report.details.every((detail) => detail.arms.guided)).toBe(true);
    expect(report.details.some((detail) => (detail.arms['guided-novel']?.molecules ?? 0) > 0)).toBe(true);
    for (const detail of report.details)
      for (const arm of ['guided-novel', 'control-novel'] as const) {
        const metrics = detail.arms[arm];
        // Novelty is 1 − max Tanimoto to the visible KG drugs: at least 0.6 for every molecule.
        if (metrics && metrics.molecules > 0) expect(metrics.novelty).toBeGreaterThanOrEqual(0.6 - 1e-9);
      }
    expect(
      report.comparisons.some((each) => each.arm === 'guided-novel' && each.baseline === 'control-novel'),
    ).toBe(true);
  }, 240_000);
});

describe('signTest', () => {
  it('is the two-sided exact binomial test', () => {
    expect(signTest(0, 0)).toBe(1);
    expect(signTest(4, 0)).toBeCloseTo(0.125, 12);
    expect(signTest(9, 1)).toBeCloseTo((2 * 11) / 1024, 12);
    expect(signTest(10, 10)).toBe(1);
  });
});

describe('paired statistics', () => {
  it('Wilcoxon signed-rank matches the textbook normal approximation', () => {
    // 10 positive differences of distinct size: W+ = 55, mean 27.5, variance 96.25.
    const allPositive = wilcoxonSignedRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(allPositive.statistic).toBe(55);
    const z = (55 - 27.5 - 0.5) / Math.sqrt(96.25);
    expect(allPositive.pValue).toBeGreaterThan(0.004);
    expect(allPositive.pValue).toBeLessThan(0.007);
    expect(z).toBeCloseTo(2.752, 3);
    // Symmetric differences give no evidence; zeros are dropped; ties share their rank.
    expect(wilcoxonSignedRank([1, -1, 2, -2, 0, 0]).pValue).toBeCloseTo(1, 6);
    expect(wilcoxonSignedRank([0, 0]).n).toBe(0);
    expect(wilcoxonSignedRank([1, 1, 1, -1]).statistic).toBe(7.5);
  });

  it('bootstrap CIs bracket the mean and shrink with n', () => {
    const values = Array.from({ length: 200 }, (_, index) => (index % 10) / 10);
    const [low, high] = bootstrapMeanCi(values, 1000, 3);
    expect(low).toBeLessThan(0.45);
    expect(high).toBeGreaterThan(0.45);
    const [smallLow, smallHigh] = bootstrapMeanCi(values.slice(0, 20), 1000, 3);
    expect(smallHigh - smallLow).toBeGreaterThan(high - low);
    expect(bootstrapMeanCi(values, 1000, 3)).toEqual([low, high]);
  });
});
