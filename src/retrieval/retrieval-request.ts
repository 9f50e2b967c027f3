import { z } from 'zod';
import { variantFeatureInputSchema } from '../encoders/variant-features.js';

/** Longest inputs accepted before encoding; encoders apply their own, tighter limits (→ 422). */
export const MAX_SMILES_CHARACTERS = 2_000;
export const MAX_PROTEIN_CHARACTERS = 100_000;
export const MAX_TEXT_CHARACTERS = 10_000;

export const entityReferenceSchema = z.union([
  z.string().trim().min(1).max(500).describe('A name, symbol or id, resolved with the name index'),
  z
    .strictObject({
      type: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Node type (`gene/protein`) or table name (`gene_protein`); needed when an id is ambiguous',
        ),
      id: z.string().trim().min(1).max(500).optional().describe('KG node id, e.g. `DB00619` or `25`'),
      name: z.string().trim().min(1).max(500).optional().describe('A name, symbol or alias'),
    })
    .superRefine((value, context) => {
      if ((value.id === undefined) === (value.name === undefined))
        context.addIssue({ code: 'custom', path: [], message: 'give exactly one of id and name' });
    }),
]);
export type EntityReference = z.infer<typeof entityReferenceSchema>;

const queryFields = ['protein', 'smiles', 'text', 'entity'] as const;

export const retrievalRequestSchema = z
  .strictObject({
    protein: z
      .string()
      .min(1)
      .max(MAX_PROTEIN_CHARACTERS)
      .optional()
      .describe('Amino-acid sequence (head type gene/protein)'),
    smiles: z
      .string()
      .trim()
      .min(1)
      .max(MAX_SMILES_CHARACTERS)
      .optional()
      .describe('Molecule (head type drug)'),
    text: z.string().trim().min(1).max(MAX_TEXT_CHARACTERS).optional().describe('Free-text description'),
    textType: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Node type whose text space `text` is read in; default disease, or a text type linked to targetTypes',
      ),
    entity: entityReferenceSchema.optional().describe('A KG entity; its stored vector and KG facts are used'),
    rsid: z
      .string()
      .trim()
      .regex(/^rs\d+$/i, 'expected a dbSNP id such as rs7903146')
      .optional()
      .describe(
        'A SNP (head type variant), embedded by the learned variant model; add `variant` for one the index lacks',
      ),
    variant: variantFeatureInputSchema
      .optional()
      .describe('Features of a SNP to embed with the learned variant model (with or without `rsid`)'),
    targetTypes: z
      .array(z.string().min(1))
      .min(1)
      .max(16)
      .optional()
      .describe('Node types to retrieve; default every type the KG links the head type to'),
    relations: z
      .array(z.string().min(1))
      .min(1)
      .max(32)
      .optional()
      .describe('Relations (PrimeKG display relations) to use; default every KG relation between the types'),
    method: z
      .enum(['fused', 'bridge', 'transfer', 'learned'])
      .optional()
      .describe(
        'How predictions are ranked: `fused` (bridge + nearest-neighbour transfer + KG popularity, fitted on validation; the default when the index has fusion.json), `bridge` (the default otherwise) or `transfer` (targets of the most similar KG entities; needs no bridge). Variant queries (`rsid` / `variant`, a variant entity): `fused` (learned variant model + positional neighbours + gene proxy + popularity for variant → disease, fitted on validation variants; the default when the index has variant-fusion.json for its variant model) or `learned` (the learned cosine alone)',
      ),
    k: z.number().int().min(1).max(200).default(10).describe('Predictions per target type'),
    maxKnown: z.number().int().min(0).max(2_000).default(50).describe('KG facts per target type'),
    includeKnown: z.boolean().default(true).describe('Add KG neighbours of an entity query as known results'),
    includePredicted: z
      .boolean()
      .default(true)
      .describe('Rank candidates with the bridge (needs a trained bridge)'),
  })
  .superRefine((value, context) => {
    // rsid and variant features describe one head together.
    const variantField =
      value.rsid !== undefined ? 'rsid' : value.variant !== undefined ? 'variant' : undefined;
    const given = [
      ...queryFields.filter((field) => value[field] !== undefined),
      ...(variantField ? [variantField] : []),
    ];
    if (given.length !== 1)
      context.addIssue({
        code: 'custom',
        path: given.length > 1 ? [given[1]!] : [],
        message: `give exactly one of ${queryFields.join(', ')}, rsid/variant${given.length > 1 ? ` (got ${given.join(' and ')})` : ''}`,
      });
    if (value.textType !== undefined && value.text === undefined)
      context.addIssue({
        code: 'custom',
        path: ['textType'],
        message: 'textType only applies to text queries',
      });
    if (!value.includeKnown && !value.includePredicted)
      context.addIssue({
        code: 'custom',
        path: ['includePredicted'],
        message: 'includeKnown and includePredicted are both false: nothing to return',
      });
  });

/** A validated request, defaults applied. */
export type RetrievalRequest = z.infer<typeof retrievalRequestSchema>;
/** What callers write: defaults optional. */
export type RetrievalRequestInput = z.input<typeof retrievalRequestSchema>;
