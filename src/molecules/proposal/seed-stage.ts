import type { Bridge } from '../../bridge/bridge.js';
import { AppError } from '../../errors.js';
import type { EntityResolver } from '../../retrieval/entity-resolver.js';
import type { VectorStore } from '../../store/vector-store.js';
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
 * Bridges the target into the drug space and takes the nearest known drugs (excluded ones
 * aside) as seeds; 422 naming `excludeDrugs` when every candidate seed is excluded.
 */
export async function retrieveSeeds(
  dependencies: { store: VectorStore; entities: EntityResolver; bridge: Bridge },
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
  const seeds = await findSeedDrugs(dependencies.store, query, {
    count: request.seedCount,
    exclude: excluded,
    knownBinders: target.knownBinders,
  });
  run.signal?.throwIfAborted();
  if (seeds.length === 0)
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `no seed drug is left for ${target.label}: every drug with a projected vector is excluded`,
      details: { field: `${prefix}excludeDrugs` },
    });
  return { query, seeds, excluded };
}
