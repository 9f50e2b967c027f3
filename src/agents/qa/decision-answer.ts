import type { KgGraph } from '../../kg/graph.js';
import type { Evidence, EvidenceEntity } from '../../retrieval/evidence.js';
import type { QaResult } from '../chat-agent.js';
import type { QaDecision } from './reasoner.js';
import type { SupportFact } from './relation-support.js';

/** The cited facts of a decision as numbered evidence (E1…), one per fact or path. */
export function decisionEvidence(graph: KgGraph, decision: QaDecision): Evidence[] {
  return decision.facts.map((fact, position) => {
    const subject = entityOf(graph, fact.head);
    const entity = entityOf(graph, fact.tail);
    return {
      id: `E${position + 1}`,
      subject,
      entity,
      relation: fact.relations.join(' → '),
      score: Number(fact.weight.toFixed(3)),
      kind: 'kg-fact',
      source: sourceOf(fact),
      text: factText(graph, fact),
    };
  });
}

function entityOf(graph: KgGraph, nodeIndex: number): EvidenceEntity {
  const node = graph.node(nodeIndex);
  return node
    ? { type: node.type, id: node.id, name: node.name }
    : { type: 'unknown', id: String(nodeIndex), name: String(nodeIndex) };
}

function sourceOf(fact: SupportFact): string {
  switch (fact.kind) {
    case 'edge':
      return fact.pvalueMlog === undefined ? 'KG fact' : 'KG fact (GWAS Catalog)';
    case 'gwas-path':
      return 'KG path via a GWAS variant';
    case 'descendant':
      return 'KG fact about a more specific term (is_a)';
    case 'ontology':
      return 'ontology is_a closure';
    case 'definition':
      return 'Disease Ontology definition (text, no KG edge)';
    case 'indirect':
      return `indirect KG evidence (${fact.source ?? 'neighbourhood'}, no direct edge)`;
  }
}

/** `psoriasis —associated with→ HLA-B`, `Crohn's disease —associated with→ rs1 —maps to→ NOD2 (−log10 p 20.5)`. */
export function factText(graph: KgGraph, fact: SupportFact): string {
  const name = (node: number) => graph.node(node)?.name ?? String(node);
  const pubmed = fact.pubmedId === undefined ? '' : `, PubMed ${fact.pubmedId}`;
  const gwas = fact.pvalueMlog === undefined ? '' : ` (GWAS −log10 p ${fact.pvalueMlog.toFixed(1)}${pubmed})`;
  switch (fact.kind) {
    case 'edge':
    case 'ontology':
      return `${name(fact.head)} —${fact.relations[0]}→ ${name(fact.tail)}${gwas}`;
    case 'gwas-path':
      return `${name(fact.head)} —${fact.relations[0]}→ ${name(fact.via[0]!)} —${fact.relations[1]}→ ${name(fact.tail)}${gwas}`;
    case 'descendant':
      return `${name(fact.via[0]!)} (a kind of ${name(fact.head)}) —${fact.relations[0]}→ ${name(fact.tail)}${gwas}`;
    case 'definition': {
      const [disease, gene] =
        graph.typeOf(fact.head) === 'disease' ? [fact.head, fact.tail] : [fact.tail, fact.head];
      return `DO definition of ${name(disease)} mentions ${name(gene)}`;
    }
    case 'indirect':
      return indirectText(name, fact);
  }
}

/** `Psoriasis is a skin disease —associated with→ G`, `G resembles H (—associated with→ X)`. */
function indirectText(name: (node: number) => string, fact: SupportFact): string {
  const via = fact.via[0] === undefined ? '' : name(fact.via[0]);
  switch (fact.source) {
    case 'ancestor':
      return `${name(fact.head)} is a ${via}, and ${via} —${fact.relations[1]}→ ${name(fact.tail)}`;
    case 'sibling':
      return `${via} (sharing a parent with ${name(fact.head)}) —${fact.relations[1]}→ ${name(fact.tail)}`;
    case 'similar':
      return `${name(fact.head)} —${fact.relations[0]}→ ${via}, which shares KG neighbours with ${name(fact.tail)}`;
    case 'similar-structure':
      return `${name(fact.tail)} is structurally similar to ${via}, which treats ${name(fact.head)}`;
    case 'similar-disease':
      return `${name(fact.tail)} is linked to ${via}, a disease resembling ${name(fact.head)}`;
    default:
      return `${name(fact.head)} and ${name(fact.tail)} share KG neighbours such as ${via}`;
  }
}

/**
 * The answer text: the decision in one sentence, then the few cited facts, then any caveat. A
 * choice leads its line as the question wrote it, after its label when the options had labels
 * ("B) HLA-B (the knowledge graph links it to psoriasis)."), so that a scorer reading the first
 * token or the first line finds it.
 */
export function decisionText(
  decision: QaDecision,
  evidence: readonly Evidence[],
  choiceLabel?: string | undefined,
): string {
  const lines = [leadingLine(decision, choiceLabel)];
  if (evidence.length > 0)
    lines.push(`Evidence: ${evidence.map((item) => `${item.text} [${item.id}]`).join('; ')}.`);
  if (decision.note) lines.push(`(Note: ${decision.note}.)`);
  return lines.join('\n');
}

function leadingLine(decision: QaDecision, choiceLabel: string | undefined): string {
  const choice = decision.choice;
  if (decision.form !== 'multiple-choice' || choice === undefined) return decision.headline;
  const lead = `${choiceLabel === undefined ? '' : `${choiceLabel}) `}${choice}`;
  const stated = `Answer: ${choice}`;
  if (!decision.headline.startsWith(stated)) return `${lead}. ${decision.headline}`;
  const rest = decision.headline.slice(stated.length);
  return /^[\s.]*$/.test(rest) ? `${lead}.` : `${lead}${rest}`;
}

export function decisionResult(decision: QaDecision, evidence: readonly Evidence[]): QaResult {
  return {
    form: decision.form,
    choice: decision.choice,
    verdict: decision.verdict,
    items: decision.items,
    confidence: Number(decision.confidence.toFixed(3)),
    evidence: evidence.map((item) => item.id),
    undetermined: decision.undetermined,
  };
}
