import type { Bridge } from '../../bridge/bridge.js';
import { AppError } from '../../errors.js';
import type { EntityResolver } from '../../retrieval/entity-resolver.js';
import type { Retriever } from '../../retrieval/retriever.js';
import type { VectorStore } from '../../store/vector-store.js';
import { findFusedSeedDrugs, retrievalHead } from '../fused-seeds.js';
import { findSeedDrugs, type SeedDrug } from '../seeds.js';
import { DRUG_TYPE, PROTEIN_TYPE, TARGET_RELATION, type ResolvedTarget } from '../target.js';
import type { ProposalRun } from './run-context.js';

export interface SeedStageResult {
  /** The bridged target: the protein vector carried along protein −target→ drug. */
  query: Float32Array;
  seeds: SeedDrug[];
  /** Drug node indices hidden from the run (`excludeDrugs`). */
  excluded: Set<number>;
}

/**
 * Bridges the target into the drug space (the query the bridge term scores against) and takes
 * the seeds: the top drugs of the fused protein → drug retrieval (`seedRanking: fused`, topped up
 * from the bridge's nearest drugs if exclusions leave too few) or the bridge's nearest drugs
 * alone; excluded drugs never. 422 naming `excludeDrugs` when every candidate seed is excluded.
 */
export async function retrieveSeeds(
  dependencies: {
    store: VectorStore;
    entities: EntityResolver;
    bridge: Bridge;
    retriever: Pick<Retriever, 'retrieve'>;
  },
  run: ProposalRun,
  target: ResolvedTarget,
): Promise<SeedStageResult> {
  const { request, prefix } = run;
  const excluded = new Set<number>();
  request.excludeDrugs.forEach((id, position) =>
    excluded.add(dependencies.entities.byId(DRUG_TYPE, id, `${prefix}excludeDrugs[${position}]`).nodeIndex),
  );
  const query = await dependencies.bridge.transform({
    headType: PROTEIN_TYPE,
    relation: TARGET_RELATION,
    tailType: DRUG_TYPE,
    vectors: target.vector,
    rows: 1,
  });
  const seeds = await rankedSeeds(dependencies, run, { target, query, excluded });
  run.signal?.throwIfAborted();
  if (seeds.length === 0)
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `no seed drug is left for ${target.label}: every drug with a projected vector is excluded`,
      details: { field: `${prefix}excludeDrugs` },
    });
  return { query, seeds, excluded };
}

async function rankedSeeds(
  dependencies: { store: VectorStore; retriever: Pick<Retriever, 'retrieve'> },
  run: ProposalRun,
  input: { target: ResolvedTarget; query: Float32Array; excluded: ReadonlySet<number> },
): Promise<SeedDrug[]> {
  const { request } = run;
  const { target, excluded } = input;
  const head = retrievalHead(target.entity, request.target.sequence);
  const fused =
    request.seedRanking === 'fused' && head !== undefined
      ? await findFusedSeedDrugs(dependencies, {
          head,
          count: request.seedCount,
          query: input.query,
          exclude: excluded,
          knownBinders: target.knownBinders,
          signal: run.signal,
        })
      : [];
  if (fused.length >= request.seedCount) return fused;
  const bridged = await findSeedDrugs(dependencies.store, input.query, {
    count: request.seedCount,
    exclude: new Set([...excluded, ...fused.map((seed) => seed.nodeIndex)]),
    knownBinders: target.knownBinders,
  });
  return [...fused, ...bridged].slice(0, request.seedCount);
}
