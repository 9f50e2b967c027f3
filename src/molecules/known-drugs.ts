import { createFingerprintLibrary, type Fingerprint, type FingerprintLibrary } from '../chem/fingerprint.js';
import { countFragments, withoutFragments, type FragmentCorpus } from '../chem/sa-score.js';
import type { ChemToolkit } from '../chem/toolkit.js';
import type { VectorStore } from '../store/vector-store.js';

export interface KnownDrug {
  nodeIndex: number;
  id: string;
  name: string;
  smiles: string;
}

export interface NearestKnownDrug extends KnownDrug {
  similarity: number;
}

/**
 * Morgan fingerprints of every KG drug with a usable SMILES, for novelty and "nearest known drug".
 * Drugs can be hidden per query (`exclude`), so that a benchmark's held-out binders are invisible
 * to the run that is meant to rediscover them.
 */
export interface KnownDrugLibrary {
  readonly size: number;
  readonly drugs: readonly KnownDrug[];
  /** The most similar drug outside `exclude` (node indices); undefined when none is left. */
  nearest(fingerprint: Fingerprint, exclude?: ReadonlySet<number>): NearestKnownDrug | undefined;
  /** Fragment (Morgan bit) frequencies of these drugs for the SA score, less the `exclude`d ones. */
  fragments(exclude?: ReadonlySet<number>): FragmentCorpus;
}

export function createKnownDrugLibrary(
  entries: readonly (KnownDrug & { fingerprint: Fingerprint })[],
): KnownDrugLibrary {
  const drugs = entries.map(({ fingerprint: _fingerprint, ...drug }) => drug);
  const library: FingerprintLibrary = createFingerprintLibrary(entries.map((entry) => entry.fingerprint));
  const corpus = countFragments(entries.map((entry) => entry.fingerprint));
  return {
    fragments(exclude) {
      if (!exclude || exclude.size === 0) return corpus;
      return withoutFragments(
        corpus,
        entries.filter((entry) => exclude.has(entry.nodeIndex)).map((entry) => entry.fingerprint),
      );
    },
    size: drugs.length,
    drugs,
    nearest(fingerprint, exclude) {
      if (drugs.length === 0) return undefined;
      if (!exclude || exclude.size === 0) {
        const best = library.nearest(fingerprint);
        return { ...drugs[best.index]!, similarity: best.similarity };
      }
      const similarities = library.similarities(fingerprint);
      let best = -1;
      for (let member = 0; member < similarities.length; member += 1) {
        if (exclude.has(drugs[member]!.nodeIndex)) continue;
        if (best === -1 || similarities[member]! > similarities[best]!) best = member;
      }
      return best === -1 ? undefined : { ...drugs[best]!, similarity: similarities[best]! };
    },
  };
}

/**
 * Reads the drugs that have an encoded SMILES from the store (those are the ones the bridge can
 * rank) and fingerprints them. About a second per 5,000 drugs; callers cache the result.
 */
export async function loadKnownDrugLibrary(
  store: VectorStore,
  toolkit: Pick<ChemToolkit, 'fingerprint'>,
  type = 'drug',
): Promise<KnownDrugLibrary> {
  if (!(await store.listTypes()).includes(type)) return createKnownDrugLibrary([]);
  const { nodeIndices } = await store.readVectors(type, 'vector');
  const rows = await store.getRows(type, Array.from(nodeIndices));
  const entries: (KnownDrug & { fingerprint: Fingerprint })[] = [];
  for (const row of rows) {
    if (row.payload === null || row.payloadKind !== 'smiles') continue;
    const fingerprint = toolkit.fingerprint(row.payload);
    if (!fingerprint.ok) continue;
    entries.push({
      nodeIndex: row.nodeIndex,
      id: row.nodeId,
      name: row.name,
      smiles: row.payload,
      fingerprint: fingerprint.value,
    });
  }
  entries.sort((left, right) => left.nodeIndex - right.nodeIndex);
  return createKnownDrugLibrary(entries);
}
