import { z } from 'zod';

/**
 * One zod schema per PrimeKG-format file. Keys are the CSV column names, in file order; the
 * reader passes each row as `{ column: rawString }` and reports the first issue as
 * `file line N, column C: message`, so every message below is written to stand after that prefix.
 */

/** Node indices are stored in Int32Arrays. */
export const MAX_NODE_INDEX = 2 ** 31 - 1;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/;

/** `'abc'`, shortened and with control characters escaped, for error messages. */
export function describeValue(value: string, maxLength = 40): string {
  const shown = value.length > maxLength ? `${value.slice(0, maxLength)}…` : value;
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const escaped = shown.replace(/[\u0000-\u001F\u007F\uFFFD]/g, (character) => {
    if (character === '\n') return '\\n';
    if (character === '\r') return '\\r';
    if (character === '\t') return '\\t';
    return `\\u${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  });
  return `'${escaped}'`;
}

function forbiddenCharacterMessage(value: string): string | undefined {
  const match = FORBIDDEN_CHARACTER.exec(value);
  if (match === null) return undefined;
  const character = match[0];
  if (character === '\uFFFD') return `contains bytes that are not valid UTF-8 at position ${match.index + 1}`;
  const code = character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `contains the control character U+${code} at position ${match.index + 1}`;
}

type Issues = z.core.$RefinementCtx['issues'];

function fail(issues: Issues, value: string, message: string): typeof z.NEVER {
  issues.push({ code: 'custom', message, input: value });
  return z.NEVER;
}

/** Non-empty text without control characters. */
export function requiredText() {
  return z.string().transform((value, context) => {
    if (value.length === 0) return fail(context.issues, value, 'must not be empty');
    const problem = forbiddenCharacterMessage(value);
    return problem === undefined ? value : fail(context.issues, value, problem);
  });
}

/** Text that may be empty (kept as `''`). */
export function plainText() {
  return z.string().transform((value, context) => {
    const problem = forbiddenCharacterMessage(value);
    return problem === undefined ? value : fail(context.issues, value, problem);
  });
}

/** Text where empty means absent. */
export function optionalText() {
  return z.string().transform((value, context): string | undefined => {
    if (value.length === 0) return undefined;
    const problem = forbiddenCharacterMessage(value);
    return problem === undefined ? value : fail(context.issues, value, problem);
  });
}

export const DIGITS = /^\d{1,10}$/;

/** A PrimeKG `node_index`: a non-negative integer that fits an Int32. */
export function nodeIndex() {
  return z.string().transform((value, context) => {
    const number = DIGITS.test(value) ? Number(value) : Number.NaN;
    if (!(number <= MAX_NODE_INDEX))
      return fail(
        context.issues,
        value,
        Number.isNaN(number)
          ? `expected a non-negative integer, got ${describeValue(value)}`
          : `expected a node index of at most ${MAX_NODE_INDEX}, got ${describeValue(value)}`,
      );
    return number;
  });
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A finite decimal number, or absent when empty. */
export function optionalNumber() {
  return z.string().transform((value, context): number | undefined => {
    if (value.length === 0) return undefined;
    const number = DECIMAL.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(number))
      return fail(context.issues, value, `expected a number, got ${describeValue(value)}`);
    return number;
  });
}

/** A non-negative safe integer, or absent when empty. */
export function optionalCount() {
  return z.string().transform((value, context): number | undefined => {
    if (value.length === 0) return undefined;
    const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(number))
      return fail(context.issues, value, `expected a non-negative integer, got ${describeValue(value)}`);
    return number;
  });
}

const AMINO_ACIDS = /[^A-Z]/;

/** An upper-case amino-acid sequence (20 standard letters plus U, O, X, B, Z, J). */
export function proteinSequence() {
  return z.string().transform((value, context) => {
    if (value.length === 0) return fail(context.issues, value, 'must not be empty');
    const match = AMINO_ACIDS.exec(value);
    if (match !== null)
      return fail(
        context.issues,
        value,
        `expected amino-acid letters A-Z, got ${describeValue(match[0])} at position ${match.index + 1}`,
      );
    return value;
  });
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001F\uFFFD]/;

/** A SMILES string as found in the file; chemical validity is checked later by RDKit. */
export function smilesText() {
  return z.string().transform((value, context) => {
    if (value.length === 0) return fail(context.issues, value, 'must not be empty');
    const match = WHITESPACE_OR_CONTROL.exec(value);
    if (match !== null)
      return fail(
        context.issues,
        value,
        `SMILES must not contain whitespace or control characters, got ${describeValue(match[0])} at position ${match.index + 1}`,
      );
    return value;
  });
}

/** `kg.csv` and `kg_noncommercial.csv`: one directed edge per row. */
export const kgEdgeRowSchema = z.object({
  relation: requiredText(),
  display_relation: requiredText(),
  x_index: nodeIndex(),
  x_id: requiredText(),
  x_type: requiredText(),
  x_name: plainText(),
  x_source: plainText(),
  y_index: nodeIndex(),
  y_id: requiredText(),
  y_type: requiredText(),
  y_name: plainText(),
  y_source: plainText(),
});
export type KgEdgeRow = z.output<typeof kgEdgeRowSchema>;

/** `nodes.csv`. */
export const nodeRowSchema = z.object({
  node_index: nodeIndex(),
  node_id: requiredText(),
  node_type: requiredText(),
  node_name: plainText(),
  node_source: plainText(),
});
export type NodeRow = z.output<typeof nodeRowSchema>;

/** `protein_sequences.csv`: one sequence per gene/protein node. */
export const proteinSequenceRowSchema = z.object({
  node_index: nodeIndex(),
  entrez_id: requiredText(),
  symbol: plainText(),
  uniprot_id: plainText(),
  sequence: proteinSequence(),
});
export type ProteinSequenceRow = z.output<typeof proteinSequenceRowSchema>;

/** `drug_smiles.csv`. */
export const drugSmilesRowSchema = z.object({
  node_index: nodeIndex(),
  drugbank_id: requiredText(),
  name: plainText(),
  smiles: smilesText(),
});
export type DrugSmilesRow = z.output<typeof drugSmilesRowSchema>;

/** `text_features.csv`: names and definitions; the definition may be empty (pathways are name-only). */
export const textFeatureRowSchema = z.object({
  node_index: nodeIndex(),
  node_type: requiredText(),
  node_id: requiredText(),
  name: plainText(),
  definition: optionalText(),
});
export type TextFeatureRow = z.output<typeof textFeatureRowSchema>;

/** `variant_features.csv` (GWAS Catalog); position fields are empty for unmapped variants. */
export const variantFeatureRowSchema = z.object({
  node_index: nodeIndex(),
  rsid: requiredText(),
  chrom: optionalText(),
  pos: optionalCount(),
  mapped_gene: optionalText(),
  context: optionalText(),
  risk_allele: optionalText(),
});
export type VariantFeatureRow = z.output<typeof variantFeatureRowSchema>;

/** `drug_text.csv` (DrugBank descriptions). */
export const drugTextRowSchema = z.object({
  node_index: nodeIndex(),
  drugbank_id: requiredText(),
  name: plainText(),
  description: requiredText(),
});
export type DrugTextRow = z.output<typeof drugTextRowSchema>;

/** `edge_attributes.csv`: GWAS statistics of `variant_disease` edges (x = variant, y = disease). */
export const edgeAttributeRowSchema = z.object({
  x_index: nodeIndex(),
  y_index: nodeIndex(),
  relation: requiredText(),
  pvalue_mlog: optionalNumber(),
  or_beta: optionalNumber(),
  pubmed_id: optionalText(),
});
export type EdgeAttributeRow = z.output<typeof edgeAttributeRowSchema>;

/** `ontology_is_a.csv`: the direction of each parent-child edge, which `kg.csv` lists both ways. */
export const ontologyIsARowSchema = z.object({
  child_index: nodeIndex(),
  parent_index: nodeIndex(),
});
export type OntologyIsARow = z.output<typeof ontologyIsARowSchema>;

/** Column names of a row schema, in file order. */
export function columnsOf(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}
