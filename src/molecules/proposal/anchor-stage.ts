import type { Bridge } from '../../bridge/bridge.js';
import type { ChemToolkit } from '../../chem/toolkit.js';
import type { KgGraph } from '../../kg/graph.js';
import type { Encoder } from '../../encoders/encoder.js';
import type { EntityResolver } from '../../retrieval/entity-resolver.js';
import type { VectorStore } from '../../store/vector-store.js';
import { consensusWeights, type WeightedAnchor } from '../anchor-similarity.js';
import { findReferenceBinders, type ReferenceBinder } from '../reference-binders.js';
import type { SeedDrug } from '../seeds.js';
import { DRUG_TYPE, PROTEIN_TYPE, resolveTarget, TARGET_RELATION, type ResolvedTarget } from '../target.js';
import type { ProposalRun } from './run-context.js';

export interface AnchorStageResult {
  /** Known binders of the proteins nearest to the target. */
  referenceBinders: ReferenceBinder[];
  /** What `binderSimilarity` measures against: target binders, seeds, reference binders, each weighted. */
  anchors: WeightedAnchor[];
  antiTargets: { label: string; query: Float32Array }[];
}

export interface AnchorDependencies {
  toolkit: Pick<ChemToolkit, 'fingerprint'>;
  graph: KgGraph;
  store: VectorStore;
  entities: EntityResolver;
  bridge: Bridge;
  encoderFor(type: string): Encoder | undefined;
}

/**
 * What the objective needs to carry the target beyond its bridged vector: the binders near it
 * (its own known binders unless excluded, the seeds, the binders of its nearest proteins) and the
 * anti-targets, each resolved (errors name `constraints.antiTargets[i]`) and bridged.
 */
export async function gatherAnchors(
  dependencies: AnchorDependencies,
  run: ProposalRun,
  input: { target: ResolvedTarget; seeds: readonly SeedDrug[]; excluded: ReadonlySet<number> },
): Promise<AnchorStageResult> {
  const { request, prefix } = run;
  const { target, excluded } = input;
  const referenceBinders = await findReferenceBinders(dependencies, target.vector, {
    proteins: request.referenceProteins,
    count: request.seedCount,
    targetIndex: target.entity?.nodeIndex,
    exclude: new Set([...excluded, ...input.seeds.map((seed) => seed.nodeIndex)]),
  });
  const ownBinders = [...target.knownBinders].filter((drug) => !excluded.has(drug));
  const ownRows = ownBinders.length === 0 ? [] : await dependencies.store.getRows(DRUG_TYPE, ownBinders);
  const retrieved = [
    ...input.seeds.map((seed) => seed.smiles),
    ...referenceBinders.map((binder) => binder.smiles),
  ];
  const weights = consensusWeights(
    retrieved.map((smiles) => {
      const fingerprint = dependencies.toolkit.fingerprint(smiles);
      return fingerprint.ok ? fingerprint.value : undefined;
    }),
    request.anchorDecay,
  );
  const anchors: WeightedAnchor[] = [
    ...ownRows.flatMap((row) =>
      row.payload !== null && row.payloadKind === 'smiles' ? [{ smiles: row.payload, weight: 1 }] : [],
    ),
    ...retrieved.map((smiles, index) => ({ smiles, weight: weights[index]! })),
  ];
  const antiTargets: AnchorStageResult['antiTargets'] = [];
  for (const [position, reference] of request.constraints.antiTargets.entries()) {
    const resolved = await resolveTarget(
      dependencies,
      reference,
      `${prefix}constraints.`,
      `antiTargets[${position}]`,
    );
    const query = await dependencies.bridge.transform({
      headType: PROTEIN_TYPE,
      relation: TARGET_RELATION,
      tailType: DRUG_TYPE,
      vectors: resolved.vector,
      rows: 1,
    });
    antiTargets.push({ label: resolved.label, query });
  }
  run.signal?.throwIfAborted();
  return { referenceBinders, anchors, antiTargets };
}
