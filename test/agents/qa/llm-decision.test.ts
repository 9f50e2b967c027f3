import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatAnswer, ChatEvent } from '../../../src/agents/chat-agent.js';
import { createQaAgent } from '../../../src/agents/qa/qa-agent.js';
import { createUnconfiguredLlm } from '../../../src/llm/unconfigured.js';
import { loadPromptLibrary, type PromptLibrary } from '../../../src/llm/prompts.js';
import { createFakeLlm, type FakeLlm } from '../../fakes/fake-llm.js';
import { buildRetrievalWorld, type RetrievalWorld } from '../../retrieval/retrieval-world.js';

let world: RetrievalWorld;
let prompts: PromptLibrary;
beforeAll(async () => {
  world = await buildRetrievalWorld();
  prompts = await loadPromptLibrary();
});

const MCQ = 'Which protein does imatinib target? Options: TP53, ABL1, PTGS1';

async function answer(
  llm: FakeLlm | ReturnType<typeof createUnconfiguredLlm>,
  question: string,
): Promise<ChatAnswer> {
  const agent = createQaAgent({ retriever: world.retriever, lookup: world.lookup, prompts, llm });
  const events: ChatEvent[] = [];
  for await (const event of agent.answer({ messages: [{ role: 'user', content: question }] }))
    events.push(event);
  const last = events.at(-1);
  if (last?.type !== 'answer-end') throw new Error(JSON.stringify(last));
  return last.answer;
}

describe('QA agent: the LLM path for decided questions', () => {
  it('gives the LLM the linked entities, the computed answer and the evidence, and keeps a valid answer', async () => {
    const llm = createFakeLlm([
      '```json\n{"choice": "abl1", "explanation": "Imatinib targets ABL1 [E1].", "citations": ["E1"]}\n```',
    ]);
    const result = await answer(llm, MCQ);
    expect(llm.calls).toHaveLength(1);
    const prompt = llm.calls[0]!.messages.at(-1)!.content;
    expect(prompt).toContain('Computed answer: choice: ABL1');
    expect(prompt).toContain('"imatinib" = Imatinib (drug, DB00619)');
    expect(prompt).toMatch(/\[E1\] Imatinib —target→ ABL1/);
    expect(result).toMatchObject({ mode: 'llm', result: { form: 'multiple-choice', choice: 'ABL1' } });
    expect(result.text).toMatch(/^ABL1\. Imatinib targets ABL1 \[E1\]\./);
    expect(result.usage).toEqual({ promptTokens: 10, completionTokens: 5 });
  });

  it.each([
    ['a choice outside the options', '{"choice": "KIT", "citations": []}', /not one of the options/],
    [
      'a citation that does not exist',
      '{"choice": "ABL1", "explanation": "see [E9]", "citations": ["E9"]}',
      /does not exist: E9/,
    ],
    ['no JSON', 'ABL1, obviously.', /no JSON object/],
    ['a verdict that is not a boolean', '{"choice": "ABL1", "verdict": "yes"}', /verdict/],
  ])('falls back to the computed answer on %s, and says so', async (_, reply, reason) => {
    const result = await answer(createFakeLlm([reply]), MCQ);
    expect(result.mode).toBe('evidence-only');
    expect(result.reason).toMatch(reason);
    expect(result.reason).toMatch(/answered from knowledge-graph evidence only/);
    expect(result.result).toMatchObject({ choice: 'ABL1' });
    expect(result.text).toMatch(/^ABL1 \(/);
  });

  it('needs a boolean verdict for a statement, and lowers the confidence when the LLM overrides the KG', async () => {
    const rejected = await answer(createFakeLlm(['{"explanation": "maybe"}']), 'Imatinib treats lung cancer');
    expect(rejected.reason).toMatch(/boolean verdict/);
    expect(rejected.result).toMatchObject({ verdict: false });
    const overridden = await answer(
      createFakeLlm(['{"verdict": true, "explanation": "It is used off-label."}']),
      'Imatinib treats lung cancer',
    );
    expect(overridden).toMatchObject({ mode: 'llm', result: { verdict: true } });
    expect(overridden.result!.confidence).toBeLessThanOrEqual(0.6);
    expect(overridden.text).toMatch(/^True\. It is used off-label\./);
  });

  it('answers from evidence when the LLM fails or is not configured', async () => {
    const failed = await answer(createFakeLlm([new Error('boom')]), MCQ);
    expect(failed).toMatchObject({ mode: 'evidence-only', result: { choice: 'ABL1' } });
    expect(failed.reason).toMatch(/LLM request failed: boom/);
    const unconfigured = await answer(createUnconfiguredLlm(), MCQ);
    expect(unconfigured).toMatchObject({
      mode: 'evidence-only',
      reason: 'no LLM configured',
      result: { choice: 'ABL1' },
    });
  });

  it('fails a call that was not scripted', async () => {
    const llm = createFakeLlm([]);
    await expect(llm.complete({ messages: [] })).rejects.toThrow(/not scripted/);
  });
});
