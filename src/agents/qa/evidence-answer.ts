import type { Evidence, EvidenceEntity } from '../../retrieval/evidence.js';

/**
 * Verb phrases for "<subject> <phrase> <objects>", keyed by `head|relation|tail`, `head|relation`
 * or `*|relation`. PrimeKG lists both directions of an edge under one display relation, so the
 * phrase depends on which side the subject is.
 */
const PHRASES: Readonly<Record<string, string>> = {
  'drug|target': 'targets',
  'gene/protein|target': 'is targeted by',
  'drug|enzyme': 'is metabolised by the enzymes',
  'gene/protein|enzyme': 'is an enzyme acting on',
  'drug|transporter': 'is transported by',
  'gene/protein|transporter': 'transports',
  'drug|carrier': 'is carried by',
  'gene/protein|carrier': 'carries',
  'drug|indication': 'is indicated for',
  'disease|indication': 'is treated by',
  'drug|off-label use': 'is used off-label for',
  'disease|off-label use': 'is treated off-label by',
  'drug|contraindication': 'is contraindicated in',
  'disease|contraindication': 'is a contraindication for',
  'drug|side effect': 'has the side effects',
  'effect/phenotype|side effect': 'is a side effect of',
  'gene/protein|interacts with|biological_process': 'is involved in',
  'gene/protein|interacts with|molecular_function': 'has the molecular functions',
  'gene/protein|interacts with|cellular_component': 'is located in',
  'gene/protein|interacts with|pathway': 'takes part in the pathways',
  'biological_process|interacts with': 'involves',
  'molecular_function|interacts with': 'is a function of',
  'cellular_component|interacts with': 'is the location of',
  'pathway|interacts with': 'includes',
  'disease|phenotype present': 'presents with',
  'effect/phenotype|phenotype present': 'is a phenotype of',
  'disease|phenotype absent': 'lacks the phenotypes',
  'effect/phenotype|phenotype absent': 'is absent in',
  'anatomy|expression present': 'expresses',
  'gene/protein|expression present': 'is expressed in',
  'anatomy|expression absent': 'does not express',
  'gene/protein|expression absent': 'is not expressed in',
  '*|associated with': 'is associated with',
  '*|ppi': 'interacts (protein–protein) with',
  '*|parent-child': 'is related (parent/child) to',
  '*|synergistic interaction': 'interacts synergistically with',
  '*|maps to': 'maps to',
  '*|linked to': 'is linked to',
  '*|interacts with': 'interacts with',
};

/** "<subject> <phrase> …" for a relation seen from the subject's side. */
export function relationPhrase(headType: string, relation: string, tailType: string): string {
  return (
    PHRASES[`${headType}|${relation}|${tailType}`] ??
    PHRASES[`${headType}|${relation}`] ??
    PHRASES[`*|${relation}`] ??
    `is linked by "${relation}" to`
  );
}

/**
 * A deterministic answer made only of the evidence, for when no LLM is configured or it failed:
 * one sentence per subject and relation, KG facts first, bridge predictions marked as such.
 * Every claim cites its evidence id. Returns the sentences, which callers stream one by one.
 */
export function evidenceOnlyAnswer(evidence: readonly Evidence[]): string[] {
  if (evidence.length === 0) return ['No evidence was found for this question.'];
  const subjects: EvidenceEntity[] = [];
  const subjectKey = (entity: EvidenceEntity) => `${entity.type}\u0000${entity.id}`;
  for (const item of evidence)
    if (!subjects.some((subject) => subjectKey(subject) === subjectKey(item.subject)))
      subjects.push(item.subject);

  const sentences: string[] = [];
  for (const subject of subjects) {
    const mine = evidence.filter((item) => subjectKey(item.subject) === subjectKey(subject));
    const facts = groupByRelation(mine.filter((item) => item.kind === 'kg-fact'));
    const predictions = groupByRelation(mine.filter((item) => item.kind === 'bridge-prediction'));
    const label = `${subject.name} (${subject.type})`;
    for (const group of facts)
      sentences.push(
        `${label} ${relationPhrase(subject.type, group.relation, group.tailType)} ${listOf(group.items, false)} according to the knowledge graph.`,
      );
    for (const group of predictions)
      sentences.push(
        `The bridge model ${facts.length > 0 ? 'also ' : ''}predicts ${group.tailType} candidates for "${group.relation}" of ${subject.name}: ${listOf(group.items, true)}; these are predictions, not established facts.`,
      );
  }
  return sentences;
}

interface RelationGroup {
  relation: string;
  tailType: string;
  items: Evidence[];
}

function groupByRelation(items: readonly Evidence[]): RelationGroup[] {
  const groups: RelationGroup[] = [];
  for (const item of items) {
    let group = groups.find((each) => each.relation === item.relation && each.tailType === item.entity.type);
    if (!group) groups.push((group = { relation: item.relation, tailType: item.entity.type, items: [] }));
    group.items.push(item);
  }
  return groups;
}

function listOf(items: readonly Evidence[], withScores: boolean): string {
  const parts = items.map(
    (item) => `${item.entity.name} [${item.id}]${withScores ? ` (score ${item.score.toFixed(2)})` : ''}`,
  );
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
