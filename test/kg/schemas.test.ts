import { describe, expect, it } from 'vitest';
import {
  columnsOf,
  describeValue,
  drugSmilesRowSchema,
  drugTextRowSchema,
  edgeAttributeRowSchema,
  kgEdgeRowSchema,
  nodeRowSchema,
  proteinSequenceRowSchema,
  textFeatureRowSchema,
  variantFeatureRowSchema,
} from '../../src/kg/schemas.js';
import type { z } from 'zod';
import { readAllRows, useTemporaryDirectory } from './csv-test-helpers.js';

const directory = useTemporaryDirectory();

/** Writes `lines` (the header first) as the file `name` and reads it with `schema`: records and errors. */
async function parse<Schema extends z.ZodObject>(name: string, schema: Schema, lines: string[]) {
  const path = await directory.write(name, lines.map((line) => `${line}\n`).join(''));
  const { rows, errors } = await readAllRows(path, schema);
  return { records: rows.map((row) => row.record), errors };
}

interface ParseCase {
  behaviour: string;
  file: string;
  schema: z.ZodObject;
  /** The header first. */
  lines: string[];
  records: unknown[];
  errors: string[];
}

const parseCases: ParseCase[] = [
  {
    behaviour: 'protein_sequences: typed row, then bad sequences',
    file: 'protein_sequences.csv',
    schema: proteinSequenceRowSchema,
    lines: [
      'node_index,entrez_id,symbol,uniprot_id,sequence',
      '39574,1,A1BG,P04217,MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW',
      '39575,2,,,MGKNKLLHPSLVLLLLVLLPTDAS',
      '39576,3,X,P1,MSK1L',
      '39577,4,Y,P2,',
    ],
    records: [
      {
        node_index: 39574,
        entrez_id: '1',
        symbol: 'A1BG',
        uniprot_id: 'P04217',
        sequence: 'MSMLVVFLLLWGVTWGPVTEAAIFYETQPSLW',
      },
      { node_index: 39575, entrez_id: '2', symbol: '', uniprot_id: '', sequence: 'MGKNKLLHPSLVLLLLVLLPTDAS' },
    ],
    errors: [
      "protein_sequences.csv line 4, column sequence: expected amino-acid letters A-Z, got '1' at position 4",
      'protein_sequences.csv line 5, column sequence: must not be empty',
    ],
  },
  {
    behaviour: 'drug_smiles: SMILES may not hold whitespace',
    file: 'drug_smiles.csv.gz',
    schema: drugSmilesRowSchema,
    lines: [
      'node_index,drugbank_id,name,smiles',
      '24074,DB00006,Bivalirudin,CC[C@H](C)N',
      '24075,DB00007,Leuprolide,CC N',
      '24076,,X,C',
    ],
    records: [{ node_index: 24074, drugbank_id: 'DB00006', name: 'Bivalirudin', smiles: 'CC[C@H](C)N' }],
    errors: [
      "drug_smiles.csv.gz line 3, column smiles: SMILES must not contain whitespace or control characters, got ' ' at position 3",
      'drug_smiles.csv.gz line 4, column drugbank_id: must not be empty',
    ],
  },
  {
    behaviour: 'text_features: the definition may be empty',
    file: 'text_features.csv',
    schema: textFeatureRowSchema,
    lines: [
      'node_index,node_type,node_id,name,definition',
      '0,biological_process,GO:0000002,mitochondrial genome maintenance,"The maintenance of the structure, and integrity."',
      '67796,pathway,PC7_3065,Degradation of the extracellular matrix,',
      '5,,GO:5,x,y',
    ],
    records: [
      {
        node_index: 0,
        node_type: 'biological_process',
        node_id: 'GO:0000002',
        name: 'mitochondrial genome maintenance',
        definition: 'The maintenance of the structure, and integrity.',
      },
      {
        node_index: 67796,
        node_type: 'pathway',
        node_id: 'PC7_3065',
        name: 'Degradation of the extracellular matrix',
        definition: undefined,
      },
    ],
    errors: ['text_features.csv line 4, column node_type: must not be empty'],
  },
  {
    behaviour: 'variant_features: position fields are optional, pos must be an integer',
    file: 'variant_features.csv',
    schema: variantFeatureRowSchema,
    lines: [
      'node_index,rsid,chrom,pos,mapped_gene,context,risk_allele',
      '69249,rs1000113,5,150860514,IRGM - ZNF300,intergenic,T',
      '69250,rs10005603,,,,,?',
      '69251,rs1,X,12.5,G,c,A',
    ],
    records: [
      {
        node_index: 69249,
        rsid: 'rs1000113',
        chrom: '5',
        pos: 150860514,
        mapped_gene: 'IRGM - ZNF300',
        context: 'intergenic',
        risk_allele: 'T',
      },
      {
        node_index: 69250,
        rsid: 'rs10005603',
        chrom: undefined,
        pos: undefined,
        mapped_gene: undefined,
        context: undefined,
        risk_allele: '?',
      },
    ],
    errors: ["variant_features.csv line 4, column pos: expected a non-negative integer, got '12.5'"],
  },
  {
    behaviour: 'drug_text: the description is required',
    file: 'drug_text.csv',
    schema: drugTextRowSchema,
    lines: [
      'node_index,drugbank_id,name,description',
      '24070,DB00001,Lepirudin,"Lepirudin is identical to natural hirudin, except..."',
      '24071,DB00002,Cetuximab,',
    ],
    records: [
      {
        node_index: 24070,
        drugbank_id: 'DB00001',
        name: 'Lepirudin',
        description: 'Lepirudin is identical to natural hirudin, except...',
      },
    ],
    errors: ['drug_text.csv line 3, column description: must not be empty'],
  },
  {
    behaviour: 'edge_attributes: optional numbers, scientific notation accepted',
    file: 'edge_attributes.csv',
    schema: edgeAttributeRowSchema,
    lines: [
      'x_index,y_index,relation,pvalue_mlog,or_beta,pubmed_id',
      '69249,23627,variant_disease,6.522879,1.54,17554300',
      '69250,21387,variant_disease,1e-3,,',
      '69251,21387,variant_disease,NaN,1,2',
      '69252,21387,variant_disease,7,1.2.3,2',
    ],
    records: [
      {
        x_index: 69249,
        y_index: 23627,
        relation: 'variant_disease',
        pvalue_mlog: 6.522879,
        or_beta: 1.54,
        pubmed_id: '17554300',
      },
      {
        x_index: 69250,
        y_index: 21387,
        relation: 'variant_disease',
        pvalue_mlog: 0.001,
        or_beta: undefined,
        pubmed_id: undefined,
      },
    ],
    errors: [
      "edge_attributes.csv line 4, column pvalue_mlog: expected a number, got 'NaN'",
      "edge_attributes.csv line 5, column or_beta: expected a number, got '1.2.3'",
    ],
  },
];

describe('schemas: one per PrimeKG file, columns in file order', () => {
  it('lists the kg.csv and nodes.csv columns', () => {
    expect(columnsOf(kgEdgeRowSchema)).toEqual([
      'relation',
      'display_relation',
      'x_index',
      'x_id',
      'x_type',
      'x_name',
      'x_source',
      'y_index',
      'y_id',
      'y_type',
      'y_name',
      'y_source',
    ]);
    expect(columnsOf(nodeRowSchema)).toEqual([
      'node_index',
      'node_id',
      'node_type',
      'node_name',
      'node_source',
    ]);
  });

  it.each(parseCases)('$file: the header names the columns', ({ schema, lines }) => {
    expect(columnsOf(schema)).toEqual(lines[0]!.split(','));
  });
});

describe('schemas: parsing each file type', () => {
  it.each(parseCases)('$behaviour', async ({ file, schema, lines, records, errors }) => {
    const parsed = await parse(file, schema, lines);
    expect(parsed.records).toEqual(records);
    expect(parsed.errors).toEqual(errors);
  });
});

describe('describeValue', () => {
  it('quotes, shortens and escapes values for messages', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue('a\u0000b\n')).toBe("'a\\u0000b\\n'");
    expect(describeValue('x'.repeat(50))).toBe(`'${'x'.repeat(40)}…'`);
  });
});
