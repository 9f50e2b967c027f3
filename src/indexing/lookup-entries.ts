import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { KgGraph } from '../kg/graph.js';
import type { NodePayloads } from '../kg/payloads.js';
import { nameEntrySchema, type NameEntry } from '../store/name-lookup.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { NameLexicons } from './name-lexicons.js';
import { mineSynonyms, type SynonymMiningReport } from './synonym-mining.js';

const LOOKUP_FILE = 'lookup/entries.json.gz';

/**
 * Names, ids and aliases (gene symbols, UniProt/DrugBank ids, rsIDs) of every node, and the
 * synonyms mined from the KG's texts (`synonym-mining.ts`), for entity linking.
 */
export function lookupEntries(
  graph: KgGraph,
  payloads: NodePayloads,
  lexicons?: NameLexicons | undefined,
): NameEntry[] {
  return lookupEntriesWithReport(graph, payloads, lexicons).entries;
}

/** `lexicons`: optional name vocabularies outside the KG (`name-lexicons.ts`). */
export function lookupEntriesWithReport(
  graph: KgGraph,
  payloads: NodePayloads,
  lexicons?: NameLexicons | undefined,
): { entries: NameEntry[]; synonyms: SynonymMiningReport } {
  const mined = mineSynonyms(graph, payloads, lexicons);
  const entries: NameEntry[] = [];
  for (let position = 0; position < graph.nodes.count; position++) {
    const nodeIndex = graph.nodes.indices[position]!;
    const node = graph.node(nodeIndex);
    if (!node) continue;
    const aliases = payloads.aliasesOf(nodeIndex).filter((alias) => alias !== node.name && alias !== node.id);
    entries.push({
      nodeIndex,
      type: node.type,
      name: node.name,
      id: node.id,
      aliases: [...new Set(aliases)],
      // Undefined for most nodes: JSON leaves the field out, so the file grows only by the synonyms.
      synonyms: mined.byNode.get(nodeIndex),
    });
  }
  return { entries, synonyms: mined.report };
}

export async function writeLookupEntries(
  indexDirectory: string,
  graph: KgGraph,
  payloads: NodePayloads,
  lexicons?: NameLexicons | undefined,
): Promise<void> {
  const json = JSON.stringify(lookupEntries(graph, payloads, lexicons));
  await writeFileAtomic(join(indexDirectory, LOOKUP_FILE), await promisify(gzip)(json));
}

export async function readLookupEntries(indexDirectory: string): Promise<NameEntry[]> {
  const path = join(indexDirectory, LOOKUP_FILE);
  try {
    const json: unknown = JSON.parse((await promisify(gunzip)(await readFile(path))).toString('utf8'));
    return z.array(nameEntrySchema).parse(json);
  } catch (error) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path} is missing or unreadable; rebuild the index with \`biobridge ingest\``,
      cause: error,
      details: { file: path },
    });
  }
}
