import { z } from 'zod';
import { ok } from '../errors.js';
import type { EncodeOutcome, Encoder, EncoderDescription } from './encoder.js';
import { describeEncoder, writeEncoderDirectory } from './encoder-description.js';
import { DEFAULT_MAX_RESIDUES, normalizeProteinSequence, STANDARD_RESIDUES } from './protein-sequence.js';
import { mixInteger, normalizeInPlace } from './vector-math.js';

export const PROTEIN_KMER_KIND = 'protein-kmer';
const VERSION = 1;
const COMPOSITION_SIZE = 20;
const DIPEPTIDE_SIZE = 400;
const GLOBAL_SIZE = 8;
const FIXED_SIZE = COMPOSITION_SIZE + DIPEPTIDE_SIZE + GLOBAL_SIZE;
export const MAX_LEXICAL_DIMENSION = 1024;

export const proteinKmerOptionsSchema = z.object({
  /**
   * Buckets for the 8,000 possible 3-mers (hashed; collisions add up). The vector has
   * 20 + 400 + kmerBuckets + 8 dimensions; the default 596 makes it exactly 1024.
   */
  kmerBuckets: z
    .number()
    .int()
    .min(16)
    .max(MAX_LEXICAL_DIMENSION - FIXED_SIZE)
    .default(MAX_LEXICAL_DIMENSION - FIXED_SIZE),
  /**
   * Longest sequence accepted, in residues; longer ones fail with `TOO_LONG`. The default 40,000 is
   * above titin (34,350 residues, the longest human protein). Encoding is linear in length.
   */
  maxResidues: z.number().int().positive().default(DEFAULT_MAX_RESIDUES),
  /** Weight of each block after the block's own normalisation; the whole vector is L2-normalised last. */
  blockWeights: z
    .object({
      composition: z.number().nonnegative().default(1),
      dipeptides: z.number().nonnegative().default(1),
      trimers: z.number().nonnegative().default(1),
      global: z.number().nonnegative().default(0.5),
    })
    .prefault({}),
});
export type ProteinKmerOptions = z.infer<typeof proteinKmerOptionsSchema>;
export type ProteinKmerOptionsInput = z.input<typeof proteinKmerOptionsSchema>;

// Each residue letter as a distribution over the 20 standard residues. X is unknown and contributes
// nothing to composition or k-mers (k-mers that contain it are skipped); it still counts in length.
const residueWeights = new Map<string, [number, number][]>();
for (const [position, letter] of [...STANDARD_RESIDUES].entries())
  residueWeights.set(letter, [[position, 1]]);
const at = (letter: string): number => STANDARD_RESIDUES.indexOf(letter);
residueWeights.set('B', [
  [at('D'), 0.5],
  [at('N'), 0.5],
]);
residueWeights.set('Z', [
  [at('E'), 0.5],
  [at('Q'), 0.5],
]);
residueWeights.set('J', [
  [at('I'), 0.5],
  [at('L'), 0.5],
]);
residueWeights.set('U', [[at('C'), 1]]);
residueWeights.set('O', [[at('K'), 1]]);
residueWeights.set('X', []);

const KYTE_DOOLITTLE: Record<string, number> = {
  A: 1.8,
  C: 2.5,
  D: -3.5,
  E: -3.5,
  F: 2.8,
  G: -0.4,
  H: -3.2,
  I: 4.5,
  K: -3.9,
  L: 3.8,
  M: 1.9,
  N: -3.5,
  P: -1.6,
  Q: -3.5,
  R: -4.5,
  S: -0.8,
  T: -0.7,
  V: 4.2,
  W: -0.9,
  Y: -1.3,
};
const groupMask = (letters: string): Float64Array => {
  const mask = new Float64Array(COMPOSITION_SIZE);
  for (const letter of letters) mask[at(letter)] = 1;
  return mask;
};
const POSITIVE = groupMask('KRH');
const NEGATIVE = groupMask('DE');
const HYDROPHOBIC = groupMask('AVILMFWC');
const AROMATIC = groupMask('FWY');
const POLAR = groupMask('STNQ');
const HYDROPATHY = Float64Array.from(STANDARD_RESIDUES, (letter) => KYTE_DOOLITTLE[letter]! / 4.5);
const LOG_LENGTH_SCALE = Math.log1p(DEFAULT_MAX_RESIDUES);

/**
 * Alignment-free protein representation, ≤ 1024 dimensions, in four blocks:
 * - amino-acid composition (20 frequencies, L2-normalised);
 * - dipeptide composition (400; square roots of the frequencies, L2-normalised);
 * - 3-mers hashed into `kmerBuckets` (square roots of the frequencies, L2-normalised);
 * - 8 global features: log length, fractions of positive, negative, hydrophobic, aromatic and polar
 *   residues, mean Kyte–Doolittle hydropathy / 4.5, fraction of ambiguous letters.
 * Ambiguity codes are spread over the residues they stand for (B = D/N, Z = E/Q, J = I/L; U counts as
 * C, O as K); X is unknown. The square roots keep a few very frequent k-mers (poly-Q, poly-A runs)
 * from dominating the blocks.
 */
export function createProteinKmerEncoder(input: ProteinKmerOptionsInput = {}): Encoder {
  const options = proteinKmerOptionsSchema.parse(input);
  const dimension = FIXED_SIZE + options.kmerBuckets;
  const description = describeEncoder({
    kind: PROTEIN_KMER_KIND,
    version: VERSION,
    modality: 'protein',
    dimension,
    options,
  });
  const bucketOf = Int32Array.from({ length: 8000 }, (_, trimer) => mixInteger(trimer) % options.kmerBuckets);

  const encodeOne = (input: string): EncodeOutcome => {
    const normalized = normalizeProteinSequence(input, options.maxResidues);
    if (!normalized.ok) return normalized;
    return ok(featurize(normalized.value, options, bucketOf, dimension));
  };

  return {
    modality: 'protein',
    dimension,
    encode: async (inputs) => inputs.map(encodeOne),
    describe: (): EncoderDescription => description,
    save: (directory) => writeEncoderDirectory(directory, description),
  };
}

function featurize(
  sequence: string,
  options: ProteinKmerOptions,
  bucketOf: Int32Array,
  dimension: number,
): Float32Array {
  const length = sequence.length;
  const weights = [...sequence].map((letter) => residueWeights.get(letter) ?? []);
  const composition = new Float64Array(COMPOSITION_SIZE);
  const dipeptides = new Float64Array(DIPEPTIDE_SIZE);
  const trimers = new Float64Array(options.kmerBuckets);
  let ambiguous = 0;
  for (let position = 0; position < length; position++) {
    const here = weights[position]!;
    if (!STANDARD_RESIDUES.includes(sequence[position]!)) ambiguous += 1;
    for (const [residue, weight] of here) composition[residue]! += weight;
    if (position + 1 < length) {
      for (const [first, firstWeight] of here) {
        for (const [second, secondWeight] of weights[position + 1]!) {
          dipeptides[first * 20 + second]! += firstWeight * secondWeight;
          if (position + 2 < length) {
            for (const [third, thirdWeight] of weights[position + 2]!) {
              trimers[bucketOf[first * 400 + second * 20 + third]!]! +=
                firstWeight * secondWeight * thirdWeight;
            }
          }
        }
      }
    }
  }

  const global = new Float64Array(GLOBAL_SIZE);
  const fraction = (mask: Float64Array): number => {
    let sum = 0;
    for (let residue = 0; residue < COMPOSITION_SIZE; residue++)
      sum += mask[residue]! * composition[residue]!;
    return sum / length;
  };
  global[0] = Math.log1p(length) / LOG_LENGTH_SCALE;
  global[1] = fraction(POSITIVE);
  global[2] = fraction(NEGATIVE);
  global[3] = fraction(HYDROPHOBIC);
  global[4] = fraction(AROMATIC);
  global[5] = fraction(POLAR);
  global[6] = fraction(HYDROPATHY);
  global[7] = ambiguous / length;

  for (let index = 0; index < dipeptides.length; index++) dipeptides[index] = Math.sqrt(dipeptides[index]!);
  for (let index = 0; index < trimers.length; index++) trimers[index] = Math.sqrt(trimers[index]!);
  normalizeInPlace(composition);
  normalizeInPlace(dipeptides);
  normalizeInPlace(trimers);

  const vector = new Float64Array(dimension);
  const { blockWeights } = options;
  let offset = 0;
  for (const [block, weight] of [
    [composition, blockWeights.composition],
    [dipeptides, blockWeights.dipeptides],
    [trimers, blockWeights.trimers],
    [global, blockWeights.global],
  ] as const) {
    for (let index = 0; index < block.length; index++) vector[offset + index] = block[index]! * weight;
    offset += block.length;
  }
  normalizeInPlace(vector);
  return Float32Array.from(vector);
}
