import { definedFields } from '../util/defined-fields.js';
import type { PayloadCoverage } from './ingest-report.js';
import type { NodePayloads } from './payloads.js';
import type {
  DrugSmilesRow,
  DrugTextRow,
  ProteinSequenceRow,
  TextFeatureRow,
  VariantFeatureRow,
} from './schemas.js';

/** Which node a modality-file row is about, and what must match `nodes.csv`. */
export interface PayloadTarget {
  index: number;
  /** The node's type as this file states or implies it. */
  type?: string | undefined;
  /** The column that states the type (text_features); without one, the type is implied by the file. */
  typeColumn?: string | undefined;
  idColumn: string;
  id: string;
}

/** How one modality file gives payloads to nodes. */
export interface NodePayloadKind<Row> {
  target(row: Row): PayloadTarget;
  /** What the node already has that this row would repeat, if anything ("a protein sequence"). */
  repeats(row: Row, payloads: NodePayloads): string | undefined;
  store(row: Row, payloads: NodePayloads, coverage: PayloadCoverage): void;
}

export const PROTEIN_TYPE = 'gene/protein';
export const DRUG_TYPE = 'drug';
export const VARIANT_TYPE = 'variant';

export interface NodePayloadRows {
  proteinSequences: ProteinSequenceRow;
  drugSmiles: DrugSmilesRow;
  textFeatures: TextFeatureRow;
  drugText: DrugTextRow;
  variantFeatures: VariantFeatureRow;
}
export type NodePayloadRole = keyof NodePayloadRows;

/** The target of a file whose rows are all nodes of one type, named by the id in one column. */
function nodeOfType<Column extends string>(
  type: string,
  idColumn: Column,
): (row: { node_index: number } & Record<Column, string>) => PayloadTarget {
  return (row) => ({ index: row.node_index, type, idColumn, id: row[idColumn] });
}

type EntryMaps = {
  [
    Field in keyof NodePayloads as NodePayloads[Field] extends Map<number, unknown> ? Field : never
  ]: NodePayloads[Field];
};
type EntryOf<Field extends keyof EntryMaps> =
  EntryMaps[Field] extends Map<number, infer Entry> ? Entry : never;

/**
 * The payload of a file that gives a node at most one entry of `payloads[field]`: a second row for
 * the node repeats `what`; `count` tallies what the stored row covered.
 */
function onePerNode<Row extends { node_index: number }, Field extends keyof EntryMaps>(
  field: Field,
  what: string,
  entry: (row: Row) => EntryOf<Field>,
  count: (coverage: PayloadCoverage, row: Row) => void,
): Omit<NodePayloadKind<Row>, 'target'> {
  const entries = (payloads: NodePayloads) => payloads[field] as Map<number, EntryOf<Field>>;
  return {
    repeats: (row, payloads) => (entries(payloads).has(row.node_index) ? what : undefined),
    store: (row, payloads, coverage) => {
      entries(payloads).set(row.node_index, entry(row));
      count(coverage, row);
    },
  };
}

/** The node-payload files, in reading order (drug_text after text_features: it adds to their entries). */
export const NODE_PAYLOAD_KINDS: { [Role in NodePayloadRole]: NodePayloadKind<NodePayloadRows[Role]> } = {
  proteinSequences: {
    target: nodeOfType(PROTEIN_TYPE, 'entrez_id'),
    ...onePerNode(
      'proteins',
      'a protein sequence',
      (row: ProteinSequenceRow) => ({
        sequence: row.sequence,
        entrezId: row.entrez_id,
        ...definedFields({
          symbol: row.symbol === '' ? undefined : row.symbol,
          uniprotId: row.uniprot_id === '' ? undefined : row.uniprot_id,
        }),
      }),
      (coverage) => coverage.sequence++,
    ),
  },
  drugSmiles: {
    target: nodeOfType(DRUG_TYPE, 'drugbank_id'),
    ...onePerNode(
      'molecules',
      'a SMILES',
      (row: DrugSmilesRow) => ({ smiles: row.smiles, drugbankId: row.drugbank_id, name: row.name }),
      (coverage) => coverage.smiles++,
    ),
  },
  textFeatures: {
    target: (row) => ({
      index: row.node_index,
      type: row.node_type,
      typeColumn: 'node_type',
      idColumn: 'node_id',
      id: row.node_id,
    }),
    // drug_text is read after this file, so any entry here came from an earlier text_features row.
    ...onePerNode(
      'texts',
      'a text_features row',
      (row: TextFeatureRow) => ({ name: row.name, ...definedFields({ definition: row.definition }) }),
      (coverage, row) => {
        coverage.textRecord++;
        if (row.definition !== undefined) coverage.definition++;
      },
    ),
  },
  drugText: {
    target: nodeOfType(DRUG_TYPE, 'drugbank_id'),
    repeats: (row, payloads) =>
      payloads.texts.get(row.node_index)?.description === undefined ? undefined : 'a description',
    store: (row, payloads, coverage) => {
      const existing = payloads.texts.get(row.node_index);
      payloads.texts.set(row.node_index, {
        ...existing,
        name: existing?.name ?? row.name,
        description: row.description,
      });
      coverage.description++;
    },
  },
  variantFeatures: {
    target: nodeOfType(VARIANT_TYPE, 'rsid'),
    ...onePerNode(
      'variants',
      'variant features',
      (row: VariantFeatureRow) => ({
        rsid: row.rsid,
        ...definedFields({
          chromosome: row.chrom,
          position: row.pos,
          mappedGene: row.mapped_gene,
          context: row.context,
          riskAllele: row.risk_allele,
        }),
      }),
      (coverage, row) => {
        coverage.variant++;
        if (row.chrom !== undefined && row.pos !== undefined) coverage.variantPosition++;
      },
    ),
  },
};
