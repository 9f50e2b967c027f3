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
  throw new AppError({
    code: 'INTERNAL',
    message: 'the chat agent finished without an answer-end or error event',
  });
}
