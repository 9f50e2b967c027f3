import { z } from 'zod';
import { errorResponse } from '../route-definition.js';

/** Schemas shared by `/v1/chat` and the OpenAI-compatible face. */

/** The failures of a chat answer outside its content: admission (the chat limiter) and the request timeout. */
export const chatAdmissionResponses = {
  503: errorResponse('Server busy; retry after `Retry-After` seconds'),
  504: errorResponse('No answer within the request timeout'),
};

/** Longest user message either face accepts: a question, not a document. */
export const MAX_QUESTION_CHARACTERS = 20_000;

export const attachmentsSchema = z
  .strictObject({
    smiles: z
      .string()
      .trim()
      .min(1)
      .max(2_000)
      .optional()
      .describe('A molecule as SMILES, for the molecule encoder'),
    protein: z.string().trim().min(1).max(10_000).optional().describe('A protein as an amino-acid sequence'),
  })
  .describe('Inputs for the unimodal encoders, given next to the question');

export const evidenceItemSchema = z
  .looseObject({
    id: z.string().describe('Citable id, e.g. E1'),
    entity: z.looseObject({ type: z.string(), id: z.string(), name: z.string() }),
    relation: z.string(),
    score: z.number(),
    kind: z.enum(['kg-fact', 'bridge-prediction']),
    source: z.string(),
  })
  .describe('One numbered piece of grounding');

/** How the answer's citations check out against the evidence it was given. */
export const citationCheckSchema = z
  .object({
    valid: z.array(z.string()).describe('Cited ids that exist in the evidence'),
    unknown: z.array(z.string()).describe('Cited ids that are not in the evidence (flagged)'),
    sentences: z.number().int(),
    uncitedSentences: z.number().int().describe('Sentences citing nothing: allowed, but marked'),
  })
  .describe('Citation check of the answer');

/** The structured decision next to the answer text (see `QaResult` in src/agents/chat-agent.ts). */
export const qaResultSchema = z
  .object({
    form: z.enum(['multiple-choice', 'true-false', 'list', 'identifier', 'free-form']),
    choice: z.string().optional().describe('Multiple choice: the option picked, as written'),
    verdict: z
      .boolean()
      .optional()
      .describe('True/false and identifier statements: whether the statement holds'),
    items: z.array(z.string()).optional().describe('List questions: the answers, best supported first'),
    confidence: z.number().min(0).max(1).describe('0 for free-form answers, which decide nothing'),
    evidence: z.array(z.string()).describe('Evidence ids behind the decision'),
    undetermined: z.string().optional().describe('What could not be determined, when nothing was decided'),
  })
  .describe('The decision in structured form');

export const usageSchema = z.object({ promptTokens: z.number().int(), completionTokens: z.number().int() });

export const answerModeSchema = z
  .enum(['llm', 'evidence-only'])
  .describe('`evidence-only` when no LLM was used (unconfigured, failed, or nothing to ground on)');

/** Same rule for both APIs: the conversation must end with the question. */
export function lastMessageIsFromUser(messages: readonly { role: string }[], context: z.RefinementCtx): void {
  const last = messages.at(-1);
  if (last && last.role !== 'user') {
    context.addIssue({
      code: 'custom',
      path: [messages.length - 1, 'role'],
      message: `the last message must have role 'user', got '${last.role}'`,
    });
  }
}
