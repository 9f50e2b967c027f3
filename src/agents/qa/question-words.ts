/** Question wording shared by the form parser and the option extractor (question-options.ts). */

/** Node-type words ("genes", "side effects") as a regular-expression alternation. */
export const TYPE_WORD_SOURCE = String.raw`genes?|proteins?|enzymes?|receptors?|variants?|snps?|polymorphisms?|rsids?|diseases?|disorders?|conditions?|drugs?|compounds?|medications?|medicines?|molecules?|treatments?|therap(?:y|ies)|phenotypes?|symptoms?|side[\s-]effects?|adverse\s+effects?|pathways?|biological\s+process(?:es)?|molecular\s+functions?|cellular\s+components?`;
export const WH_START =
  /^\s*(?:which|what|who|list|name|give|find|show|tell|identify|enumerate|select|out\s+of)\b/i;
export const TRUE_FALSE_PREFIX =
  /^\s*(?:true\s+or\s+false|yes\s+or\s+no|t\/f|verify|is\s+it\s+true\s+that|is\s+the\s+following\s+(?:statement\s+)?(?:true|correct)|(?:the\s+)?statement)\s*[:?,\-–]?\s*/i;
