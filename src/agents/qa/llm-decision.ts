import { z } from 'zod';
import { describeError } from '../../errors.js';
import type { LlmClient, LlmMessage, LlmUsage } from '../../llm/llm-client.js';
import { isLlmNotConfigured } from '../../llm/unconfigured.js';
import type { Evidence } from '../../retrieval/evidence.js';
import type { ParsedQuestion } from './question-form.js';
import type { QaDecision } from './reasoner.js';

/**
 * The LLM path for decided questions: the model sees the linked entities, the answer computed from
 * the KG and its evidence, and answers in JSON. The answer is validated (a choice must be one of the
 * options, a verdict a boolean, citations must exist); an invalid or failed answer leaves the
 * computed one in place, and the caller says so.
 */
export const llmDecisionSchema = z.object({
  choice: z.string().min(1).optional(),
  verdict: z.boolean().optional(),
  explanation: z.string().max(4_000).default(''),
  citations: z.array(z.string()).max(50).default([]),
});
export type LlmDecision = z.infer<typeof llmDecisionSchema>;

export type ReviewOutcome =
  | { ok: true; decision: QaDecision; explanation: string; usage: LlmUsage }
  | { ok: false; reason: string; usage: LlmUsage; unconfigured?: boolean | undefined };

const SYSTEM = [
  'You answer biomedical questions using a knowledge graph (KG).',
  'You are given the question, the entities it names, the answer computed from KG facts and those facts as numbered evidence (E1, E2…).',
  'Keep the computed answer unless the evidence or well-established biomedical knowledge clearly contradicts it.',
  'Reply with JSON only: {"choice": one of the options verbatim (multiple choice), "verdict": true or false (statements),',
  '"explanation": one or two sentences citing evidence ids like [E1], "citations": ["E1", …]}.',
].join(' ');

export function decisionMessages(
  question: ParsedQuestion,
  decision: QaDecision,
  evidence: readonly Evidence[],
): LlmMessage[] {
  const computed =
    decision.choice !== undefined
      ? `choice: ${decision.choice}`
      : decision.verdict !== undefined
        ? `verdict: ${decision.verdict}`
        : 'none (the KG could not decide)';
  const user = [
    `Question: ${question.text}`,
    question.options ? `Options: ${question.options.map((option) => JSON.stringify(option)).join(', ')}` : '',
    `Form: ${decision.form}`,
    `Entities: ${decision.linked.map((link) => `"${link.phrase}" = ${link.name} (${link.type}, ${link.id})`).join('; ') || 'none linked'}`,
    `Computed answer: ${computed} (confidence ${decision.confidence.toFixed(2)}). ${decision.headline}`,
    'Evidence:',
    ...(evidence.length > 0
      ? evidence.map((item) => `[${item.id}] ${item.text}`)
      : ['(none: the KG states nothing about it)']),
  ].filter((line) => line !== '');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user.join('\n') },
  ];
}

/** Asks the LLM to confirm or correct a computed decision; validates what comes back. */
export async function reviewDecision(
  llm: LlmClient,
  input: {
    question: ParsedQuestion;
    decision: QaDecision;
    evidence: readonly Evidence[];
    maxTokens: number;
    temperature: number;
    signal?: AbortSignal | undefined;
  },
): Promise<ReviewOutcome> {
  const zero = { promptTokens: 0, completionTokens: 0 };
  let text: string;
  let usage: LlmUsage = zero;
  try {
    const completion = await llm.complete({
      messages: decisionMessages(input.question, input.decision, input.evidence),
      maxTokens: input.maxTokens,
      temperature: input.temperature,
      signal: input.signal,
    });
    text = completion.text;
    usage = completion.usage;
  } catch (error) {
    if (input.signal?.aborted) throw error;
    if (isLlmNotConfigured(error))
      return { ok: false, reason: 'no LLM configured', usage, unconfigured: true };
    return { ok: false, reason: `LLM request failed: ${describeError(error)}`, usage };
  }
  return acceptDecision(text, usage, input);
}

/**
 * The model's JSON answer checked ({@link validateLlmDecision}) against `evidence` (which may hold
 * more than the decision's facts: tool results) and merged into the computed decision.
 */
export function acceptDecision(
  text: string,
  usage: LlmUsage,
  input: { question: ParsedQuestion; decision: QaDecision; evidence: readonly Evidence[] },
): ReviewOutcome {
  const checked = validateLlmDecision(text, input.question, input.decision, input.evidence);
  if (!checked.ok) return { ok: false, reason: `LLM answer rejected: ${checked.reason}`, usage };
  const answer = checked.value;
  const decision: QaDecision = {
    ...input.decision,
    choice: answer.choice ?? input.decision.choice,
    verdict: answer.verdict ?? input.decision.verdict,
    facts: input.decision.facts.filter(
      (_, position) => answer.citations.includes(`E${position + 1}`) || answer.citations.length === 0,
    ),
  };
  const agrees = decision.choice === input.decision.choice && decision.verdict === input.decision.verdict;
  return {
    ok: true,
    decision: agrees
      ? decision
      : {
          ...decision,
          confidence: Math.min(decision.confidence, 0.6),
          note: `the KG-computed answer was ${input.decision.choice ?? String(input.decision.verdict)}`,
        },
    explanation: answer.explanation,
    usage,
  };
}

export function validateLlmDecision(
  text: string,
  question: ParsedQuestion,
  decision: QaDecision,
  evidence: readonly Evidence[],
): { ok: true; value: LlmDecision } | { ok: false; reason: string } {
  const json = /\{[\s\S]*\}/.exec(text.replace(/```(?:json)?/g, ''))?.[0];
  if (!json) return { ok: false, reason: 'no JSON object in the answer' };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'the JSON does not parse' };
  }
  const parsed = llmDecisionSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: z.prettifyError(parsed.error).replace(/\n/g, ' ') };
  const value = parsed.data;
  if (decision.form === 'multiple-choice') {
    const option = question.options?.find(
      (each) => each.trim().toLowerCase() === value.choice?.trim().toLowerCase(),
    );
    if (!option)
      return {
        ok: false,
        reason: `choice ${JSON.stringify(value.choice ?? null)} is not one of the options`,
      };
    value.choice = option;
  } else if (decision.verdict !== undefined || decision.form === 'true-false') {
    if (value.verdict === undefined) return { ok: false, reason: 'a statement needs a boolean verdict' };
  }
  const ids = new Set(evidence.map((item) => item.id));
  const cited = [
    ...value.citations,
    ...[...value.explanation.matchAll(/\[(E\d+)\]/g)].map((match) => match[1]!),
  ];
  const unknown = cited.filter((id) => !ids.has(id));
  if (unknown.length > 0)
    return { ok: false, reason: `cites evidence that does not exist: ${[...new Set(unknown)].join(', ')}` };
  return { ok: true, value };
}
