/**
 * The shape of a phrasing bank for the generated QA set (qa-set.ts), in its own module so the banks
 * (robust-phrasings.ts) and the generator can both import it without importing each other.
 */

/** A statement about (subject, object). */
export type Template = (subject: string, object: string) => string;
/** Options as the question shows them, the options list, and the two diseases/one subject. */
export type ChoiceTemplate = (subjects: string[], options: readonly string[]) => string;
export type ListTemplate = (subject: string) => string;

export interface PhrasingTemplates {
  geneForTwo: ChoiceTemplate[];
  variantFor: ChoiceTemplate[];
  drugFor: ChoiceTemplate[];
  /** (disease, gene) */
  associated: Template[];
  associatedNegated: Template | readonly Template[];
  /** (disease, drug) */
  treats: Template[];
  treatsNegated: Template | readonly Template[];
  /** (disease, parent) */
  isA: Template[];
  isANegated: Template | readonly Template[];
  /** (disease, identifier) */
  identifier: Template[];
  identifierNegated: Template | readonly Template[];
  drugsList: ListTemplate[];
}
