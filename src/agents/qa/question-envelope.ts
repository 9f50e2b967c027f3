/**
 * What benchmark prompts wrap around a question: a "Q:" / "Statement:" label, an empty "A:" slot,
 * trailing instructions ("Answer with the option only.", "Respond True or False."), a "True or
 * false?" / "Is this statement correct?" check, "Is it correct that …", options written as a
 * JSON-like list, and typos in the question words ("Whcih", "asociated"). `unwrapQuestion` takes
 * the envelope off, so the form parser sees the question itself, and says whether the envelope
 * asked for a verdict (the text is then a statement, whatever its mark).
 */

import { TYPE_WORD_SOURCE } from './question-words.js';

export interface UnwrappedQuestion {
  text: string;
  /** The envelope asked for a verdict ("Statement:", "True or false?", "Is it correct that …"). */
  statement: boolean;
  /** Trailing instructions taken off ("Answer with the option only."), last first. */
  instructions: string[];
}

/** "Q:", "Question:", "Statement:", "Claim:" before the question. */
const LEAD_LABEL =
  /^\s*(?:(q|question|query|prompt)|(statement|claim|assertion|fact))\s*(?:\d+\s*)?[:.)]\s*/i;
/** An empty answer slot after the question: "… A:", "… Answer:". */
const ANSWER_SLOT = /\s*\b(?:a|answer|your\s+answer)\s*:\s*$/i;
/** "Is it correct that …", "Is it accurate to say that …": the rest is a statement. */
const CHECK_LEAD =
  /^\s*(?:is\s+it\s+(?:correct|accurate|right|the\s+case|true)\s+(?:to\s+say\s+)?that|would\s+it\s+be\s+(?:correct|accurate|true)\s+to\s+say\s+that|can\s+it\s+be\s+said\s+that|do\s+you\s+agree\s+that)\s+/i;
/** A trailing verdict check: "True or false?", "Is this statement correct?", "Yes or no?". */
const VERDICT_CHECK =
  /^(?:(?:is\s+(?:it|this|that|the\s+(?:above\s+)?(?:statement|claim|sentence))\s+)?(?:true|correct|right)\s+or\s+(?:false|incorrect|wrong|not)|yes\s+or\s+no|t\s*\/\s*f|(?:is|are)\s+(?:(?:this|that|the)\s+(?:above\s+|following\s+)?(?:statement|claim|sentence|assertion)|this|that|it)\s+(?:true|correct|accurate|right|valid))\s*[?.!]*$/i;
/** A trailing instruction about the answer's format: "Answer with the option only.", "Respond True or False." */
const INSTRUCTION =
  /^(?:please\s+)?(?:answer|respond|reply|return|output|give|provide|write|state|say)\b[^?!]*?\b(?:only|just|true|false|yes|no|letter|option|symbol|name|word|number|format)\b[^?!]*[.!]?$/i;
/** Instructions naming a verdict make the text a statement. */
const VERDICT_INSTRUCTION = /\b(?:true|false|yes\s+or\s+no|yes\/no)\b/i;
/** "No explanation.", "Do not explain.", "Be brief.": about the answer's length, not its content. */
const TERSE =
  /^(?:no\s+(?:explanations?|justifications?|other\s+text)|(?:do\s+not|don['’]t)\s+(?:explain|elaborate|justify)|be\s+(?:brief|concise))\b[^?!]*[.!]?$/i;
const MAX_INSTRUCTION_WORDS = 14;

/** Question words the parser keys on, for typo repair (only words of five letters or more). */
const QUESTION_WORDS = [
  'which',
  'associated',
  'association',
  'treats',
  'treated',
  'treatment',
  'identifier',
  'ontology',
  'indicated',
  'following',
  'correct',
  'statement',
] as const;
/** Real words one edit from a question word, never repaired. */
const KNOWN_FORMS = new Set([
  'treat',
  'treating',
  'treatments',
  'associate',
  'associates',
  'associating',
  'associations',
  'indicate',
  'indicates',
  'identifiers',
  'identified',
  'treaties',
  'threats',
  'statements',
  'corrects',
  'ontologies',
]);

export function unwrapQuestion(text: string): UnwrappedQuestion {
  let body = repairTypos(listsAsText(text)).trim();
  let statement = false;
  const instructions: string[] = [];
  for (let changed = true; changed;) {
    changed = false;
    const lead = LEAD_LABEL.exec(body);
    if (lead) {
      body = body.slice(lead[0].length).trim();
      statement ||= lead[2] !== undefined;
      changed = true;
    }
    if (ANSWER_SLOT.test(body) && /[?.!\n]\s*(?:a|answer|your\s+answer)\s*:\s*$/i.test(body)) {
      body = body.replace(ANSWER_SLOT, '').trim();
      changed = true;
    }
    const last = lastSentence(body);
    if (last && last.start > 0) {
      const sentence = last.text.trim();
      const verdict = VERDICT_CHECK.test(sentence);
      const instruction =
        (INSTRUCTION.test(sentence) || TERSE.test(sentence)) &&
        sentence.split(/\s+/).length <= MAX_INSTRUCTION_WORDS;
      if (verdict || instruction) {
        statement ||= verdict || VERDICT_INSTRUCTION.test(sentence);
        instructions.push(sentence);
        body = body.slice(0, last.start).trim();
        changed = true;
      }
    }
  }
  const check = CHECK_LEAD.exec(body);
  if (check) {
    body = body.slice(check[0].length).trim();
    statement = true;
  }
  return { text: patientsAsTreats(body), statement, instructions };
}

/** The instructions a question ends with ("Answer with the letter only."), joined; '' when none. */
export function trailingInstruction(question: string): string {
  return unwrapQuestion(question).instructions.join(' ');
}

/** "both conditions", "these two diseases": the entities the context sentences named. */
const PLURAL_ANAPHOR =
  /\b(?:both\s+(?:of\s+these\s+|of\s+them\s+|these\s+)?(?:conditions|diseases|disorders|illnesses)|(?:these|those|the)\s+(?:two\s+)?(?:conditions|diseases|disorders|illnesses)|(?:each|either)\s+of\s+them|both)\b/i;
/** "this disease", "the condition": the one entity the context named. */
const SINGULAR_ANAPHOR =
  /\b(?:this|that|the\s+(?:patient['’]s|same))\s+(?:condition|disease|disorder|illness|diagnosis)\b|\bthe\s+(?:condition|disease|disorder|illness|diagnosis)\b(?!\s+(?:of|named|called)\b)/i;
/** Words that end a noun phrase in a context sentence (verbs, adverbs, auxiliaries, prepositions). */
const PHRASE_END = new Set(
  'and or but with for from in on at by to who which that whose is are was were be been has have had may might can could will would should does do did often sometimes also usually carry carries carried take takes took taking receive receives received start starts started need needs needed frequently commonly typically later then now present presents presented develop develops developed show shows showed report reports reported experience experiences diagnose diagnosed suffer suffers suffering'.split(
    ' ',
  ),
);
const PHRASE_START = /^(?:with|for|from|of|has|have|had)$/i;

/**
 * Context sentences before a question ("Patients with osteoporosis sometimes also present with
 * rheumatoid arthritis. Which gene is linked to both conditions?"): an anaphor in the question is
 * replaced with the noun phrases the context introduced with "with", "for", "of" or "has".
 */
export function withContext(text: string): string {
  const last = lastSentence(text);
  if (!last || last.start === 0) return text;
  const question = last.text;
  const pronoun = pronounQuestion(question, text.slice(0, last.start));
  if (pronoun !== undefined) return pronoun;
  const phrases = contextPhrases(text.slice(0, last.start));
  const plural = PLURAL_ANAPHOR.exec(question);
  const singular = plural ? undefined : SINGULAR_ANAPHOR.exec(question);
  const anaphor = plural ?? singular;
  if (!anaphor) {
    // "A clinician is choosing a therapy for X. Which of these medicines is indicated?": the
    // relation has no object in the question, so the context's entity is it.
    const open =
      /\b(?:(indicated|used|prescribed|approved|recommended|effective)|(associated|linked|implicated|related|involved))\s*[?.]?$/i.exec(
        question,
      );
    if (!open || phrases.length === 0) return text;
    return `${question.replace(/\s*[?.]?$/, '')} ${open[1] ? 'for' : 'with'} ${phrases.join(' and ')}?`;
  }
  if (phrases.length === 0 || (plural && phrases.length < 2)) return text;
  const named = plural ? phrases.join(' and ') : phrases[0]!;
  return question.slice(0, anaphor.index) + named + question.slice(anaphor.index + anaphor[0].length);
}

/**
 * "Which of these variants was it most likely to be?", "Which one was it?": the question's subject
 * is a pronoun for something the context described ("a GWAS hit for X", "a drug prescribed for X").
 * Only hedges may follow the pronoun: in "Which disease is it associated with?" the pronoun is the
 * subject of a relation, not the answer, and the anaphor rules below apply instead.
 */
const PRONOUN_QUESTION = new RegExp(
  String.raw`^(?:which|what)\s+(?:one\s+)?(?:of\s+(?:these|those|the\s+(?:following|options|choices|listed))\s+)?(?<type>${TYPE_WORD_SOURCE})?\b[^?]*?\b(?:was|is|were|are|could|might|may|would|must)\s+(?:it|they|this|that)(?:\s+(?:most|more|very|likely|probably|possibly|to|be|been|have|then|here))*\s*[?.]?$`,
  'iu',
);
/** Context wording that describes a treatment ("prescribed for X", "a therapy for X"). */
const TREATMENT_CUE =
  /\b(?:prescrib\w*|treat\w*|therap\w*|indicated|medication\w*|medicine\w*|drugs?|tablets?|pills?|dosed?|administered|started\s+on)\b/i;
/** Context wording that describes an association ("a GWAS hit for X", "linked to X", "risk of X"). */
const ASSOCIATION_CUE =
  /\b(?:gwas|genome[\s-]wide|associat\w*|linked|link|hits?|risk|loci|locus|signals?|susceptibility|variants?|snps?|polymorphisms?|mutations?|genes?)\b/i;
/** Prepositions that introduce the context's entity in a pronoun question's context. */
const ENTITY_START = /^(?:with|for|to|from|against)$/i;
const DRUG_TYPE = /^(?:drugs?|compounds?|medications?|medicines?|molecules?|treatments?|therap(?:y|ies))$/i;

/**
 * The pronoun question as the relation its context implies, with the context's first named entity
 * as subject: "which variants is associated with asthma?", "which drug treats hypertension?". A
 * pronoun never becomes the subject: undefined when the question is not of this shape or the
 * context names no entity.
 */
function pronounQuestion(question: string, context: string): string | undefined {
  const match = PRONOUN_QUESTION.exec(question.trim());
  if (!match) return undefined;
  const entity = contextPhrases(context, ENTITY_START)[0];
  if (entity === undefined) return undefined;
  const type = match.groups!['type'];
  const drugAnswer = type !== undefined && DRUG_TYPE.test(type);
  const associationWording = ASSOCIATION_CUE.test(context) && !drugAnswer;
  const treats = drugAnswer || (TREATMENT_CUE.test(context) && !associationWording);
  const answer = type ?? (treats ? 'drug' : 'one');
  return treats ? `which ${answer} treats ${entity}?` : `which ${answer} is associated with ${entity}?`;
}

function contextPhrases(context: string, start: RegExp = PHRASE_START): string[] {
  const phrases: string[] = [];
  const words = context.split(/\s+/);
  for (let position = 0; position < words.length; position++) {
    if (!start.test(words[position]!.replace(/[^\p{L}]/gu, ''))) continue;
    const phrase: string[] = [];
    for (let next = position + 1; next < words.length; next++) {
      const word = words[next]!;
      const bare = word.replace(/[.,;:!?]+$/, '');
      // "has been diagnosed with X": a verb after "has" starts no phrase.
      if (PHRASE_END.has(bare.toLowerCase())) break;
      if (!/^(?:an?|the)$/i.test(bare) || phrase.length > 0) phrase.push(bare);
      position = next;
      if (bare !== word || phrase.length >= 8) break;
    }
    if (phrase.length > 0) phrases.push(phrase.join(' '));
  }
  return phrases;
}

/** The last sentence (after the last ". ", "? ", "! " or line break) and where it starts. */
export function lastSentence(text: string): { text: string; start: number } | undefined {
  const trimmed = text.replace(/\s+$/, '');
  const boundary = /[.?!]["')\]]?\s+|\n+/g;
  let start = 0;
  for (const match of trimmed.matchAll(boundary)) {
    const end = match.index + match[0].length;
    if (end < trimmed.length) start = end;
  }
  return start === 0 ? { text: trimmed, start: 0 } : { text: trimmed.slice(start), start };
}

/** `["A", "B"]` or `['A', 'B']` → `A; B`: a JSON-like list of options reads as a plain list. */
function listsAsText(text: string): string {
  return text.replace(
    /\[\s*((?:"[^"\n]*"|'[^'\n]*')(?:\s*,\s*(?:"[^"\n]*"|'[^'\n]*'))+)\s*\]/g,
    (_whole, items: string) =>
      [...items.matchAll(/"([^"\n]*)"|'([^'\n]*)'/g)]
        .map((item) => (item[1] ?? item[2] ?? '').trim())
        .join('; '),
  );
}

/**
 * "Patients with X may be prescribed Y" states that Y treats X.
 */
function patientsAsTreats(text: string): string {
  const match =
    /^(?:patients|people|individuals|those|persons|subjects)\s+(?:with|suffering\s+from|diagnosed\s+with|who\s+have)\s+(.+?)\s+(?:may|can|could|should|are|is)\s+(?:be\s+)?(?:prescribed|given|administered|offered)\s+(.+?)\s*([.?!]?)$/i.exec(
      text,
    );
  return match ? `${match[2]} treats ${match[1]}${match[3]}` : text;
}

/**
 * Lower-case words one edit (a letter added, dropped, changed or two swapped) from a question word
 * are that word: "Whcih", "asociated", "treates", "identifer". Names are left alone: only words
 * of letters, at most the first capitalised, and never a word that is itself a question word.
 */
export function repairTypos(text: string): string {
  return text.replace(/\b[A-Za-z][a-z]{3,}\b/g, (word) => {
    const lower = word.toLowerCase();
    if ((QUESTION_WORDS as readonly string[]).includes(lower) || KNOWN_FORMS.has(lower)) return word;
    const target = QUESTION_WORDS.find(
      (candidate) => Math.abs(candidate.length - lower.length) <= 1 && oneEditApart(lower, candidate),
    );
    if (!target) return word;
    return word[0] === word[0]!.toUpperCase() ? target[0]!.toUpperCase() + target.slice(1) : target;
  });
}

/** Damerau distance exactly 1 (insert, delete, substitute, or swap two neighbours). */
function oneEditApart(left: string, right: string): boolean {
  if (left === right) return false;
  if (left.length === right.length) {
    const differ = [...left].flatMap((letter, position) => (letter === right[position] ? [] : [position]));
    if (differ.length === 1) return true;
    return (
      differ.length === 2 &&
      differ[1] === differ[0]! + 1 &&
      left[differ[0]!] === right[differ[1]] &&
      left[differ[1]] === right[differ[0]!]
    );
  }
  const [short, long] = left.length < right.length ? [left, right] : [right, left];
  for (let position = 0; position < long.length; position++)
    if (long.slice(0, position) + long.slice(position + 1) === short) return true;
  return false;
}

/** How a client asked for the bare answer ("Answer with only the letter", "Respond True or False only"). */
export interface AnswerOnly {
  /** The option's letter (or number) rather than its text, when the options were labelled. */
  letter: boolean;
  /** "Yes"/"No" rather than "True"/"False". */
  yesNo: boolean;
}

const ONLY =
  /\b(?:only|just|solely|nothing\s+(?:else\s+)?(?:but|than))\b[^.?!\n]{0,50}\b(?:letter|option|choice|answer|true|false|yes|no|symbol|name|word|number)\b|\b(?:letter|option|choice|answer|true\s+or\s+false|yes\s+or\s+no|symbol|name)\s+only\b|\b(?:do\s+not|don['’]t)\s+(?:explain|elaborate|justify)|\bno\s+(?:explanation|justification|other\s+text)\b/i;

/**
 * Whether the client's instructions (system messages, or the question's own trailing instruction)
 * ask for the bare answer, and in what shape; undefined when they do not.
 */
export function answerOnlyRequested(instructions: readonly string[]): AnswerOnly | undefined {
  const asking = instructions.filter((text) => ONLY.test(text));
  if (asking.length === 0) return undefined;
  const joined = asking.join('\n');
  return {
    letter: /\b(?:letter|number)\b/i.test(joined),
    yesNo: /\byes\b/i.test(joined) && !/\btrue\b/i.test(joined),
  };
}
