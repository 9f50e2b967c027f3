import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIGAND_FINGERPRINT_BYTES, ligandFingerprint } from '../../src/chem/ligand-fingerprint.js';
import { holdMolecule, moleculeParseCount, withMoleculeScope } from '../../src/chem/molecule-scope.js';
import { loadRDKit, type RDKitModule, type RDKitMol } from '../../src/chem/rdkit.js';
import type { Encoder } from '../../src/encoders/encoder.js';
import { canonicalSmiles, createMoleculeMorganEncoder } from '../../src/encoders/molecule-morgan.js';

/** 50 KG drugs of the demo index (their stored structure keys are RDKit canonical SMILES). */
function demoDrugSmiles(): string[] {
  const keys = JSON.parse(gunzipSync(readFileSync('indexes/demo/structures/keys.json.gz')).toString()) as {
    tables: { drug: [string, number][] };
  };
  const drugs = keys.tables.drug.map(([smiles]) => smiles);
  const step = Math.max(1, Math.floor(drugs.length / 50));
  return drugs.filter((_, position) => position % step === 0).slice(0, 50);
}

/**
 * RDKit with every `get_mol`, molecule `delete()` and Morgan fingerprint counted, so a test can
 * see that each molecule a scope parses is deleted exactly once.
 */
function countingRDKit(rdkit: RDKitModule) {
  const counts = { parsed: 0, deleted: 0, doubleDeleted: 0, morgan: 0 };
  const getMol = (smiles: string, details?: string): RDKitMol | null => {
    const mol = details === undefined ? rdkit.get_mol(smiles) : rdkit.get_mol(smiles, details);
    if (!mol) return mol;
    counts.parsed++;
    const free = mol.delete.bind(mol);
    const morgan = mol.get_morgan_fp_as_uint8array.bind(mol) as (details: string) => unknown;
    mol.get_morgan_fp_as_uint8array = ((details: string) => {
      counts.morgan++;
      return morgan(details);
    }) as RDKitMol['get_morgan_fp_as_uint8array'];
    let deleted = false;
    mol.delete = () => {
      if (deleted) counts.doubleDeleted++;
      else counts.deleted++;
      deleted = true;
      free();
    };
    return mol;
  };
  const counting = new Proxy(rdkit, {
    get: (target, property, receiver) =>
      property === 'get_mol' ? getMol : (Reflect.get(target, property, receiver) as unknown),
  });
  return { rdkit: counting, counts };
}

/** What the code before molecule scopes computed: a fresh parse per consumer, options inline. */
function reference(rdkit: RDKitModule, smiles: string) {
  const fresh = <T>(use: (mol: RDKitMol) => T): T => {
    const mol = rdkit.get_mol(smiles)!;
    try {
      return use(mol);
    } finally {
      mol.delete();
    }
  };
  const ligand = fresh((mol) => {
    // Each part at its offset in 1304 bytes; MACCS (21 bytes) is zero-padded to 24.
    const packed = new Uint8Array(1304);
    const parts: [Uint8Array, number][] = [
      [
        mol.get_morgan_fp_as_uint8array(JSON.stringify({ radius: 2, nBits: 4096, useCountSimulation: true })),
        0,
      ],
      [mol.get_atom_pair_fp_as_uint8array(JSON.stringify({ nBits: 2048 })), 512],
      [mol.get_topological_torsion_fp_as_uint8array(JSON.stringify({ nBits: 2048 })), 768],
      [mol.get_maccs_fp_as_uint8array(), 1024],
      [mol.get_rdkit_fp_as_uint8array(JSON.stringify({ nBits: 2048, maxPath: 5 })), 1048],
    ];
    for (const [bits, offset] of parts) packed.set(bits, offset);
    return packed;
  });
  return { canonical: fresh((mol) => mol.get_smiles()), ligand };
}

let rdkit: RDKitModule;
let smiles: string[];
beforeAll(async () => {
  rdkit = await loadRDKit();
  smiles = demoDrugSmiles();
}, 30_000);

/** The three reads of a new query SMILES in one retrieve request, in request order. */
async function requestReads(module: RDKitModule, encoder: Encoder, value: string) {
  const canonical = await canonicalSmiles(value, { rdkit: module });
  const [encoded] = await encoder.encode([value]);
  return { canonical, encoded, ligand: ligandFingerprint(module, value) };
}

describe('withMoleculeScope', () => {
  it('gives byte-identical canonical SMILES, encodings and ligand fingerprints on 50 KG drugs', async () => {
    expect(smiles.length).toBe(50);
    const encoder = await createMoleculeMorganEncoder({}, { rdkit });
    for (const value of smiles) {
      const unscoped = await requestReads(rdkit, encoder, value);
      const scoped = await withMoleculeScope(() => requestReads(rdkit, encoder, value));
      const expected = reference(rdkit, value);
      expect(unscoped.canonical).toEqual({ ok: true, value: expected.canonical });
      expect(scoped.canonical).toEqual(unscoped.canonical);
      expect(unscoped.ligand).toEqual(expected.ligand);
      expect(scoped.ligand).toEqual(expected.ligand);
      expect(scoped.ligand!.byteLength).toBe(LIGAND_FINGERPRINT_BYTES);
      expect(scoped.encoded!.ok).toBe(true);
      expect(scoped.encoded).toEqual(unscoped.encoded);
    }
  });

  it('parses each SMILES once per scope and deletes every molecule exactly once', async () => {
    const { rdkit: counting, counts } = countingRDKit(rdkit);
    const encoder = await createMoleculeMorganEncoder({}, { rdkit: counting });
    const before = moleculeParseCount();
    for (const value of smiles.slice(0, 10))
      await withMoleculeScope(() => requestReads(counting, encoder, value));
    // The encoder's Morgan call is the ligand fingerprint's first part: computed once per request.
    expect(counts).toEqual({ parsed: 10, deleted: 10, doubleDeleted: 0, morgan: 10 });
    expect(moleculeParseCount() - before).toBe(10);

    // Outside a scope every consumer parses and deletes its own molecule, as before.
    await requestReads(counting, encoder, smiles[0]!);
    expect(counts).toEqual({ parsed: 13, deleted: 13, doubleDeleted: 0, morgan: 12 });
  });

  it('deletes the molecules when the work fails, and parses afresh after the scope ended', async () => {
    const { rdkit: counting, counts } = countingRDKit(rdkit);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let late: Promise<Uint8Array | undefined> | undefined;
    await expect(
      withMoleculeScope(async () => {
        ligandFingerprint(counting, smiles[1]!);
        // Work the scope started that outlives it (a shared cache's computation) gets its own parse.
        late = gate.then(() => ligandFingerprint(counting, smiles[1]!));
        throw new Error('request failed');
      }),
    ).rejects.toThrow('request failed');
    expect(counts).toMatchObject({ parsed: 1, deleted: 1, doubleDeleted: 0 });
    open();
    expect(await late).toBeDefined();
    expect(counts).toMatchObject({ parsed: 2, deleted: 2, doubleDeleted: 0 });
  });

  it('shares nothing between concurrent scopes and never remembers a failed parse', async () => {
    const { rdkit: counting, counts } = countingRDKit(rdkit);
    await Promise.all(
      smiles.slice(0, 4).map((value) =>
        withMoleculeScope(async () => {
          await Promise.resolve();
          expect(holdMolecule(counting, 'C1CC(')).toBeUndefined();
          const held = holdMolecule(counting, value)!;
          held.release();
          expect(holdMolecule(counting, value)!.mol).toBe(held.mol);
        }),
      ),
    );
    // Four good molecules, and four unparsable ones (RDKit returns null for those: never counted).
    expect(counts).toMatchObject({ parsed: 4, deleted: 4, doubleDeleted: 0 });
  });
});
