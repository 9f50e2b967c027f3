import type { RDKitMol, RDKitModule } from './rdkit.js';
import { holdMolecule, morganCountSimulationBits } from './molecule-scope.js';
import { createSimdKernels } from '../util/simd-kernels.js';
import { popcount32 } from './fingerprint.js';

/**
 * Five complementary RDKit fingerprints of one molecule, packed into one byte array, for
 * ligand-based target prediction (similar ligands bind similar targets). Circular environments
 * alone (ECFP) miss scaffold hops that atom pairs, torsions, paths and MACCS keys still see; the
 * mean of their Tanimoto similarities ranks a molecule's known-ligand neighbours better than any
 * one of them (validation on the unseen-drug split, README "Ligand similarity").
 */
export interface LigandFingerprintPart {
  name: string;
  /** Bytes of this part inside the packed fingerprint (a multiple of 4). */
  bytes: number;
  compute(mol: RDKitMol): Uint8Array;
}

// MinimalLib's typings leave these `any`; they are byte arrays (bit i in byte i >> 3).
const bytes = (value: unknown): Uint8Array => value as Uint8Array;

// Option strings serialised once, not per call (a retrieve request computes every part).
const ATOM_PAIR_DETAILS = JSON.stringify({ nBits: 2048 });
const TORSION_DETAILS = JSON.stringify({ nBits: 2048 });
const RDKIT_PATH_DETAILS = JSON.stringify({ nBits: 2048, maxPath: 5 });

export const LIGAND_FINGERPRINT_PARTS: readonly LigandFingerprintPart[] = [
  {
    // ECFP4 with RDKit's count simulation: 4 bits per folded slot, set at counts 1, 2, 4, 8.
    name: 'morgan2-count',
    bytes: 512,
    // The Morgan encoder's default call (useChirality is RDKit's default, false): shared per request.
    compute: (mol) => morganCountSimulationBits(mol, { radius: 2, nBits: 4096, useChirality: false }),
  },
  {
    name: 'atom-pair',
    bytes: 256,
    compute: (mol) => bytes(mol.get_atom_pair_fp_as_uint8array(ATOM_PAIR_DETAILS)),
  },
  {
    name: 'topological-torsion',
    bytes: 256,
    compute: (mol) => bytes(mol.get_topological_torsion_fp_as_uint8array(TORSION_DETAILS)),
  },
  // 167 MACCS keys, zero-padded to 24 bytes.
  { name: 'maccs', bytes: 24, compute: (mol) => bytes(mol.get_maccs_fp_as_uint8array()) },
  {
    name: 'rdkit-path5',
    bytes: 256,
    compute: (mol) => bytes(mol.get_rdkit_fp_as_uint8array(RDKIT_PATH_DETAILS)),
  },
];

/** Bytes of one packed ligand fingerprint. */
export const LIGAND_FINGERPRINT_BYTES = LIGAND_FINGERPRINT_PARTS.reduce((sum, part) => sum + part.bytes, 0);

/**
 * The packed fingerprint of a SMILES, or undefined when RDKit cannot parse it. Inside a molecule
 * scope (molecule-scope.ts) the molecule is the one the request's other consumers read.
 */
export function ligandFingerprint(rdkit: RDKitModule, smiles: string): Uint8Array | undefined {
  const held = holdMolecule(rdkit, smiles);
  if (!held) return undefined;
  try {
    return packedFingerprint(held.mol);
  } finally {
    held.release();
  }
}

function packedFingerprint(mol: RDKitMol): Uint8Array {
  const packed = new Uint8Array(LIGAND_FINGERPRINT_BYTES);
  let offset = 0;
  for (const part of LIGAND_FINGERPRINT_PARTS) {
    const bits = part.compute(mol);
    packed.set(bits.subarray(0, part.bytes), offset);
    offset += part.bytes;
  }
  return packed;
}

/**
 * Packed fingerprints of a library, searched by the mean Tanimoto over the parts. Bit counts are
 * precomputed, so one query costs one AND-popcount per word of the library.
 */
export interface LigandFingerprintLibrary {
  readonly size: number;
  /** Mean-Tanimoto similarity of `query` to every member, written into `out` (length `size`). */
  similarities(query: Uint8Array, out: Float32Array): Float32Array;
}

export function createLigandFingerprintLibrary(packed: Uint8Array, size: number): LigandFingerprintLibrary {
  const wordsPer = LIGAND_FINGERPRINT_BYTES / 4;
  if (packed.byteLength !== size * LIGAND_FINGERPRINT_BYTES)
    throw new RangeError(
      `ligand fingerprints: ${packed.byteLength} bytes for ${size} members of ${LIGAND_FINGERPRINT_BYTES}`,
    );
  const words = new Uint32Array(
    packed.buffer.slice(packed.byteOffset, packed.byteOffset + packed.byteLength),
  );
  const partWords = LIGAND_FINGERPRINT_PARTS.map((part) => part.bytes / 4);
  const parts = partWords.length;
  const counts = new Uint16Array(size * parts);
  for (let member = 0; member < size; member++)
    countBits(words, member * wordsPer, partWords, counts, member);
  // Word-major (word w of every member, then word w + 1), in the SIMD kernels' memory: a query word
  // that is zero shares no bit with anyone and is skipped whole (about half of a drug's 326 words),
  // and the others are AND-popcounted against four members at a time.
  const kernels = createSimdKernels();
  const byWordAt = kernels.allocate(words.byteLength);
  const bothAt = kernels.allocate(size * 4);
  const byWord = kernels.u32(byWordAt, words.length);
  for (let member = 0; member < size; member++)
    for (let word = 0; word < wordsPer; word++)
      byWord[word * size + member] = words[member * wordsPer + word]!;
  const queryCounts = new Uint16Array(parts);
  const sums = new Float64Array(size);
  return {
    size,
    similarities(query, out) {
      const queryWords = new Uint32Array(
        query.buffer.slice(query.byteOffset, query.byteOffset + query.byteLength),
      );
      countBits(queryWords, 0, partWords, queryCounts, 0);
      const both = kernels.u32(bothAt, size);
      sums.fill(0);
      let word = 0;
      for (let part = 0; part < parts; part++) {
        both.fill(0);
        for (const end = word + partWords[part]!; word < end; word++)
          if (queryWords[word] !== 0)
            kernels.andPopcount(byWordAt + word * size * 4, size, queryWords[word]!, bothAt);
        // The mean over parts is summed in part order, as a member-by-member loop would.
        for (let member = 0; member < size; member++) {
          const either = queryCounts[part]! + counts[member * parts + part]! - both[member]!;
          if (either > 0) sums[member] = sums[member]! + both[member]! / either;
        }
      }
      for (let member = 0; member < size; member++) out[member] = sums[member]! / parts;
      return out;
    },
  };
}

function countBits(
  words: Uint32Array,
  start: number,
  partWords: readonly number[],
  out: Uint16Array,
  member: number,
): void {
  let offset = start;
  partWords.forEach((length, part) => {
    let count = 0;
    for (let end = offset + length; offset < end; offset++) count += popcount32(words[offset]!);
    out[member * partWords.length + part] = count;
  });
}
