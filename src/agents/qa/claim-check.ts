/**
 * Checks an LLM answer's claims against the evidence it was given, sentence by sentence.
 *
 * Policy (documented in README § Production: claims):
 * - a sentence that cites an id not in the evidence (`[E999]`, or an id injected in the question)
 *   is removed;
 * - a sentence that names a knowledge-graph entity but cites nothing is removed (an uncited claim);
 *   sentences that name no entity ("The evidence does not say more.") stay;
 * - every entity a sentence names must occur in the evidence it cites (its subject, its entity or
 *   its text): "Imatinib cures diabetes [E3]" is removed when E3 says nothing about diabetes;
 * - the result is summed up in a one-line footer, so clients that only read the text (the OpenAI
 *   face) see it too.
 */

export interface ClaimEvidence {
  id: string;
  text?: string | undefined;
  entity: { name: string };
  subject?: { name: string } | undefined;
}

export type RemovalReason = 'unknown-citation' | 'uncited-claim' | 'unsupported-entity';

export interface ClaimCheck {
  /** The answer with removed sentences left out. */
  text: string;
  sentences: number;
  kept: number;
  removed: { sentence: string; reason: RemovalReason; detail: string }[];
  /** One line for the end of the answer, e.g. `[claims checked: 3 of 4 sentences kept; 1 removed: cites unknown evidence E9]`. */
  footer: string;
}

export interface ClaimCheckOptions {
  /**
   * Entity names mentioned in a sentence, beyond the evidence's own (e.g. every KG name the
   * entity linker finds). Default: the names of the evidence's entities and subjects.
   */
  entitiesIn?: ((sentence: string) => string[]) | undefined;
}

const CITATION = /\[(E\d+)\]/g;

export function checkClaims(
  text: string,
  evidence: readonly ClaimEvidence[],
  options: ClaimCheckOptions = {},
): ClaimCheck {
  const byId = new Map(evidence.map((item) => [item.id, item]));
  const evidenceNames = [
    ...new Set(evidence.flatMap((item) => [item.entity.name, ...(item.subject ? [item.subject.name] : [])])),
  ];
  const entitiesIn = (sentence: string) => [
    ...new Set([
      ...evidenceNames.filter((name) => mentions(sentence, name)),
      ...(options.entitiesIn?.(sentence) ?? []),
    ]),
  ];
  const kept: string[] = [];
  const removed: ClaimCheck['removed'] = [];
  const sentences = splitSentences(text);
  for (const sentence of sentences) {
    const cited = [...sentence.matchAll(CITATION)].map((match) => match[1]!);
    const unknown = cited.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      removed.push({
        sentence,
        reason: 'unknown-citation',
        detail: `cites unknown evidence ${unknown.join(', ')}`,
      });
      continue;
    }
    const named = entitiesIn(sentence.replace(CITATION, ''));
    if (cited.length === 0) {
      if (named.length > 0)
        removed.push({
          sentence,
          reason: 'uncited-claim',
          detail: `names ${named.join(', ')} without citing evidence`,
        });
      else kept.push(sentence);
      continue;
    }
    const support = cited
      .map((id) => byId.get(id)!)
      .map((item) => [item.text ?? '', item.entity.name, item.subject?.name ?? ''].join(' '));
    const unsupported = named.filter((name) => !support.some((each) => mentions(each, name)));
    if (unsupported.length > 0) {
      removed.push({
        sentence,
        reason: 'unsupported-entity',
        detail: `${unsupported.join(', ')} not in ${cited.join(', ')}`,
      });
      continue;
    }
    kept.push(sentence);
  }
  return {
    text: kept.join(' '),
    sentences: sentences.length,
    kept: kept.length,
    removed,
    footer: footerOf(sentences.length, kept.length, removed),
  };
}

function footerOf(total: number, kept: number, removed: ClaimCheck['removed']): string {
  if (removed.length === 0) return `[claims checked: all ${total} sentences cite supporting evidence]`;
  const reasons = removed
    .slice(0, 3)
    .map((item) => item.detail)
    .join('; ');
  const more = removed.length > 3 ? `; ${removed.length - 3} more` : '';
  return `[claims checked: ${kept} of ${total} sentences kept; removed: ${reasons}${more}]`;
}

/** Sentences end at `.`, `!` or `?` followed by space, keeping trailing citations with their sentence. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?](?:\s*\[E\d+\])*)\s+(?=[A-Z0-9("'])/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** Whole-word, case-insensitive mention of `name` (names like `KIT` must not match `kitten`). */
function mentions(text: string, name: string): boolean {
  if (name.length < 2) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}
