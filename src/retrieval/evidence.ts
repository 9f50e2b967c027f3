import type { RetrievalResponse, RetrievalResult } from './retriever.js';

/**
 * Evidence for grounded answers, built from retrieval results. The shape is the agents'
 * `EvidenceItem` (src/agents/chat-agent.ts) with its optional fields filled; it is declared here so
 * that retrieval does not depend on the agent layer.
 */
export interface EvidenceEntity {
  type: string;
  id: string;
  name: string;
}

export type EvidenceKind = 'kg-fact' | 'bridge-prediction';

export interface Evidence {
  /** `E1`, `E2`… in evidence order; what answers cite. */
  id: string;
  /** The entity the fact points to (the tail). */
  entity: EvidenceEntity;
  /** The linked entity or attachment the fact is about (the head). */
  subject: EvidenceEntity;
  relation: string;
  /** Bridge cosine score; 1 for a KG fact the bridge could not score. */
  score: number;
  kind: EvidenceKind;
  /** `KG: drug_protein` or `bridge: drug→gene/protein via target`. */
  source: string;
  /** One-line statement, e.g. `Imatinib —target→ ABL1 (KG fact)`. */
  text: string;
}

/** Evidence before numbering. */
export type EvidenceDraft = Omit<Evidence, 'id'>;

/** One subject's retrieval, e.g. the linked drug and what was retrieved from it. */
export interface EvidenceSource {
  subject: EvidenceEntity;
  response: Pick<RetrievalResponse, 'query' | 'results'>;
}

export interface OrderEvidenceOptions {
  /**
   * Relevance of a result to the question, lower first (e.g. target facts first for "which proteins
   * does X target"); applied after kind, before score. Default: all equal.
   */
  priority?: (result: RetrievalResult, subject: EvidenceEntity) => number;
}

/**
 * Evidence drafts in their stable order: KG facts before bridge predictions, then by priority,
 * then score (descending), then subject order, then name and node index.
 */
export function orderEvidence(
  sources: readonly EvidenceSource[],
  options: OrderEvidenceOptions = {},
): EvidenceDraft[] {
  const keyed: {
    draft: EvidenceDraft;
    kind: number;
    priority: number;
    score: number;
    subject: number;
    nodeIndex: number;
  }[] = [];
  sources.forEach((source, subjectOrder) => {
    const kgRelations = new Map(
      source.response.query.relations.map((relation) => [
        `${relation.relation}\u0000${relation.tailType}`,
        relation.kgRelations,
      ]),
    );
    for (const result of source.response.results) {
      const kind: EvidenceDraft['kind'] = result.known ? 'kg-fact' : 'bridge-prediction';
      const score = result.score ?? 1;
      keyed.push({
        draft: {
          entity: { type: result.type, id: result.id, name: result.name },
          subject: source.subject,
          relation: result.relation,
          score: roundScore(score),
          kind,
          source:
            kind === 'kg-fact'
              ? `KG: ${(kgRelations.get(`${result.relation}\u0000${result.type}`) ?? [result.relation]).join(', ')}`
              : `${methodOf(result)}: ${source.response.query.headType}→${result.type} via ${result.relation}`,
          text: statement(source.subject, result),
        },
        kind: kind === 'kg-fact' ? 0 : 1,
        priority: options.priority?.(result, source.subject) ?? 0,
        score: result.score ?? Number.POSITIVE_INFINITY,
        subject: subjectOrder,
        nodeIndex: result.nodeIndex,
      });
    }
  });
  keyed.sort(
    (left, right) =>
      left.kind - right.kind ||
      left.priority - right.priority ||
      right.score - left.score ||
      left.subject - right.subject ||
      compareText(left.draft.entity.name, right.draft.entity.name) ||
      left.nodeIndex - right.nodeIndex,
  );
  return keyed.map((entry) => entry.draft);
}

/** Numbers drafts E1, E2… in the given order. */
export function numberEvidence(drafts: readonly EvidenceDraft[]): Evidence[] {
  return drafts.map((draft, position) => ({ id: `E${position + 1}`, ...draft }));
}

/** {@link orderEvidence}, cut to `maxItems`, numbered. */
export function buildEvidence(
  sources: readonly EvidenceSource[],
  options: OrderEvidenceOptions & { maxItems?: number } = {},
): Evidence[] {
  const ordered = orderEvidence(sources, options);
  return numberEvidence(options.maxItems === undefined ? ordered : ordered.slice(0, options.maxItems));
}

/** `Imatinib —target→ ABL1 (KG fact)`; text payloads (definitions) are quoted after the name. */
function statement(subject: EvidenceEntity, result: RetrievalResult): string {
  const definition =
    result.payloadKind === 'text' && result.payloadPreview
      ? `; ${result.type} definition: "${result.payloadPreview}"`
      : '';
  const origin = result.known
    ? 'KG fact'
    : `${methodOf(result)} prediction, score ${result.score === null ? 'n/a' : roundScore(result.score).toFixed(3)}${result.explanation.kind === 'transfer' ? `; ${result.explanation.text}` : ''}`;
  return `${subject.name} —${result.relation}→ ${result.name} (${result.type} ${result.id}; ${origin})${definition}`;
}

/** The method behind a prediction (`bridge` for results of the original bridge-only shape). */
function methodOf(result: RetrievalResult): string {
  return result.source === 'kg' ? 'bridge' : result.source;
}

function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

function compareText(left: string, right: string): number {
  const lower = left.toLowerCase().localeCompare(right.toLowerCase(), 'en');
  return lower !== 0 ? lower : left < right ? -1 : left > right ? 1 : 0;
}
