import { z } from 'zod';
import type { ChatToolCall, ClientTool, ClientToolChoice } from '../../agents/chat-agent.js';

/**
 * OpenAI `tools`, `tool_choice`, assistant `tool_calls` and `role: "tool"` turns on
 * `/v1/chat/completions`. The service is an agent with tools of its own; the client's tools are
 * offered to the model (LLM path only), and a call of one is handed back as `tool_calls` with
 * `finish_reason: "tool_calls"`. The client runs it and sends the result as a `tool` message.
 */

const toolNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a function name is 1 to 64 letters, digits, underscores or dashes');

export const functionToolSchema = z.strictObject({
  type: z.literal('function', { error: 'only tools of type "function" are supported' }),
  function: z.strictObject({
    name: toolNameSchema,
    description: z.string().max(4_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the arguments'),
    strict: z.boolean().nullish(),
  }),
});

export const toolChoiceSchema = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.strictObject({ type: z.literal('function'), function: z.strictObject({ name: toolNameSchema }) }),
  ],
  { error: 'expected "none", "auto", "required" or {"type": "function", "function": {"name": …}}' },
);

export const toolCallSchema = z.strictObject({
  id: z.string().min(1).max(200),
  type: z.literal('function'),
  function: z.strictObject({ name: toolNameSchema, arguments: z.string().max(100_000) }),
});

type FunctionTool = z.infer<typeof functionToolSchema>;
type ToolChoice = z.infer<typeof toolChoiceSchema>;

/**
 * Request-level rules zod cannot say field by field: a named or required `tool_choice` needs the
 * tools, and every `tool` message answers a call of an earlier assistant message.
 */
export function checkToolUse(
  body: {
    tools?: FunctionTool[] | null | undefined;
    tool_choice?: ToolChoice | null | undefined;
    messages: readonly {
      role: string;
      tool_call_id?: string | undefined;
      tool_calls?: { id: string }[] | null | undefined;
    }[];
  },
  context: z.RefinementCtx,
): void {
  const names = new Set((body.tools ?? []).map((tool) => tool.function.name));
  const choice = body.tool_choice;
  if (choice === 'required' && names.size === 0)
    context.addIssue({
      code: 'custom',
      path: ['tool_choice'],
      message: 'tool_choice "required" needs tools',
    });
  if (typeof choice === 'object' && choice !== null && !names.has(choice.function.name))
    context.addIssue({
      code: 'custom',
      path: ['tool_choice'],
      message: `tool_choice names '${choice.function.name}', which is not in tools`,
    });
  const duplicate = (body.tools ?? []).findIndex(
    (tool, position, all) =>
      all.findIndex((other) => other.function.name === tool.function.name) !== position,
  );
  if (duplicate >= 0)
    context.addIssue({
      code: 'custom',
      path: ['tools', duplicate, 'function', 'name'],
      message: 'duplicate tool name',
    });
  const called = new Set<string>();
  body.messages.forEach((message, position) => {
    for (const call of message.tool_calls ?? []) called.add(call.id);
    if (message.role === 'tool' && !called.has(message.tool_call_id ?? ''))
      context.addIssue({
        code: 'custom',
        path: ['messages', position, 'tool_call_id'],
        message: `no earlier assistant message has a tool call with id '${message.tool_call_id ?? ''}'`,
      });
  });
}

/** Whether the request insists on a tool call (`required` or a named function). */
export function forcesToolCall(choice: ToolChoice | null | undefined): boolean {
  return choice === 'required' || (typeof choice === 'object' && choice !== null);
}

export function toClientTools(tools: FunctionTool[] | null | undefined): ClientTool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return tools.map((tool) => ({
    name: tool.function.name,
    description: tool.function.description,
    parameters: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
}

export function toClientToolChoice(choice: ToolChoice | null | undefined): ClientToolChoice | undefined {
  if (choice === null || choice === undefined) return undefined;
  return typeof choice === 'string' ? choice : { name: choice.function.name };
}

/** Calls in OpenAI's message shape. */
export function toOpenAiToolCalls(calls: readonly ChatToolCall[]) {
  return calls.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
}

/**
 * Stream deltas for tool calls as OpenAI sends them: per call, a first delta with its index, id,
 * type, name and empty arguments, then one with the arguments.
 */
export function toolCallDeltas(calls: readonly ChatToolCall[]): Record<string, unknown>[] {
  return calls.flatMap((call, index) => [
    { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
    { tool_calls: [{ index, function: { arguments: call.arguments } }] },
  ]);
}
