import { describe, expect, it } from 'vitest';
import { deferNames } from '../../src/linking/deferred-names.js';
import { createEntityLinker } from '../../src/linking/entity-linker.js';
import { createNameLookup, type NameEntry } from '../../src/store/name-lookup.js';

const entries: NameEntry[] = [
  { nodeIndex: 1, type: 'drug', name: 'Imatinib', id: 'DB00619', aliases: [] },
  { nodeIndex: 2, type: 'gene/protein', name: 'ABL1', id: '25', aliases: ['P00519'] },
];

describe('deferNames', () => {
  it('builds each index on its first use only, and answers as the eager one does', () => {
    const names = deferNames({
      lookup: () => createNameLookup(entries),
      linker: () => createEntityLinker(entries),
    });
    expect(names.built()).toEqual({ lookup: false, linker: false });
    const eager = createNameLookup(entries);
    expect(names.lookup.lookup('imatinib')).toEqual(eager.lookup('imatinib'));
    expect(names.built()).toEqual({ lookup: true, linker: false });
    expect(names.linker.resolve('ABL1')).toEqual(createEntityLinker(entries).resolve('ABL1'));
    expect(names.built()).toEqual({ lookup: true, linker: true });
  });
});
