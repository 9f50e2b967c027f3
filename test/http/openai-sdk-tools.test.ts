import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQaAgent } from '../../src/agents/qa/qa-agent.js';
import { createApp } from '../../src/http/create-app.js';
import type { LlmClient } from '../../src/llm/llm-client.js';
import { loadPromptLibrary } from '../../src/llm/prompts.js';
import { createUnconfiguredLlm } from '../../src/llm/unconfigured.js';
import { createFakeLlm, type FakeLlm, type FakeLlmReply } from '../fakes/fake-llm.js';
import { buildRetrievalWorld } from '../retrieval/retrieval-world.js';
import { listenOnLoopback, type LoopbackServer } from '../helpers/listen.js';
import { expectToolChoiceRefused, openAiSdkClient } from './openai-sdk-client.js';

/**
 * OpenAI `tools` conformance: the unmodified `openai` SDK against a real @hono/node-server instance
 * of the app with the real QA agent over the retrieval world; the scripted fake LLM stands in for
 * the upstream model. One service answers evidence-only (no LLM), one with the fake LLM.
 */

let fake: FakeLlm = createFakeLlm();
/** Delegates to the current script, so each test sets its own replies. */
const upstream: LlmClient = {
  model: 'fake-llm',
  complete: (request) => fake.complete(request),
  stream: (request) => fake.stream(request),
};
const script = (...replies: FakeLlmReply[]) => {
  fake = createFakeLlm(replies);
  return fake;
};

const servers: LoopbackServer[] = [];
let withLlm: OpenAI;
let evidenceOnly: OpenAI;

async function serveAgent(llm: LlmClient): Promise<OpenAI> {
  const world = await buildRetrievalWorld();
  const chatAgent = createQaAgent(
    {
      retriever: world.retriever,
      lookup: world.lookup,
      linker: world.linker,
      prompts: await loadPromptLibrary(),
      llm,
    },
    { tools: { enabled: true } },
  );
  const server = await listenOnLoopback(createApp({ chatAgent }));
  servers.push(server);
  return openAiSdkClient(server.port, 'unused', 10_000);
}

beforeAll(async () => {
  withLlm = await serveAgent(upstream);
  evidenceOnly = await serveAgent(createUnconfiguredLlm());
});

afterAll(async () => {
  for (const server of servers) await server.close();
});

const question = 'Which proteins does imatinib target?';
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const weatherCall = {
  text: '',
  usage: { promptTokens: 50, completionTokens: 8 },
  finishReason: 'tool-calls' as const,
  toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Basel"}' }],
};

describe('openai SDK: tools without an LLM', () => {
  it('accepts tools with tool_choice auto and none, and answers from evidence', async () => {
    for (const tool_choice of ['auto', 'none'] as const) {
      const completion = await evidenceOnly.chat.completions.create({
        model: 'biobridge',
        messages: [{ role: 'user', content: question }],
        tools: [weatherTool],
        tool_choice,
      });
      const [choice] = completion.choices;
      expect(choice?.finish_reason).toBe('stop');
      expect(choice?.message.tool_calls).toBeUndefined();
      expect(choice?.message.content).toMatch(/^Answer: ABL1, KIT/);
      expect((completion as unknown as { mode: string }).mode).toBe('evidence-only');
    }
  });

  it.each([
    ['required', 'required' as const],
    ['a named function', { type: 'function' as const, function: { name: 'get_weather' } }],
  ])('refuses tool_choice %s with a 400 naming tool_choice', async (_, tool_choice) => {
    const error = await evidenceOnly.chat.completions
      .create({
        model: 'biobridge',
        messages: [{ role: 'user', content: question }],
        tools: [weatherTool],
        tool_choice,
      })
      .catch((caught: unknown) => caught);
    expect(expectToolChoiceRefused(error).message).toMatch(/needs a language model/);
  });

  it('names the field of a tool_choice that names no tool', async () => {
    const error = await withLlm.chat.completions
      .create({
        model: 'biobridge',
        messages: [{ role: 'user', content: question }],
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_time' } },
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, param: 'tool_choice' });
    expect((error as APIError).message).toContain("tool_choice names 'get_time', which is not in tools");
  });
});

describe('openai SDK: tool calls with an LLM', () => {
  it('returns a client tool call, then answers the tool turn (round trip)', async () => {
    script(weatherCall, 'It is sunny in Basel; imatinib targets ABL1 [E1].');
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'user', content: question },
    ];
    const first = await withLlm.chat.completions.create({
      model: 'biobridge',
      messages,
      tools: [weatherTool],
    });
    const [choice] = first.choices;
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message).toMatchObject({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Basel"}' } },
      ],
    });
    // The model saw the client's tool next to ours.
    expect(fake.calls[0]!.tools?.map((tool) => tool.name)).toEqual([
      'lookup',
      'neighbours',
      'path',
      'retrieve',
      'get_weather',
    ]);

    messages.push(choice!.message, { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' });
    const second = await withLlm.chat.completions.create({
      model: 'biobridge',
      messages,
      tools: [weatherTool],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toMatch(
      /^It is sunny in Basel; imatinib targets ABL1 \[E1\]\./,
    );
    expect(fake.calls[1]!.messages.slice(-2)).toMatchObject([
      { role: 'assistant', toolCalls: [{ id: 'call_1', name: 'get_weather' }] },
      { role: 'tool', toolCallId: 'call_1', content: '{"sky":"sunny"}' },
    ]);
  });

  it("the SDK's runTools helper runs the client function and gets the final answer", async () => {
    script(weatherCall, 'Sunny. Imatinib targets ABL1 [E1].');
    const seen: unknown[] = [];
    const runner = withLlm.chat.completions.runTools({
      model: 'biobridge',
      messages: [{ role: 'user', content: question }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: weatherTool.function.description,
            parameters: weatherTool.function.parameters,
            parse: (text: string): unknown => JSON.parse(text),
            function: (args: unknown) => {
              seen.push(args);
              return { sky: 'sunny' };
            },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toMatch(/^Sunny\. Imatinib targets ABL1 \[E1\]\./);
    expect(seen).toEqual([{ city: 'Basel' }]);
  });

  it('streams tool_call deltas that the SDK stream helper assembles', async () => {
    script(weatherCall);
    const stream = withLlm.chat.completions.stream({
      model: 'biobridge',
      messages: [{ role: 'user', content: question }],
      tools: [weatherTool],
      stream: true,
    });
    const done: { name: string; arguments: string }[] = [];
    stream.on('tool_calls.function.arguments.done', (event) =>
      done.push({ name: event.name, arguments: event.arguments }),
    );
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toMatchObject([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Basel"}' } },
    ]);
    expect(done).toEqual([{ name: 'get_weather', arguments: '{"city":"Basel"}' }]);
  });

  it('streams a tool-free answer with tool_choice none; the model is not shown the client tools', async () => {
    script('Imatinib targets ABL1 [E1].');
    const stream = await withLlm.chat.completions.create({
      model: 'biobridge',
      messages: [{ role: 'user', content: question }],
      tools: [weatherTool],
      tool_choice: 'none',
      stream: true,
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      expect(chunk.choices[0]?.delta.tool_calls).toBeUndefined();
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toMatch(/^Imatinib targets ABL1 \[E1\]\./);
    expect(finish).toBe('stop');
    expect(fake.calls[0]!.tools?.map((tool) => tool.name)).not.toContain('get_weather');
  });
});
