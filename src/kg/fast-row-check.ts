import { DIGITS, FORBIDDEN_CHARACTER, MAX_NODE_INDEX, type KgEdgeRow } from './schemas.js';

/**
 * A hand-written twin of a row schema for the hot loop of large files: given the row's fields and
 * the field position of each schema column (in schema order), the record the schema would give, or
 * `undefined` when the schema might refuse the row (the reader then asks the schema, for its message).
 * It must never accept a row the schema refuses; test/kg/fast-row-check.test.ts holds it to that.
 */
export type FastRowCheck<Row> = (fields: readonly string[], positions: readonly number[]) => Row | undefined;

const requiredText = (value: string): boolean => value.length > 0 && !FORBIDDEN_CHARACTER.test(value);
const plainText = (value: string): boolean => !FORBIDDEN_CHARACTER.test(value);
const nodeIndexOf = (value: string): number => (DIGITS.test(value) ? Number(value) : Number.NaN);

/** The twin of `kgEdgeRowSchema` (same columns, same order). */
export const kgEdgeFastCheck: FastRowCheck<KgEdgeRow> = (fields, at) => {
  const relation = fields[at[0]!]!;
  const displayRelation = fields[at[1]!]!;
  const xIndex = nodeIndexOf(fields[at[2]!]!);
  const xId = fields[at[3]!]!;
  const xType = fields[at[4]!]!;
  const xName = fields[at[5]!]!;
  const xSource = fields[at[6]!]!;
  const yIndex = nodeIndexOf(fields[at[7]!]!);
  const yId = fields[at[8]!]!;
  const yType = fields[at[9]!]!;
  const yName = fields[at[10]!]!;
  const ySource = fields[at[11]!]!;
  const valid =
    xIndex <= MAX_NODE_INDEX &&
    yIndex <= MAX_NODE_INDEX &&
    requiredText(relation) &&
    requiredText(displayRelation) &&
    requiredText(xId) &&
    requiredText(xType) &&
    plainText(xName) &&
    plainText(xSource) &&
    requiredText(yId) &&
    requiredText(yType) &&
    plainText(yName) &&
    plainText(ySource);
  if (!valid) return undefined;
  return {
    relation,
    display_relation: displayRelation,
    x_index: xIndex,
    x_id: xId,
    x_type: xType,
    x_name: xName,
    x_source: xSource,
    y_index: yIndex,
    y_id: yId,
    y_type: yType,
    y_name: yName,
    y_source: ySource,
  };
};
