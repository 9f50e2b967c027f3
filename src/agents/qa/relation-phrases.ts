/**
 * Relation phrases of questions and statements, mapped to the KG's display relations. Each family
 * lists its phrasings (several per relation, so paraphrases parse alike) and the display relations
 * that support it, strongest first. Direction is not encoded: the KG lists every edge both ways,
 * except the ontology (`is-a`), whose direction comes from the left-to-right order of the phrase.
 */
export type RelationFamily =
  | 'associated'
  | 'treats'
  | 'targets'
  | 'phenotype'
  | 'side-effect'
  | 'interacts'
  | 'maps-to'
  | 'participates'
  | 'is-a';

export interface RelationFamilySpec {
  family: RelationFamily;
  /** Display relations that state the fact, with the weight a direct edge of each carries. */
  relations: Readonly<Record<string, number>>;
  /** Verb phrases, without negation (added by {@link findRelationPhrase}). */
  phrases: readonly string[];
}

/** Stand-alone determiners and adverbs allowed between the auxiliary and the relation word. */
const ADVERB = String.raw`(?:(?:genetically|significantly|strongly|commonly|frequently|often|directly|known\s+to\s+be|reported\s+to\s+be|thought\s+to\s+be|also|both)\s+)?`;
const BE = String.raw`(?:is|are|was|were|has\s+been|have\s+been|be)`;

export const RELATION_FAMILIES: readonly RelationFamilySpec[] = [
  {
    family: 'treats',
    relations: { indication: 1, 'off-label use': 0.8 },
    phrases: [
      String.raw`${BE}\s+${ADVERB}(?:used|indicated|prescribed|approved|given|administered)\s+(?:to\s+treat|for\s+(?:the\s+)?(?:treatment|therapy|management)\s+of|in\s+(?:the\s+)?(?:treatment|therapy|management)\s+of|for|against|in)`,
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:treatment|therapy|drug|medication|medicine|cure|remedy|therapeutic)\s+(?:for|of|against)`,
      String.raw`${BE}\s+${ADVERB}(?:treated|managed|cured)\s+(?:with|by|using)`,
      String.raw`${BE}\s+${ADVERB}effective\s+(?:against|for|in\s+treating)`,
      String.raw`(?:can|may|could)\s+(?:be\s+used\s+to\s+)?(?:treat|cure)`,
      String.raw`(?:treats?|treating|cures?|helps?\s+(?:to\s+)?treat|alleviates?)`,
      String.raw`(?:treat|cure)`,
    ],
  },
  {
    family: 'targets',
    relations: { target: 1, enzyme: 0.8, transporter: 0.8, carrier: 0.8 },
    phrases: [
      String.raw`${BE}\s+${ADVERB}(?:targeted|bound|inhibited|metaboli[sz]ed|transported)\s+by`,
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:inhibitor|agonist|antagonist|ligand|substrate|blocker|modulator|activator|target)\s+of`,
      String.raw`(?:targets?|targeting|binds?(?:\s+to)?|inhibits?|acts?\s+on|blocks?|activates?)`,
      String.raw`(?:target|bind|inhibit)`,
    ],
  },
  {
    family: 'side-effect',
    relations: { 'side effect': 1 },
    phrases: [
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:known\s+)?(?:side[\s-]effect|adverse\s+(?:effect|reaction|event))\s+of`,
      String.raw`(?:has|have|causes?|can\s+cause|may\s+cause|induces?)\s+(?:the\s+|an?\s+)?(?:side[\s-]effects?|adverse\s+(?:effects?|reactions?|events?))(?:\s+of)?`,
    ],
  },
  {
    family: 'phenotype',
    relations: { 'phenotype present': 1 },
    phrases: [
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:phenotype|symptom|sign|feature|manifestation|finding)\s+of`,
      String.raw`(?:has|have|shows?|displays?|exhibits?)\s+(?:the\s+|an?\s+)?(?:phenotypes?|symptoms?|signs?|features?|manifestations?)(?:\s+of)?`,
      String.raw`(?:presents?\s+with|manifests?\s+(?:as|with)|${BE}\s+characteri[sz]ed\s+by|causes?|results?\s+in|leads?\s+to)`,
    ],
  },
  {
    family: 'maps-to',
    relations: { 'maps to': 1 },
    phrases: [
      String.raw`(?:${BE}\s+)?(?:maps?|mapped|located|lies|resides|found)\s+(?:to|in|within|near)\s+(?:the\s+)?(?:gene\s+)?`,
    ],
  },
  {
    family: 'interacts',
    relations: { ppi: 1, 'interacts with': 1, 'synergistic interaction': 1 },
    phrases: [
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:interaction\s+)?partners?\s+of`,
      String.raw`(?:interacts?|interacting)\s+with`,
      String.raw`(?:interact)\s+with`,
    ],
  },
  {
    family: 'participates',
    relations: { 'interacts with': 1 },
    phrases: [
      String.raw`(?:participates?|takes?\s+part|${BE}\s+${ADVERB}involved|plays?\s+(?:an?\s+)?(?:\w+\s+)?role|functions?)\s+in`,
      String.raw`${BE}\s+(?:an?\s+)?(?:member|part|component)\s+of`,
    ],
  },
  {
    family: 'associated',
    relations: {
      'associated with': 1,
      'maps to': 0.6,
      'phenotype present': 0.8,
      'interacts with': 0.8,
      target: 0.6,
    },
    phrases: [
      String.raw`(?:${BE}\s+)?${ADVERB}(?:associated|linked|connected|related|correlated|implicated)\s+(?:with|to|in)`,
      String.raw`(?:has|have|shows?)\s+(?:an?\s+|the\s+|no\s+)?(?:\w+\s+)?(?:association|link|connection|relationship)\s+(?:with|to)`,
      String.raw`(?:${BE}\s+)?${ADVERB}(?:reported|described|found)\s+(?:for|in)`,
      String.raw`(?:${BE}\s+)?shared\s+by`,
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:risk\s+)?(?:gene|variant|locus|marker|factor)\s+(?:for|of|in)`,
      String.raw`(?:associates?|associating)(?:\s+with)?`,
      String.raw`(?:associate)(?:\s+with)?`,
      String.raw`(?:causes?|underlies|contributes?\s+to)`,
      // "What gene connects X and Y?": the entity both are associated with.
      String.raw`(?:connects?|links?|bridges?|relates?\s+to)`,
    ],
  },
  {
    family: 'is-a',
    relations: { 'parent-child': 1 },
    phrases: [
      String.raw`${BE}\s+(?:an?\s+|the\s+)?(?:type|kind|form|subtype|sort|subclass|class|category|variety)\s+of(?:\s+an?)?`,
      String.raw`${BE}\s+(?:classified|categori[sz]ed|considered|regarded)\s+as(?:\s+an?)?`,
      String.raw`${BE}\s+(?:classified|categori[sz]ed|grouped|listed)\s+(?:under|among|with(?:in)?)(?:\s+the\s+(?:class|category|group)\s+of)?`,
      String.raw`${BE}\s+(?:considered|thought\s+of\s+as)(?:\s+to\s+be)?(?:\s+an?)?`,
      String.raw`falls?\s+(?:under|within|into)(?:\s+the\s+(?:class|category|group)\s+of)?`,
      String.raw`(?:belongs?|belonging)\s+to(?:\s+the\s+(?:class|category|group)\s+of)?`,
      String.raw`${BE}\s+(?:an?|the)`,
      String.raw`${BE}`,
    ],
  },
];

const NEGATION = String.raw`(?<negation>(?:is|are|was|were|does|do|did|can|could|may|has|have)\s+not\s+|(?:isn['’]t|aren['’]t|wasn['’]t|weren['’]t|doesn['’]t|don['’]t|didn['’]t|can['’]t|cannot|hasn['’]t|haven['’]t)\s+|not\s+|never\s+)?`;
/** Negations written inside the phrase ("is not associated", "is not a treatment for"). */
const INNER_NEGATION = /\b(?:not|never|cannot|no)\b|n['’]t\b/i;

/**
 * A verb is never followed by an auxiliary: "atrioventricular block does not belong to …" has
 * "block" as a noun inside the name, not the verb "blocks".
 */
const NOT_BEFORE_AUXILIARY = String.raw`(?!\s+(?:is|are|was|were|does|do|did|has|have|can|cannot|isn['’]t|aren['’]t|doesn['’]t|don['’]t)\b)`;

// Outside `is-a` the auxiliary is optional: yes/no questions lose it ("Is X used for Y?" → "X used for Y").
// "isn't a" and "aren't a" are the contracted negative of the bare "is a".
const compiled = RELATION_FAMILIES.map((spec) => ({
  spec,
  patterns: spec.phrases.map((phrase) => {
    const body =
      spec.family === 'is-a'
        ? phrase.replaceAll(BE, String.raw`(?:${BE}(?:\s+not)?|isn['’]t|aren['’]t|wasn['’]t|weren['’]t)`)
        : phrase.replaceAll(String.raw`${BE}\s+`, String.raw`(?:${BE}(?:\s+not)?\s+)?`);
    const guard = spec.family === 'is-a' ? '' : NOT_BEFORE_AUXILIARY;
    return new RegExp(String.raw`(?:^|\s)${NEGATION}(?<phrase>${body})${guard}(?=\s|$|[,.;:?!])`, 'iu');
  }),
}));

export interface RelationMatch {
  family: RelationFamily;
  spec: RelationFamilySpec;
  negated: boolean;
  /** Offsets of the whole match (negation included) in the text. */
  start: number;
  end: number;
}

/**
 * The relation phrase of a question or statement: the family whose pattern matches, in table
 * order (specific families before `associated`, the bare "is a" of `is-a` last), at its first
 * position. Undefined when the text names no relation. `needsObject` (statements) skips a match
 * with nothing after it.
 */
export function findRelationPhrase(
  text: string,
  options: { needsObject?: boolean } = {},
): RelationMatch | undefined {
  for (const { spec, patterns } of compiled) {
    let best: RelationMatch | undefined;
    for (const pattern of patterns) {
      const match = pattern.exec(text);
      if (!match || match.index === undefined) continue;
      const leading = match[0].length - match[0].trimStart().length;
      const start = match.index + leading;
      const end = match.index + match[0].length;
      // A statement's verb has an object after it: a final "… atrioventricular block" is a noun.
      if (options.needsObject && !/[\p{L}\p{N}]/u.test(text.slice(end))) continue;
      const negated =
        match.groups?.['negation'] !== undefined || INNER_NEGATION.test(match.groups?.['phrase'] ?? '');
      if (!best || start < best.start || (start === best.start && end > best.end))
        best = { family: spec.family, spec, negated, start, end };
    }
    if (best) return best;
  }
  return undefined;
}

export function relationFamily(family: RelationFamily): RelationFamilySpec {
  return RELATION_FAMILIES.find((spec) => spec.family === family)!;
}
