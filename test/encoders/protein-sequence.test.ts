import { describe, expect, it } from 'vitest';
import { normalizeProteinSequence } from '../../src/encoders/protein-sequence.js';

describe('normalizeProteinSequence', () => {
  it('upper-cases, strips whitespace and accepts ambiguity codes', () => {
    expect(normalizeProteinSequence(' mkt\tAY\nbzjxuo\u00a0K ')).toEqual({ ok: true, value: 'MKTAYBZJXUOK' });
  });

  it('names the first invalid character and its position in the input', () => {
    expect(normalizeProteinSequence('MK TA*')).toEqual({
      ok: false,
      error: {
        code: 'INVALID_SEQUENCE',
        message:
          'invalid residue "*" at position 6: expected one of the 20 standard amino acids or the ambiguity codes B, Z, J, X, U, O',
      },
    });
    expect(normalizeProteinSequence('🧬MK')).toMatchObject({
      error: { message: expect.stringContaining('"🧬" at position 1') },
    });
    expect(normalizeProteinSequence('MK🧬é')).toMatchObject({
      error: { message: expect.stringContaining('"🧬" at position 3') },
    });
  });

  it('rejects empty and over-long sequences', () => {
    expect(normalizeProteinSequence(' \n ')).toEqual({
      ok: false,
      error: { code: 'EMPTY', message: 'empty protein sequence' },
    });
    expect(normalizeProteinSequence('MKT', 2)).toEqual({
      ok: false,
      error: { code: 'TOO_LONG', message: 'sequence has 3 residues, more than the limit of 2' },
    });
    expect(normalizeProteinSequence('A'.repeat(40_000)).ok).toBe(true);
    expect(normalizeProteinSequence('A'.repeat(40_001))).toMatchObject({
      ok: false,
      error: { code: 'TOO_LONG' },
    });
  });
});
