/**
 * Words around a span that change how it is linked: type cues ("gene SMAD4") and the generic
 * head nouns that name a class rather than an entity ("syndrome" in "Kleefstra syndrome 1").
 */

/** A word next to a span that says which node type the text expects there. */
const TYPE_CUES: Record<string, readonly string[]> = {
  gene: ['gene/protein'],
  genes: ['gene/protein'],
  protein: ['gene/protein'],
  proteins: ['gene/protein'],
  symbol: ['gene/protein'],
  enzyme: ['gene/protein'],
  kinase: ['gene/protein'],
  drug: ['drug'],
  drugs: ['drug'],
  compound: ['drug'],
  medication: ['drug'],
  medicine: ['drug'],
  molecule: ['drug'],
  disease: ['disease'],
  diseases: ['disease'],
  disorder: ['disease'],
  condition: ['disease'],
  phenotype: ['effect/phenotype'],
  phenotypes: ['effect/phenotype'],
  symptom: ['effect/phenotype'],
  symptoms: ['effect/phenotype'],
  sign: ['effect/phenotype'],
  effect: ['effect/phenotype'],
  variant: ['variant'],
  variants: ['variant'],
  snp: ['variant'],
  snps: ['variant'],
  polymorphism: ['variant'],
  pathway: ['pathway'],
  pathways: ['pathway'],
  process: ['biological_process'],
  function: ['molecular_function'],
  activity: ['molecular_function'],
  component: ['cellular_component'],
  compartment: ['cellular_component'],
  localization: ['cellular_component'],
};

export function typeCue(lowercaseWord: string): readonly string[] | undefined {
  return Object.hasOwn(TYPE_CUES, lowercaseWord) ? TYPE_CUES[lowercaseWord] : undefined;
}

/**
 * One-word KG names that are also the head noun of longer names ("syndrome", "cancer",
 * "protein"). Alone they may be meant ("which drugs treat cancer?"); with a modifier in front
 * ("Kleefstra syndrome") or a numeral behind ("syndrome 1") they are part of a name the KG
 * does not have, and linking the head alone would be wrong.
 */
export const GENERIC_HEADS: ReadonlySet<string> = new Set(
  `syndrome syndromes disease diseases disorder disorders cancer cancers tumor tumors tumour
  tumours neoplasm neoplasms carcinoma infection infections deficiency abnormality abnormalities
  anomaly malformation dysplasia dystrophy lesion protein proteins cell cells binding gene genes
  drug drugs pathway pathways process function component complex receptor enzyme phenotype
  symptom sign death growth development response transport activity`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words before a generic head that make it a class noun, not a name ("which syndrome…"). */
export const DETERMINERS: ReadonlySet<string> = new Set(
  `a an any each every this that these those which what whose another other some no`.split(' '),
);

/** Words that join two names; a word-order match never spans them ("psoriasis and arthritis"). */
export const CONJUNCTIONS: ReadonlySet<string> = new Set(['and', 'or', 'nor', 'but', 'versus', 'vs', 'than']);
