import { describeError } from '../../errors.js';
import type {
  LlmClient,
  LlmFinishReason,
  LlmMessage,
  LlmToolCall,
  LlmToolChoice,
  LlmToolDefinition,
  LlmUsage,
} from '../../llm/llm-client.js';
import { isLlmNotConfigured } from '../../llm/unconfigured.js';
import { executeToolCall, type QaTool, type ToolEvidence } from './qa-tools.js';

/**
 * The bounded tool-calling loop: the model is called with the tools, the calls it makes are run
 * and their results appended as `tool` messages, until it answers in text. Three budgets bound
 * it: steps (LLM calls; the last one offers no tools of ours), total tokens, and one deadline for
 * the whole loop. Running out of any, or a failing model, ends in `fallback` with the reason, and
 * the caller answers from evidence. Calls of client tools (which only the client can run) end the
 * loop too, handed back to the client.
 */

export interface ToolLoopBudget {
  maxSteps: number;
  maxTotalTokens: number;
  deadlineMs: number;
}

/** The client's tools, offered next to ours; calling one ends the loop. */
export interface ClientToolOffer {
  definitions: LlmToolDefinition[];
  /** `required` or a named tool forces a client call at the first step, where only client tools are offered. */
  choice: Exclude<LlmToolChoice, 'none'>;
}

export interface ToolLoopInput {
  messages: LlmMessage[];
  tools: ReadonlyMap<string, QaTool>;
  clientTools?: ClientToolOffer | undefined;
  evidence: ToolEvidence;
  budget: ToolLoopBudget;
  maxTokens: number;
  temperature: number;
  signal?: AbortSignal | undefined;
}

interface LoopProgress {
  usage: LlmUsage;
  steps: number;
  /** Tool calls run, by name, in order: for logs and tests. */
  toolCalls: string[];
}

export type ToolLoopOutcome = LoopProgress &
  (
    | { kind: 'answer'; text: string; finishReason: LlmFinishReason }
    | { kind: 'client-tool-calls'; text: string; calls: LlmToolCall[] }
    | { kind: 'fallback'; reason: string; unconfigured?: boolean | undefined }
  );

export async function runToolLoop(llm: LlmClient, input: ToolLoopInput): Promise<ToolLoopOutcome> {
  const deadline = AbortSignal.timeout(input.budget.deadlineMs);
  const signal = input.signal ? AbortSignal.any([input.signal, deadline]) : deadline;
  const clientNames = new Set(input.clientTools?.definitions.map((tool) => tool.name) ?? []);
  // A client tool named like one of ours hides ours for this request: the client asked for its own.
  const ours = [...input.tools.values()]
    .map((tool) => tool.definition)
    .filter((definition) => !clientNames.has(definition.name));
  const messages = [...input.messages];
  const progress: LoopProgress = { usage: { promptTokens: 0, completionTokens: 0 }, steps: 0, toolCalls: [] };
  const fallback = (reason: string, unconfigured = false): ToolLoopOutcome => ({
    ...progress,
    kind: 'fallback',
    reason,
    unconfigured: unconfigured || undefined,
  });

  for (let step = 1; step <= input.budget.maxSteps; step++) {
    const offer = offerFor(step, input, ours);
    let completion;
    try {
      completion = await llm.complete({
        messages,
        maxTokens: input.maxTokens,
        temperature: input.temperature,
        ...offer,
        signal,
      });
    } catch (error) {
      if (input.signal?.aborted) throw error;
      if (deadline.aborted)
        return fallback(`the tool loop ran past its deadline of ${input.budget.deadlineMs} ms`);
      if (isLlmNotConfigured(error)) return fallback('no LLM configured', true);
      return fallback(`LLM request failed: ${describeError(error)}`);
    }
    progress.steps = step;
    progress.usage = addUsage(progress.usage, completion.usage);
    const calls = completion.toolCalls ?? [];
    if (calls.length === 0)
      return { ...progress, kind: 'answer', text: completion.text, finishReason: completion.finishReason };
    const clientCalls = calls.filter((call) => clientNames.has(call.name));
    if (clientCalls.length > 0)
      return { ...progress, kind: 'client-tool-calls', text: completion.text, calls: clientCalls };
    if (step === input.budget.maxSteps)
      return fallback(`the model still called tools after ${step} steps (step budget exhausted)`);
    const spent = progress.usage.promptTokens + progress.usage.completionTokens;
    if (spent >= input.budget.maxTotalTokens)
      return fallback(
        `the tool loop used ${spent} tokens of its ${input.budget.maxTotalTokens}-token budget`,
      );

    messages.push({ role: 'assistant', content: completion.text, toolCalls: calls });
    try {
      for (const call of calls) {
        progress.toolCalls.push(call.name);
        const result = await executeToolCall(input.tools, call, { evidence: input.evidence, signal });
        messages.push({ role: 'tool', toolCallId: call.id, content: result.content });
      }
    } catch (error) {
      if (input.signal?.aborted) throw error;
      if (deadline.aborted)
        return fallback(`the tool loop ran past its deadline of ${input.budget.deadlineMs} ms`);
      throw error;
    }
  }
  return fallback(`the model gave no answer within ${input.budget.maxSteps} steps`);
}

/** Which tools a step offers: client tools alone when forced (first step); none of ours on the last. */
function offerFor(
  step: number,
  input: ToolLoopInput,
  ours: LlmToolDefinition[],
): { tools?: LlmToolDefinition[]; toolChoice?: LlmToolChoice } {
  const client = input.clientTools;
  if (client && client.choice !== 'auto' && step === 1)
    return { tools: client.definitions, toolChoice: client.choice };
  const tools = [...(step === input.budget.maxSteps ? [] : ours), ...(client?.definitions ?? [])];
  return tools.length > 0 ? { tools, toolChoice: 'auto' } : {};
}

function addUsage(left: LlmUsage, right: LlmUsage): LlmUsage {
  return {
    promptTokens: left.promptTokens + right.promptTokens,
    completionTokens: left.completionTokens + right.completionTokens,
  };
}
