import type { PhrasingTemplates } from './phrasing-templates.js';

/**
 * A third phrasing bank, written apart from the main and held-out banks and before any parser
 * change for it: questions and statements in other sentence structures (options before the
 * question, one option per line, bulleted, quoted, lower-case letters, "Select …", "Is it true
 * that …", "Does X …?", "It is false that …"), the gene named as "the X gene", "X (gene)",
 * "variants in X", and several negations per kind. `--phrasings robust` measures it; with
 * `robust-names` the KG names are also rewritten (`name-variants.ts`).
 */

const upperParens = (options: readonly string[]) =>
  options.map((option, position) => `(${String.fromCharCode(65 + position)}) ${option}`).join(' ');
const letterLines = (options: readonly string[]) =>
  options.map((option, position) => `${String.fromCharCode(65 + position)}) ${option}`).join('\n');
const lowerDots = (options: readonly string[]) =>
  options.map((option, position) => `${String.fromCharCode(97 + position)}. ${option}`).join(' ');
const numberedDots = (options: readonly string[]) =>
  options.map((option, position) => `${position + 1}. ${option}`).join(' ');
const bullets = (options: readonly string[]) => options.map((option) => `- ${option}`).join('\n');
const lines = (options: readonly string[]) => options.join('\n');
const quoted = (options: readonly string[]) => options.map((option) => `"${option}"`).join(', ');
const commaOr = (options: readonly string[]) =>
  `${options.slice(0, -1).join(', ')}, or ${options.at(-1) ?? ''}`;

export const ROBUST_PHRASINGS: PhrasingTemplates = {
  geneForTwo: [
    ([a, b], o) => `Select the gene that is associated with both ${a} and ${b}.\nOptions:\n${letterLines(o)}`,
    ([a, b], o) => `Given the genes ${o.join(', ')}, which one is associated with ${a} and ${b}?`,
    ([a, b], o) => `Which gene out of ${o.join(', ')} is related to ${a} as well as to ${b}?`,
    ([a, b], o) => `Which of the following genes is implicated in ${a} and in ${b}: ${commaOr(o)}?`,
    ([a, b], o) => `Gene associated with ${a} and ${b}? Choose from ${quoted(o)}.`,
    ([a, b], o) => `${a} and ${b}: which gene do they have in common?\n${bullets(o)}`,
  ],
  variantFor: [
    ([d], o) => `Which SNP is associated with ${d}?\n${bullets(o)}`,
    ([d], o) => `Select the variant linked to ${d} from the list below: ${o.join('; ')}.`,
    ([d], o) => `Among the variants ${o.join(', ')}, which one has been associated with ${d}?`,
    ([d], o) => `Which of these variants is a risk locus for ${d}? ${lowerDots(o)}`,
    ([d], o) => `Which variant is associated with ${d}? Given list is: ${o.join(', ')}`,
  ],
  drugFor: [
    ([d], o) => `Which medication is used to treat ${d}? Options: ${upperParens(o)}`,
    ([d], o) => `Of the drugs listed (${o.join(', ')}), which one is indicated for ${d}?`,
    ([d], o) => `Which drug would you choose for the treatment of ${d}? ${numberedDots(o)}`,
    ([d], o) => `${d} - which of the following drugs is approved for it?\n${lines(o)}`,
    ([d], o) => `Which of the following treats ${d}: ${commaOr(o)}?`,
  ],
  associated: [
    (d, g) => `The ${g} gene is associated with ${d}.`,
    (d, g) => `${g} (gene) is linked to ${d}`,
    (d, g) => `Does ${g} associate with ${d}?`,
    (d, g) => `Is it true that ${d} is associated with the gene ${g}?`,
    (d, g) => `${g} is a gene associated with ${d}`,
    (d, g) => `Variants in the ${g} gene are associated with ${d}.`,
    (d, g) => `TRUE or FALSE: ${d} is genetically associated with ${g}.`,
  ],
  associatedNegated: [
    (d, g) => `${g} is not associated with ${d}`,
    (d, g) => `${d} has no known association with the gene ${g}.`,
    (d, g) => `There is no association between ${g} and ${d}.`,
    (d, g) => `${g} isn't linked to ${d}`,
    (d, g) => `The gene ${g} does not associate with ${d}.`,
  ],
  treats: [
    (d, x) => `${x} is used in the treatment of ${d}.`,
    (d, x) => `Can ${d} be treated with ${x}?`,
    (d, x) => `${x} is indicated for the treatment of ${d}`,
    (d, x) => `Does ${x} treat ${d}?`,
    (d, x) => `${x} is an approved drug for ${d}`,
    (d, x) => `True or false: ${d} is treated with ${x}.`,
  ],
  treatsNegated: [
    (d, x) => `${x} is not used to treat ${d}`,
    (d, x) => `${x} cannot be used to treat ${d}.`,
    (d, x) => `${x} isn't indicated for ${d}`,
    (d, x) => `${d} is not treated with ${x}.`,
  ],
  isA: [
    (d, p) => `${d} is a subtype of ${p}`,
    (d, p) => `${d} is classified under ${p}.`,
    (d, p) => `Is ${d} a type of ${p}?`,
    (d, p) => `${d} belongs to the group of ${p}`,
    (d, p) => `True or false: ${d} is a ${p}.`,
  ],
  isANegated: [
    (d, p) => `${d} is not a type of ${p}`,
    (d, p) => `${d} isn't a ${p}.`,
    (d, p) => `${d} does not belong to ${p}`,
  ],
  identifier: [
    (d, i) => `The Disease Ontology ID of ${d} is ${i}.`,
    (d, i) => `${d} has Disease Ontology identifier ${i}`,
    (d, i) => `Is ${i} the DOID for ${d}?`,
    (d, i) => `The DO identifier of ${d} is ${i}`,
    (d, i) => `In the Disease Ontology, ${d} is identified as ${i}.`,
  ],
  identifierNegated: [
    (d, i) => `${i} is not the Disease Ontology identifier for ${d}`,
    (d, i) => `${d} does not have the identifier ${i}.`,
  ],
  drugsList: [
    (d) => `Which medications are indicated for ${d}?`,
    (d) => `What are the drugs approved to treat ${d}?`,
    (d) => `List drugs that treat ${d}.`,
  ],
};
