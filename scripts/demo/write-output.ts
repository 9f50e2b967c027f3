import { join } from 'node:path';
import {
  columnsOf,
  drugSmilesRowSchema,
  kgEdgeRowSchema,
  nodeRowSchema,
  proteinSequenceRowSchema,
  textFeatureRowSchema,
} from '../../src/kg/schemas.js';
import { writeFileAtomic } from '../../src/util/atomic.js';
import type { DemoKg } from './assemble.js';
import { formatCsv, gzipDeterministic } from './csv.js';

/** Output files, named and laid out like ../shared/kg (gzip everywhere, so one loader reads both). */
export const DEMO_FILES = {
  kg: 'kg.csv.gz',
  nodes: 'nodes.csv.gz',
  proteinSequences: 'protein_sequences.csv.gz',
  drugSmiles: 'drug_smiles.csv.gz',
  textFeatures: 'text_features.csv.gz',
} as const;

// The headers are the reader's schemas' columns, so the demo files always read back.
export const KG_HEADER = columnsOf(kgEdgeRowSchema);
export const NODES_HEADER = columnsOf(nodeRowSchema);
export const PROTEIN_SEQUENCES_HEADER = columnsOf(proteinSequenceRowSchema);
export const DRUG_SMILES_HEADER = columnsOf(drugSmilesRowSchema);
export const TEXT_FEATURES_HEADER = columnsOf(textFeatureRowSchema);

/** CSV text of every output file, by file name. */
export function renderDemoKg(kg: DemoKg): Record<string, string> {
  return {
    [DEMO_FILES.kg]: formatCsv(
      KG_HEADER,
      kg.edges.map((edge) => [
        edge.relation,
        edge.displayRelation,
        edge.x.index,
        edge.x.id,
        edge.x.type,
        edge.x.name,
        edge.x.source,
        edge.y.index,
        edge.y.id,
        edge.y.type,
        edge.y.name,
        edge.y.source,
      ]),
    ),
    [DEMO_FILES.nodes]: formatCsv(
      NODES_HEADER,
      kg.nodes.map((node) => [node.index, node.id, node.type, node.name, node.source]),
    ),
    [DEMO_FILES.proteinSequences]: formatCsv(
      PROTEIN_SEQUENCES_HEADER,
      kg.proteinSequences.map((row) => [row.index, row.entrezId, row.symbol, row.uniprotId, row.sequence]),
    ),
    [DEMO_FILES.drugSmiles]: formatCsv(
      DRUG_SMILES_HEADER,
      kg.drugSmiles.map((row) => [row.index, row.drugbankId, row.name, row.smiles]),
    ),
    [DEMO_FILES.textFeatures]: formatCsv(
      TEXT_FEATURES_HEADER,
      kg.textFeatures.map((row) => [row.index, row.type, row.id, row.name, row.definition]),
    ),
  };
}

export interface WrittenFile {
  name: string;
  bytes: number;
}

export async function writeDemoKg(directory: string, kg: DemoKg): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  for (const [name, text] of Object.entries(renderDemoKg(kg))) {
    const bytes = gzipDeterministic(text);
    await writeFileAtomic(join(directory, name), bytes);
    written.push({ name, bytes: bytes.length });
  }
  return written;
}
