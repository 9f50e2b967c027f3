import type { PhrasingTemplates } from './phrasing-templates.js';

/**
 * A fourth phrasing bank (2026-12-08), written after the other three had been looked at and before
 * any parser change for it, the way a different benchmark author would word things: "Q: … A:"
 * prompts, context sentences before the question, trailing instructions ("Answer with the option
 * only."), options as a JSON-like list, "A)" / "i." / "-" bullets, "Which of the following …",
 * "Is it correct that …", British spellings of the question words, lower-case disease names, names
 * with qualifiers ("the gene X", "X (disease)"), and mild typos in the question words. The KG
 * names themselves are left as the KG writes them, except where a template lower-cases a disease.
 * `--phrasings fresh` measures it.
 */

const lower = (text = '') => text.toLowerCase();
const letterParens = (options: readonly string[]) =>
  options.map((option, position) => `${String.fromCharCode(65 + position)}) ${option}`).join('\n');
const romanDots = (options: readonly string[]) =>
  options.map((option, position) => `${ROMAN[position] ?? String(position + 1)}. ${option}`).join('\n');
const dashes = (options: readonly string[]) => options.map((option) => `- ${option}`).join('\n');
const jsonList = (options: readonly string[]) => `[${options.map((option) => `"${option}"`).join(', ')}]`;
const slashes = (options: readonly string[]) => options.join(' / ');
const inlineLetters = (options: readonly string[]) =>
  options.map((option, position) => `${String.fromCharCode(97 + position)}) ${option}`).join(', ');
const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii'];

export const FRESH_PHRASINGS: PhrasingTemplates = {
  geneForTwo: [
    ([a, b], o) =>
      `Q: Which of the following genes is associated with both ${a} and ${b}?\n${letterParens(o)}\nA:`,
    ([a, b], o) =>
      `Patients with ${lower(a)} sometimes also present with ${lower(b)}. Which gene is linked to both conditions? Options: ${jsonList(o)}. Answer with the option only.`,
    ([a, b], o) => `Whcih gene is associated with ${a} and ${b}? Choices: ${slashes(o)}`,
    ([a, b], o) =>
      `Pick the one gene from this list that is shared by ${a} (disease) and ${b} (disease):\n${dashes(o)}`,
    ([a, b], o) =>
      `Consider these candidate genes:\n${romanDots(o)}\nWhich of them has an association with ${a} as well as ${b}? Respond with the gene symbol.`,
    ([a, b], o) => `question: what gene connects ${lower(a)} and ${lower(b)}? candidates: ${o.join(', ')}`,
  ],
  variantFor: [
    ([d], o) => `Q: Which of the following SNPs has been associated with ${d}?\n${letterParens(o)}\nA:`,
    ([d], o) => `Identify the genetic variant associated with ${lower(d)}. Options: ${jsonList(o)}`,
    ([d], o) =>
      `A GWAS reported a hit for ${d}. Which of these variants was it most likely to be? ${inlineLetters(o)}. Answer with the letter only.`,
    ([d], o) => `Which single nucleotide polymorphism is associated with ${d} (disease)?\n${romanDots(o)}`,
    ([d], o) => `From the variants ${slashes(o)}, choose the one linked with ${d}.`,
  ],
  drugFor: [
    ([d], o) => `Q: Which of the following drugs is used to treat ${d}?\n${letterParens(o)}\nA:`,
    ([d], o) =>
      `A clinician is choosing a therapy for ${lower(d)}. Which of these medicines is indicated? ${jsonList(o)}`,
    ([d], o) =>
      `Which drug is licenced for the treatment of ${d}? Choices:\n${dashes(o)}\nAnswer with the drug name only.`,
    ([d], o) => `Select the medication that treats ${d} (disease). ${inlineLetters(o)}`,
    ([d], o) => `Wich of these is a treatment for ${d}: ${slashes(o)}?`,
  ],
  associated: [
    (d, g) => `Is it correct that the gene ${g} is associated with ${d}?`,
    (d, g) => `Statement: ${g} is associated with ${lower(d)}. Respond True or False.`,
    (d, g) => `Q: Is ${g} associated with ${d}? A:`,
    (d, g) => `Genetic studies have examined ${d}. True or false: the ${g} gene is linked with ${d}.`,
    (d, g) => `${d} (disease) is associated with the gene ${g}. Answer only True or False.`,
    (d, g) => `is ${g} asociated with ${lower(d)}?`,
  ],
  associatedNegated: [
    (d, g) => `Is it correct that ${g} is not associated with ${d}?`,
    (d, g) => `Statement: the gene ${g} has no association with ${lower(d)}. True or False?`,
    (d, g) => `${d} is not linked to the gene ${g}. Respond True or False.`,
  ],
  treats: [
    (d, x) => `Is it correct that ${x} is used to treat ${d}?`,
    (d, x) => `Statement: ${x} is a treatment for ${lower(d)}. Respond True or False.`,
    (d, x) => `Q: Can ${x} be used for ${d}? A:`,
    (d, x) => `The drug ${x} is indicated for ${d} (disease). True or false?`,
    (d, x) => `Patients with ${d} may be prescribed ${x}. Is this statement correct?`,
    (d, x) => `${x} treates ${lower(d)}. Answer with True or False only.`,
  ],
  treatsNegated: [
    (d, x) => `Is it correct that ${x} is not used to treat ${d}?`,
    (d, x) => `Statement: ${x} is not a treatment for ${lower(d)}. True or False?`,
    (d, x) => `The drug ${x} is not indicated for ${d}. Respond True or False.`,
  ],
  isA: [
    (d, p) => `Is it correct that ${d} is a kind of ${p}?`,
    (d, p) => `Statement: ${lower(d)} is a ${lower(p)}. Respond True or False.`,
    (d, p) => `Q: Is ${d} categorised as a ${p}? A:`,
    (d, p) => `In disease classification, ${d} falls under ${p}. True or false?`,
    (d, p) => `${d} (disease) is a form of ${p}. Answer only True or False.`,
  ],
  isANegated: [
    (d, p) => `Is it correct that ${d} is not a kind of ${p}?`,
    (d, p) => `Statement: ${lower(d)} is not a ${lower(p)}. True or False?`,
  ],
  identifier: [
    (d, i) => `Is it correct that the Disease Ontology identifier of ${d} is ${i}?`,
    (d, i) => `Statement: the DOID for ${lower(d)} is ${i}. Respond True or False.`,
    (d, i) => `Q: Does ${d} have the Disease Ontology ID ${i}? A:`,
    (d, i) => `${i} is the Disease Ontology code for ${d}. True or false?`,
    (d, i) => `Disease ontology identifer for ${d} is ${i}. Answer only True or False.`,
  ],
  identifierNegated: [
    (d, i) => `Is it correct that ${i} is not the Disease Ontology identifier of ${d}?`,
    (d, i) => `Statement: ${lower(d)} does not have the DOID ${i}. True or False?`,
  ],
  drugsList: [
    (d) => `Q: Which drugs are used to treat ${d}? A:`,
    (d) => `Name the medicines indicated for ${lower(d)}.`,
    (d) => `What treatments does the knowledge graph list for ${d} (disease)?`,
  ],
};
