import { findRelationPhrase, type RelationFamily } from './relation-phrases.js';
import { lastSentence, unwrapQuestion, withContext } from './question-envelope.js';
import { extractOptions, type OptionNames } from './question-options.js';
import { TRUE_FALSE_PREFIX, TYPE_WORD_SOURCE, WH_START } from './question-words.js';

export { extractOptions } from './question-options.js';

/**
 * What kind of answer a question wants, read from its wording alone (no KG): the reasoner then
 * links the phrases and decides. Parsing is a cascade of small recognisers: options (multiple
 * choice), identifier statements, then the relation phrase that splits the text into a subject
 * side and an object/answer side.
 */
export type QuestionForm = 'multiple-choice' | 'true-false' | 'list' | 'identifier' | 'free-form';

export interface ParsedQuestion {
  form: QuestionForm;
  text: string;
  relation?: RelationFamily | undefined;
  /** "is not associated with", "does not treat": the statement's verdict is inverted. */
  negated: boolean;
  /** Entity phrases the answer must relate to (all of them: an intersection). */
  subjects: string[];
  /** Node type the answer or object should have, from "which Gene", "Gene SMAD4", "the drug …". */
  answerType?: string | undefined;
  /** Node type hints for the subjects ("disease X"). */
  subjectType?: string | undefined;
  /** Multiple choice: the options as written. */
  options?: string[] | undefined;
  /** The options' labels as the question wrote them ("A", "b", "3"), when it labelled them. */
  optionLabels?: string[] | undefined;
  /** True/false: the object phrase of the statement ("SMAD4" in "X associates Gene SMAD4"). */
  object?: string | undefined;
  /** Identifier forms: the identifier stated, or undefined when the question asks for it. */
  identifier?: string | undefined;
}

/** Type words as questions write them, mapped to KG node types. */
const TYPE_WORDS: readonly [RegExp, string][] = [
  [/^(?:genes?|proteins?|enzymes?|receptors?|gene\/proteins?)$/i, 'gene/protein'],
  [/^(?:variants?|snps?|polymorphisms?|rsids?|loci|locus)$/i, 'variant'],
  [/^(?:diseases?|disorders?|conditions?|illness(?:es)?)$/i, 'disease'],
  [
    /^(?:drugs?|compounds?|medications?|medicines?|molecules?|treatments?|therap(?:y|ies)|chemicals?)$/i,
    'drug',
  ],
  [/^(?:phenotypes?|symptoms?|signs?|side[\s-]effects?|adverse\s+effects?|effects?)$/i, 'effect/phenotype'],
  [/^(?:pathways?)$/i, 'pathway'],
  [/^(?:biological\s+process(?:es)?|process(?:es)?)$/i, 'biological_process'],
  [/^(?:molecular\s+functions?|functions?)$/i, 'molecular_function'],
  [/^(?:cellular\s+components?|components?|compartments?)$/i, 'cellular_component'],
];

export function nodeTypeOfWord(word: string): string | undefined {
  const trimmed = word.trim();
  return TYPE_WORDS.find(([pattern]) => pattern.test(trimmed))?.[1];
}

const IDENTIFIER = /\b(?:DOID:\d+|HP:\d{7}|GO:\d{7}|rs\d+|DB\d{5}|R-HSA-\d+|WP\d+|UniProt:\w+)\b/i;
const IDENTIFIER_WORDS =
  /\b(?:identifier|id|accession|code|curie|ontology\s+id(?:entifier)?|(?:identified|coded)\s+(?:as|by|under))\b/i;
const PRONOUN = /^(?:it|they|them|this|that|these|those|one)$/i;
const YES_NO_START = /^\s*(?:is|are|does|do|did|can|could|was|were|has|have|may)\b/i;
const ANSWER_PLACEHOLDER = new RegExp(
  String.raw`\b(?:which|what)\s+(?:(?:of\s+the\s+(?:following|given|listed|options|choices)\s*)|(?:one\s+of\s+these\s+)?)?(?<type>${TYPE_WORD_SOURCE})?\b|\b(?:the\s+following|the\s+given)\s+(?<type2>${TYPE_WORD_SOURCE})|^(?:list|name|give|show)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?<type3>${TYPE_WORD_SOURCE})\b`,
  'iu',
);

/**
 * Parses a question or statement; `options` from the request override options in the text. With
 * `names` (the KG's), an option list in the text keeps a name that has a comma in one piece.
 */
export function parseQuestion(
  asked: string,
  requestOptions?: readonly string[] | undefined,
  names?: OptionNames | undefined,
): ParsedQuestion {
  // "Q: … A:", "Statement: … Respond True or False.": the envelope is not the question.
  const { text, statement } = unwrapQuestion(asked);
  const clean = text.replace(/\s+/g, ' ').trim();
  // Options may stand one per line: lines are kept until the options are taken out.
  const lined = text
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
  const extracted = requestOptions && requestOptions.length > 0 ? undefined : extractOptions(lined, names);
  const options = requestOptions && requestOptions.length > 0 ? [...requestOptions] : extracted?.options;
  const stem = commonAsAssociation(
    topicAsObject(withContext((extracted?.stem ?? clean).replace(/\s+/g, ' ').trim())),
  );
  if (options && options.length >= 2)
    return {
      ...parseRelational(stem, 'multiple-choice'),
      text: clean,
      options,
      optionLabels: requestOptions && requestOptions.length > 0 ? undefined : extracted?.labels,
    };

  const body = commonAsAssociation(
    drugsForAsTreats(
      betweenAsStatement(
        withoutSourcePrefix(finalStatement(withContext(clean)).replace(TRUE_FALSE_PREFIX, '')),
      ),
    ),
  );
  const identifier = parseIdentifier(body);
  if (identifier) return { ...identifier, text: clean };

  // "Is it true that X …?" and "True or false: X …?" state X: a statement, whatever the mark.
  const prefixed = statement || TRUE_FALSE_PREFIX.test(finalStatement(clean));
  const isQuestion = !prefixed && (WH_START.test(body) || (body.endsWith('?') && !YES_NO_START.test(body)));
  if (isQuestion) return { ...parseRelational(body, 'list'), text: clean };
  return { ...parseRelational(statementOf(body), 'true-false'), text: clean };
}

/**
 * "What treatments are available for X?", "What are the therapies for X?", "Which drugs does the
 * knowledge graph list for X?" → "which drugs treat X": a drug "for" a disease treats it.
 */
function drugsForAsTreats(text: string): string {
  const match =
    /^(?:which|what)\s+(?:are\s+(?:the\s+)?)?(?:treatments?|therap(?:y|ies)|drugs?|medications?|medicines?)\b(?:\s+(?:are|is)\s+(?:available|there|approved|known|on\s+offer)|\s+exists?|\s+(?:does|do)\s+.{1,40}?\s+(?:list|give|name|show|have|know|hold)|\s+are\s+there)?\s+(?:for|against)\s+(.+?)\s*[?.]?$/i.exec(
      text,
    );
  return match ? `which drugs treat ${match[1]}?` : text;
}

/**
 * "Genetic studies have examined X. True or false: G is linked with X." → the last sentence, when
 * it is the statement (a "True or false:" lead, or a relation with an object); context before it
 * only sets the scene.
 */
function finalStatement(text: string): string {
  const last = lastSentence(text);
  if (!last || last.start === 0) return text;
  const sentence = last.text.trim();
  if (TRUE_FALSE_PREFIX.test(sentence)) return sentence;
  const relation = findRelationPhrase(sentence, { needsObject: true });
  return relation && relation.start > 0 && relation.family !== 'is-a' ? sentence : text;
}

/**
 * "Psoriasis: which of these is an approved therapy?" → "which of these is an approved therapy
 * for Psoriasis": a leading topic is what the question is about.
 */
function topicAsObject(stem: string): string {
  // "For psoriasis, which drug is indicated" → "which drug is indicated for psoriasis".
  const lead =
    /^(?:for|in|regarding|concerning|about|with)\s+([^,?:]{2,80}),\s+((?:which|what)\b.+?)\s*[?.]?\s*$/i.exec(
      stem,
    );
  if (lead) {
    const question = lead[2]!;
    return /\b(?:for|of|in|with|to|by|against)$/i.test(question)
      ? `${question} ${lead[1]}`
      : `${question} for ${lead[1]}`;
  }
  const match = /^([^:?]{2,80}?)(?::|\s[-–—]+)\s+((?:which|what|who)\b.+?)\s*[?.]?\s*$/i.exec(stem);
  if (!match) return stem;
  const question = match[2]!;
  // "X and Y: which gene do they have in common?"
  const common = new RegExp(
    String.raw`^(?:which|what)\s+(?<type>${TYPE_WORD_SOURCE})\s+(?:do|does)\s+(?:they|both|these|the\s+two)\s+(?:both\s+)?(?:have\s+in\s+common|share)$`,
    'iu',
  ).exec(question);
  if (common) return `which ${common.groups!['type']} is associated with ${match[1]}`;
  // "… associated with it?": the pronoun is the topic.
  const pronoun = /\b(?:it|them|this|that)\s*$/i;
  if (pronoun.test(question)) return question.replace(pronoun, match[1]!);
  return /\b(?:for|of|in|with|to|by|against)$/i.test(question)
    ? `${question} ${match[1]}`
    : `${question} for ${match[1]}`;
}

/**
 * "Which gene do X and Y have in common?", "Which gene do X and Y share?" → "which gene is
 * associated with X and Y": a shared entity is one associated with each.
 */
function commonAsAssociation(text: string): string {
  const match = new RegExp(
    String.raw`^(?<lead>.*?\b(?:which|what)\s+(?:${TYPE_WORD_SOURCE}))\s+(?:do|does)\s+(?<subjects>.+?)\s+(?:both\s+)?(?:have\s+in\s+common|share|both\s+have)\s*(?<end>[?.]?)\s*$`,
    'iu',
  ).exec(text);
  if (!match?.groups) return text;
  return `${match.groups['lead']} is associated with ${match.groups['subjects']}${match.groups['end']}`;
}

/** "In the Disease Ontology, X is …", "According to the KG, X …": the source named is not a subject. */
function withoutSourcePrefix(text: string): string {
  return text.replace(
    /^(?:in|according\s+to|per|based\s+on)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:ontology|database|knowledge\s+graph|KG|literature|DO|classification|taxonomy|nosology)\s*,\s*/i,
    '',
  );
}

/**
 * "There is an association between X and Y" → "X is associated with Y"; "There is no link
 * between X and Y" → "X is not associated with Y".
 */
function betweenAsStatement(body: string): string {
  const match =
    /^(?:is\s+there|there\s+(?:is|are|exists?))\s+(no\s+|not\s+an?\s+)?(?:an?\s+)?(?:\w+\s+)?(?:association|link|relationship|connection|correlation)\s+between\s+(.+?)\s+and\s+(.+?)[.?!]?$/i.exec(
      body,
    );
  if (!match) return body;
  return `${match[2]} is ${match[1] ? 'not ' : ''}associated with ${match[3]}`;
}

/**
 * Yes/no questions as statements: "Does X treat Y?" → "X treat Y"; "Is X associated with Y?" →
 * "X associated with Y"; "Is X a Y?" → "X is a Y" (the auxiliary is the only verb there).
 */
function statementOf(body: string): string {
  const auxiliary = YES_NO_START.exec(body);
  if (!auxiliary) return body;
  const rest = body.slice(auxiliary[0].length).trim();
  const relation = findRelationPhrase(rest);
  if (relation && relation.family !== 'is-a') return rest;
  const classQuestion =
    /^(.+?)\s+((?:not\s+)?(?:an?|the|considered|classified|categori[sz]ed|regarded)\s+.+)$/i.exec(rest);
  if (/^(?:is|are|was|were)$/i.test(auxiliary[0].trim()) && classQuestion)
    return `${classQuestion[1]} ${auxiliary[0].trim().toLowerCase()} ${classQuestion[2]}`;
  return rest;
}

/**
 * "Disease ontology identifier for X is DOID:1", "X has the identifier DOID:1", "DOID:1 is the id
 * of X", and the question "What is the DOID of X?".
 */
function parseIdentifier(question: string): Omit<ParsedQuestion, 'text'> | undefined {
  // "Is DOID:1 the DOID for X?" states "DOID:1 is the DOID for X".
  const yesNo = /^(is|are)\s+(\S+)\s+(.+?)\??$/i.exec(question);
  const body = yesNo && IDENTIFIER.test(yesNo[2]!) ? `${yesNo[2]} ${yesNo[1]} ${yesNo[3]}` : question;
  const id = IDENTIFIER.exec(body);
  const mentionsIdentifier = IDENTIFIER_WORDS.test(body) || /\bDOID\b/i.test(body.replace(IDENTIFIER, ''));
  if (!mentionsIdentifier) return undefined;
  const negated = /\b(?:is\s+not|isn't|not)\b/i.test(body);
  if (id) {
    const identifier = id[0].toLowerCase().startsWith('rs') ? id[0].toLowerCase() : id[0].toUpperCase();
    return {
      form: 'identifier',
      negated,
      subjects: subjectOfIdentifier(body.replace(id[0], '@ID@')),
      identifier,
    };
  }
  const asked = /\b(?:of|for)\s+(?:the\s+)?(?:disease\s+|drug\s+|gene\s+)?(.+?)\s*\??$/i.exec(body);
  if (!asked || !WH_START.test(body)) return undefined;
  return { form: 'identifier', negated: false, subjects: [asked[1]!.trim()] };
}

const ID_NOUN = String.raw`(?:[\p{L}\s]*?\s)?(?:identifier|id|doid|accession|code|curie)s?`;
const IDENTIFIER_STATEMENTS: readonly RegExp[] = [
  new RegExp(
    String.raw`^(?:the\s+)?${ID_NOUN}\s+(?:for|of)\s+(?<subject>.+?)\s+(?:is|=|:)\s+(?:not\s+)?@ID@`,
    'iu',
  ),
  new RegExp(
    String.raw`^(?<subject>.+?)(?:'s|’s)?\s+(?:has|have|is\s+identified\s+by|carries|corresponds\s+to|is\s+assigned|is\s+coded\s+(?:as|by)|does\s+not\s+have|doesn't\s+have)\s+(?:not\s+)?(?:the\s+)?${ID_NOUN}\s*(?:of\s+)?@ID@`,
    'iu',
  ),
  new RegExp(
    String.raw`^(?<subject>.+?)\s+(?:is|are)\s+(?:not\s+)?(?:identified|coded|listed|registered|catalogued)\s+(?:in\s+(?:the\s+)?[\p{L}\s]*?\s+)?(?:as|by|under)\s+@ID@`,
    'iu',
  ),
  new RegExp(String.raw`^(?<subject>.+?)(?:'s|’s)\s+${ID_NOUN}\s+(?:is|=)\s+(?:not\s+)?@ID@`, 'iu'),
  new RegExp(
    String.raw`^@ID@\s+(?:is|=)\s+(?:not\s+)?(?:the\s+)?${ID_NOUN}\s+(?:of|for)\s+(?<subject>.+)$`,
    'iu',
  ),
  new RegExp(String.raw`^(?<subject>.+?)\s+(?:is|=)\s+(?:not\s+)?@ID@`, 'iu'),
];

function subjectOfIdentifier(body: string): string[] {
  for (const pattern of IDENTIFIER_STATEMENTS) {
    const match = pattern.exec(body.trim());
    const subject = match?.groups?.['subject']?.replace(/[?!.]+$/, '').trim();
    if (subject) return [subject];
  }
  return [];
}

/** Splits on the relation phrase: one side holds the subjects, the other the answer or object. */
function parseRelational(body: string, form: QuestionForm): Omit<ParsedQuestion, 'text'> {
  const relation = findRelationPhrase(body, { needsObject: form === 'true-false' });
  if (!relation) {
    const placeholder = ANSWER_PLACEHOLDER.exec(body);
    const answerType = placeholder ? typeOfPlaceholder(placeholder) : undefined;
    return {
      form: form === 'multiple-choice' ? form : 'free-form',
      negated: false,
      subjects: form === 'multiple-choice' ? topicSubjects(stripQuestionWords(body)) : [],
      answerType,
    };
  }
  const left = body.slice(0, relation.start);
  const right = body.slice(relation.end);
  const leftPlaceholder = ANSWER_PLACEHOLDER.exec(left);
  const rightPlaceholder = ANSWER_PLACEHOLDER.exec(right);
  if (form === 'true-false') {
    const subject = cleanPhrase(left);
    const object = cleanPhrase(right);
    // "Mutations in CFTR cause cystic fibrosis": a gene causing a disease is a gene–disease association.
    const geneCause = relation.family === 'phenotype' && typedPhrase(subject).type === 'gene/protein';
    return {
      form,
      relation: geneCause ? 'associated' : relation.family,
      negated: relation.negated,
      subjects: subject ? [subject] : [],
      subjectType: typedPhrase(subject).type,
      object,
      answerType: typedPhrase(object).type,
    };
  }
  // Questions: the side with "which …" is the answer side; the subjects are on the other.
  const answerOnLeft = leftPlaceholder !== null || rightPlaceholder === null;
  const placeholder = answerOnLeft ? leftPlaceholder : rightPlaceholder;
  const subjectSide = answerOnLeft ? right : left;
  const answerSide = answerOnLeft ? left : right;
  const answerType =
    (placeholder ? typeOfPlaceholder(placeholder) : undefined) ?? typedPhrase(answerSide).type;
  // "Which proteins does imatinib target?": the subject sits between the placeholder and the verb.
  const inAnswerSide = placeholder
    ? answerSide
        .slice(placeholder.index + placeholder[0].length)
        .replace(/^\s*(?:does|do|did|can|could|may|might|is|are|was|were)\s+/i, '')
    : '';
  const subjectText = cleanPhrase(stripQuestionWords(subjectSide)) === '' ? inAnswerSide : subjectSide;
  // A bare pronoun ("Which disease is it associated with?") names no entity to link.
  const subjects = splitSubjects(stripQuestionWords(subjectText))
    .map(cleanPhrase)
    .filter((phrase) => !PRONOUN.test(phrase));
  const typed = subjects.map(typedPhrase);
  return {
    form,
    relation: relation.family,
    negated: relation.negated,
    subjects: subjects.filter((phrase) => phrase !== ''),
    subjectType: typed.find((each) => each.type !== undefined)?.type,
    answerType,
  };
}

/**
 * Subjects of a multiple-choice stem without a relation phrase ("For migraine, select the
 * associated variant"): the parts that are not the instruction, without a leading preposition.
 */
function topicSubjects(text: string): string[] {
  return splitSubjects(text)
    .map((part) =>
      cleanPhrase(
        part
          .replace(
            /^(?:select|choose|pick|identify|name|find|give|which|what)\b.*?\s(?:for|of|in|with)\s+/i,
            '',
          )
          .replace(/^(?:for|in|regarding|concerning|about|with)\s+/i, ''),
      ),
    )
    .filter(
      (part) => part !== '' && !/^(?:select|choose|pick|identify|name|find|give|which|what)\b/i.test(part),
    );
}

function typeOfPlaceholder(match: RegExpExecArray): string | undefined {
  const word = match.groups?.['type'] ?? match.groups?.['type2'] ?? match.groups?.['type3'];
  return word ? nodeTypeOfWord(word) : undefined;
}

function stripQuestionWords(text: string): string {
  return text
    .replace(
      /\b(?:out\s+of\s+the\s+(?:given\s+)?list|from\s+the\s+(?:given\s+)?list|of\s+the\s+following|among\s+the\s+following)\b[,]?/gi,
      ' ',
    )
    .replace(/[?!]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const EVIDENCE_QUALIFIER =
  /\s+(?:in|by|from|according\s+to)\s+(?:an?\s+|the\s+)?(?:GWAS|genome[\s-]wide\s+association\s+stud(?:y|ies)|association\s+studies|humans?|patients|adults|children|clinical\s+(?:trials?|practice)|(?:the\s+)?literature|(?:recent\s+)?studies)$/i;

/** Trims punctuation, "that"/"whether", a leading article and a trailing evidence qualifier. */
export function cleanPhrase(text: string): string {
  return (
    text
      .replace(/[?!.;:,]+\s*$/, '')
      .replace(/^\s*(?:that|whether)\s+/i, '')
      .trim()
      .replace(/^(?:the|a|an)\s+/i, '')
      .replace(
        /^(?:patients|people|persons|individuals|subjects|those|children|adults)\s+(?:with|suffering\s+from|diagnosed\s+with|affected\s+by)\s+/i,
        '',
      )
      .replace(/\s+(?:can|may|could|might|should|will|would|does|do|did|is|are|was|were|be|been)$/i, '')
      // "… linked to ALS in GWAS": where the evidence comes from is not part of the name.
      .replace(EVIDENCE_QUALIFIER, '')
      .replace(/^["'“‘](.*)["'”’]$/, '$1')
      .trim()
  );
}

/** "psoriasis and Takayasu's arteritis" → both; "both X and Y", "X, Y, and Z" likewise. */
export function splitSubjects(text: string): string[] {
  const body = text.replace(/^\s*(?:both|all\s+of|each\s+of|either)\s+/i, '').replace(/[.]+$/, '');
  // "in X and in Y", "to X as well as to Y": the repeated preposition belongs to the verb.
  return body
    .split(/\s*,\s*(?:and\s+|or\s+)?|\s+and\s+also\s+|\s+as\s+well\s+as\s+|\s+and\s+|\s*&\s*/i)
    .map((part, position) =>
      (position === 0 ? part : part.replace(/^(?:to|with|in|for|of|by)\s+/i, '')).trim(),
    )
    .filter((part) => part !== '');
}

/** "Variants in the X gene", "mutations of X", "polymorphisms in X": the gene is the entity. */
const GENE_CARRIER =
  /^(?:(?:genetic|common|rare|germline|somatic|inherited|pathogenic)\s+)?(?:variants?|variations?|mutations?|polymorphisms?|alterations?|SNPs?|defects?|alleles?)\s+(?:in|of|within|at|affecting)\s+(?:the\s+)?(?=\S)/i;

/** "Gene SMAD4" → { type: gene/protein, phrase: SMAD4 }; "the drug metformin", "SMAD4 gene" likewise. */
export function typedPhrase(text: string): { phrase: string; type?: string | undefined } {
  const carrier = GENE_CARRIER.exec(cleanPhrase(text));
  if (carrier) {
    const inner = typedPhrase(cleanPhrase(text).slice(carrier[0].length));
    return { phrase: inner.phrase, type: inner.type ?? 'gene/protein' };
  }
  const phrase = cleanPhrase(text);
  // "SMAD4 (gene)", "SMAD4 is a gene", "SMAD4, a gene": the type word stands after the name.
  const stated = new RegExp(
    String.raw`^(.+?)(?:\s*\((${TYPE_WORD_SOURCE})\)|\s*,?\s+(?:is|are|being)\s+(?:an?\s+|the\s+)?(${TYPE_WORD_SOURCE})(?:\s+that\s+is)?|,\s+an?\s+(${TYPE_WORD_SOURCE}))$`,
    'iu',
  ).exec(phrase);
  if (stated)
    return { phrase: stated[1]!.trim(), type: nodeTypeOfWord(stated[2] ?? stated[3] ?? stated[4]!) };
  const leading = new RegExp(
    String.raw`^(?:the\s+)?(${TYPE_WORD_SOURCE})\s+(?:called\s+|named\s+)?(?=\S)`,
    'i',
  ).exec(phrase);
  if (leading) {
    const rest = phrase.slice(leading[0].length).trim();
    const type = nodeTypeOfWord(leading[1]!);
    // "disease of skin" is a name, not "disease" + "of skin".
    if (rest !== '' && !/^(?:of|in|and|or|with)\b/i.test(rest)) return { phrase: rest, type };
  }
  const trailing = /^(.+?)\s+(genes?|proteins?|variants?|snps?|drugs?)$/i.exec(phrase);
  if (trailing) return { phrase: trailing[1]!.trim(), type: nodeTypeOfWord(trailing[2]!) };
  return { phrase: phrase.trim() };
}
