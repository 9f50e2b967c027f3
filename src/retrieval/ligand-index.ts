import { ligandFingerprint } from '../chem/ligand-fingerprint.js';
import { loadRDKit } from '../chem/rdkit.js';
import type { KgGraph } from '../kg/graph.js';
import { createLruCache } from '../util/lru-cache.js';
import type { LigandFingerprints } from './ligand-fingerprints.js';
import type { LigandModelKernel } from './ligand-model.js';
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
  /**
   * The query's mean-Tanimoto similarity to the training drugs of a ligand-model kernel head, in
   * its input order, taken from the similarities that ligand voting computes (one library scan per
   * query serves both); undefined when unparsable, or when the kernel's drugs are not library
   * members with byte-identical fingerprints (the head then computes its own).
   */
  kernelSimilarities(kernel: LigandModelKernel, query: LigandQuery): Promise<Float32Array | undefined>;
}

/** Queries whose library similarities are kept: the requests in flight at once, with room to spare. */
const SIMILARITY_CACHE_ENTRIES = 16;

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
  // A KG drug's fingerprint is one object per row, so that its similarities are cached by identity too.
  const rowFingerprints = new Map<number, Uint8Array>();
  // Keyed by the fingerprint object (the fingerprint caches hand out one per molecule, and nobody
  // writes to one): every relation of a request, and the ligand model's kernel head, read one scan.
  const librarySimilarities = createLruCache<Uint8Array, Float32Array>(SIMILARITY_CACHE_ENTRIES);
  const similaritiesOf = (fingerprint: Uint8Array) =>
    librarySimilarities.getOrCompute(fingerprint, () =>
      fingerprints.library.similarities(fingerprint, new Float32Array(fingerprints.library.size)),
    );
  const kernelRows = new WeakMap<LigandModelKernel, Int32Array | undefined>();
  const kernelRowsOf = (kernel: LigandModelKernel) => {
    if (!kernelRows.has(kernel)) kernelRows.set(kernel, libraryRowsOf(kernel, fingerprints));
    return kernelRows.get(kernel);
  };

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
    if (ownRow === undefined) return undefined;
    let fingerprint = rowFingerprints.get(ownRow);
    if (!fingerprint) rowFingerprints.set(ownRow, (fingerprint = fingerprints.fingerprint(ownRow)));
    return fingerprint;
  };

  return {
    fingerprint: fingerprintOf,
    async score(relation, query) {
      const ownRow = ownRowOf(query);
      const fingerprint = await fingerprintOf(query);
      if (!fingerprint) return undefined;
      // A copy: voting overwrites the members that may not vote.
      similarities.set(similaritiesOf(fingerprint));
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
    async kernelSimilarities(kernel, query) {
      const rows = kernelRowsOf(kernel);
      const fingerprint = rows && (await fingerprintOf(query));
      if (!rows || !fingerprint) return undefined;
      const all = similaritiesOf(fingerprint);
      const out = new Float32Array(rows.length);
      for (let drug = 0; drug < rows.length; drug++) out[drug] = all[rows[drug]!]!;
      return out;
    },
  };
}

/**
 * The library row of each kernel drug, or undefined unless every one is a library member whose
 * fingerprint is byte for byte the kernel's (as the trainer copies them from `<index>/ligands/`;
 * a library rebuilt since, e.g. by another RDKit version, is not shared).
 */
function libraryRowsOf(kernel: LigandModelKernel, fingerprints: LigandFingerprints): Int32Array | undefined {
  const bytes = kernel.fingerprints.length / kernel.drugs.length;
  const rows = new Int32Array(kernel.drugs.length);
  for (let drug = 0; drug < kernel.drugs.length; drug++) {
    const row = fingerprints.rowOf(kernel.drugs[drug]!);
    if (row === undefined) return undefined;
    const own = kernel.fingerprints.subarray(drug * bytes, (drug + 1) * bytes);
    const member = fingerprints.fingerprint(row);
    if (member.length !== own.length) return undefined;
    for (let byte = 0; byte < own.length; byte++) if (member[byte] !== own[byte]) return undefined;
    rows[drug] = row;
  }
  return rows;
}
