import { z } from 'zod';
import { canonicalJson, sha256Hex } from './encoder-description.js';
import { HF_ONNX_KIND, hfOnnxOptionsSchema } from './hf-onnx.js';
import { MOLECULE_MORGAN_KIND, moleculeMorganOptionsSchema } from './molecule-morgan.js';
import { PROTEIN_KMER_KIND, proteinKmerOptionsSchema } from './protein-kmer.js';
import { TEXT_TFIDF_KIND, textTfidfOptionsSchema } from './text-tfidf.js';
import { VARIANT_TEXT_KIND } from './variant-text.js';

export const proteinKmerSpecSchema = z.object({
  kind: z.literal(PROTEIN_KMER_KIND),
  options: proteinKmerOptionsSchema.prefault({}),
});
export const moleculeMorganSpecSchema = z.object({
  kind: z.literal(MOLECULE_MORGAN_KIND),
  options: moleculeMorganOptionsSchema.prefault({}),
});
export const textTfidfSpecSchema = z.object({
  kind: z.literal(TEXT_TFIDF_KIND),
  options: textTfidfOptionsSchema.prefault({}),
});
export const hfOnnxSpecSchema = z.object({
  kind: z.literal(HF_ONNX_KIND),
  options: hfOnnxOptionsSchema,
});

/** The encoders a variant description can be handed to: a lexical or a language-model text encoder. */
export const textEncoderSpecSchema = z.discriminatedUnion('kind', [
  textTfidfSpecSchema,
  hfOnnxSpecSchema.refine((spec) => spec.options.modality === 'text', {
    message: 'a variant-text encoder needs a text encoder (hf-onnx with modality "text")',
  }),
]);

export const variantTextSpecSchema = z.object({
  kind: z.literal(VARIANT_TEXT_KIND),
  options: z
    .object({
      /** Encoder for the variant sentences; the shared KG text encoder by default. */
      text: textEncoderSpecSchema.default({
        kind: TEXT_TFIDF_KIND,
        options: textTfidfOptionsSchema.parse({}),
      }),
    })
    .prefault({}),
});

export const encoderSpecSchema = z.discriminatedUnion('kind', [
  proteinKmerSpecSchema,
  moleculeMorganSpecSchema,
  textTfidfSpecSchema,
  hfOnnxSpecSchema,
  variantTextSpecSchema,
]);
export type EncoderSpec = z.infer<typeof encoderSpecSchema>;
export type EncoderSpecInput = z.input<typeof encoderSpecSchema>;
export type TextEncoderSpec = z.infer<typeof textEncoderSpecSchema>;

/**
 * Which encoder each node type uses: node type → `{kind, options}`, or `null` for a type that gets
 * no vector (searchable by name only). Types with identical specs share one encoder instance (one
 * fitted text encoder for all text types; `variant-text` reuses it when its `text` spec is the same).
 */
export const encoderConfigSchema = z.record(z.string(), encoderSpecSchema.nullable());
export type EncoderConfig = z.infer<typeof encoderConfigSchema>;
export type EncoderConfigInput = z.input<typeof encoderConfigSchema>;

const sharedText = { kind: TEXT_TFIDF_KIND } as const;

/**
 * Defaults: proteins → `protein-kmer`; drugs → `molecule-morgan`; every text-bearing type (GO terms,
 * diseases, phenotypes, pathways) → one shared `text-tfidf` fitted on all KG text; variants →
 * `variant-text` over that same text encoder. `anatomy` and `exposure` have no payload in the KG.
 */
export const DEFAULT_ENCODER_CONFIG: EncoderConfigInput = {
  'gene/protein': { kind: PROTEIN_KMER_KIND },
  drug: { kind: MOLECULE_MORGAN_KIND },
  biological_process: sharedText,
  molecular_function: sharedText,
  cellular_component: sharedText,
  disease: sharedText,
  'effect/phenotype': sharedText,
  pathway: sharedText,
  variant: { kind: VARIANT_TEXT_KIND },
};

/**
 * Parses an encoder configuration over the defaults: node types in `overrides` replace the default
 * entry (`null` removes it), the others keep theirs. Throws the zod error for invalid input; callers
 * at the edge (src/config) report it with `z.prettifyError`.
 */
export function resolveEncoderConfig(overrides: EncoderConfigInput = {}): EncoderConfig {
  return encoderConfigSchema.parse({ ...DEFAULT_ENCODER_CONFIG, ...overrides });
}

/** Stable identity of a spec: equal specs (after defaults) share an encoder and a saved directory. */
export function encoderSpecKey(spec: EncoderSpec): string {
  return sha256Hex(canonicalJson(spec)).slice(0, 12);
}

/** Directory name for a spec's saved encoder under an index's `encoders/`, e.g. `text-tfidf-3fa9c2d1e0b4`. */
export function encoderDirectoryName(spec: EncoderSpec): string {
  return `${spec.kind}-${encoderSpecKey(spec)}`;
}

/**
 * Node types whose payload text should go into the corpus of the text encoder with `textSpec`: the
 * types that use it directly and, for `variant-text` types that wrap it, the variants (as
 * `describeVariant` sentences).
 */
export function textCorpusNodeTypes(config: EncoderConfig, textSpec: TextEncoderSpec): string[] {
  const key = encoderSpecKey(textSpec);
  return Object.entries(config)
    .filter(([, spec]) => {
      if (!spec) return false;
      if (spec.kind === VARIANT_TEXT_KIND) return encoderSpecKey(spec.options.text) === key;
      return encoderSpecKey(spec) === key;
    })
    .map(([nodeType]) => nodeType);
}
