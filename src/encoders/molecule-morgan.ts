import { z } from 'zod';
import type { Result } from '../errors.js';
import { err, ok } from '../errors.js';
import { holdMolecule, morganCountSimulationBits, type HeldMolecule } from '../chem/molecule-scope.js';
import { loadRDKit, type RDKitModule } from '../chem/rdkit.js';
import { rdkitErrorLog, summarizeRDKitLog } from '../chem/rdkit-log.js';
import { countSmilesAtoms, maxSupportedAtoms } from '../chem/smiles-atoms.js';
import type { EncodeFailure, EncodeOutcome, Encoder, EncoderDescription } from './encoder.js';
import { describeEncoder, writeEncoderDirectory } from './encoder-description.js';
import { normalizeInPlace } from './vector-math.js';

export const MOLECULE_MORGAN_KIND = 'molecule-morgan';
const VERSION = 1;

/** RDKit's count simulation sets bit j of a feature's 4-bit group when its count reaches BOUNDS[j]. */
const COUNT_BOUNDS = [1, 2, 4, 8] as const;

export const moleculeMorganOptionsSchema = z.object({
  /** Morgan radius: 2 gives ECFP4-like environments (diameter 4). */
  radius: z.number().int().min(1).max(4).default(2),
  /** Output dimension (folded feature slots), at most 1024. */
  size: z.number().int().min(64).max(1024).default(1024),
  /** Distinguish stereoisomers (RDKit `useChirality`). Off by default, as in ECFP. */
  useChirality: z.boolean().default(false),
  /**
   * `log1p`: log(1 + count) per slot, then L2 (default; damps long alkyl chains and repeated rings);
   * `binary`: presence only, then L2.
   */
  scaling: z.enum(['log1p', 'binary']).default('log1p'),
});
export type MoleculeMorganOptions = z.infer<typeof moleculeMorganOptionsSchema>;
export type MoleculeMorganOptionsInput = z.input<typeof moleculeMorganOptionsSchema>;

export interface MoleculeMorganDependencies {
  /** Defaults to the shared MinimalLib instance from `src/chem/rdkit.ts`. */
  rdkit?: RDKitModule;
}

/**
 * Morgan (ECFP-like) count fingerprint from RDKit MinimalLib, L2-normalised, ≤ 1024 dimensions.
 *
 * MinimalLib 2026.09 exposes no count vector for Morgan fingerprints, only bit vectors. It does
 * implement RDKit's *count simulation* (`useCountSimulation`): each folded slot gets 4 bits that are set
 * when the slot's count reaches 1, 2, 4 and 8 (the `countBounds` option is ignored by MinimalLib).
 * This encoder asks for a `4 × size`-bit count-simulated fingerprint and decodes every 4-bit group back
 * into a count, so slot `i` holds RDKit's folded Morgan count of slot `i` (the sum over all atom
 * environments hashed there), rounded down to 0, 1, 2, 4 or ≥ 8. Environment hashing and folding are
 * RDKit's own (standard ECFP invariants, bond types, redundant environments removed). The counts are
 * then `log1p`-scaled and the vector L2-normalised, so cosine similarity behaves like a count-weighted
 * Tanimoto.
 */
export async function createMoleculeMorganEncoder(
  input: MoleculeMorganOptionsInput = {},
  dependencies: MoleculeMorganDependencies = {},
): Promise<Encoder> {
  const options = moleculeMorganOptionsSchema.parse(input);
  const rdkit = dependencies.rdkit ?? (await loadRDKit());
  const description = describeEncoder({
    kind: MOLECULE_MORGAN_KIND,
    version: VERSION,
    modality: 'molecule',
    dimension: options.size,
    options,
    provenance: { rdkit: rdkit.version() },
  });
  const fingerprintOptions = {
    radius: options.radius,
    nBits: options.size * COUNT_BOUNDS.length,
    useChirality: options.useChirality,
  };
  const levelValue = COUNT_BOUNDS.map((count) => (options.scaling === 'log1p' ? Math.log1p(count) : 1));

  const encodeOne = (smiles: string): EncodeOutcome => {
    const parsed = parseMolecule(rdkit, smiles);
    if (!parsed.ok) return parsed;
    const { mol } = parsed.value;
    try {
      const bits = morganCountSimulationBits(mol, fingerprintOptions);
      const vector = new Float64Array(options.size);
      for (let slot = 0; slot < options.size; slot++) {
        // Four bits per slot, least significant bit first: two slots per byte.
        const nibble = (bits[slot >> 1]! >> ((slot & 1) * 4)) & 0xf;
        if (nibble === 0) continue;
        let level = 0;
        for (let bit = 0; bit < COUNT_BOUNDS.length; bit++) if ((nibble >> bit) & 1) level = bit;
        vector[slot] = levelValue[level]!;
      }
      normalizeInPlace(vector);
      return ok(Float32Array.from(vector));
    } finally {
      parsed.value.release();
    }
  };

  return {
    modality: 'molecule',
    dimension: options.size,
    encode: async (inputs) => inputs.map(encodeOne),
    describe: (): EncoderDescription => description,
    save: (directory) => writeEncoderDirectory(directory, description),
  };
}

/**
 * RDKit's canonical SMILES for `smiles`, or `INVALID_SMILES` with RDKit's reason (e.g.
 * "Can't kekulize mol"), or `EMPTY`.
 */
export async function canonicalSmiles(
  smiles: string,
  dependencies: MoleculeMorganDependencies = {},
): Promise<Result<string, EncodeFailure>> {
  const rdkit = dependencies.rdkit ?? (await loadRDKit());
  const parsed = parseMolecule(rdkit, smiles);
  if (!parsed.ok) return parsed;
  try {
    return ok(parsed.value.mol.get_smiles());
  } finally {
    parsed.value.release();
  }
}

/**
 * Parses `smiles` (or borrows the request's parse, see molecule-scope.ts); the caller must
 * `release()` the result. RDKit's reason for a failure comes from the process-wide `rdApp.error`
 * capture shared through `src/chem/rdkit-log.ts`.
 */
export function parseMolecule(rdkit: RDKitModule, smiles: string): Result<HeldMolecule, EncodeFailure> {
  const trimmed = smiles.trim();
  if (trimmed.length === 0) return err({ code: 'EMPTY', message: 'empty SMILES' });
  // MinimalLib traps on molecules of ~600 atoms and stays broken afterwards: refuse them unread.
  const atoms = countSmilesAtoms(trimmed);
  if (atoms > maxSupportedAtoms)
    return err({
      code: 'TOO_LONG',
      message: `SMILES ${JSON.stringify(abbreviate(trimmed))} has ${atoms} atoms; at most ${maxSupportedAtoms} are supported`,
    });
  const log = rdkitErrorLog(rdkit);
  log.clear();
  const held = holdMolecule(rdkit, trimmed);
  if (!held) {
    const reason = summarizeRDKitLog(log.read(), trimmed);
    const detail = reason
      ? `: ${reason.message}` +
        (reason.position === undefined ? '' : ` (around character ${reason.position + 1})`)
      : '';
    return err({
      code: 'INVALID_SMILES',
      message: `RDKit cannot parse SMILES ${JSON.stringify(abbreviate(trimmed))}${detail}`,
    });
  }
  if (held.mol.get_num_atoms() === 0) {
    held.release();
    return err({ code: 'EMPTY', message: `SMILES ${JSON.stringify(abbreviate(trimmed))} has no atoms` });
  }
  return ok(held);
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
