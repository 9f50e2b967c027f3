import type { LlmMessage } from './llm-client.js';

/**
 * Approximate token counting, without a tokenizer (the model behind an OpenAI-compatible URL is
 * unknown, so no single vocabulary is right).
 *
 * English prose averages about 4 characters a token on GPT-style BPE vocabularies, but the text
 * here is dense with identifiers, SMILES strings and amino-acid sequences, which split into
 * 2–3 characters a token. Counting 3 characters a token and adding 10 % keeps estimates above the
 * real count for such text, so a prompt fitted to a budget does not overflow the context window.
 * Prose is then overestimated by about 45 %, which only costs some unused evidence room.
 */
export const charactersPerToken = 3;
export const tokenSafetyMargin = 1.1;
/** Chat formats add role markers and separators around every message. */
export const tokensPerMessage = 4;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  // The epsilon keeps float noise (300 / 3 × 1.1 = 110.00000000000001) from adding a token.
  return Math.ceil((text.length / charactersPerToken) * tokenSafetyMargin - 1e-9);
}

export function estimateMessageTokens(messages: readonly LlmMessage[]): number {
  return messages.reduce((total, message) => total + tokensPerMessage + estimateTokens(message.content), 0);
}

export interface FitEvidenceResult<T> {
  /** Items that fit, highest score first. */
  kept: T[];
  /** Items left out, highest score first. */
  dropped: T[];
  /** Estimated tokens of the kept items. */
  usedTokens: number;
}

/**
 * Keeps the highest-scoring evidence that fits in `budgetTokens`.
 *
 * Items are taken in descending score order (ties keep input order). An item that does not fit is
 * skipped and smaller, lower-scoring items after it may still be kept, so one long item cannot
 * crowd out everything below it.
 *
 * @param render the exact text the item takes in the prompt, so the estimate matches what is sent.
 */
export function fitEvidence<T extends { score: number }>(
  items: readonly T[],
  budgetTokens: number,
  render: (item: T) => string,
): FitEvidenceResult<T> {
  const ordered = items
    .map((item, position) => ({ item, position }))
    .sort((left, right) => right.item.score - left.item.score || left.position - right.position)
    .map(({ item }) => item);
  const kept: T[] = [];
  const dropped: T[] = [];
  let usedTokens = 0;
  for (const item of ordered) {
    const cost = estimateTokens(render(item));
    if (usedTokens + cost <= budgetTokens) {
      kept.push(item);
      usedTokens += cost;
    } else {
      dropped.push(item);
    }
  }
  return { kept, dropped, usedTokens };
}

export interface EvidenceBudgetInput {
  /** The model's context window in tokens. */
  contextTokens: number;
  /** Tokens reserved for the answer (`max_tokens`). */
  maxOutputTokens: number;
  /** The prompt without evidence: system message, question, template text. */
  fixedMessages: readonly LlmMessage[];
}

/** Tokens left for evidence once the fixed prompt and the answer are reserved; never negative. */
export function evidenceBudget(input: EvidenceBudgetInput): number {
  return Math.max(
    0,
    input.contextTokens - input.maxOutputTokens - estimateMessageTokens(input.fixedMessages),
  );
}
