import { err, ok, type Result } from '../errors.js';
import {
  createAlertMatcher,
  loadStructuralAlerts,
  type AlertMatch,
  type AlertMatcher,
  type StructuralAlert,
} from './alerts.js';
import type { ChemError } from './chem-error.js';
import { descriptorsOf, type MolecularDescriptors } from './descriptors.js';
import { morganBits, morganRadius, type Fingerprint } from './fingerprint.js';
import { parseMolblockV2000 } from './molblock.js';
import { murckoScaffoldMolblock } from './murcko.js';
import { createQedCalculator, type QedCalculator, type QedResult } from './qed.js';
import { rdkitErrorLog, summarizeRDKitLog, type RDKitErrorLog } from './rdkit-log.js';
import { loadRDKit, type RDKitModule, type RDKitMol } from './rdkit.js';
import { countSmilesAtoms, maxSmartsLength, maxSupportedAtoms } from './smiles-atoms.js';

export interface ParsedMolecule {
  input: string;
  /** RDKit canonical isomeric SMILES of the whole input (all fragments). */
  canonical: string;
  /** Canonical SMILES of the fragment with most heavy atoms (salts and solvents stripped). */
  largestFragment: string;
  fragmentCount: number;
  heavyAtoms: number;
}

export interface MoleculeIdentifiers {
  canonical: string;
  /** Absent when the InChI library rejects the structure. */
  inchi?: string;
  inchiKey?: string;
}

/** Everything ranking and explanation need, computed on the largest fragment. */
export interface MoleculeProfile {
  /** The canonical SMILES that was profiled: the input's largest fragment. */
  smiles: string;
  descriptors: MolecularDescriptors;
  qed: QedResult;
  alerts: AlertMatch[];
  /** Bemis–Murcko framework; '' for acyclic molecules. */
  scaffold: string;
}

export interface SubstructureMatch {
  atoms: number[];
  bonds: number[];
}

export interface DepictionOptions {
  /** Pixels; default 300. */
  width?: number;
  /** Pixels; default 220. */
  height?: number;
  /** Highlights every match of this SMARTS. */
  highlightSmarts?: string | undefined;
}

/**
 * The chemistry the service needs, behind one narrow interface (RDKit MinimalLib in production).
 * Expected failures, i.e. unparsable SMILES or SMARTS, come back as `ChemError` results with
 * RDKit's reason. Unless a method says otherwise it works on the molecule as given, all
 * fragments included.
 */
export interface ChemToolkit {
  parse(smiles: string): Result<ParsedMolecule, ChemError>;
  canonicalize(smiles: string): Result<string, ChemError>;
  identifiers(smiles: string): Result<MoleculeIdentifiers, ChemError>;
  descriptors(smiles: string): Result<MolecularDescriptors, ChemError>;
  /** Morgan bit fingerprint, radius 2, 2048 bits (ECFP4-like), RDKit byte layout. */
  fingerprint(smiles: string): Result<Fingerprint, ChemError>;
  /** Bemis–Murcko framework as canonical SMILES ('' when there is no ring). */
  scaffold(smiles: string): Result<string, ChemError>;
  qed(smiles: string): Result<QedResult, ChemError>;
  alerts(smiles: string): Result<AlertMatch[], ChemError>;
  profile(smiles: string): Result<MoleculeProfile, ChemError>;
  matchSubstructure(smiles: string, smarts: string): Result<SubstructureMatch[], ChemError>;
  /** SVG markup. */
  depict(smiles: string, options?: DepictionOptions): Result<string, ChemError>;
  /** Frees compiled queries; the toolkit must not be used afterwards. */
  dispose(): void;
}

export interface RdkitToolkitOptions {
  /** Defaults to the shared MinimalLib instance. */
  rdkit?: RDKitModule;
  /** Defaults to `data/chem/structural-alerts.json`. */
  alerts?: readonly StructuralAlert[];
}

export async function createRdkitToolkit(options: RdkitToolkitOptions = {}): Promise<ChemToolkit> {
  const rdkit = options.rdkit ?? (await loadRDKit());
  const alerts = options.alerts ?? (await loadStructuralAlerts());
  const matcher = createAlertMatcher(rdkit, alerts);
  if (!matcher.ok) throw matcher.error;
  return rdkitToolkit(rdkit, matcher.value, createQedCalculator(rdkit));
}

function rdkitToolkit(rdkit: RDKitModule, matcher: AlertMatcher, qed: QedCalculator): ChemToolkit {
  const log = rdkitErrorLog(rdkit);
  const fingerprintDetails = JSON.stringify({ radius: morganRadius, nBits: morganBits });

  const withMolecule = <T>(
    smiles: string,
    use: (mol: RDKitMol) => Result<T, ChemError>,
  ): Result<T, ChemError> => {
    const parsed = parseSmiles(rdkit, log, smiles);
    if (!parsed.ok) return parsed;
    try {
      return use(parsed.value);
    } finally {
      parsed.value.delete();
    }
  };

  const toolkit: ChemToolkit = {
    parse: (smiles) =>
      withMolecule(smiles, (mol) => {
        const canonical = mol.get_smiles();
        const largest = largestFragmentOf(rdkit, canonical);
        return ok({
          input: smiles,
          canonical,
          largestFragment: largest.smiles,
          fragmentCount: largest.count,
          heavyAtoms: mol.get_num_atoms(true),
        });
      }),
    canonicalize: (smiles) => withMolecule(smiles, (mol) => ok(mol.get_smiles())),
    identifiers: (smiles) =>
      withMolecule(smiles, (mol) => {
        const canonical = mol.get_smiles();
        const inchi = mol.get_inchi();
        if (!inchi) return ok({ canonical });
        const inchiKey = rdkit.get_inchikey_for_inchi(inchi);
        return ok(inchiKey ? { canonical, inchi, inchiKey } : { canonical, inchi });
      }),
    descriptors: (smiles) => withMolecule(smiles, (mol) => ok(descriptorsOf(mol))),
    fingerprint: (smiles) =>
      withMolecule(smiles, (mol) =>
        ok(Uint8Array.from(mol.get_morgan_fp_as_uint8array(fingerprintDetails) as Uint8Array)),
      ),
    scaffold: (smiles) => withMolecule(smiles, (mol) => scaffoldOf(rdkit, mol, smiles)),
    qed: (smiles) => withMolecule(smiles, (mol) => ok(qed.qed(mol))),
    alerts: (smiles) => withMolecule(smiles, (mol) => ok(matcher.match(mol))),
    profile(smiles) {
      const parsed = toolkit.parse(smiles);
      if (!parsed.ok) return parsed;
      const subject = parsed.value.largestFragment;
      return withMolecule(subject, (mol) => {
        const scaffold = scaffoldOf(rdkit, mol, subject);
        if (!scaffold.ok) return scaffold;
        return ok({
          smiles: subject,
          descriptors: descriptorsOf(mol),
          qed: qed.qed(mol),
          alerts: matcher.match(mol),
          scaffold: scaffold.value,
        });
      });
    },
    matchSubstructure(smiles, smarts) {
      const query = compileSmarts(rdkit, log, smarts);
      if (!query.ok) return query;
      try {
        return withMolecule(smiles, (mol) => ok(matchesOf(mol, query.value)));
      } finally {
        query.value.delete();
      }
    },
    depict(smiles, options = {}) {
      const width = options.width ?? 300;
      const height = options.height ?? 220;
      if (options.highlightSmarts === undefined)
        return withMolecule(smiles, (mol) => ok(mol.get_svg(width, height)));
      const query = compileSmarts(rdkit, log, options.highlightSmarts);
      if (!query.ok) return query;
      try {
        return withMolecule(smiles, (mol) => {
          const matches = matchesOf(mol, query.value);
          const atoms = [...new Set(matches.flatMap((match) => match.atoms))];
          const bonds = [...new Set(matches.flatMap((match) => match.bonds))];
          return ok(mol.get_svg_with_highlights(JSON.stringify({ width, height, atoms, bonds })));
        });
      } finally {
        query.value.delete();
      }
    },
    dispose() {
      matcher.dispose();
      qed.dispose();
    },
  };
  return toolkit;
}

/** The fragment with the most heavy atoms, and how many fragments there are. */
function largestFragmentOf(rdkit: RDKitModule, canonical: string): { smiles: string; count: number } {
  const fragments = canonical.split('.');
  if (fragments.length === 1) return { smiles: canonical, count: 1 };
  let best: { smiles: string; heavy: number } | undefined;
  for (const fragment of fragments) {
    const mol = rdkit.get_mol(fragment);
    if (!mol) continue;
    const candidate = { smiles: mol.get_smiles(), heavy: mol.get_num_atoms(true) };
    mol.delete();
    // Most heavy atoms first, then the longer and finally the lexically smaller SMILES, so
    // that the choice never depends on the input's fragment order.
    if (
      !best ||
      candidate.heavy > best.heavy ||
      (candidate.heavy === best.heavy &&
        (candidate.smiles.length > best.smiles.length ||
          (candidate.smiles.length === best.smiles.length && candidate.smiles < best.smiles)))
    ) {
      best = candidate;
    }
  }
  return { smiles: best?.smiles ?? canonical, count: fragments.length };
}

function scaffoldOf(rdkit: RDKitModule, mol: RDKitMol, input: string): Result<string, ChemError> {
  // The scaffold is cut out of a V2000 molblock, whose counts line holds at most 999 atoms.
  if (mol.get_num_atoms() > 999) {
    return err({
      code: 'UNSUPPORTED_MOLECULE',
      message: 'scaffolds are limited to molecules of at most 999 atoms',
      input,
    });
  }
  const molblock = parseMolblockV2000(mol.get_v2Kmolblock());
  if (!molblock.ok) {
    return err({
      code: 'UNSUPPORTED_MOLECULE',
      message: `cannot derive a scaffold: ${molblock.error}`,
      input,
    });
  }
  const framework = murckoScaffoldMolblock(molblock.value);
  if (framework === undefined) return ok('');
  const scaffold = rdkit.get_mol(framework);
  if (!scaffold)
    return err({ code: 'INVALID_SMILES', message: 'RDKit rejected the derived scaffold', input });
  try {
    return ok(scaffold.get_smiles());
  } finally {
    scaffold.delete();
  }
}

/** A compiled SMARTS query; the caller deletes it. */
function compileSmarts(rdkit: RDKitModule, log: RDKitErrorLog, smarts: string): Result<RDKitMol, ChemError> {
  if (smarts.length > maxSmartsLength) {
    return err({
      code: 'INVALID_SMARTS',
      message: `SMARTS longer than ${maxSmartsLength} characters`,
      input: smarts,
    });
  }
  log.clear();
  const query = smarts.trim() === '' ? null : rdkit.get_qmol(smarts);
  if (!query || !query.is_valid()) {
    query?.delete();
    const failure = summarizeRDKitLog(log.read(), smarts);
    return err({
      code: 'INVALID_SMARTS',
      message:
        failure?.message ?? (smarts.trim() === '' ? 'empty SMARTS' : 'RDKit could not parse the SMARTS'),
      input: smarts,
      position: failure?.position,
    });
  }
  return ok(query);
}

function matchesOf(mol: RDKitMol, query: RDKitMol): SubstructureMatch[] {
  const parsed = JSON.parse(mol.get_substruct_matches(query)) as unknown;
  return Array.isArray(parsed) ? (parsed as SubstructureMatch[]) : [];
}

/**
 * Parses SMILES only: MinimalLib's `get_mol` would also accept molblocks and JSON, and silently
 * drop anything after a space (a SMILES "name"), so whitespace and a leading `{` are refused,
 * as are molecules too large for MinimalLib (see smiles-atoms.ts). The caller owns the result.
 */
export function parseSmiles(
  rdkit: RDKitModule,
  log: RDKitErrorLog,
  smiles: string,
): Result<RDKitMol, ChemError> {
  if (smiles.trim() === '') return err({ code: 'INVALID_SMILES', message: 'empty SMILES', input: smiles });
  const space = /\s/.exec(smiles);
  if (space) {
    return err({
      code: 'INVALID_SMILES',
      message: 'SMILES must not contain whitespace',
      input: smiles,
      position: space.index,
    });
  }
  const atoms = countSmilesAtoms(smiles);
  if (atoms > maxSupportedAtoms) {
    return err({
      code: 'UNSUPPORTED_MOLECULE',
      message: `SMILES has ${atoms} atoms; at most ${maxSupportedAtoms} are supported`,
      input: smiles,
    });
  }
  if (smiles.startsWith('{'))
    return err({ code: 'INVALID_SMILES', message: 'expected SMILES, not JSON', input: smiles, position: 0 });
  log.clear();
  const mol = rdkit.get_mol(smiles);
  if (!mol || !mol.is_valid()) {
    mol?.delete();
    const failure = summarizeRDKitLog(log.read(), smiles);
    return err({
      code: 'INVALID_SMILES',
      message: failure?.message ?? 'RDKit could not parse the SMILES',
      input: smiles,
      position: failure?.position,
    });
  }
  if (mol.get_num_atoms() === 0) {
    mol.delete();
    return err({ code: 'INVALID_SMILES', message: 'SMILES has no atoms', input: smiles });
  }
  return ok(mol);
}
