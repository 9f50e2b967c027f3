import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { AppError } from '../../errors.js';
import type { MoleculeProposer } from '../../molecules/propose.js';
import {
  proposeRequestSchema,
  type ProposeRequest,
  type ProposeRequestInput,
} from '../../molecules/propose-request.js';
import type { ProposalResponse } from '../../molecules/proposal-schema.js';
import { createConfiguredLlm, createIndexMoleculeProposer, openIndexServices } from '../../services.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';
import { parseJsonFlag } from '../json-flag.js';

export interface ProposeOptions {
  index?: string | undefined;
  target?: string | undefined;
  uniprot?: string | undefined;
  'target-id'?: string | undefined;
  sequence?: string | undefined;
  n: number;
  seed: number;
  seeds: number;
  generations: number;
  population: number;
  'time-budget': number;
  'exclude-drug'?: string[] | undefined;
  filters?: string | undefined;
  weights?: string | undefined;
  keep?: string | undefined;
  avoid?: string[] | undefined;
  'max-similarity'?: number | undefined;
  'anti-target'?: string[] | undefined;
  llm: boolean;
  'no-llm': boolean;
  device?: 'cpu' | 'cuda' | undefined;
  svg: boolean;
  json: boolean;
}

export async function run(context: CommandContext<ProposeOptions>): Promise<number> {
  const request = proposeRequestFromOptions(context.options);
  const config = loadConfig(context.env, {
    BIOBRIDGE_INDEX: context.options.index,
    BIOBRIDGE_DEVICE: context.options.device,
  });
  const core = await openIndexServices(config.indexPath, { device: config.device, logger: context.logger });
  try {
    const proposer = await createIndexMoleculeProposer(core, {
      config,
      llm: createConfiguredLlm(config, context.logger),
      logger: context.logger,
    });
    return await proposeAndPrint(context, proposer, request);
  } finally {
    await core.close();
  }
}

/** Runs the proposal and prints it: a table, or the response as JSON (`--svg` keeps the depictions). */
export async function proposeAndPrint(
  context: Pick<CommandContext<Pick<ProposeOptions, 'json' | 'svg'>>, 'options' | 'print' | 'signal'>,
  proposer: MoleculeProposer,
  request: ProposeRequestInput,
): Promise<number> {
  const response = await proposer.propose(request, { signal: context.signal });
  context.print(formatProposal(response, context.options));
  return 0;
}

/** Flags → request body; a bad combination or value is a usage error (exit code 2). */
export function proposeRequestFromOptions(options: ProposeOptions): ProposeRequest {
  const targets = [
    options.target === undefined ? undefined : { gene: options.target },
    options.uniprot === undefined ? undefined : { uniprot: options.uniprot },
    options['target-id'] === undefined
      ? undefined
      : { entity: { type: 'gene/protein', id: options['target-id'] } },
    options.sequence === undefined ? undefined : { sequence: options.sequence },
  ].filter((target) => target !== undefined);
  if (targets.length !== 1)
    throw usage('give exactly one of --target, --uniprot, --target-id and --sequence');
  if (options.llm && options['no-llm']) throw usage('--llm and --no-llm contradict each other');
  const body: Record<string, unknown> = {
    target: targets[0]!,
    n: options.n,
    seed: options.seed,
    seedCount: options.seeds,
    generations: options.generations,
    population: options.population,
    timeBudgetMs: options['time-budget'],
    // The schema reads undefined as absent (its default, or the option left out).
    excludeDrugs: options['exclude-drug'],
    filters: options.filters === undefined ? undefined : parseJsonFlag('--filters', options.filters),
    weights: options.weights === undefined ? undefined : parseJsonFlag('--weights', options.weights),
    useLlm: options.llm ? true : options['no-llm'] ? false : undefined,
    constraints: {
      keepSubstructure: options.keep,
      avoidSubstructures: options.avoid ?? [],
      maxSimilarityToKnownDrugs: options['max-similarity'],
      antiTargets: (options['anti-target'] ?? []).map((gene) => ({ gene })),
    },
  };
  const parsed = proposeRequestSchema.safeParse(body);
  if (!parsed.success) throw usage(`invalid options:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function usage(message: string): AppError {
  return new AppError({ code: 'BAD_REQUEST', message });
}

export function formatProposal(response: ProposalResponse, options: { json: boolean; svg: boolean }): string {
  if (options.json) {
    const candidates = options.svg
      ? response.candidates
      : response.candidates.map(({ svg: _svg, ...candidate }) => candidate);
    return `${JSON.stringify({ ...response, candidates }, null, 2)}\n`;
  }
  const { stats } = response;
  const valid = response.candidates.flatMap((candidate) => (candidate.valid ? [candidate] : []));
  const invalid = response.candidates.flatMap((candidate) => (candidate.valid ? [] : [candidate]));
  const lines = [
    `target: ${response.target.label}; ${response.target.knownBinders} known binder(s) in the KG`,
    `seeds: ${response.seeds.map((seed) => `${shorten(seed.name)}${seed.knownBinder ? '*' : ''} (${seed.similarity.toFixed(3)})`).join(', ')}`,
    '',
    formatTable(
      ['rank', 'smiles', 'combined', 'bridge', 'QED', 'novelty', 'nearest known drug', 'origin'],
      valid.map((candidate) => [
        candidate.rank,
        candidate.smiles,
        candidate.scores.combined.toFixed(3),
        candidate.scores.bridge.toFixed(3),
        candidate.scores.qed.toFixed(2),
        candidate.scores.novelty.toFixed(2),
        candidate.nearestKnownDrug
          ? `${shorten(candidate.nearestKnownDrug.name)} (${candidate.nearestKnownDrug.similarity.toFixed(2)})`
          : '-',
        `${candidate.provenance.operation}${candidate.provenance.seed ? ` from ${shorten(candidate.provenance.seed.name ?? candidate.provenance.seed.id)}` : ''}`,
      ]),
    ).trimEnd(),
    '',
    `generated ${stats.generated}, valid ${stats.valid}, unique ${stats.unique}, passed filters ${stats.passedFilters}, returned ${stats.returned}; ` +
      `${stats.generationsCompleted} generations${stats.stoppedEarly ? ' (time budget reached)' : ''}; LLM ${stats.llm.status}; ` +
      `${(stats.timingsMs.total / 1000).toFixed(1)} s`,
  ];
  if (invalid.length > 0)
    lines.push(
      `invalid proposals (${stats.invalid - stats.geneticAlgorithm.invalid} from the LLM): ` +
        invalid.map((candidate) => `${candidate.smiles} (${candidate.reason})`).join('; '),
    );
  lines.push('* known binder of the target', '');
  return lines.join('\n');
}

/** Systematic drug names run to a hundred characters; a table cell keeps the start. */
function shorten(name: string, limit = 32): string {
  return name.length > limit ? `${name.slice(0, limit - 1)}…` : name;
}
