import { join } from 'node:path';
import type { QaResult } from '../../agents/chat-agent.js';
import type { KgGraph } from '../../kg/graph.js';
import { withoutEdges } from '../../kg/hidden-edges.js';
import { createRandom } from '../../molecules/ga/random.js';
import type { NameLookup } from '../../store/name-lookup.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { bootstrapMean } from '../bootstrap.js';
import { parseAnswer } from './answer-parser.js';
import type { QaCase } from './qa-set.js';

/** What a system under test returns for one case: its text, and its structured result if any. */
export interface QaRunAnswer {
  text: string;
  result?: QaResult | undefined;
}

export type QaAnswerer = (qaCase: QaCase) => Promise<QaRunAnswer>;

export interface Accuracy {
  n: number;
  correct: number;
  accuracy: number;
  /** Wilson 95% interval. */
  ci95: [number, number];
  /** Percentile bootstrap 95% interval over cases (1,000 resamples, seeded); absent for n = 0. */
  bootstrap95?: [number, number] | undefined;
}

export interface QaGroupReport {
  group: string;
  system: Accuracy;
  /** Cases the system committed to no choice or verdict (scored wrong). */
  undecided: number;
  baselines: Record<string, Accuracy>;
  /** List questions: mean precision and recall of the listed items. */
  listQuality?: { precision: number; recall: number } | undefined;
}

export interface QaReport {
  createdAt: string;
  source: string;
  cases: number;
  groups: QaGroupReport[];
  latencyMs: { median: number; p95: number; max: number };
  /** Share of cases whose text-parsed answer agrees with the structured result. */
  textResultAgreement: number;
  failures: { id: string; text: string; expected: string; got: string }[];
}

export interface QaBenchmarkOptions {
  cases: readonly QaCase[];
  answer: QaAnswerer;
  graph: KgGraph;
  lookup: NameLookup;
  source: string;
  seed?: number | undefined;
  /** Failures kept in the report, for reading. */
  maxFailures?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  /**
   * Ablation: each case's `hidden` pairs are removed from what the plain-lookup baseline sees
   * (the system under test hides them itself), so both must answer from indirect evidence.
   */
  ablate?: boolean | undefined;
}

interface Scored {
  qaCase: QaCase;
  correct: boolean;
  decided: boolean;
  agree: boolean;
  got: string;
  baselines: Record<string, boolean>;
  list?: { precision: number; recall: number } | undefined;
}

/**
 * Runs every case through the system and the baselines and scores them by the answer text, as an
 * outside evaluator would (`parseAnswer`): always-true (true/false), a random option (multiple
 * choice, seeded), plain KG lookup (link the text's mentions, then: any direct edge between
 * the entities → true; the option with the most direct edges to the question's entities) and
 * popularity (multiple choice: the option with the most KG edges).
 */
export async function runQaBenchmark(options: QaBenchmarkOptions): Promise<QaReport> {
  const random = createRandom(options.seed ?? 7);
  const latencies: number[] = [];
  const scored: Scored[] = [];
  for (const [position, qaCase] of options.cases.entries()) {
    const started = performance.now();
    const answer = await options.answer(qaCase);
    latencies.push(performance.now() - started);
    const baselines: Record<string, boolean> = {};
    const visible = {
      lookup: options.lookup,
      graph: options.ablate ? withoutEdges(options.graph, qaCase.hidden ?? []) : options.graph,
    };
    if (qaCase.form === 'true-false') {
      baselines['always-true'] = qaCase.label === true;
      baselines['kg-lookup'] = lookupVerdict(visible, qaCase.text) === qaCase.label;
    } else if (qaCase.form === 'multiple-choice' && qaCase.options) {
      baselines['random-option'] = random.pick(qaCase.options) === qaCase.answer;
      baselines['kg-lookup'] = lookupChoice(visible, qaCase.text, qaCase.options) === qaCase.answer;
      baselines.popularity = popularChoice(visible, qaCase.options) === qaCase.answer;
    }
    scored.push({ qaCase, baselines, ...scoreAnswer(qaCase, answer) });
    options.onProgress?.(position + 1, options.cases.length);
  }
  return summarise(options, scored, latencies);
}

/** List recall counts at most this many gold items (the answer lists ten). */
const LIST_RECALL_AT = 10;

function scoreAnswer(qaCase: QaCase, answer: QaRunAnswer): Omit<Scored, 'qaCase' | 'baselines'> {
  if (qaCase.form === 'list') {
    const items = answer.result?.items ?? [];
    const gold = new Set((qaCase.items ?? []).map((item) => item.toLowerCase()));
    const hits = items.filter((item) => gold.has(item.toLowerCase())).length;
    const precision = items.length === 0 ? 0 : hits / items.length;
    const recall = gold.size === 0 ? 0 : hits / Math.min(gold.size, LIST_RECALL_AT);
    const first = items[0]?.toLowerCase();
    return {
      correct: first !== undefined && gold.has(first),
      decided: items.length > 0,
      agree: true,
      got: items.slice(0, 3).join(', '),
      list: { precision, recall },
    };
  }
  const parsed = parseAnswer(answer.text, { options: qaCase.options });
  if (qaCase.form === 'true-false') {
    const agree = answer.result?.verdict === undefined || answer.result.verdict === parsed.verdict;
    return {
      correct: parsed.verdict === qaCase.label,
      decided: parsed.verdict !== undefined,
      agree,
      got: parsed.verdict === undefined ? '(none)' : String(parsed.verdict),
    };
  }
  const agree = answer.result?.choice === undefined || answer.result.choice === parsed.choice;
  return {
    correct: parsed.choice !== undefined && parsed.choice === qaCase.answer,
    decided: parsed.choice !== undefined,
    agree,
    got: parsed.choice ?? '(none)',
  };
}

function mentionsOf(options: Pick<QaBenchmarkOptions, 'lookup'>, text: string): number[] {
  return options.lookup
    .findMentions(text)
    .map((mention) => mention.candidates[0]?.nodeIndex)
    .filter((node): node is number => node !== undefined);
}

function connected(graph: KgGraph, first: number, second: number): boolean {
  return first === second || graph.neighbours(first).some((edge) => edge.node === second);
}

/** Plain lookup: true when any two entities the text names are the same node or share an edge. */
export function lookupVerdict(options: Pick<QaBenchmarkOptions, 'lookup' | 'graph'>, text: string): boolean {
  const nodes = [...new Set(mentionsOf(options, text))];
  for (let first = 0; first < nodes.length; first++)
    for (let second = first + 1; second < nodes.length; second++)
      if (connected(options.graph, nodes[first]!, nodes[second]!)) return true;
  return false;
}

/** Plain lookup: the option with the most direct edges to the other entities the text names. */
export function lookupChoice(
  options: Pick<QaBenchmarkOptions, 'lookup' | 'graph'>,
  text: string,
  choices: readonly string[],
): string | undefined {
  const optionNodes = choices.map(
    (choice) => options.lookup.lookup(choice, { limit: 1, fuzzy: 'never' })[0]?.nodeIndex,
  );
  const optionSet = new Set(optionNodes.filter((node) => node !== undefined));
  const entities = [...new Set(mentionsOf(options, text))].filter((node) => !optionSet.has(node));
  let best: { choice: string; count: number } | undefined;
  for (const [position, choice] of choices.entries()) {
    const node = optionNodes[position];
    const count =
      node === undefined ? -1 : entities.filter((entity) => connected(options.graph, node, entity)).length;
    if (!best || count > best.count) best = { choice, count };
  }
  return best?.choice;
}

/**
 * The popularity baseline: the option whose node has the most KG edges in the graph given (the
 * ablation's view), the first on ties; an option that links to nothing counts -1.
 */
export function popularChoice(
  options: Pick<QaBenchmarkOptions, 'lookup' | 'graph'>,
  choices: readonly string[],
): string | undefined {
  let best: { choice: string; degree: number } | undefined;
  for (const choice of choices) {
    const node = options.lookup.lookup(choice, { limit: 1, fuzzy: 'never' })[0]?.nodeIndex;
    const degree = node === undefined ? -1 : options.graph.degree(node);
    if (!best || degree > best.degree) best = { choice, degree };
  }
  return best?.choice;
}

function summarise(options: QaBenchmarkOptions, scored: readonly Scored[], latencies: number[]): QaReport {
  const groups = new Map<string, Scored[]>();
  for (const item of scored) {
    const variant = item.qaCase.nameVariant;
    const keys = [item.qaCase.form, `${item.qaCase.form} / ${item.qaCase.kind}`];
    if (variant !== undefined) keys.push(`${item.qaCase.form} / names: ${variant}`);
    for (const key of keys) {
      const list = groups.get(key) ?? [];
      list.push(item);
      groups.set(key, list);
    }
  }
  const sorted = [...latencies].sort((left, right) => left - right);
  const quantile = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
  return {
    createdAt: new Date().toISOString(),
    source: options.source,
    cases: scored.length,
    groups: [...groups.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([group, items]) => {
        const baselineNames = [...new Set(items.flatMap((item) => Object.keys(item.baselines)))];
        const lists = items.filter((item) => item.list);
        return {
          group,
          system: accuracy(items.map((item) => item.correct)),
          undecided: items.filter((item) => !item.decided).length,
          baselines: Object.fromEntries(
            baselineNames.map((name) => [name, accuracy(items.map((item) => item.baselines[name] === true))]),
          ),
          listQuality:
            lists.length === 0
              ? undefined
              : {
                  precision: round(mean(lists.map((item) => item.list!.precision))),
                  recall: round(mean(lists.map((item) => item.list!.recall))),
                },
        };
      }),
    latencyMs: { median: quantile(0.5), p95: quantile(0.95), max: Number((sorted.at(-1) ?? 0).toFixed(1)) },
    textResultAgreement: round(mean(scored.map((item) => (item.agree ? 1 : 0)))),
    failures: scored
      .filter((item) => !item.correct)
      .slice(0, options.maxFailures ?? 40)
      .map((item) => ({
        id: item.qaCase.id,
        text: item.qaCase.text,
        expected:
          item.qaCase.answer ??
          (item.qaCase.label === undefined
            ? (item.qaCase.items ?? []).slice(0, 3).join(', ')
            : String(item.qaCase.label)),
        got: item.got,
      })),
  };
}

/** Accuracy with its Wilson score 95% interval. */
export function accuracy(outcomes: readonly boolean[]): Accuracy {
  const n = outcomes.length;
  const correct = outcomes.filter(Boolean).length;
  if (n === 0) return { n, correct, accuracy: 0, ci95: [0, 0] };
  const p = correct / n;
  const z = 1.959964;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  const bootstrap = bootstrapMean(outcomes.map((outcome) => (outcome ? 1 : 0)));
  return {
    n,
    correct,
    accuracy: round(p),
    ci95: [round(Math.max(0, centre - half)), round(Math.min(1, centre + half))],
    bootstrap95: [round(bootstrap.low), round(bootstrap.high)],
  };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round(value: number): number {
  return Number(value.toFixed(3));
}

export function qaReportMarkdown(report: QaReport): string {
  const format = (value: Accuracy | undefined) =>
    value ? `${value.accuracy.toFixed(3)} [${value.ci95[0].toFixed(2)}, ${value.ci95[1].toFixed(2)}]` : '—';
  const bootstrap = (value: Accuracy) =>
    value.bootstrap95 ? `[${value.bootstrap95[0].toFixed(2)}, ${value.bootstrap95[1].toFixed(2)}]` : '—';
  const lines = [
    `# QA benchmark (${report.source})`,
    '',
    `${report.cases} cases, ${report.createdAt}. Accuracy with Wilson 95% intervals (and a percentile bootstrap over cases for biobridge); answers parsed from the text with \`parseAnswer\`.`,
    '',
    '| group | n | biobridge | bootstrap 95% | undecided | always-true | random option | plain KG lookup | popularity |',
    '|---|---|---|---|---|---|---|---|---|',
    ...report.groups.map(
      (group) =>
        `| ${group.group} | ${group.system.n} | ${format(group.system)}${group.listQuality ? ` (P ${group.listQuality.precision}, R ${group.listQuality.recall})` : ''} | ${bootstrap(group.system)} | ${group.undecided} | ${format(group.baselines['always-true'])} | ${format(group.baselines['random-option'])} | ${format(group.baselines['kg-lookup'])} | ${format(group.baselines.popularity)} |`,
    ),
    '',
    `Latency per question (in-process agent): median ${report.latencyMs.median} ms, p95 ${report.latencyMs.p95} ms, max ${report.latencyMs.max} ms.`,
    `Text answer agrees with the structured result: ${report.textResultAgreement}.`,
    '',
    '## Some failures',
    '',
    ...report.failures
      .slice(0, 20)
      .map(
        (failure) =>
          `- \`${failure.id}\` ${failure.text} — expected **${failure.expected}**, got ${failure.got}`,
      ),
    '',
  ];
  return lines.join('\n');
}

export async function writeQaReport(
  report: QaReport,
  directory: string,
  prefix = '',
): Promise<{ json: string; markdown: string }> {
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const base = join(directory, `qa-${prefix === '' ? '' : `${prefix}-`}${stamp}`);
  await writeFileAtomic(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  await writeFileAtomic(`${base}.md`, qaReportMarkdown(report));
  return { json: `${base}.json`, markdown: `${base}.md` };
}
