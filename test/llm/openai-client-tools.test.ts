import { describe, expect, it } from 'vitest';
import { createOpenAiLlmClient } from '../../src/llm/openai-client.js';
import { createResilientLlm } from '../../src/llm/resilient-llm.js';

/** OpenAI `tools` through the SDK client: what goes out, and the tool calls that come back. */

function clientWith(reply: unknown) {
  const bodies: Record<string, unknown>[] = [];
  const fetch: typeof globalThis.fetch = async (_url, init) => {
    bodies.push(JSON.parse(init?.body as string) as Record<string, unknown>);
    return new Response(JSON.stringify(reply), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  const llm = createOpenAiLlmClient({
    baseUrl: 'http://llm.test/v1',
    model: 'm',
    apiKey: 'k',
    maxRetries: 0,
    fetch,
  });
  return { llm, bodies };
}

const completion = (message: Record<string, unknown>, finishReason: string) => ({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
  usage: { prompt_tokens: 30, completion_tokens: 7, total_tokens: 37 },
});

describe('openai client: tools', () => {
  it('sends tools, tool_choice and tool turns, and returns the calls with finish reason tool-calls', async () => {
    const { llm, bodies } = clientWith(
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"query":"ABL1"}' } },
          ],
        },
        'tool_calls',
      ),
    );
    const result = await llm.complete({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'path', arguments: '{}' }] },
        { role: 'tool', content: '{"paths":[]}', toolCallId: 'call_1' },
      ],
      tools: [{ name: 'lookup', description: 'find nodes', parameters: { type: 'object', properties: {} } }],
      toolChoice: { name: 'lookup' },
    });
    expect(result).toEqual({
      text: '',
      usage: { promptTokens: 30, completionTokens: 7 },
      finishReason: 'tool-calls',
      toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"query":"ABL1"}' }],
    });
    expect(bodies[0]).toMatchObject({
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'path', arguments: '{}' } }],
        },
        { role: 'tool', content: '{"paths":[]}', tool_call_id: 'call_1' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'find nodes',
            parameters: { type: 'object', properties: {} },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
    });
  });

  it('sends no tools fields when the request offers none', async () => {
    const { llm, bodies } = clientWith(completion({ content: 'plain' }, 'stop'));
    const result = await llm.complete({ messages: [{ role: 'user', content: 'q' }] });
    expect(result.toolCalls).toBeUndefined();
    expect(Object.keys(bodies[0]!)).not.toContain('tools');
    expect(Object.keys(bodies[0]!)).not.toContain('tool_choice');
  });
});

describe('resilient LLM: tools', () => {
  it('keeps the tool calls of a completion whose text it cuts', async () => {
    const { llm } = clientWith(
      completion(
        {
          content: 'word '.repeat(200),
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }],
        },
        'tool_calls',
      ),
    );
    const guarded = createResilientLlm(llm, { maxRetries: 0 });
    const result = await guarded.complete({ messages: [{ role: 'user', content: 'q' }], maxTokens: 5 });
    expect(result.finishReason).toBe('length');
    expect(result.text.length).toBeLessThan(100);
    expect(result.toolCalls).toEqual([{ id: 'call_1', name: 'lookup', arguments: '{}' }]);
  });
});
