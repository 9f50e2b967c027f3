import { join } from 'node:path';
import { createFingerprintLibrary } from '../chem/fingerprint.js';
import type { ChemToolkit } from '../chem/toolkit.js';
import type { KgGraph } from '../kg/graph.js';
import { createRandom } from '../molecules/ga/random.js';
import {
  scoringWeightsSchema,
  type ScoringWeights,
  type ScoringWeightsInput,
} from '../molecules/scoring-weights.js';
import type { MoleculeProposer } from '../molecules/propose.js';
import type { ProposalResponse } from '../molecules/proposal-schema.js';
import { DRUG_TYPE, knownBindersOf, PROTEIN_TYPE } from '../molecules/target.js';
import type { VectorStore } from '../store/vector-store.js';
import { writeFileAtomic } from '../util/atomic.js';
import { noopLogger, type Logger } from '../util/logger.js';
import type { SplitData } from './training-data.js';

/**
 * Target-guided molecule design on held-out proteins: can the generator, seeded only with drugs
 * that are NOT known binders of the target, get close to the target's real drugs?
 *
 * For each held-out protein (inductive split) with at least one `target` drug that has a SMILES,
 * every known binder of that protein is hidden from the run (not a seed, not compared against),
 * and three arms are measured on their top-N molecules:
 * - `guided`: the genetic algorithm maximising the combined score (bridge cosine first);
 * - `control`: the same algorithm, seeds and filters with a seeded random fitness and ranking;
 * - `seeds`: the N drugs the bridge retrieves as seeds, as they are.
 * The headline metric is the best Morgan Tanimoto of the top N to any hidden true drug.
 */

export const MOLECULE_ARMS = ['guided', 'control', 'seeds'] as const;
export type MoleculeArm = (typeof MOLECULE_ARMS)[number];

export interface BenchmarkDrug {
  nodeIndex: number;
  id: string;
  name: string;
  smiles: string;
}

export interface MoleculeBenchmarkTarget {
  nodeIndex: number;
  id: string;
  name: string;
  /** Known binders with a SMILES: hidden from the run, compared against afterwards. */
  trueDrugs: BenchmarkDrug[];
  /** Every known binder (with or without SMILES), all excluded from the run. */
  excludedDrugIds: string[];
}

export interface Distribution {
  mean: number;
  median: number;
  p10: number;
  p90: number;
  max: number;
}

export interface ArmMetrics {
  /** Molecules measured (top N; for `seeds`, the retrieved seeds). */
  molecules: number;
  /** valid / generated (1 for seeds). */
  validity: number;
  /** distinct new valid / valid (1 for seeds). */
  uniqueness: number;
  /** Mean over the molecules of 1 − max Tanimoto to the KG drugs the run could see (0 for seeds). */
  novelty: number;
  meanQed: number;
  /** Share of molecules with at least one structural alert. */
  alertRate: number;
  bridge: Distribution;
  /** Highest Tanimoto of any molecule to any hidden true drug. */
  bestTanimotoToTrue: number;
  /** Mean over molecules of their highest Tanimoto to a hidden true drug. */
  meanTanimotoToTrue: number;
  timeMs: number;
}

export interface TargetResult {
  target: { nodeIndex: number; id: string; name: string; trueDrugs: number; excludedDrugs: number };
  arms: Partial<Record<MoleculeArm, ArmMetrics>>;
  /** Seeds retrieved that are known binders (0 unless exclusion failed). */
  knownBinderSeeds: number;
}

export interface ArmSummary {
  targets: number;
  validity: number;
  uniqueness: number;
  novelty: number;
  meanQed: number;
  alertRate: number;
  bridgeMean: number;
  bestTanimotoToTrue: number;
  meanTanimotoToTrue: number;
  /** Share of targets whose best Tanimoto to a true drug reaches 0.4 / 0.6. */
  'hit@0.4': number;
  'hit@0.6': number;
  timeMs: number;
}

export interface PairedComparison {
  arm: MoleculeArm;
  baseline: MoleculeArm;
  metric: 'bestTanimotoToTrue';
  wins: number;
  losses: number;
  ties: number;
  meanDifference: number;
  /** Two-sided exact sign test over targets that differ. */
  pValue: number;
}

export interface MoleculeReport {
  benchmark: 'molecules';
  createdAt: string;
  index: string;
  split: { name: string; kind: string; seed: number };
  config: {
    targets: number;
    candidateTargets: number;
    n: number;
    seedCount: number;
    generations: number;
    population: number;
    seed: number;
    timeBudgetMs: number;
    /** Score weights of the runs (the guided arm's fitness and ranking). */
    weights: ScoringWeights;
  };
  bridge: { id: string | undefined; hiddenDim: number } | null;
  summary: Partial<Record<MoleculeArm, ArmSummary>>;
  comparisons: PairedComparison[];
  /** One sentence on whether guidance beat the control, from the paired comparison. */
  verdict: string;
  details: TargetResult[];
  durationMs: number;
}

export interface SelectTargetsOptions {
  graph: KgGraph;
  store: VectorStore;
  split: Pick<SplitData, 'heldOutNodes'>;
  /** How many targets to sample; all when undefined. */
  count?: number;
  seed?: number;
}

/**
 * Held-out proteins of the split that have an encoded sequence and at least one `target` drug
 * with a SMILES, sampled reproducibly from `seed` (sorted by node index when all are taken).
 */
export async function selectHeldOutTargets(
  options: SelectTargetsOptions,
): Promise<{ targets: MoleculeBenchmarkTarget[]; candidates: number }> {
  const { graph, store } = options;
  const types = await store.listTypes();
  if (!types.includes(PROTEIN_TYPE) || !types.includes(DRUG_TYPE)) return { targets: [], candidates: 0 };
  const proteinVectors = new Set((await store.readVectors(PROTEIN_TYPE, 'vector')).nodeIndices);
  const drugIndices = Array.from((await store.readVectors(DRUG_TYPE, 'vector')).nodeIndices);
  const drugs = new Map<number, BenchmarkDrug>();
  for (const row of await store.getRows(DRUG_TYPE, drugIndices))
    if (row.payload !== null && row.payloadKind === 'smiles')
      drugs.set(row.nodeIndex, {
        nodeIndex: row.nodeIndex,
        id: row.nodeId,
        name: row.name,
        smiles: row.payload,
      });

  const candidates: MoleculeBenchmarkTarget[] = [];
  for (const nodeIndex of [...options.split.heldOutNodes].sort((left, right) => left - right)) {
    if (graph.typeOf(nodeIndex) !== PROTEIN_TYPE || !proteinVectors.has(nodeIndex)) continue;
    const binders = [...knownBindersOf(graph, nodeIndex)].sort((left, right) => left - right);
    const trueDrugs = binders.flatMap((drug) => {
      const known = drugs.get(drug);
      return known ? [known] : [];
    });
    if (trueDrugs.length === 0) continue;
    const node = graph.node(nodeIndex)!;
    candidates.push({
      nodeIndex,
      id: node.id,
      name: node.name,
      trueDrugs,
      excludedDrugIds: binders.map((drug) => graph.node(drug)?.id ?? String(drug)),
    });
  }
  if (options.count === undefined || options.count >= candidates.length)
    return { targets: candidates, candidates: candidates.length };
  const random = createRandom(options.seed ?? 0);
  const shuffled = [...candidates];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = random.int(index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
  }
  return {
    targets: shuffled.slice(0, options.count).sort((left, right) => left.nodeIndex - right.nodeIndex),
    candidates: candidates.length,
  };
}

export interface MoleculeBenchmarkOptions {
  proposer: MoleculeProposer;
  toolkit: ChemToolkit;
  targets: readonly MoleculeBenchmarkTarget[];
  /** Molecules measured per arm (top N); also the number of seeds, so that `seeds` is the same size. */
  n?: number;
  generations?: number;
  population?: number;
  seed?: number;
  timeBudgetMs?: number;
  /** Score weights for the runs (the guided arm's fitness and ranking); defaults otherwise. */
  weights?: ScoringWeightsInput;
  arms?: readonly MoleculeArm[];
  /** Written into the report. */
  index?: string;
  split?: { name: string; kind: string; seed: number };
  candidateTargets?: number;
  bridge?: { id: string | undefined; hiddenDim: number } | null;
  signal?: AbortSignal;
  logger?: Logger;
  now?: () => number;
}

export async function runMoleculeBenchmark(options: MoleculeBenchmarkOptions): Promise<MoleculeReport> {
  const logger = options.logger ?? noopLogger;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const n = options.n ?? 10;
  const generations = options.generations ?? 8;
  const population = options.population ?? 40;
  const seed = options.seed ?? 0;
  const timeBudgetMs = options.timeBudgetMs ?? 120_000;
  const arms = [...(options.arms ?? MOLECULE_ARMS)];
  const weights = scoringWeightsSchema.parse(options.weights ?? {});
  const { toolkit } = options;

  const details: TargetResult[] = [];
  for (const [position, target] of options.targets.entries()) {
    options.signal?.throwIfAborted();
    const trueLibrary = createFingerprintLibrary(
      target.trueDrugs.flatMap((drug) => {
        const fingerprint = toolkit.fingerprint(drug.smiles);
        return fingerprint.ok ? [fingerprint.value] : [];
      }),
    );
    const similarityToTrue = (smiles: string): number => {
      const fingerprint = toolkit.fingerprint(smiles);
      return fingerprint.ok && trueLibrary.size > 0 ? trueLibrary.nearest(fingerprint.value).similarity : 0;
    };
    const request = {
      target: { entity: { type: PROTEIN_TYPE, id: target.id } },
      n,
      seed,
      seedCount: n,
      generations,
      population,
      useLlm: false,
      excludeDrugs: target.excludedDrugIds,
      timeBudgetMs,
      weights,
    };
    const result: TargetResult = {
      target: {
        nodeIndex: target.nodeIndex,
        id: target.id,
        name: target.name,
        trueDrugs: target.trueDrugs.length,
        excludedDrugs: target.excludedDrugIds.length,
      },
      arms: {},
      knownBinderSeeds: 0,
    };
    let seedsResponse: ProposalResponse | undefined;
    for (const arm of arms.filter((each) => each !== 'seeds')) {
      const armStarted = now();
      const response = await options.proposer.propose(request, {
        guidance: arm === 'guided' ? 'bridge' : 'random',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      seedsResponse ??= response;
      result.arms[arm] = candidateMetrics(response, similarityToTrue, now() - armStarted);
    }
    if (arms.includes('seeds')) {
      const armStarted = now();
      seedsResponse ??= await options.proposer.propose(
        { ...request, generations: 0 },
        options.signal ? { signal: options.signal } : {},
      );
      result.arms.seeds = seedMetrics(seedsResponse, toolkit, similarityToTrue, now() - armStarted);
    }
    result.knownBinderSeeds = seedsResponse?.seeds.filter((each) => each.knownBinder).length ?? 0;
    details.push(result);
    logger.info('molecule benchmark target done', {
      target: `${target.name} (${position + 1}/${options.targets.length})`,
      ...Object.fromEntries(
        Object.entries(result.arms).map(([arm, metrics]) => [arm, metrics.bestTanimotoToTrue.toFixed(3)]),
      ),
    });
  }

  const summary: MoleculeReport['summary'] = {};
  for (const arm of arms) {
    const perTarget = details.flatMap((detail) => (detail.arms[arm] ? [detail.arms[arm]] : []));
    if (perTarget.length > 0) summary[arm] = summarizeArm(perTarget);
  }
  const comparisons: PairedComparison[] = [];
  for (const [arm, baseline] of [
    ['guided', 'control'],
    ['guided', 'seeds'],
    ['control', 'seeds'],
  ] as const)
    if (arms.includes(arm) && arms.includes(baseline)) comparisons.push(compare(details, arm, baseline));

  return {
    benchmark: 'molecules',
    createdAt: new Date().toISOString(),
    index: options.index ?? '',
    split: options.split ?? { name: 'given', kind: 'given', seed: 0 },
    config: {
      targets: options.targets.length,
      candidateTargets: options.candidateTargets ?? options.targets.length,
      n,
      seedCount: n,
      generations,
      population,
      seed,
      timeBudgetMs,
      weights,
    },
    bridge: options.bridge ?? null,
    summary,
    comparisons,
    verdict: verdictOf(comparisons.find((each) => each.arm === 'guided' && each.baseline === 'control')),
    details,
    durationMs: now() - started,
  };
}

function candidateMetrics(
  response: ProposalResponse,
  similarityToTrue: (smiles: string) => number,
  timeMs: number,
): ArmMetrics {
  const valid = response.candidates.flatMap((candidate) => (candidate.valid ? [candidate] : []));
  const { stats } = response;
  const toTrue = valid.map((candidate) => similarityToTrue(candidate.smiles));
  return {
    molecules: valid.length,
    validity: stats.generated === 0 ? 0 : stats.valid / stats.generated,
    uniqueness: stats.valid === 0 ? 0 : stats.unique / stats.valid,
    novelty: mean(valid.map((candidate) => candidate.scores.novelty)),
    meanQed: mean(valid.map((candidate) => candidate.scores.qed)),
    alertRate: mean(valid.map((candidate) => (candidate.scores.alerts > 0 ? 1 : 0))),
    bridge: distribution(valid.map((candidate) => candidate.scores.bridge)),
    bestTanimotoToTrue: toTrue.length > 0 ? Math.max(...toTrue) : 0,
    meanTanimotoToTrue: mean(toTrue),
    timeMs,
  };
}

function seedMetrics(
  response: ProposalResponse,
  toolkit: ChemToolkit,
  similarityToTrue: (smiles: string) => number,
  timeMs: number,
): ArmMetrics {
  const profiles = response.seeds.map((seed) => toolkit.profile(seed.smiles));
  const toTrue = response.seeds.map((seed) => similarityToTrue(seed.smiles));
  return {
    molecules: response.seeds.length,
    validity: 1,
    uniqueness: 1,
    novelty: 0,
    meanQed: mean(profiles.flatMap((profile) => (profile.ok ? [profile.value.qed.qed] : []))),
    alertRate: mean(
      profiles.flatMap((profile) => (profile.ok ? [profile.value.alerts.length > 0 ? 1 : 0] : [])),
    ),
    bridge: distribution(response.seeds.map((seed) => seed.similarity)),
    bestTanimotoToTrue: toTrue.length > 0 ? Math.max(...toTrue) : 0,
    meanTanimotoToTrue: mean(toTrue),
    timeMs,
  };
}

function summarizeArm(perTarget: readonly ArmMetrics[]): ArmSummary {
  const average = (read: (metrics: ArmMetrics) => number) => mean(perTarget.map(read));
  return {
    targets: perTarget.length,
    validity: average((m) => m.validity),
    uniqueness: average((m) => m.uniqueness),
    novelty: average((m) => m.novelty),
    meanQed: average((m) => m.meanQed),
    alertRate: average((m) => m.alertRate),
    bridgeMean: average((m) => m.bridge.mean),
    bestTanimotoToTrue: average((m) => m.bestTanimotoToTrue),
    meanTanimotoToTrue: average((m) => m.meanTanimotoToTrue),
    'hit@0.4': average((m) => (m.bestTanimotoToTrue >= 0.4 ? 1 : 0)),
    'hit@0.6': average((m) => (m.bestTanimotoToTrue >= 0.6 ? 1 : 0)),
    timeMs: average((m) => m.timeMs),
  };
}

/** Differences below this are ties: Tanimoto values are ratios of small counts. */
const TIE_TOLERANCE = 1e-9;

function compare(
  details: readonly TargetResult[],
  arm: MoleculeArm,
  baseline: MoleculeArm,
): PairedComparison {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  const differences: number[] = [];
  for (const detail of details) {
    const left = detail.arms[arm];
    const right = detail.arms[baseline];
    if (!left || !right) continue;
    const difference = left.bestTanimotoToTrue - right.bestTanimotoToTrue;
    differences.push(difference);
    if (difference > TIE_TOLERANCE) wins += 1;
    else if (difference < -TIE_TOLERANCE) losses += 1;
    else ties += 1;
  }
  return {
    arm,
    baseline,
    metric: 'bestTanimotoToTrue',
    wins,
    losses,
    ties,
    meanDifference: mean(differences),
    pValue: signTest(wins, losses),
  };
}

/** Two-sided exact binomial sign test, p = 0.5, ties dropped. */
export function signTest(wins: number, losses: number): number {
  const trials = wins + losses;
  if (trials === 0) return 1;
  const smaller = Math.min(wins, losses);
  let logChoose = 0;
  let tail = 0;
  for (let k = 0; k <= smaller; k += 1) {
    if (k > 0) logChoose += Math.log(trials - k + 1) - Math.log(k);
    tail += Math.exp(logChoose - trials * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

function verdictOf(comparison: PairedComparison | undefined): string {
  if (!comparison) return 'guidance was not compared with the control (an arm was left out)';
  const { wins, losses, ties, meanDifference, pValue } = comparison;
  const counts = `${wins} wins, ${losses} losses, ${ties} ties; mean difference ${meanDifference >= 0 ? '+' : ''}${meanDifference.toFixed(3)}; sign test p = ${pValue.toPrecision(2)}`;
  if (wins + losses + ties === 0) return 'no target was evaluated';
  if (pValue < 0.05 && meanDifference > 0)
    return `bridge guidance beats the unguided control on best Tanimoto to the held-out drugs (${counts})`;
  if (pValue < 0.05 && meanDifference < 0)
    return `bridge guidance does worse than the unguided control on best Tanimoto to the held-out drugs (${counts})`;
  return `no significant difference between bridge guidance and the unguided control on best Tanimoto to the held-out drugs (${counts})`;
}

function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? 0 : finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

function distribution(values: readonly number[]): Distribution {
  const sorted = values.filter(Number.isFinite).sort((left, right) => left - right);
  if (sorted.length === 0) return { mean: 0, median: 0, p10: 0, p90: 0, max: 0 };
  const quantile = (q: number) => {
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
  };
  return {
    mean: mean(sorted),
    median: quantile(0.5),
    p10: quantile(0.1),
    p90: quantile(0.9),
    max: sorted.at(-1)!,
  };
}

const armColumns: [keyof ArmSummary, string][] = [
  ['validity', 'validity'],
  ['uniqueness', 'uniqueness'],
  ['novelty', 'novelty'],
  ['meanQed', 'QED'],
  ['alertRate', 'alert rate'],
  ['bridgeMean', 'bridge cos'],
  ['bestTanimotoToTrue', 'best Tc to true'],
  ['meanTanimotoToTrue', 'mean Tc to true'],
  ['hit@0.4', 'hit@0.4'],
  ['hit@0.6', 'hit@0.6'],
  ['timeMs', 'time/target (s)'],
];

/** Markdown report: summary per arm, paired comparisons with the verdict, and one row per target. */
export function moleculeReportMarkdown(report: MoleculeReport): string {
  const c = report.config;
  const lines: string[] = [
    '# Target-guided molecule design benchmark',
    '',
    `- date: ${report.createdAt}`,
    `- index: \`${report.index}\`; bridge: ${report.bridge ? `${report.bridge.id ?? '?'} (hidden ${report.bridge.hiddenDim})` : 'none'}`,
    `- split: ${report.split.name} (kind ${report.split.kind}, seed ${report.split.seed}); targets: ${c.targets} of ${c.candidateTargets} held-out proteins with a known drug that has a SMILES`,
    `- per target: every known binder hidden; ${c.seedCount} seeds retrieved by the bridge; GA population ${c.population}, ${c.generations} generations, seed ${c.seed}; top ${c.n} measured; time budget ${c.timeBudgetMs} ms; score weights ${JSON.stringify(c.weights)}`,
    '- arms: `guided` (combined score, bridge first), `control` (same GA with a seeded random fitness and ranking), `seeds` (the retrieved seeds themselves)',
    `- duration: ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    '## Summary (means over targets)',
    '',
    `| arm | targets | ${armColumns.map(([, label]) => label).join(' | ')} |`,
    `|---|---:|${armColumns.map(() => '---:').join('|')}|`,
  ];
  for (const arm of MOLECULE_ARMS) {
    const summary = report.summary[arm];
    if (!summary) continue;
    const cells = armColumns.map(([key]) =>
      key === 'timeMs' ? (summary.timeMs / 1000).toFixed(1) : (summary[key] as number).toFixed(3),
    );
    lines.push(`| ${arm} | ${summary.targets} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    "Tc: Morgan (radius 2, 2048 bits) Tanimoto to the target's hidden known drugs. Validity and uniqueness are over everything generated; the other columns over the top N.",
    '',
    '## Paired comparison (best Tc to true, per target)',
    '',
    '| arm | baseline | wins | losses | ties | mean difference | sign test p |',
    '|---|---|---:|---:|---:|---:|---:|',
  );
  for (const comparison of report.comparisons)
    lines.push(
      `| ${comparison.arm} | ${comparison.baseline} | ${comparison.wins} | ${comparison.losses} | ${comparison.ties} | ${comparison.meanDifference.toFixed(4)} | ${comparison.pValue.toPrecision(3)} |`,
    );
  lines.push('', `**Verdict:** ${report.verdict}.`, '', '## Per target', '');
  const shown = MOLECULE_ARMS.filter((arm) => report.summary[arm]);
  lines.push(
    `| target | id | true drugs | ${shown.map((arm) => `${arm} best Tc`).join(' | ')} | ${shown.map((arm) => `${arm} bridge`).join(' | ')} |`,
    `|---|---|---:|${shown.map(() => '---:').join('|')}|${shown.map(() => '---:').join('|')}|`,
  );
  for (const detail of report.details) {
    const best = shown.map((arm) => detail.arms[arm]?.bestTanimotoToTrue.toFixed(3) ?? '–');
    const bridge = shown.map((arm) => detail.arms[arm]?.bridge.mean.toFixed(3) ?? '–');
    lines.push(
      `| ${detail.target.name} | ${detail.target.id} | ${detail.target.trueDrugs} | ${best.join(' | ')} | ${bridge.join(' | ')} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Writes `<dir>/molecules-<split>-<timestamp>.{json,md}` and returns the two paths. */
export async function writeMoleculeReport(
  report: MoleculeReport,
  directory: string,
): Promise<{ json: string; markdown: string }> {
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const base = join(directory, `molecules-${report.split.name}-${stamp}`);
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(`${base}.md`, moleculeReportMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
