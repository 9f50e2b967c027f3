import { err, ok, type Result } from '../errors.js';
import type { ChemError } from './chem-error.js';
import type { RDKitModule } from './rdkit.js';

export interface SdfRecord {
  smiles: string;
  /** First line of the molblock. */
  name?: string | undefined;
  /** Written as `> <key>` data items. */
  properties?: Record<string, string | number | boolean | null> | undefined;
}

/**
 * An SD file (V2000 molblocks with 2D coordinates from RDKit, `$$$$`-separated). The first
 * unparsable SMILES fails the whole file, naming its position.
 */
export function writeSdf(
  rdkit: RDKitModule,
  records: readonly SdfRecord[],
): Result<string, ChemError & { index: number }> {
  const blocks: string[] = [];
  for (const [index, record] of records.entries()) {
    const mol = rdkit.get_mol(record.smiles);
    if (!mol || !mol.is_valid()) {
      mol?.delete();
      return err({
        code: 'INVALID_SMILES',
        message: 'RDKit could not parse it',
        input: record.smiles,
        index,
      });
    }
    try {
      mol.set_new_coords();
      const lines = mol.get_molblock().split('\n');
      // The name line must be one line; RDKit leaves it blank.
      lines[0] = (record.name ?? '').replace(/[\r\n]+/g, ' ');
      const data = Object.entries({ SMILES: record.smiles, ...(record.properties ?? {}) })
        .filter(([, value]) => value !== null)
        .map(
          ([key, value]) =>
            `> <${key.replace(/[<>\r\n]/g, '_')}>\n${String(value).replace(/[\r\n]+/g, ' ')}\n`,
        );
      blocks.push(`${lines.join('\n').replace(/\n*$/, '\n')}${data.join('\n')}\n$$$$\n`);
    } finally {
      mol.delete();
    }
  }
  return ok(blocks.join(''));
}
