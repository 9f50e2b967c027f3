import { describe, expect, it } from 'vitest';
import { summarizeRDKitLog } from '../../src/chem/rdkit-log.js';

describe('summarizeRDKitLog', () => {
  it('keeps the reason and the position, drops the echo, marker and repeats', () => {
    const buffer = [
      '[23:32:18] SMILES Parse Error: extra open parentheses while parsing: CC(C',
      '[23:32:18] SMILES Parse Error: check for mistakes around position 3:',
      '[23:32:19] CC(C',
      '[23:32:19] ~~^',
      "[23:32:19] SMILES Parse Error: Failed parsing SMILES 'CC(C' for input: 'CC(C'",
      '',
    ].join('\n');
    expect(summarizeRDKitLog(buffer, 'CC(C')).toEqual({
      message: 'SMILES Parse Error: extra open parentheses while parsing: CC(C',
      position: 2,
    });
  });

  it('keeps single-line reasons and reports nothing for an empty log', () => {
    expect(
      summarizeRDKitLog(
        "[00:00:00] Can't kekulize mol.  Unkekulized atoms: 0 1 2\n[00:00:00] Can't kekulize mol.  Unkekulized atoms: 0 1 2\n",
        'c1ccc1',
      ),
    ).toEqual({
      message: "Can't kekulize mol.  Unkekulized atoms: 0 1 2",
    });
    expect(summarizeRDKitLog('', 'C')).toBeUndefined();
  });
});
