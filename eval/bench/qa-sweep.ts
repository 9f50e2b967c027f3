/**
 * Dev-split sweep for the reasoner's true/false policy under ablation: decides every generated
 * case once and prints, per true/false kind, accuracy at each indirect-support threshold, and
 * multiple-choice accuracy with and without indirect evidence. Only ever run on `--split dev`.
 *
 *   npx tsx eval/bench/qa-sweep.ts --index /work/idx/shared --split dev --seed 11 --per-kind 100
 */
import { loadDefinitionMentions } from '../../src/agents/qa/definition-mentions.js';
import { parseQuestion } from '../../src/agents/qa/question-form.js';
import { decide } from '../../src/agents/qa/reasoner.js';
import {
  generateQaSet,
  type DistractorDraw,
  type QaSplit,
  type PhrasingBank,
} from '../../src/eval/qa/qa-set.js';
import { openIndexServices } from '../../src/services.js';
import { noopLogger } from '../../src/util/logger.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({
  index: '/work/idx/shared',
  split: 'dev',
  seed: 11,
  'per-kind': 100,
  phrasings: 'main',
  distractors: 'uniform',
  only: null,
});
if (values.split === 'test') throw new Error('the sweep chooses a policy: run it on dev only');
const core = await openIndexServices(values.index, { device: 'cpu', logger: noopLogger });
const graph = core.index.graph;
const definitions = await loadDefinitionMentions(graph, core.retriever.store).catch(() => undefined);
const cases = generateQaSet(graph, core.index.facts, {
  seed: values.seed,
  perKind: values['per-kind'],
  split: values.split as QaSplit,
  phrasings: values.phrasings as PhrasingBank,
  distractors: values.distractors as DistractorDraw,
}).filter((qaCase) => qaCase.form !== 'list' && (!values.only || qaCase.kind.startsWith(values.only)));
const base = {
  graph,
  facts: core.index.facts,
  lookup: core.lookup,
  linker: core.linker,
  definitions,
  loci: core.variantLoci,
  drugStructures: core.drugStructures,
};
const thresholds = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
const tf = new Map<string, number[]>();
/** The same statements with their edges visible: a stated pair is always judged right. */
const tfVisible = new Map<string, number[]>();
const mcq = new Map<string, [number, number, number, number]>();
const times: number[] = [];
for (const qaCase of cases) {
  const parsed = parseQuestion(qaCase.text);
  const context = { ...base, hidden: qaCase.hidden };
  if (qaCase.form === 'true-false') {
    const row = tf.get(qaCase.kind) ?? new Array<number>(thresholds.length + 1).fill(0);
    const visible = tfVisible.get(qaCase.kind) ?? new Array<number>(thresholds.length + 1).fill(0);
    const stated = (qaCase.hidden ?? []).some(([first, second]) =>
      graph.neighbours(first).some((edge) => edge.node === second),
    );
    for (const [position, threshold] of thresholds.entries()) {
      const decision = decide({ ...context, indirectTrueAbove: threshold }, parsed);
      if (decision?.verdict === qaCase.label) row[position]!++;
      if (stated || decision?.verdict === qaCase.label) visible[position]!++;
    }
    row[thresholds.length]!++;
    visible[thresholds.length]!++;
    tf.set(qaCase.kind, row);
    tfVisible.set(qaCase.kind, visible);
  } else {
    const row = mcq.get(qaCase.kind) ?? [0, 0, 0, 0];
    const started = performance.now();
    if (decide(context, parsed)?.choice === qaCase.answer) row[0]++;
    times.push(performance.now() - started);
    if (decide({ ...context, indirect: false }, parsed)?.choice === qaCase.answer) row[1]++;
    if (decide({ ...context, evidenceModel: false }, parsed)?.choice === qaCase.answer) row[3]++;
    row[2]++;
    mcq.set(qaCase.kind, row);
  }
}
console.log(`threshold\t${thresholds.join('\t')}`);
const totals = new Array<number>(thresholds.length + 1).fill(0);
for (const [kind, row] of [
  ...tf,
  ...[...tfVisible].map(([kind, row]) => [`${kind} visible`, row] as const),
]) {
  console.log(
    `${kind}\t${row
      .slice(0, -1)
      .map((count) => (count / row.at(-1)!).toFixed(3))
      .join('\t')}`,
  );
  if (!kind.endsWith(' visible')) row.forEach((count, position) => (totals[position]! += count));
}
console.log(
  `all t/f\t${totals
    .slice(0, -1)
    .map((count) => (count / totals.at(-1)!).toFixed(3))
    .join('\t')}`,
);
for (const [kind, [withIndirect, without, n, noModel]] of mcq)
  console.log(
    `${kind}\tindirect ${(withIndirect / n).toFixed(3)}\tdirect only ${(without / n).toFixed(3)}\tno evidence model ${(noModel / n).toFixed(3)}\tn ${n}`,
  );
times.sort((left, right) => left - right);
console.log(
  `mcq decide ms: p50 ${times[Math.floor(times.length / 2)]?.toFixed(1)} p95 ${times[Math.floor(times.length * 0.95)]?.toFixed(1)}`,
);
await core.close();
