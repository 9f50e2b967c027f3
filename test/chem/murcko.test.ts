import { describe, expect, it } from 'vitest';
import { extractAtoms, parseMolblockV2000 } from '../../src/chem/molblock.js';
import { ringAtomMask } from '../../src/chem/murcko.js';

describe('ringAtomMask', () => {
  it('marks atoms on cycles, not bridges or chains', () => {
    // Two triangles joined by a two-bond chain: 0-1-2-0, 2-3, 3-4, 4-5-6-4, plus a tail 6-7.
    const bonds = [
      [0, 1],
      [1, 2],
      [2, 0],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
      [6, 4],
      [6, 7],
    ].map(([from, to]) => ({ from: from!, to: to! }));
    expect(ringAtomMask(8, bonds)).toEqual([true, true, true, false, true, true, true, false]);
    expect(ringAtomMask(3, [])).toEqual([false, false, false]);
  });
});

const ethanolate = [
  '',
  '     RDKit          2D',
  '',
  '  3  2  0  0  0  0  0  0  0  0999 V2000',
  '    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    2.5981   -0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
  '  1  2  1  0',
  '  2  3  1  0',
  'M  CHG  1   3  -1',
  'M  END',
].join('\n');

describe('molblock', () => {
  it('parses counts, bonds and properties', () => {
    const parsed = parseMolblockV2000(ethanolate);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.atomLines).toHaveLength(3);
    expect(parsed.value.bonds).toEqual([
      { from: 0, to: 1, order: 1, stereo: 0, rest: '' },
      { from: 1, to: 2, order: 1, stereo: 0, rest: '' },
    ]);
    expect(parsed.value.properties).toEqual(['M  CHG  1   3  -1']);
  });

  it('cuts atoms out and renumbers bonds and charges', () => {
    const parsed = parseMolblockV2000(ethanolate);
    if (!parsed.ok) throw new Error(parsed.error);
    const cut = extractAtoms(parsed.value, [false, true, true]).split('\n');
    expect(cut[3]).toBe('  2  1  0  0  0  0  0  0  0  0999 V2000');
    expect(cut.slice(6)).toEqual(['  1  2  1  0', 'M  CHG  1   2  -1', 'M  END', '']);
  });

  it('refuses what it cannot read', () => {
    expect(parseMolblockV2000('not a molblock')).toEqual({
      ok: false,
      error: 'not a V2000 molblock (no V2000 counts line)',
    });
  });
});
