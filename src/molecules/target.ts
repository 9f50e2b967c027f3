import type { Encoder } from '../encoders/encoder.js';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { EntityResolver, ResolvedEntity } from '../retrieval/entity-resolver.js';
import { encodeQueryInput } from '../retrieval/query-encoding.js';
import type { NodeRow, VectorStore } from '../store/vector-store.js';
import type { ProposeTarget, TargetKind } from './propose-request.js';

/** Node types and relation of the design task: protein −target→ drug, as in PrimeKG. */
export const PROTEIN_TYPE = 'gene/protein';
export const DRUG_TYPE = 'drug';
export const TARGET_RELATION = 'target';

/** Rows of these drugs that have a SMILES, by node index (one store read). */
export async function drugRowsWithSmiles(
  store: Pick<VectorStore, 'getRows'>,
  nodeIndices: readonly number[],
): Promise<Map<number, { row: NodeRow; smiles: string }>> {
  const found = new Map<number, { row: NodeRow; smiles: string }>();
  if (nodeIndices.length === 0) return found;
  for (const row of await store.getRows(DRUG_TYPE, nodeIndices))
    if (row.payload !== null && row.payloadKind === 'smiles')
      found.set(row.nodeIndex, { row, smiles: row.payload });
  return found;
}

export interface ResolvedTarget {
  kind: TargetKind;
  /** The KG protein; absent for a sequence. */
  entity?: ResolvedEntity & { matched?: string };
  /** Residues of a sequence target. */
  sequenceLength?: number;
  /** How the target is named in prompts and reports, e.g. `ABL1 (gene/protein 25)`. */
  label: string;
  /** Raw protein-encoder vector. */
  vector: Float32Array;
  /** Drugs the KG says bind it (`target` edges); empty for a sequence. */
  knownBinders: ReadonlySet<number>;
}

export interface TargetResolutionDependencies {
  graph: KgGraph;
  store: VectorStore;
  entities: EntityResolver;
  encoderFor(type: string): Encoder | undefined;
}

/**
 * Resolves a request's target to a protein vector: a sequence is encoded (422 when the encoder
 * rejects it), a gene symbol, UniProt accession or entity is looked up (404 with suggestions)
 * and its stored vector used (422 when the index has no sequence for it).
 */
export async function resolveTarget(
  dependencies: TargetResolutionDependencies,
  target: ProposeTarget,
  fieldPrefix = '',
  fieldName = 'target',
): Promise<ResolvedTarget> {
  const field = `${fieldPrefix}${fieldName}`;
  if (target.sequence !== undefined) {
    const vector = await encodeQueryInput(dependencies.encoderFor, {
      type: PROTEIN_TYPE,
      input: target.sequence,
      field: `${field}.sequence`,
    });
    const residues = target.sequence.replace(/\s+/g, '').length;
    return {
      kind: 'sequence',
      sequenceLength: residues,
      label: `a protein of ${residues} residues given by its sequence`,
      vector,
      knownBinders: new Set(),
    };
  }

  const { entities } = dependencies;
  let kind: TargetKind;
  let entity: ResolvedEntity & { matched?: string };
  if (target.gene !== undefined) {
    kind = 'gene';
    entity = entities.byName(target.gene, [PROTEIN_TYPE], `${field}.gene`);
  } else if (target.uniprot !== undefined) {
    kind = 'uniprot';
    entity = entities.byName(target.uniprot, [PROTEIN_TYPE], `${field}.uniprot`);
  } else {
    kind = 'entity';
    const reference = target.entity!;
    if (typeof reference === 'string') {
      entity = entities.byName(reference, [PROTEIN_TYPE], `${field}.entity`);
    } else {
      const type = reference.type === undefined ? PROTEIN_TYPE : entities.nodeType(reference.type);
      if (type !== PROTEIN_TYPE)
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `${field}.entity.type: molecules are designed for ${PROTEIN_TYPE} targets, not "${reference.type}"`,
          details: { field: `${field}.entity.type`, value: reference.type },
        });
      entity =
        reference.id !== undefined
          ? entities.byId(PROTEIN_TYPE, reference.id, `${field}.entity.id`)
          : entities.byName(reference.name!, [PROTEIN_TYPE], `${field}.entity.name`);
    }
  }

  const [row] = (await dependencies.store.listTypes()).includes(PROTEIN_TYPE)
    ? await dependencies.store.getRows(PROTEIN_TYPE, [entity.nodeIndex])
    : [];
  if (!row?.vector)
    throw new AppError({
      code: 'UNPROCESSABLE',
      message: `${entity.name} (${PROTEIN_TYPE} ${entity.id}) has no encoded sequence in this index, so the bridge cannot map it; give ${field}.sequence instead`,
      details: { field, entity: { type: entity.type, id: entity.id, name: entity.name } },
    });
  return {
    kind,
    entity,
    label: `${entity.name} (${PROTEIN_TYPE} ${entity.id})`,
    vector: row.vector,
    knownBinders: knownBindersOf(dependencies.graph, entity.nodeIndex),
  };
}

/** Drugs joined to a protein by a `target` edge, in either direction of the KG's listing. */
export function knownBindersOf(graph: KgGraph, proteinIndex: number): Set<number> {
  const binders = new Set<number>();
  for (const neighbour of graph.neighbours(proteinIndex)) {
    const kind = graph.edgeKinds[neighbour.kind];
    if (kind?.displayRelation === TARGET_RELATION && kind.tailType === DRUG_TYPE) binders.add(neighbour.node);
  }
  return binders;
}
