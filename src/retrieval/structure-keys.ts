import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { loadRDKit } from '../chem/rdkit.js';
import { canonicalSmiles } from '../encoders/molecule-morgan.js';
import { normalizeProteinSequence } from '../encoders/protein-sequence.js';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { NodePayloads } from '../kg/payloads.js';
import type { VectorStore } from '../store/vector-store.js';
import { writeFileAtomic } from '../util/atomic.js';

/**
 * The structure keys of an index's entities: a drug's RDKit canonical SMILES, a protein's
 * normalised sequence (as a SHA-256, 17.5k sequences would otherwise hold ~10 MB of strings).
 * Computed at ingest and stored in the index, because canonicalising the KG's 4.8k drugs takes
 * seconds and used to fall on the first SMILES request.
 */
export const STRUCTURE_TYPES = ['drug', 'gene/protein'] as const;
export type StructureType = (typeof STRUCTURE_TYPES)[number];

/** key → node index, per structure type. */
export type StructureKeys = ReadonlyMap<StructureType, ReadonlyMap<string, number>>;

export const STRUCTURE_KEYS_FILE = 'structures/keys.json.gz';

const fileSchema = z.object({
  format: z.literal('biobridge-structure-keys'),
  formatVersion: z.literal(1),
  /** Canonical SMILES differ between RDKit releases: keys of another release are not used. */
  rdkitVersion: z.string(),
  tables: z.partialRecord(
    z.enum(STRUCTURE_TYPES),
    z.array(z.tuple([z.string(), z.number().int().nonnegative()])),
  ),
});

type StructureKeysFile = z.infer<typeof fileSchema>;

/** What `fileSchema` accepts, checked without zod's per-element cost. */
function isStructureKeysFile(value: unknown): value is StructureKeysFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  if (file.format !== 'biobridge-structure-keys' || file.formatVersion !== 1) return false;
  if (typeof file.rdkitVersion !== 'string' || typeof file.tables !== 'object' || file.tables === null)
    return false;
  return Object.entries(file.tables).every(
    ([type, entries]) =>
      isStructureType(type) &&
      (entries === undefined ||
        (Array.isArray(entries) &&
          entries.every(
            (entry) =>
              Array.isArray(entry) &&
              entry.length === 2 &&
              typeof entry[0] === 'string' &&
              Number.isInteger(entry[1]) &&
              entry[1] >= 0,
          ))),
  );
}

export function isStructureType(type: string): type is StructureType {
  return (STRUCTURE_TYPES as readonly string[]).includes(type);
}

/** The key a query or KG payload is matched by, or undefined when it is not a valid structure. */
export async function structureKey(type: StructureType, input: string): Promise<string | undefined> {
  if (type === 'drug') {
    const canonical = await canonicalSmiles(input);
    return canonical.ok ? canonical.value : undefined;
  }
  const sequence = normalizeProteinSequence(input, Number.MAX_SAFE_INTEGER);
  return sequence.ok ? createHash('sha256').update(sequence.value).digest('base64url') : undefined;
}

/** Keys of the given (node index, payload) pairs; the first node with a key keeps it. */
export async function buildStructureTable(
  type: StructureType,
  payloads: Iterable<readonly [number, string]>,
): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  for (const [nodeIndex, payload] of payloads) {
    const key = await structureKey(type, payload);
    if (key !== undefined && !keys.has(key)) keys.set(key, nodeIndex);
  }
  return keys;
}

/** Keys of the KG's drugs and proteins from the payloads read at ingest. */
export async function structureKeysFromPayloads(payloads: NodePayloads): Promise<StructureKeys> {
  const smiles = [...payloads.molecules].map(
    ([nodeIndex, molecule]) => [nodeIndex, molecule.smiles] as const,
  );
  const sequences = [...payloads.proteins].map(
    ([nodeIndex, protein]) => [nodeIndex, protein.sequence] as const,
  );
  return new Map([
    ['drug', await buildStructureTable('drug', smiles)],
    ['gene/protein', await buildStructureTable('gene/protein', sequences)],
  ]);
}

/** Keys of one type from the payloads the index's store keeps (for indexes built without keys). */
export async function structureTableFromStore(
  graph: KgGraph,
  store: VectorStore,
  type: StructureType,
): Promise<Map<string, number>> {
  if (!(await store.listTypes()).includes(type)) return new Map();
  const rows = await store.getRows(type, Array.from(graph.nodesOfType(type)));
  return buildStructureTable(
    type,
    rows.flatMap((row) => (row.payload ? [[row.nodeIndex, row.payload] as const] : [])),
  );
}

export async function writeStructureKeys(indexDirectory: string, keys: StructureKeys): Promise<void> {
  const rdkit = await loadRDKit();
  const file: StructureKeysFile = {
    format: 'biobridge-structure-keys',
    formatVersion: 1,
    rdkitVersion: rdkit.version(),
    tables: Object.fromEntries([...keys].map(([type, table]) => [type, [...table]])),
  };
  await writeFileAtomic(
    join(indexDirectory, STRUCTURE_KEYS_FILE),
    await promisify(gzip)(JSON.stringify(file)),
  );
}

/**
 * The stored keys, or undefined when the index has none (built before they were stored) or they
 * came from another RDKit release; the caller then computes them from the KG payloads.
 */
export async function readStructureKeys(indexDirectory: string): Promise<StructureKeys | undefined> {
  const path = join(indexDirectory, STRUCTURE_KEYS_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, error);
  }
  let file: StructureKeysFile;
  try {
    const value: unknown = JSON.parse((await promisify(gunzip)(bytes)).toString('utf8'));
    // zod spends ≈ 0.2 s of start-up on 22k pairs: a hand-written pass first, zod only to name what is wrong.
    file = isStructureKeysFile(value) ? value : fileSchema.parse(value);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (file.rdkitVersion !== (await loadRDKit()).version()) return undefined;
  return new Map(
    Object.entries(file.tables).map(([type, entries]) => [type as StructureType, new Map(entries ?? [])]),
  );
}

function unreadable(path: string, cause: unknown): AppError {
  return new AppError({
    code: 'INVALID_INDEX',
    message: `${path} is unreadable; rebuild it with \`biobridge structure-keys <index>\``,
    cause,
    details: { file: path },
  });
}
