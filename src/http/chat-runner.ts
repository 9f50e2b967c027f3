import type { ChatAnswer, ChatEvent, EvidenceItem } from '../agents/chat-agent.js';
import { AppError } from '../errors.js';

export interface CollectedAnswer {
  evidence: EvidenceItem[];
  answer: ChatAnswer;
}

/** Drains an agent's events for a non-streaming response; an `error` event is thrown. */
export async function collectAnswer(events: AsyncIterable<ChatEvent>): Promise<CollectedAnswer> {
  let evidence: EvidenceItem[] = [];
  for await (const event of events) {
    switch (event.type) {
      case 'evidence-available':
        evidence = event.evidence;
        break;
      case 'answer-delta':
        break;
      case 'answer-end':
        return { evidence, answer: event.answer };
      case 'error':
        throw event.error;
    }
  }
  throw missingAnswerEnd();
}

/** The grounding of an answer, as both chat faces send it (the OpenAI face as extension fields). */
export function answerGrounding(answer: ChatAnswer) {
  return {
    citations: answer.citations,
    mode: answer.mode,
    // Undefined values leave their keys out of the JSON.
    reason: answer.reason,
    citationCheck: answer.citationCheck,
  };
}

/** What a stream does with each of an agent's events. */
export interface ChatEventHandlers {
  evidence(evidence: EvidenceItem[]): Promise<void>;
  delta(text: string): Promise<void>;
  end(answer: ChatAnswer): Promise<void>;
}

/**
 * Relays an agent's events to a stream's handlers until `answer-end`. Stops quietly when `signal`
 * aborts (client gone); an `error` event is thrown, and so is an agent that ends without either.
 */
export async function relayChatEvents(
  events: AsyncIterable<ChatEvent>,
  signal: AbortSignal,
  handlers: ChatEventHandlers,
): Promise<void> {
  for await (const event of events) {
    if (signal.aborted) return;
    switch (event.type) {
      case 'evidence-available':
        await handlers.evidence(event.evidence);
        break;
      case 'answer-delta':
        await handlers.delta(event.text);
        break;
      case 'answer-end':
        await handlers.end(event.answer);
        return;
      case 'error':
        throw event.error;
    }
  }
  if (!signal.aborted) throw missingAnswerEnd();
}

function missingAnswerEnd(): AppError {
  return new AppError({
    code: 'INTERNAL',
    message: 'the chat agent finished without an answer-end or error event',
  });
}
