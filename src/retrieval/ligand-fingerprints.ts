import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  LIGAND_FINGERPRINT_BYTES,
  LIGAND_FINGERPRINT_PARTS,
  createLigandFingerprintLibrary,
  ligandFingerprint,
  type LigandFingerprintLibrary,
} from '../chem/ligand-fingerprint.js';
import { loadRDKit } from '../chem/rdkit.js';
import { AppError } from '../errors.js';
import type { VectorStore } from '../store/vector-store.js';
import { buildDirectoryAtomic } from '../util/atomic.js';
import { noopLogger, type Logger } from '../util/logger.js';

/**
 * The index's ligand fingerprints (`<index>/ligands/`): the packed multi-fingerprint of every drug
 * whose SMILES RDKit parses, written by `biobridge ingest` (or `biobridge fit-fusion` for older
 * indexes) and read by the service and the
 * benchmark. They are molecule features only: which drugs may vote (and for what) is decided by
 * whoever scores, from its own training links, so a held-out drug never votes.
 */
export const LIGANDS_DIRECTORY = 'ligands';
const META_FILE = 'ligands.json';
const NODES_FILE = 'nodes.i32';
const FINGERPRINTS_FILE = 'fingerprints.u8';

const ligandMetaSchema = z.object({
  format: z.literal('biobridge-ligands'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  parts: z.array(z.string()),
  bytesPerMolecule: z.number().int().positive(),
  molecules: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  rdkit: z.string(),
});

export interface LigandFingerprints {
  nodes: Int32Array;
  /** Row of a node in `library`, or undefined when it has no fingerprint. */
  rowOf(nodeIndex: number): number | undefined;
  fingerprint(row: number): Uint8Array;
  library: LigandFingerprintLibrary;
}

export function hasLigandFingerprints(indexDirectory: string): boolean {
  return existsSync(join(indexDirectory, LIGANDS_DIRECTORY, META_FILE));
}

/** Fingerprints every drug of the store from its SMILES payload and swaps `<index>/ligands/` in. */
export async function buildLigandFingerprints(
  indexDirectory: string,
  store: VectorStore,
  options: { logger?: Logger | undefined; type?: string | undefined } = {},
): Promise<{ molecules: number; skipped: number }> {
  const logger = options.logger ?? noopLogger;
  const type = options.type ?? 'drug';
  const { nodeIndices } = await store.readVectors(type, 'vector');
  const molecules: [number, string][] = [];
  let withoutPayload = 0;
  const batch = 500;
  for (let start = 0; start < nodeIndices.length; start += batch) {
    const rows = await store.getRows(type, Array.from(nodeIndices.subarray(start, start + batch)));
    for (const row of rows)
      if (row.payload) molecules.push([row.nodeIndex, row.payload]);
      else withoutPayload++;
  }
  const built = await writeLigandFingerprints(indexDirectory, molecules, { logger });
  return { molecules: built.molecules, skipped: built.skipped + withoutPayload };
}

/**
 * Fingerprints the given (node index, SMILES) pairs and swaps `<index>/ligands/` in; SMILES RDKit
 * cannot parse are counted as skipped. `biobridge ingest` calls it with the KG's drugs.
 */
export async function writeLigandFingerprints(
  indexDirectory: string,
  molecules: Iterable<readonly [number, string]>,
  options: { logger?: Logger | undefined } = {},
): Promise<{ molecules: number; skipped: number }> {
  const logger = options.logger ?? noopLogger;
  const rdkit = await loadRDKit();
  const nodes: number[] = [];
  const packed: Uint8Array[] = [];
  let skipped = 0;
  let done = 0;
  for (const [nodeIndex, smiles] of molecules) {
    const fingerprint = ligandFingerprint(rdkit, smiles);
    if (fingerprint) {
      nodes.push(nodeIndex);
      packed.push(fingerprint);
    } else skipped++;
    if (++done % 1000 === 0) logger.info('ligand fingerprints', { done });
  }
  const order = nodes.map((_, position) => position).sort((left, right) => nodes[left]! - nodes[right]!);
  const bytes = new Uint8Array(order.length * LIGAND_FINGERPRINT_BYTES);
  order.forEach((position, row) => bytes.set(packed[position]!, row * LIGAND_FINGERPRINT_BYTES));
  const meta: z.infer<typeof ligandMetaSchema> = {
    format: 'biobridge-ligands',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    parts: LIGAND_FINGERPRINT_PARTS.map((part) => part.name),
    bytesPerMolecule: LIGAND_FINGERPRINT_BYTES,
    molecules: order.length,
    skipped,
    rdkit: rdkit.version(),
  };
  await buildDirectoryAtomic(join(indexDirectory, LIGANDS_DIRECTORY), async (staging) => {
    await writeFile(
      join(staging, NODES_FILE),
      Int32Array.from(order, (position) => nodes[position]!),
    );
    await writeFile(join(staging, FINGERPRINTS_FILE), bytes);
    await writeFile(join(staging, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  });
  return { molecules: order.length, skipped };
}

/** The index's ligand fingerprints, or undefined when none were built. */
export async function readLigandFingerprints(
  indexDirectory: string,
): Promise<LigandFingerprints | undefined> {
  const directory = join(indexDirectory, LIGANDS_DIRECTORY);
  if (!hasLigandFingerprints(indexDirectory)) return undefined;
  const metaPath = join(directory, META_FILE);
  let meta: z.infer<typeof ligandMetaSchema>;
  try {
    meta = ligandMetaSchema.parse(JSON.parse(await readFile(metaPath, 'utf8')));
  } catch (error) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${metaPath}: not a ligand fingerprint file`,
      cause: error,
    });
  }
  const expected = LIGAND_FINGERPRINT_PARTS.map((part) => part.name).join(',');
  if (meta.parts.join(',') !== expected || meta.bytesPerMolecule !== LIGAND_FINGERPRINT_BYTES)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${metaPath}: fingerprints ${meta.parts.join(',')} differ from this version's ${expected}; rebuild with \`biobridge fit-fusion ${indexDirectory}\``,
    });
  const nodeBytes = await readFile(join(directory, NODES_FILE));
  const nodes = new Int32Array(
    nodeBytes.buffer.slice(nodeBytes.byteOffset, nodeBytes.byteOffset + nodeBytes.byteLength),
  );
  const bytes = new Uint8Array(await readFile(join(directory, FINGERPRINTS_FILE)));
  if (nodes.length !== meta.molecules || bytes.byteLength !== nodes.length * LIGAND_FINGERPRINT_BYTES)
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${directory}: node and fingerprint files disagree`,
    });
  const rows = new Map(Array.from(nodes, (node, row) => [node, row]));
  return {
    nodes,
    rowOf: (nodeIndex) => rows.get(nodeIndex),
    fingerprint: (row) =>
      bytes.subarray(row * LIGAND_FINGERPRINT_BYTES, (row + 1) * LIGAND_FINGERPRINT_BYTES),
    library: createLigandFingerprintLibrary(bytes, nodes.length),
  };
}
