import { z } from 'zod';
import { entityReferenceSchema, MAX_PROTEIN_CHARACTERS } from '../retrieval/retrieval-request.js';

const targetFields = ['sequence', 'gene', 'uniprot', 'entity'] as const;
export type TargetKind = (typeof targetFields)[number];

/** The protein to design for: exactly one of a sequence, a gene symbol, a UniProt accession or a KG entity. */
export const proposeTargetSchema = z
  .strictObject({
    sequence: z
      .string()
      .min(1)
      .max(MAX_PROTEIN_CHARACTERS)
      .optional()
      .describe("Amino-acid sequence, encoded with the index's protein encoder"),
    gene: z.string().trim().min(1).max(200).optional().describe('Gene symbol or protein name, e.g. `ABL1`'),
    uniprot: z.string().trim().min(1).max(50).optional().describe('UniProt accession, e.g. `P00519`'),
    entity: entityReferenceSchema
      .optional()
      .describe('A gene/protein node: `{type, id}` (e.g. `{"type": "gene/protein", "id": "25"}`) or a name'),
  })
  .superRefine((value, context) => {
    const given = targetFields.filter((field) => value[field] !== undefined);
    if (given.length !== 1)
      context.addIssue({
        code: 'custom',
        path: given.length > 1 ? [given[1]!] : [],
        message: `give exactly one of ${targetFields.join(', ')}${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`,
      });
  });
export type ProposeTarget = z.infer<typeof proposeTargetSchema>;
