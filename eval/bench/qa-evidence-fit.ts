/**
 * Fits the QA evidence model's logistic weights (`src/agents/qa/evidence-model.ts`) on the DEV
 * split of the ablation benchmark, and reports held-out dev accuracy of the fitted scores. Every
 * generated multiple-choice and associated/treats case gives one labelled pair per (subject,
 * option): the answer's pairs are positives, the distractors' negatives; the case's direct edges
 * are hidden, as in `biobridge eval qa --ablate-direct`. Fits on `--seed`, evaluates on
 * `--eval-seed` (another draw of dev cases), prints the weight table to paste. Evidence features
 * are weighed by a non-negative conditional logit; the priors (`PRIOR_FEATURES`) only in the
 * pointwise calibration, `coverage` signed. True/false accuracy is printed per log-odds threshold
 * with the true pairs' edges hidden and visible (`trueAt` maximises their mean). `--distractors
 * matched` fits on the popularity-matched arm instead. Only ever on dev.
 *
 *   npx tsx eval/bench/qa-evidence-fit.ts --index /work/idx/shared --per-kind 100 --seed 11 --eval-seed 12
 */
import {
  PAIR_FEATURES,
  PRIOR_FEATURES,
  SIGNED_FEATURES,
  pairEvidence,
  type PairKind,
} from '../../src/agents/qa/pair-evidence.js';
import { loadDefinitionMentions } from '../../src/agents/qa/definition-mentions.js';
import { indirectSupport } from '../../src/agents/qa/indirect-support.js';
import { SUPPORT_THRESHOLD, supportBetween, supportFrom } from '../../src/agents/qa/relation-support.js';
import { linkPhrase } from '../../src/agents/qa/phrase-linking.js';
import { withoutEdges } from '../../src/kg/hidden-edges.js';
import { generateQaSet, type DistractorDraw, type QaCase } from '../../src/eval/qa/qa-set.js';
import { openIndexServices } from '../../src/services.js';
import { noopLogger } from '../../src/util/logger.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({
  index: '/work/idx/shared',
  seed: 11,
  'eval-seed': 12,
  'per-kind': 100,
  'eval-per-kind': 200,
  l2: 0.01,
  only: null,
  pointwise: false,
  distractors: 'uniform',
});
const core = await openIndexServices(values.index, { device: 'cpu', logger: noopLogger });
const { graph } = core.index;
const facts = core.index.facts;
const definitions = await loadDefinitionMentions(graph, core.retriever.store);
const loci = core.variantLoci;
const drugStructures = core.drugStructures;

interface Row {
  kind: PairKind;
  group: string;
  option: number;
  positive: boolean;
  /** A direct fact that survives the ablation (GWAS path, more specific term, DO definition). */
  direct: boolean;
  prior: number;
  x: number[];
}

const EXTRA = ['similar', 'shared-neighbours'] as const;

const TYPES: Record<string, string> = {
  'mcq-gene-two-diseases': 'gene/protein',
  'mcq-variant-disease': 'variant',
  'mcq-drug-treats': 'drug',
};

function rowsOf(cases: readonly QaCase[]): Row[] {
  const rows: Row[] = [];
  for (const qaCase of cases) {
    const hidden = qaCase.hidden ?? [];
    if (hidden.length === 0) continue;
    const view = withoutEdges(graph, hidden);
    // The model's own inputs: the noisy-or sources, not the model's output.
    const context = { graph: view, facts, definitions, loci, drugStructures, evidenceModel: false };
    const answer = hidden[0]![1];
    const subjects = hidden.map(([subject]) => subject);
    const type = TYPES[qaCase.kind];
    const candidates: { node: number; positive: boolean }[] = [];
    if (qaCase.form === 'multiple-choice' && type) {
      for (const option of qaCase.options ?? []) {
        const link = linkPhrase(core.lookup, option, type, core.linker);
        if (link) candidates.push({ node: link.nodeIndex, positive: link.nodeIndex === answer });
      }
    } else if (qaCase.kind === 'tf-associated' || qaCase.kind === 'tf-treats') {
      const linked = graph.neighbours(answer).some((edge) => subjects.includes(edge.node));
      candidates.push({ node: answer, positive: linked });
    } else continue;
    for (const [option, candidate] of candidates.entries())
      for (const subject of subjects) {
        const evidence = pairEvidence(context, subject, candidate.node);
        if (!evidence) continue;
        const family = evidence.kind === 'drug-disease' ? 'treats' : 'associated';
        const direct = supportBetween(context, subject, candidate.node, family);
        const indirect = indirectSupport(context, subject, candidate.node, family);
        const extra = EXTRA.map(
          (source) => indirect?.facts.find((fact) => fact.source === source)?.weight ?? 0,
        );
        rows.push({
          kind: evidence.kind,
          group: qaCase.form === 'multiple-choice' ? qaCase.id : `${qaCase.id}`,
          option,
          positive: candidate.positive,
          direct: (direct?.score ?? 0) >= SUPPORT_THRESHOLD,
          prior: supportFrom(context, candidate.node, family).size,
          x: [...PAIR_FEATURES[evidence.kind].map((feature) => evidence.values[feature] ?? 0), ...extra],
        });
      }
  }
  return rows;
}

/**
 * L2-regularised logistic regression by full-batch gradient descent on standardised features;
 * non-negative except the columns `signed` names (priors).
 */
function fit(
  rows: readonly Row[],
  l2: number,
  signed: (column: number) => boolean = () => false,
): { bias: number; weights: number[] } {
  const width = rows[0]!.x.length;
  const mean = new Array<number>(width).fill(0);
  const scale = new Array<number>(width).fill(0);
  for (const row of rows) row.x.forEach((value, column) => (mean[column]! += value / rows.length));
  for (const row of rows)
    row.x.forEach((value, column) => (scale[column]! += (value - mean[column]!) ** 2 / rows.length));
  const sd = scale.map((variance) => Math.sqrt(variance) || 1);
  const z = rows.map((row) => row.x.map((value, column) => (value - mean[column]!) / sd[column]!));
  const w = new Array<number>(width).fill(0);
  let b = 0;
  for (let step = 0; step < 3000; step++) {
    const gw = new Array<number>(width).fill(0);
    let gb = 0;
    z.forEach((x, index) => {
      const p = 1 / (1 + Math.exp(-(b + x.reduce((sum, value, column) => sum + value * w[column]!, 0))));
      const error = p - (rows[index]!.positive ? 1 : 0);
      gb += error / rows.length;
      x.forEach((value, column) => (gw[column]! += (error * value) / rows.length));
    });
    // Non-negative: every feature is evidence for the pair; a negative weight could only reward the
    // ablation's artefact (an answer whose hidden edge left it with fewer facts).
    for (let column = 0; column < width; column++) {
      const next = w[column]! - 0.5 * (gw[column]! + l2 * w[column]!);
      w[column] = signed(column) ? next : Math.max(0, next);
    }
    b -= 0.5 * gb;
  }
  const weights = w.map((weight, column) => weight / sd[column]!);
  const bias = b - weights.reduce((sum, weight, column) => sum + weight * mean[column]!, 0);
  return { bias, weights };
}

/**
 * Conditional logit over each multiple-choice case's options (softmax of the options' summed
 * scores; the answer is the target): weights that rank, fitted on standardised features.
 */
function fitRanking(rows: readonly Row[], l2: number, prior: (column: number) => boolean): number[] {
  const width = rows[0]!.x.length;
  const sd = new Array<number>(width).fill(0).map((_, column) => {
    const values = rows.map((row) => row.x[column]!);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
  });
  const groups = new Map<string, Map<number, { x: number[]; positive: boolean }>>();
  for (const row of rows) {
    const options = groups.get(row.group) ?? new Map<number, { x: number[]; positive: boolean }>();
    const entry = options.get(row.option) ?? { x: new Array<number>(width).fill(0), positive: row.positive };
    row.x.forEach((value, column) => (entry.x[column]! += value / sd[column]!));
    options.set(row.option, entry);
    groups.set(row.group, options);
  }
  const cases = [...groups.values()]
    .map((options) => [...options.values()])
    .filter((options) => options.some((o) => o.positive));
  const w = new Array<number>(width).fill(0);
  for (let step = 0; step < 2000; step++) {
    const gw = new Array<number>(width).fill(0);
    for (const options of cases) {
      const scores = options.map((option) =>
        option.x.reduce((sum, value, column) => sum + value * w[column]!, 0),
      );
      const top = Math.max(...scores);
      const exp = scores.map((score) => Math.exp(score - top));
      const total = exp.reduce((a, b) => a + b, 0);
      options.forEach((option, index) => {
        const error = exp[index]! / total - (option.positive ? 1 : 0);
        option.x.forEach((value, column) => (gw[column]! += (error * value) / cases.length));
      });
    }
    for (let column = 0; column < width; column++)
      w[column] = prior(column) ? 0 : Math.max(0, w[column]! - 0.5 * (gw[column]! + l2 * w[column]!));
  }
  return w.map((weight, column) => weight / sd[column]!);
}

/**
 * Bias, scale of the ranking score and signed prior weights, fitted pointwise on all pairs: a
 * calibrated probability in which how well studied both sides are can raise or lower the odds.
 */
function calibrate(
  rows: readonly Row[],
  weights: readonly number[],
  prior: (column: number) => boolean,
  signed: (column: number) => boolean,
): { bias: number; weights: number[] } {
  const priors = weights.map((_, column) => column).filter(prior);
  const projected = rows.map((row) => ({
    ...row,
    x: [
      row.x.reduce((sum, value, column) => sum + value * weights[column]!, 0),
      ...priors.map((column) => row.x[column]!),
    ],
  }));
  const fitted = fit(projected, 0.01, (column) => column > 0 && signed(priors[column - 1]!));
  const [scale, ...priorWeights] = fitted.weights;
  const combined = weights.map((weight) => weight * scale!);
  priors.forEach((column, position) => (combined[column] = priorWeights[position]!));
  return { bias: fitted.bias, weights: combined };
}

const logit = (model: { bias: number; weights: number[] }, x: readonly number[]) =>
  model.bias + x.reduce((sum, value, column) => sum + value * model.weights[column]!, 0);

type OptionTally = { score: number; positive: boolean; direct: number; prior: number };

/** Rows grouped by question, then by option, with the option's summed logit and direct-fact count. */
function groupOptions(rows: readonly Row[], logitOf: (row: Row) => number) {
  const groups = new Map<string, Map<number, OptionTally>>();
  for (const row of rows) {
    const options = groups.get(row.group) ?? new Map<number, OptionTally>();
    const entry = options.get(row.option) ?? {
      score: 0,
      positive: row.positive,
      direct: 0,
      prior: row.prior,
    };
    entry.score += logitOf(row);
    if (row.direct) entry.direct++;
    options.set(row.option, entry);
    groups.set(row.group, options);
  }
  return groups;
}

/** The reasoner's order: direct facts, then evidence, then popularity, then the option's position. */
function choiceIsRight(options: Map<number, OptionTally>): boolean {
  const ranked = [...options.entries()].sort(
    (l, r) => r[1].direct - l[1].direct || r[1].score - l[1].score || r[1].prior - l[1].prior || l[0] - r[0],
  );
  return ranked[0]?.[1].positive ?? false;
}

function mcqAccuracy(rows: readonly Row[], model: { bias: number; weights: number[] }): number {
  const groups = groupOptions(rows, (row) => logit(model, row.x));
  let right = 0;
  for (const options of groups.values()) if (choiceIsRight(options)) right++;
  return right / Math.max(1, groups.size);
}

function evaluate(rows: readonly Row[], models: Map<PairKind, { bias: number; weights: number[] }>) {
  const groups = groupOptions(rows, (row) => logit(models.get(row.kind)!, row.x));
  const mcq = new Map<string, [number, number]>();
  const tf = new Map<string, { score: number; positive: boolean }[]>();
  for (const [group, options] of groups) {
    const kind = group.replace(/-\d+$/, '');
    if (kind.startsWith('mcq')) {
      const tally = mcq.get(kind) ?? [0, 0];
      if (choiceIsRight(options)) tally[0]++;
      tally[1]++;
      mcq.set(kind, tally);
    } else {
      const list = tf.get(kind) ?? [];
      const entry = options.get(0)!;
      list.push({ ...entry, score: entry.direct > 0 ? 99 : entry.score });
      tf.set(kind, list);
    }
  }
  for (const [kind, [right, n]] of mcq) console.log(`${kind}\t${(right / n).toFixed(3)}\tn ${n}`);
  for (const [kind, list] of tf) {
    // Hidden: the true pairs' edges are hidden; visible: they are stated, so only false pairs can fail.
    const line = [-2, -1.5, -1, -0.5, 0, 0.5, 1].map((threshold) => {
      const right = list.filter((entry) => entry.score >= threshold === entry.positive).length;
      const visible = list.filter((entry) => entry.positive || entry.score < threshold).length;
      return `${threshold}:${(right / list.length).toFixed(3)}/${(visible / list.length).toFixed(3)}`;
    });
    console.log(`${kind}\tlogit≥ hidden/visible ${line.join(' ')}\tn ${list.length}`);
  }
}

const generate = (seed: number, perKind = values['per-kind']) =>
  generateQaSet(graph, facts, {
    seed,
    perKind,
    split: 'dev',
    distractors: values.distractors as DistractorDraw,
  }).filter((qaCase) => qaCase.form !== 'list' && (!values.only || qaCase.kind.startsWith(values.only)));
const started = performance.now();
const train = rowsOf(generate(values.seed));
console.log(`train rows ${train.length} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const models = new Map<PairKind, { bias: number; weights: number[] }>();
for (const kind of Object.keys(PAIR_FEATURES) as PairKind[]) {
  const rows = train.filter((row) => row.kind === kind);
  if (rows.length === 0) continue;
  const names: readonly string[] = [...PAIR_FEATURES[kind], ...EXTRA];
  const prior = (column: number) => PRIOR_FEATURES.has(names[column]!);
  const signed = (column: number) => SIGNED_FEATURES.has(names[column]!);
  const pointwise = fit(rows, values.l2, signed);
  const ranking = fitRanking(
    rows.filter((row) => row.group.startsWith('mcq')),
    values.l2,
    prior,
  );
  // The ranking weights order the options by evidence; the pointwise bias, a scale and the signed
  // priors fitted on all pairs calibrate them into a probability (for true/false).
  const model = values.pointwise ? pointwise : calibrate(rows, ranking, prior, signed);
  models.set(kind, model);
  console.log(`\n'${kind}': { bias: ${model.bias.toFixed(3)}, weights: {`);
  [...PAIR_FEATURES[kind], ...EXTRA].forEach((feature, column) => {
    const present = rows.filter((row) => row.x[column]! > 0).length;
    console.log(
      `  ${feature}: ${model.weights[column]!.toFixed(3)}, // present in ${present}/${rows.length}`,
    );
  });
  console.log('} },');
}
function univariate(set: readonly Row[]) {
  console.log('\nunivariate MCQ accuracy (direct, feature, prior):');
  for (const kind of Object.keys(PAIR_FEATURES) as PairKind[]) {
    const rows = set.filter((row) => row.kind === kind && row.group.startsWith('mcq'));
    const names = [...PAIR_FEATURES[kind], ...EXTRA];
    const line = names.map((feature, column) => {
      const one = { bias: 0, weights: names.map((_, other) => (other === column ? 1 : 0)) };
      return `${feature} ${mcqAccuracy(rows, one).toFixed(2)}`;
    });
    console.log(
      `${kind}: none ${mcqAccuracy(rows, { bias: 0, weights: names.map(() => 0) }).toFixed(2)} | ${line.join(' | ')}`,
    );
  }
}
univariate(train);
console.log('\ntrain (in-sample):');
evaluate(train, models);
const held = rowsOf(generate(values['eval-seed'], values['eval-per-kind']));
univariate(held);
console.log('\ndev, other seed:');
evaluate(held, models);
await core.close();
