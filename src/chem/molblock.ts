import { err, ok, type Result } from '../errors.js';

/**
 * Just enough of the MDL V2000 molfile to cut a sub-structure out of one that RDKit wrote and
 * hand it back to RDKit: RDKit recomputes implicit hydrogens from valence on reading, so atoms
 * that lose a neighbour gain the hydrogen they need (an N-methyl pyrrole N becomes [nH]).
 */
export interface MolblockBond {
  /** 0-based atom indices. */
  from: number;
  to: number;
  /** 1 single, 2 double, 3 triple, 4 aromatic (RDKit writes Kekulé forms, so rarely 4). */
  order: number;
  /** 1 wedge, 6 hash, 3 either (double bonds), 0 none. */
  stereo: number;
  /** Columns after the stereo field, kept verbatim. */
  rest: string;
}

export interface MolblockV2000 {
  header: [string, string, string];
  /** The counts line after the atom and bond counts. */
  countsTail: string;
  atomLines: string[];
  bonds: MolblockBond[];
  /** Property lines between the bond block and `M  END`, verbatim. */
  properties: string[];
}

export function parseMolblockV2000(text: string): Result<MolblockV2000, string> {
  const lines = text.split(/\r?\n/);
  const counts = lines[3];
  if (counts === undefined || !counts.includes('V2000'))
    return err('not a V2000 molblock (no V2000 counts line)');
  const atomCount = Number(counts.slice(0, 3));
  const bondCount = Number(counts.slice(3, 6));
  if (!Number.isInteger(atomCount) || !Number.isInteger(bondCount)) {
    return err(`counts line ${JSON.stringify(counts)} does not start with atom and bond counts`);
  }
  const atomLines = lines.slice(4, 4 + atomCount);
  if (atomLines.length !== atomCount)
    return err(`expected ${atomCount} atom lines, found ${atomLines.length}`);
  const bonds: MolblockBond[] = [];
  for (let i = 0; i < bondCount; i += 1) {
    const line = lines[4 + atomCount + i];
    if (line === undefined) return err(`expected ${bondCount} bond lines, found ${i}`);
    const from = Number(line.slice(0, 3)) - 1;
    const to = Number(line.slice(3, 6)) - 1;
    const order = Number(line.slice(6, 9));
    const stereo = Number(line.slice(9, 12) || '0');
    if (
      ![from, to, order, stereo].every(Number.isInteger) ||
      from < 0 ||
      to < 0 ||
      from >= atomCount ||
      to >= atomCount
    ) {
      return err(`bond line ${i + 1} ${JSON.stringify(line)} is malformed`);
    }
    bonds.push({ from, to, order, stereo, rest: line.slice(12) });
  }
  const properties: string[] = [];
  for (let i = 4 + atomCount + bondCount; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line.startsWith('M  END')) break;
    properties.push(line);
  }
  return ok({
    header: [lines[0] ?? '', lines[1] ?? '', lines[2] ?? ''],
    countsTail: counts.slice(6),
    atomLines,
    bonds,
    properties,
  });
}

/** Atom-indexed property lines with `count (atom value)*` layout. */
const pairedProperties = new Set(['CHG', 'ISO', 'RAD', 'RGP']);

/**
 * Keeps the atoms whose `keep` flag is set and the bonds between them, renumbering everything.
 * Wedges that start at an atom in `clearWedgesFrom` are dropped: that atom lost a neighbour, so
 * its old parity no longer describes it (RDKit's Murcko code clears those chiral tags too).
 * Property lines RDKit does not write for SMILES input are dropped.
 */
export function extractAtoms(
  molblock: MolblockV2000,
  keep: readonly boolean[],
  clearWedgesFrom: ReadonlySet<number> = new Set(),
): string {
  const newIndex = new Map<number, number>();
  molblock.atomLines.forEach((_, index) => {
    if (keep[index]) newIndex.set(index, newIndex.size);
  });
  const atomLines = molblock.atomLines.filter((_, index) => keep[index]);
  const bondLines: string[] = [];
  for (const bond of molblock.bonds) {
    const from = newIndex.get(bond.from);
    const to = newIndex.get(bond.to);
    if (from === undefined || to === undefined) continue;
    const wedge = bond.stereo === 1 || bond.stereo === 6;
    const stereo = wedge && clearWedgesFrom.has(bond.from) ? 0 : bond.stereo;
    bondLines.push(`${pad3(from + 1)}${pad3(to + 1)}${pad3(bond.order)}${pad3(stereo)}${bond.rest}`);
  }
  const properties: string[] = [];
  for (const line of molblock.properties) {
    const kind = line.slice(3, 6);
    if (!line.startsWith('M  ') || !pairedProperties.has(kind)) continue;
    const fields = line.slice(6).trim().split(/\s+/).map(Number);
    const entries: [number, number][] = [];
    for (let i = 1; i + 1 < fields.length; i += 2) {
      const atom = newIndex.get(fields[i]! - 1);
      if (atom !== undefined) entries.push([atom + 1, fields[i + 1]!]);
    }
    // V2000 allows at most eight entries a line.
    for (let start = 0; start < entries.length; start += 8) {
      const chunk = entries.slice(start, start + 8);
      properties.push(
        `M  ${kind}${pad3(chunk.length)}${chunk.map(([a, v]) => ` ${pad3(a)} ${pad3(v)}`).join('')}`,
      );
    }
  }
  return [
    ...molblock.header,
    `${pad3(atomLines.length)}${pad3(bondLines.length)}${molblock.countsTail}`,
    ...atomLines,
    ...bondLines,
    ...properties,
    'M  END',
    '',
  ].join('\n');
}

function pad3(value: number): string {
  return String(value).padStart(3, ' ');
}
