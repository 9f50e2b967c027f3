import { createEntityLinker } from '../linking/entity-linker.js';
import type { EntityLinker } from '../linking/types.js';
import { createRandom } from '../molecules/ga/random.js';
import { createNameLookup, type NameEntry } from '../store/name-lookup.js';
import {
  generateLinkingCases,
  NAME_PERTURBATIONS,
  PERTURBATIONS,
  type LinkingCase,
  type Perturbation,
} from './linking-cases.js';

/**
 * Entity-linking benchmark: precision and recall of the linker, and of the name lookup's
 * `findMentions` it replaced, on a labelled set generated from the KG's names (see
 * `linking-cases.ts`), per perturbation, with 95% bootstrap confidence intervals.
 *
 * - recall: the share of cases whose mention is covered by a predicted span whose top
 *   candidate is a gold node;
 * - precision: the share of predicted spans that are such a correct span (a span elsewhere in
 *   the sentence, or with a wrong top candidate, counts against it);
 * - recall@5: a gold node is among the covering span's candidates.
 *
 * `linker-without-synonyms` is the linker built from the same entries less their mined synonyms:
 * the linker as it was before them, for before/after on every arm. `all` pools the KG-name arms
 * only, so it stays comparable with runs made before the synonym arms existed.
 */

export const LINKING_SYSTEMS = ['linker', 'findMentions', 'linker-without-synonyms'] as const;
export type LinkingSystem = (typeof LINKING_SYSTEMS)[number];

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export interface LinkingScores {
  cases: number;
  predicted: number;
  precision: Interval;
  recall: Interval;
  'recall@5': Interval;
  /** Median and 95th percentile time per text, in microseconds. */
  latencyMicros: { median: number; p95: number };
}

export interface LinkingReport {
  createdAt: string;
  index: string;
  config: { seed: number; perPerturbation: number; bootstrap: number };
  entries: number;
  buildMs: Record<'linker' | 'findMentions', number>;
  /** Entries with mined synonyms (0 for an index built before them: the synonym arms are then empty). */
  synonymEntries: number;
  results: Record<Perturbation | 'all', Record<LinkingSystem, LinkingScores>>;
  /** A few failures of the linker per perturbation, for reading. */
  examples: Record<Perturbation, { text: string; expected: string; got: string }[]>;
  durationMs: number;
}

interface Prediction {
  start: number;
  end: number;
  candidates: number[];
}

interface CaseOutcome {
  predicted: number;
  correct: number;
  hit: boolean;
  hitAt5: boolean;
  micros: number;
  got: string;
}

export interface LinkingBenchmarkOptions {
  entries: readonly NameEntry[];
  index: string;
  seed?: number;
  perPerturbation?: number;
  bootstrap?: number;
}

type Predict = (text: string) => { predictions: Prediction[]; describe: () => string };

export function runLinkingBenchmark(options: LinkingBenchmarkOptions): LinkingReport {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const perPerturbation = options.perPerturbation ?? 300;
  const bootstrap = options.bootstrap ?? 1000;
  const cases = generateLinkingCases(options.entries, { seed, perPerturbation });

  let clock = performance.now();
  const linker = createEntityLinker(options.entries);
  const linkerMs = performance.now() - clock;
  clock = performance.now();
  const lookup = createNameLookup(options.entries, { typePriority: ['drug', 'gene/protein', 'disease'] });
  const lookupMs = performance.now() - clock;
  const withoutSynonyms = createEntityLinker(options.entries.map(({ synonyms: _mined, ...entry }) => entry));

  const linkerPredict =
    (which: EntityLinker): Predict =>
    (text) => {
      const spans = which.link(text).spans;
      return {
        predictions: spans.map((span) => ({ ...span, candidates: span.candidates.map((c) => c.nodeIndex) })),
        describe: () =>
          spans
            .map(
              (span) =>
                `${span.surface} → ${span.candidates[0]?.name ?? '?'} (${span.candidates[0]?.type ?? '?'})`,
            )
            .join('; '),
      };
    };
  const systems: Record<LinkingSystem, Predict> = {
    linker: linkerPredict(linker),
    'linker-without-synonyms': linkerPredict(withoutSynonyms),
    findMentions: (text) => {
      const mentions = lookup.findMentions(text);
      return {
        predictions: mentions.map((mention) => ({
          ...mention,
          candidates: mention.candidates.map((c) => c.nodeIndex),
        })),
        describe: () =>
          mentions.map((mention) => `${mention.text} → ${mention.candidates[0]?.name ?? '?'}`).join('; '),
      };
    },
  };

  const outcomes = {} as Record<LinkingSystem, CaseOutcome[]>;
  for (const system of LINKING_SYSTEMS) outcomes[system] = cases.map((item) => score(item, systems[system]));

  const results = {} as LinkingReport['results'];
  for (const group of ['all', ...PERTURBATIONS] as const) {
    const inAll = (perturbation: Perturbation) =>
      (NAME_PERTURBATIONS as readonly Perturbation[]).includes(perturbation);
    const members = cases.flatMap((item, position) =>
      (group === 'all' ? inAll(item.perturbation) : item.perturbation === group) ? [position] : [],
    );
    results[group] = {} as Record<LinkingSystem, LinkingScores>;
    for (const system of LINKING_SYSTEMS)
      results[group][system] = summarize(
        members.map((position) => outcomes[system][position]!),
        bootstrap,
        seed,
      );
  }
  const examples = {} as LinkingReport['examples'];
  for (const perturbation of PERTURBATIONS)
    examples[perturbation] = cases
      .flatMap((item, position) => {
        const outcome = outcomes.linker[position]!;
        if (item.perturbation !== perturbation || (outcome.hit && outcome.predicted === outcome.correct))
          return [];
        return [
          { text: item.text, expected: `${item.mention} (${item.type})`, got: outcome.got || '(nothing)' },
        ];
      })
      .slice(0, 5);

  return {
    createdAt: new Date().toISOString(),
    index: options.index,
    config: { seed, perPerturbation, bootstrap },
    entries: options.entries.length,
    buildMs: { linker: Math.round(linkerMs), findMentions: Math.round(lookupMs) },
    synonymEntries: options.entries.filter((entry) => (entry.synonyms ?? []).length > 0).length,
    results,
    examples,
    durationMs: Date.now() - started,
  };
}

function score(item: LinkingCase, predict: Predict): CaseOutcome {
  const started = performance.now();
  const output = predict(item.text);
  const micros = (performance.now() - started) * 1000;
  const gold = new Set(item.gold);
  const covering = output.predictions.filter((span) => span.start < item.end && span.end > item.start);
  const correct = covering.filter(
    (span) => span.candidates[0] !== undefined && gold.has(span.candidates[0]),
  ).length;
  return {
    predicted: output.predictions.length,
    correct: Math.min(correct, 1),
    hit: correct > 0,
    hitAt5: covering.some((span) => span.candidates.slice(0, 5).some((candidate) => gold.has(candidate))),
    micros,
    got: output.describe(),
  };
}

function summarize(outcomes: readonly CaseOutcome[], resamples: number, seed: number): LinkingScores {
  const precisionOf = (sample: readonly CaseOutcome[]) => {
    const predicted = sample.reduce((sum, outcome) => sum + outcome.predicted, 0);
    return predicted === 0 ? 0 : sample.reduce((sum, outcome) => sum + outcome.correct, 0) / predicted;
  };
  const rateOf = (key: 'hit' | 'hitAt5') => (sample: readonly CaseOutcome[]) =>
    sample.length === 0 ? 0 : sample.filter((outcome) => outcome[key]).length / sample.length;
  const times = outcomes.map((outcome) => outcome.micros).sort((left, right) => left - right);
  return {
    cases: outcomes.length,
    predicted: outcomes.reduce((sum, outcome) => sum + outcome.predicted, 0),
    precision: bootstrapInterval(outcomes, precisionOf, resamples, seed),
    recall: bootstrapInterval(outcomes, rateOf('hit'), resamples, seed),
    'recall@5': bootstrapInterval(outcomes, rateOf('hitAt5'), resamples, seed),
    latencyMicros: { median: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)) },
  };
}

/** Percentile bootstrap over cases (resampled with replacement), 95%. */
export function bootstrapInterval<T>(
  items: readonly T[],
  statistic: (sample: readonly T[]) => number,
  resamples: number,
  seed: number,
): Interval {
  const value = statistic(items);
  if (items.length === 0) return { value, low: value, high: value };
  const random = createRandom(seed);
  const values: number[] = [];
  const sample: T[] = new Array<T>(items.length);
  for (let round = 0; round < resamples; round++) {
    for (let position = 0; position < items.length; position++)
      sample[position] = items[random.int(items.length)]!;
    values.push(statistic(sample));
  }
  values.sort((left, right) => left - right);
  return {
    value: round4(value),
    low: round4(quantile(values, 0.025)),
    high: round4(quantile(values, 0.975)),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[position]!;
}

const round = (value: number) => Math.round(value * 10) / 10;
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;
