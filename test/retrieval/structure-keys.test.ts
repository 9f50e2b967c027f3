import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIndex, type IndexHandle } from '../../src/indexing/open-index.js';
import { createStructureIndex } from '../../src/retrieval/structure-index.js';
import {
  readStructureKeys,
  STRUCTURE_KEYS_FILE,
  structureKey,
  structureTableFromStore,
  writeStructureKeys,
} from '../../src/retrieval/structure-keys.js';
import type { VectorStore } from '../../src/store/vector-store.js';
import { loadRDKit } from '../../src/chem/rdkit.js';

let index: IndexHandle;
let directory: string;

beforeAll(async () => {
  index = await openIndex(join(import.meta.dirname, '..', '..', 'indexes', 'demo'));
  directory = await mkdtemp(join(tmpdir(), 'biobridge-structures-'));
});

afterAll(async () => {
  await index.close();
  await rm(directory, { recursive: true, force: true });
});

describe('stored structure keys', () => {
  it('round-trip through the index file, and a drug is found by another spelling of its SMILES', async () => {
    const drugs = await structureTableFromStore(index.graph, index.store, 'drug');
    expect(drugs.size).toBeGreaterThan(100);
    await writeStructureKeys(directory, new Map([['drug', drugs]]));
    const stored = await readStructureKeys(directory);
    expect([...stored!.get('drug')!]).toEqual([...drugs]);

    // A store that cannot be read proves the stored keys are used, not recomputed.
    const unreadable = {
      ...index.store,
      listTypes: () => Promise.reject(new Error('store read')),
      getRows: () => Promise.reject(new Error('store read')),
    } as unknown as VectorStore;
    const structures = createStructureIndex(index.graph, unreadable, stored);
    // Aspirin written with the ring first; RDKit canonicalises both spellings alike.
    const aspirin = await structureKey('drug', 'CC(=O)Oc1ccccc1C(=O)O');
    const nodeIndex = drugs.get(aspirin!);
    const found = await structures.find('drug', 'c1cccc(OC(C)=O)c1C(O)=O');
    expect(found?.nodeIndex).toBe(nodeIndex);
    expect(found === undefined).toBe(nodeIndex === undefined);
  });

  it('are ignored when absent or written by another RDKit release', async () => {
    expect(await readStructureKeys(join(directory, 'nowhere'))).toBeUndefined();
    const path = join(directory, STRUCTURE_KEYS_FILE);
    const file = JSON.parse((await promisify(gunzip)(await readFile(path))).toString('utf8')) as {
      rdkitVersion: string;
    };
    file.rdkitVersion = '1999.01.1';
    await writeFile(path, await promisify(gzip)(JSON.stringify(file)));
    expect(await readStructureKeys(directory)).toBeUndefined();
  });

  it('name the file when it is corrupt', async () => {
    await writeFile(join(directory, STRUCTURE_KEYS_FILE), 'not gzip');
    await expect(readStructureKeys(directory)).rejects.toThrow(STRUCTURE_KEYS_FILE);
  });

  it('name the file and the bad entry when a pair is malformed', async () => {
    const rdkitVersion = (await loadRDKit()).version();
    const file = (drugPair: unknown) => ({
      format: 'biobridge-structure-keys',
      formatVersion: 1,
      rdkitVersion,
      tables: { drug: [['CCO', 1], drugPair] },
    });
    const path = join(directory, STRUCTURE_KEYS_FILE);
    await writeFile(path, await promisify(gzip)(JSON.stringify(file(['CCN', 2]))));
    expect([...(await readStructureKeys(directory))!.get('drug')!]).toEqual([
      ['CCO', 1],
      ['CCN', 2],
    ]);
    for (const bad of [['CCN', -2], ['CCN'], [7, 2], ['CCN', 2.5]]) {
      await writeFile(path, await promisify(gzip)(JSON.stringify(file(bad))));
      const error = (await readStructureKeys(directory).catch((caught: unknown) => caught)) as Error;
      expect(error.message, JSON.stringify(bad)).toContain(STRUCTURE_KEYS_FILE);
      expect(String((error.cause as Error).message), JSON.stringify(bad)).toContain('tables');
    }
  });
});
