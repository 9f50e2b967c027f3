import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/agents/chat-agent.js';
import { answerEvents, createFakeChatAgent } from '../fakes/fake-chat-agent.js';
import { readSseFrames } from './read-sse.js';
import { buildTestApp, jsonOf, postJson } from './test-app.js';

/** `tools` on /v1/chat/completions in-process: wire shapes frame by frame, and the 400s. */

const weather = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const body = {
  model: 'biobridge',
  messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }],
  tools: [weather],
};
const calls = [
  { id: 'call_1', name: 'get_weather', arguments: '{"city":"Basel"}' },
  { id: 'call_2', name: 'get_weather', arguments: '{"city":"Bern"}' },
];

function toolCallingAgent() {
  const events: ChatEvent[] = answerEvents('');
  const end = events.at(-1);
  if (end?.type === 'answer-end') Object.assign(end.answer, { finishReason: 'tool-calls', toolCalls: calls });
  return Object.assign(
    createFakeChatAgent(() => events),
    { canCallClientTools: true },
  );
}

describe('/v1/chat/completions tools', () => {
  it('returns tool_calls with content null and finish_reason tool_calls', async () => {
    const agent = toolCallingAgent();
    const { app } = buildTestApp({ agent });
    const response = await postJson(app, '/v1/chat/completions', { ...body, tool_choice: 'required' });
    expect(response.status).toBe(200);
    const json = await jsonOf(response);
    expect(json.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Basel"}' },
          },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bern"}' } },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
    expect(agent.calls[0]!.input).toMatchObject({
      tools: [{ name: 'get_weather', parameters: weather.function.parameters }],
      toolChoice: 'required',
    });
  });

  it('streams each call as an id/name delta then an arguments delta, then finish_reason tool_calls', async () => {
    const { app } = buildTestApp({ agent: toolCallingAgent() });
    const response = await postJson(app, '/v1/chat/completions', { ...body, stream: true });
    const chunks: { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] }[] = [];
    for await (const frame of readSseFrames(response))
      if (frame.data !== '[DONE]') chunks.push(JSON.parse(frame.data));
    const deltas = chunks.map((chunk) => chunk.choices[0]!.delta).filter((delta) => 'tool_calls' in delta);
    expect(deltas).toEqual([
      {
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":"Basel"}' } }] },
      {
        tool_calls: [
          { index: 1, id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { tool_calls: [{ index: 1, function: { arguments: '{"city":"Bern"}' } }] },
    ]);
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('passes the tool turn to the agent', async () => {
    const agent = createFakeChatAgent(answerEvents('Sunny [E1].'));
    const { app } = buildTestApp({ agent });
    const response = await postJson(app, '/v1/chat/completions', {
      ...body,
      messages: [
        ...body.messages,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: '{"sky":"sunny"}' }] },
      ],
    });
    expect(response.status).toBe(200);
    expect(agent.calls[0]!.input.messages.slice(1)).toEqual([
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', content: '{"sky":"sunny"}', toolCallId: 'call_1' },
    ]);
  });

  it.each([
    [{ ...body, tool_choice: 'required', tools: [] }, 'body.tool_choice: tool_choice "required" needs tools'],
    [{ ...body, tools: [weather, weather] }, 'body.tools[1].function.name: duplicate tool name'],
    [
      { ...body, tools: [{ type: 'function', function: { name: 'get weather' } }] },
      'body.tools[0].function.name: a function name is 1 to 64 letters, digits, underscores or dashes',
    ],
    [
      { ...body, messages: [...body.messages, { role: 'tool', tool_call_id: 'call_x', content: '{}' }] },
      "body.messages[1].tool_call_id: no earlier assistant message has a tool call with id 'call_x'",
    ],
    [
      { ...body, messages: [...body.messages, { role: 'assistant', content: 'hi' }] },
      "body.messages[1].role: the last message must have role 'user' (or 'tool' after tool calls), got 'assistant'",
    ],
    [{ ...body, tool_choice: 'sometimes' }, undefined],
  ])('rejects %j', async (request, message) => {
    const { app } = buildTestApp({ agent: createFakeChatAgent(answerEvents('x')) });
    const response = await postJson(app, '/v1/chat/completions', request);
    expect(response.status).toBe(400);
    const error = (await jsonOf(response)).error;
    expect(error.type).toBe('invalid_request_error');
    if (message) expect(error.message).toBe(message);
    expect(error.param).toBeTruthy();
  });
});
