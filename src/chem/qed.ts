import { AppError } from '../errors.js';
import { qedAcceptorSmarts, qedAlertSmarts, qedAliphaticRingSmarts } from './qed-alerts.js';
import type { RDKitModule, RDKitMol } from './rdkit.js';

/**
 * QED, the quantitative estimate of drug-likeness (Bickerton, Paolini, Besnard, Muresan and
 * Hopkins, Nat. Chem. 2012, 4, 90–98): the weighted geometric mean of eight desirability
 * functions. Property definitions follow RDKit's `rdkit/Chem/QED.py` so that values agree with
 * RDKit's `QED.qed` (aspirin 0.550, caffeine 0.538, imatinib 0.389 with RDKit 2022.09).
 */
export interface QedProperties {
  /** Average molecular weight. */
  molecularWeight: number;
  /** Wildman–Crippen logP. */
  alogP: number;
  /** Matches of QED's own acceptor SMARTS, summed over patterns. */
  hbondAcceptors: number;
  /** RDKit `CalcNumHBD`. */
  hbondDonors: number;
  polarSurfaceArea: number;
  /** RDKit's strict rotatable bonds. */
  rotatableBonds: number;
  /** Rings left after deleting aliphatic ring atoms that touch a non-aromatic atom. */
  aromaticRings: number;
  /** How many of QED's 116 unwanted-functionality SMARTS match at least once. */
  alerts: number;
}

export type QedPropertyName = keyof QedProperties;

export interface QedResult {
  qed: number;
  properties: QedProperties;
  /** Per-property desirability in (0, 1]: which property pulls the score down. */
  desirability: QedProperties;
}

interface AdsParameters {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
  dmax: number;
}

/** Asymmetric double sigmoid parameters of the paper (Supplementary Table 1). */
export const qedAdsParameters: Readonly<Record<QedPropertyName, AdsParameters>> = {
  molecularWeight: {
    a: 2.817065973,
    b: 392.5754953,
    c: 290.7489764,
    d: 2.419764353,
    e: 49.22325677,
    f: 65.37051707,
    dmax: 104.9805561,
  },
  alogP: {
    a: 3.172690585,
    b: 137.8624751,
    c: 2.534937431,
    d: 4.581497897,
    e: 0.822739154,
    f: 0.576295591,
    dmax: 131.3186604,
  },
  hbondAcceptors: {
    a: 2.948620388,
    b: 160.4605972,
    c: 3.615294657,
    d: 4.435986202,
    e: 0.290141953,
    f: 1.300669958,
    dmax: 148.7763046,
  },
  hbondDonors: {
    a: 1.618662227,
    b: 1010.051101,
    c: 0.985094388,
    d: 0.000000001,
    e: 0.713820843,
    f: 0.920922555,
    dmax: 258.1632616,
  },
  polarSurfaceArea: {
    a: 1.876861559,
    b: 125.2232657,
    c: 62.90773554,
    d: 87.83366614,
    e: 12.01999824,
    f: 28.51324732,
    dmax: 104.5686167,
  },
  rotatableBonds: {
    a: 0.01,
    b: 272.4121427,
    c: 2.55837997,
    d: 1.565547684,
    e: 1.271567166,
    f: 2.758063707,
    dmax: 105.4420403,
  },
  aromaticRings: {
    a: 3.21778897,
    b: 957.7374108,
    c: 2.274627939,
    d: 0.000000001,
    e: 1.317690384,
    f: 0.375760881,
    dmax: 312.337261,
  },
  alerts: {
    a: 0.01,
    b: 1199.094025,
    c: -0.09002883,
    d: 0.000000001,
    e: 0.185904477,
    f: 0.875193782,
    dmax: 417.725314,
  },
};

/** Weight sets of the paper; `mean` (QED_w,mo) is the default everywhere. */
export const qedWeights = {
  mean: {
    molecularWeight: 0.66,
    alogP: 0.46,
    hbondAcceptors: 0.05,
    hbondDonors: 0.61,
    polarSurfaceArea: 0.06,
    rotatableBonds: 0.65,
    aromaticRings: 0.48,
    alerts: 0.95,
  },
  max: {
    molecularWeight: 0.5,
    alogP: 0.25,
    hbondAcceptors: 0,
    hbondDonors: 0.5,
    polarSurfaceArea: 0,
    rotatableBonds: 0.5,
    aromaticRings: 0.25,
    alerts: 1,
  },
  none: {
    molecularWeight: 1,
    alogP: 1,
    hbondAcceptors: 1,
    hbondDonors: 1,
    polarSurfaceArea: 1,
    rotatableBonds: 1,
    aromaticRings: 1,
    alerts: 1,
  },
} as const satisfies Record<string, QedProperties>;

export const qedPropertyNames = Object.keys(qedAdsParameters) as QedPropertyName[];

export function asymmetricDoubleSigmoid(x: number, p: AdsParameters): number {
  const rise = 1 + Math.exp(-(x - p.c + p.d / 2) / p.e);
  const fall = 1 + Math.exp(-(x - p.c - p.d / 2) / p.f);
  return (p.a + (p.b / rise) * (1 - 1 / fall)) / p.dmax;
}

export function qedFromProperties(
  properties: QedProperties,
  weights: QedProperties = qedWeights.mean,
): QedResult {
  const desirability = {} as QedProperties;
  let weighted = 0;
  let total = 0;
  for (const name of qedPropertyNames) {
    const value = asymmetricDoubleSigmoid(properties[name], qedAdsParameters[name]);
    desirability[name] = value;
    weighted += weights[name] * Math.log(value);
    total += weights[name];
  }
  return { qed: Math.exp(weighted / total), properties, desirability };
}

/** Computes QED inputs from RDKit molecules; holds compiled SMARTS until `dispose()`. */
export interface QedCalculator {
  properties(mol: RDKitMol): QedProperties;
  qed(mol: RDKitMol, weights?: QedProperties): QedResult;
  dispose(): void;
}

interface RDKitGraphJson {
  molecules: { atoms: unknown[]; bonds?: { atoms: [number, number] }[] }[];
}

export function createQedCalculator(rdkit: RDKitModule): QedCalculator {
  const compile = (smarts: string): RDKitMol => {
    const query = rdkit.get_qmol(smarts);
    if (!query)
      throw new AppError({
        code: 'INTERNAL',
        message: `QED SMARTS ${smarts} does not parse in this RDKit build`,
      });
    return query;
  };
  // Compiled on first use: about a hundred SMARTS are a CPU-second on a loaded machine, and a
  // service that never scores a molecule should not pay it at start-up.
  let compiled: { acceptors: RDKitMol[]; alerts: RDKitMol[]; aliphaticRing: RDKitMol } | undefined;
  const queries = () =>
    (compiled ??= {
      acceptors: qedAcceptorSmarts.map(compile),
      alerts: qedAlertSmarts.map(compile),
      aliphaticRing: compile(qedAliphaticRingSmarts),
    });

  const countMatches = (mol: RDKitMol, query: RDKitMol): number => {
    const parsed = JSON.parse(mol.get_substruct_matches(query)) as unknown;
    return Array.isArray(parsed) ? parsed.length : 0;
  };
  const hasMatch = (mol: RDKitMol, query: RDKitMol): boolean => mol.get_substruct_match(query) !== '{}';

  const aromaticRingCount = (mol: RDKitMol): number => {
    const deleted = new Set<number>();
    const matches = JSON.parse(mol.get_substruct_matches(queries().aliphaticRing)) as unknown;
    if (Array.isArray(matches))
      for (const match of matches as { atoms: number[] }[]) for (const atom of match.atoms) deleted.add(atom);
    const json = JSON.parse(mol.get_json()) as RDKitGraphJson;
    let rings = 0;
    for (const molecule of json.molecules) {
      const atomCount = molecule.atoms.length;
      const parent = Array.from({ length: atomCount }, (_, index) => index);
      const find = (atom: number): number => {
        while (parent[atom] !== atom) {
          parent[atom] = parent[parent[atom]!]!;
          atom = parent[atom]!;
        }
        return atom;
      };
      let vertices = 0;
      let edges = 0;
      let components = 0;
      for (let atom = 0; atom < atomCount; atom += 1) if (!deleted.has(atom)) vertices += 1;
      for (const bond of molecule.bonds ?? []) {
        const [from, to] = bond.atoms;
        if (deleted.has(from) || deleted.has(to)) continue;
        edges += 1;
        parent[find(from)] = find(to);
      }
      for (let atom = 0; atom < atomCount; atom += 1)
        if (!deleted.has(atom) && find(atom) === atom) components += 1;
      // The SSSR of the remaining graph has exactly its cycle rank, E − V + C, rings.
      rings += edges - vertices + components;
    }
    return rings;
  };

  const properties = (mol: RDKitMol): QedProperties => {
    const descriptors = JSON.parse(mol.get_descriptors()) as Record<string, number>;
    const read = (key: string): number => {
      const value = descriptors[key];
      if (typeof value !== 'number')
        throw new AppError({ code: 'INTERNAL', message: `RDKit descriptor ${key} is missing` });
      return value;
    };
    return {
      molecularWeight: read('amw'),
      alogP: read('CrippenClogP'),
      hbondAcceptors: queries().acceptors.reduce((sum, query) => sum + countMatches(mol, query), 0),
      hbondDonors: read('NumHBD'),
      polarSurfaceArea: read('tpsa'),
      rotatableBonds: read('NumRotatableBonds'),
      aromaticRings: aromaticRingCount(mol),
      alerts: queries().alerts.reduce((sum, query) => sum + (hasMatch(mol, query) ? 1 : 0), 0),
    };
  };

  return {
    properties,
    qed: (mol, weights) => qedFromProperties(properties(mol), weights),
    dispose() {
      if (!compiled) return;
      for (const query of [...compiled.acceptors, ...compiled.alerts, compiled.aliphaticRing]) query.delete();
      compiled = undefined;
    },
  };
}
