import type { LlmMessage } from '../../llm/llm-client.js';
import { estimateMessageTokens, estimateTokens } from '../../llm/prompt-budget.js';
import { formatClientInstructions } from '../../llm/prompts.js';
import type { ChatMessage } from '../chat-agent.js';

/** What the LLM sees of the conversation besides the question being answered. */
export interface ConversationContext {
  /** The client's system messages, in order, cut to fit: context below the fixed system prompt. */
  clientInstructions: string[];
  /** Earlier user and assistant turns, oldest first, the newest that fit. */
  history: LlmMessage[];
}

/**
 * The client's system messages and the turns before the last user message, within
 * `budgetTokens` (estimated): instructions take at most half of it, then the most recent turns
 * (at most `maxTurns` messages) take what is left, newest first, so a long conversation costs
 * its oldest turns rather than the evidence.
 */
export function conversationContext(
  messages: readonly ChatMessage[],
  budgetTokens: number,
  maxTurns: number,
): ConversationContext {
  const clientInstructions: string[] = [];
  // The preamble and the block's tags count against the instructions' half.
  let instructionRoom = Math.floor(budgetTokens / 2) - estimateMessageTokens([instructionMessage(['x'])]);
  for (const message of messages.filter((each) => each.role === 'system')) {
    const text = cutToTokens(message.content.trim(), instructionRoom);
    if (text === '') continue;
    clientInstructions.push(text);
    instructionRoom -= estimateTokens(text);
  }

  const lastUser = messages.findLastIndex((message) => message.role === 'user');
  const turns = messages
    .slice(0, Math.max(0, lastUser))
    // Earlier tool turns are the client's function results, not conversation: they would need their calls.
    .filter(
      (message) => message.role !== 'system' && message.role !== 'tool' && message.content.trim() !== '',
    )
    .slice(-maxTurns);
  let historyRoom =
    budgetTokens -
    (clientInstructions.length > 0 ? estimateMessageTokens([instructionMessage(clientInstructions)]) : 0);
  const history: LlmMessage[] = [];
  for (const turn of turns.reverse()) {
    const cost = estimateMessageTokens([turn]);
    if (cost > historyRoom) break;
    history.unshift({ role: turn.role, content: turn.content });
    historyRoom -= cost;
  }
  return { clientInstructions, history };
}

/** The leading part of `text` estimated at most `tokens`, marked with an ellipsis when cut. */
function cutToTokens(text: string, tokens: number): string {
  if (estimateTokens(text) <= tokens) return text;
  let length = Math.floor(text.length * (tokens / Math.max(1, estimateTokens(text))));
  while (length > 0 && estimateTokens(`${text.slice(0, length)}…`) > tokens) length--;
  return length > 0 ? `${text.slice(0, length)}…` : '';
}

function instructionMessage(instructions: readonly string[]): LlmMessage {
  return { role: 'system', content: formatClientInstructions(instructions) };
}
