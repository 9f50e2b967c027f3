import { ligandFingerprint } from '../chem/ligand-fingerprint.js';
import { loadRDKit } from '../chem/rdkit.js';
import type { KgGraph } from '../kg/graph.js';
import { createLruCache } from '../util/lru-cache.js';
import type { LigandFingerprints } from './ligand-fingerprints.js';
import { QUERY_CACHE_ENTRIES } from './query-cache.js';
import type { PlannedRelation } from './relation-plan.js';
import type { TransferVoter } from './transfer-index.js';
import { topIndices } from './transfer-votes.js';

/**
 * Ligand similarity (SEA-like, "similar ligands bind similar targets"): the query molecule's
 * `LIGAND_NEIGHBOURS` most similar known drugs (mean Tanimoto over five fingerprints) vote for
 * their tails with weight similarity^`LIGAND_POWER`. The high power lets one close analogue
 * outvote many distant ones while the wide neighbourhood still reaches tails that only
 * moderately similar drugs share. Both were chosen on the validation drugs of the unseen-drug
 * split (k ∈ {20, 50, 100, 200}, power ∈ {1, 2, 3, 5}; README "Ligand similarity").
 */
export const LIGAND_NEIGHBOURS = 100;
export const LIGAND_POWER = 5;

/**
 * Adds similarity^power of each of the k most similar eligible members to every tail it links to;
 * members whose `linksOf` is undefined never vote. Returns the voters, most similar first.
 */
export function voteLigands(
  similarities: Float32Array,
  linksOf: (member: number) => readonly number[] | undefined,
  add: (tail: number, weight: number, voter: number, similarity: number) => void,
  options: { neighbours?: number | undefined; power?: number | undefined } = {},
): { member: number; similarity: number }[] {
  for (let member = 0; member < similarities.length; member++)
    if (linksOf(member) === undefined) similarities[member] = -1;
  const power = options.power ?? LIGAND_POWER;
  const voters: { member: number; similarity: number }[] = [];
  for (const member of topIndices(similarities, options.neighbours ?? LIGAND_NEIGHBOURS)) {
    const similarity = similarities[member]!;
    if (!(similarity > 0)) continue;
    const weight = similarity ** power;
    voters.push({ member, similarity });
    for (const tail of linksOf(member)!) add(tail, weight, member, similarity);
  }
  return voters;
}

/** Ligand-similarity votes of one query: tail node index → summed weight and the drugs behind it. */
export type LigandVotes = Map<number, { score: number; voters: TransferVoter[] }>;

/** A SMILES or a KG drug; `fingerprint`, when given, is its packed fingerprint already computed. */
export interface LigandQuery {
  smiles?: string | undefined;
  nodeIndex?: number | undefined;
  fingerprint?: Uint8Array | undefined;
}

export interface LigandIndex {
  /** The packed fingerprint of a SMILES or a KG drug; undefined when unparsable or unknown. */
  fingerprint(query: LigandQuery): Promise<Uint8Array | undefined>;
  /** Votes for a SMILES or a KG drug (which never votes for itself); undefined when unparsable. */
  score(relation: PlannedRelation, query: LigandQuery): Promise<LigandVotes | undefined>;
}

export function createLigandIndex(graph: KgGraph, fingerprints: LigandFingerprints): LigandIndex {
  const linksByRelation = new Map<string, (readonly number[] | undefined)[]>();
  const linksFor = (relation: PlannedRelation) => {
    const key = `${relation.relation}\u0000${relation.tailType}`;
    let links = linksByRelation.get(key);
    if (!links) {
      const kinds = new Set(relation.kindIds);
      links = Array.from(fingerprints.nodes, (node) => {
        const tails = graph
          .neighbours(node)
          .filter((neighbour) => kinds.has(neighbour.kind))
          .map((neighbour) => neighbour.node);
        return tails.length === 0 ? undefined : [...new Set(tails)];
      });
      linksByRelation.set(key, links);
    }
    return links;
  };
  const similarities = new Float32Array(fingerprints.library.size);
  const queryFingerprints = createLruCache<string, Uint8Array | undefined>(QUERY_CACHE_ENTRIES);

  /** The query drug's own library row, when it is a KG drug (it must not vote for itself). */
  const ownRowOf = (query: LigandQuery) =>
    query.nodeIndex === undefined ? undefined : fingerprints.rowOf(query.nodeIndex);
  const fingerprintOf = async (query: LigandQuery): Promise<Uint8Array | undefined> => {
    if (query.fingerprint) return query.fingerprint;
    if (query.smiles !== undefined) {
      const { smiles } = query;
      const rdkit = await loadRDKit();
      return queryFingerprints.getOrCompute(smiles, () => ligandFingerprint(rdkit, smiles));
    }
    const ownRow = ownRowOf(query);
    return ownRow === undefined ? undefined : fingerprints.fingerprint(ownRow);
  };

  return {
    fingerprint: fingerprintOf,
    async score(relation, query) {
      const ownRow = ownRowOf(query);
      const fingerprint = await fingerprintOf(query);
      if (!fingerprint) return undefined;
      fingerprints.library.similarities(fingerprint, similarities);
      const links = linksFor(relation);
      const votes: LigandVotes = new Map();
      voteLigands(
        similarities,
        (member) => (member === ownRow ? undefined : links[member]),
        (tail, weight, member, similarity) => {
          let entry = votes.get(tail);
          if (!entry) votes.set(tail, (entry = { score: 0, voters: [] }));
          entry.score += weight;
          entry.voters.push({ nodeIndex: fingerprints.nodes[member]!, similarity });
        },
      );
      return votes;
    },
  };
}
