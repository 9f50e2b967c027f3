import type { Result } from '../errors.js';
import { err, ok } from '../errors.js';
import type { EncodeFailure } from './encoder.js';

/** The 20 standard residues, in the order used for composition features. */
export const STANDARD_RESIDUES = 'ACDEFGHIKLMNPQRSTVWY';

/** B (D/N), Z (E/Q), J (I/L), X (any), U (selenocysteine), O (pyrrolysine). */
export const AMBIGUOUS_RESIDUES = 'BZJXUO';

/**
 * Default longest accepted sequence: 40,000 residues, above titin (34,350 residues, the longest
 * human protein), so that every SwissProt entry passes while pasted genomes do not.
 */
export const DEFAULT_MAX_RESIDUES = 40_000;

// ASCII code → upper-case residue code, 0 for "not a residue".
const residueCode = new Uint8Array(128);
for (const letter of STANDARD_RESIDUES + AMBIGUOUS_RESIDUES) {
  residueCode[letter.charCodeAt(0)] = letter.charCodeAt(0);
  residueCode[letter.toLowerCase().charCodeAt(0)] = letter.charCodeAt(0);
}
const asciiWhitespace = new Set([9, 10, 11, 12, 13, 32]);

/**
 * Normalises a protein sequence (whitespace removed, upper case) and checks its alphabet.
 * Failures: `EMPTY`, `INVALID_SEQUENCE` naming the first bad character and its 1-based position in
 * the input as given (counted in characters, whitespace included), `TOO_LONG` beyond `maxResidues`.
 */
export function normalizeProteinSequence(
  input: string,
  maxResidues: number = DEFAULT_MAX_RESIDUES,
): Result<string, EncodeFailure> {
  const codes = new Uint8Array(input.length);
  let count = 0;
  for (let index = 0; index < input.length; index++) {
    const code = input.charCodeAt(index);
    if (code < 128) {
      const residue = residueCode[code]!;
      if (residue !== 0) {
        codes[count++] = residue;
        continue;
      }
      if (asciiWhitespace.has(code)) continue;
    } else if (/\s/u.test(input[index]!)) {
      continue;
    }
    const character = String.fromCodePoint(input.codePointAt(index)!);
    const position = [...input.slice(0, index)].length + 1;
    return err({
      code: 'INVALID_SEQUENCE',
      message:
        `invalid residue ${JSON.stringify(character)} at position ${position}: expected one of the 20 ` +
        `standard amino acids or the ambiguity codes B, Z, J, X, U, O`,
    });
  }
  if (count === 0) return err({ code: 'EMPTY', message: 'empty protein sequence' });
  if (count > maxResidues) {
    return err({
      code: 'TOO_LONG',
      message: `sequence has ${count} residues, more than the limit of ${maxResidues}`,
    });
  }
  return ok(new TextDecoder('latin1').decode(codes.subarray(0, count)));
}
