import { AppError } from '../errors.js';
import type { RDKitMol } from './rdkit.js';

/**
 * Physicochemical descriptors, all from RDKit's `get_descriptors()` except `formalCharge`.
 * Two H-bond conventions are kept apart because rules use different ones: Lipinski's rule of
 * five counts N+O atoms and NH+OH groups (`lipinskiHba`/`lipinskiHbd`); RDKit's `NumHBA`/
 * `NumHBD` use pharmacophore SMARTS (aspirin: 4 vs 3 acceptors).
 */
export interface MolecularDescriptors {
  /** Average molecular weight (g/mol). */
  molecularWeight: number;
  /** Monoisotopic mass. */
  exactMass: number;
  /** Wildman–Crippen logP. */
  cLogP: number;
  /** Wildman–Crippen molar refractivity. */
  molarRefractivity: number;
  /** Topological polar surface area (Ertl), N and O contributions only. */
  tpsa: number;
  lipinskiHbd: number;
  lipinskiHba: number;
  hbd: number;
  hba: number;
  /** RDKit's strict definition (no amide C–N, no bonds to triple bonds or terminal groups). */
  rotatableBonds: number;
  rings: number;
  aromaticRings: number;
  heavyAtoms: number;
  heteroAtoms: number;
  fractionCsp3: number;
  stereocenters: number;
  /** Atoms shared by exactly two rings that meet at one atom (synthetic complexity). */
  spiroAtoms: number;
  /** Atoms of bridged ring systems (synthetic complexity). */
  bridgeheadAtoms: number;
  formalCharge: number;
}

const rdkitKeys = {
  molecularWeight: 'amw',
  exactMass: 'exactmw',
  cLogP: 'CrippenClogP',
  molarRefractivity: 'CrippenMR',
  tpsa: 'tpsa',
  lipinskiHbd: 'lipinskiHBD',
  lipinskiHba: 'lipinskiHBA',
  hbd: 'NumHBD',
  hba: 'NumHBA',
  rotatableBonds: 'NumRotatableBonds',
  rings: 'NumRings',
  aromaticRings: 'NumAromaticRings',
  heavyAtoms: 'NumHeavyAtoms',
  heteroAtoms: 'NumHeteroatoms',
  fractionCsp3: 'FractionCSP3',
  stereocenters: 'NumAtomStereoCenters',
  spiroAtoms: 'NumSpiroAtoms',
  bridgeheadAtoms: 'NumBridgeheadAtoms',
} as const satisfies Record<Exclude<keyof MolecularDescriptors, 'formalCharge'>, string>;

/** Reads RDKit's descriptor JSON; a missing key means an incompatible RDKit build. */
export function descriptorsOf(mol: RDKitMol): MolecularDescriptors {
  const raw = JSON.parse(mol.get_descriptors()) as Record<string, unknown>;
  const result = { formalCharge: formalChargeOf(mol) } as MolecularDescriptors;
  for (const [name, key] of Object.entries(rdkitKeys) as [keyof typeof rdkitKeys, string][]) {
    const value = raw[key];
    if (typeof value !== 'number') {
      throw new AppError({
        code: 'INTERNAL',
        message: `RDKit descriptor ${key} is missing from get_descriptors(); this RDKit build is not supported`,
        details: { descriptor: key },
      });
    }
    result[name] = value;
  }
  return result;
}

interface RDKitJson {
  molecules: { atoms: { chg?: number }[] }[];
  defaults?: { atom?: { chg?: number } };
}

export function formalChargeOf(mol: RDKitMol): number {
  const json = JSON.parse(mol.get_json()) as RDKitJson;
  const fallback = json.defaults?.atom?.chg ?? 0;
  let charge = 0;
  for (const molecule of json.molecules) for (const atom of molecule.atoms) charge += atom.chg ?? fallback;
  return charge;
}
