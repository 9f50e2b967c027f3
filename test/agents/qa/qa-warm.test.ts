import { describe, expect, it } from 'vitest';
import { createQaAgent } from '../../../src/agents/qa/qa-agent.js';
import { deferNames } from '../../../src/linking/deferred-names.js';
import { loadPromptLibrary } from '../../../src/llm/prompts.js';
import { collectAnswer } from '../../../src/http/chat-runner.js';
import { buildRetrievalWorld } from '../../retrieval/retrieval-world.js';

describe('QA agent warm-up', () => {
  it('builds the deferred name lookup and entity linker, so the first question does not', async () => {
    const world = await buildRetrievalWorld();
    let lookups = 0;
    const names = deferNames({
      lookup: () => {
        lookups++;
        return world.lookup;
      },
      linker: () => world.linker,
    });
    const agent = createQaAgent({
      retriever: world.retriever,
      lookup: names.lookup,
      linker: names.linker,
      prompts: await loadPromptLibrary(),
    });
    expect(names.built()).toEqual({ lookup: false, linker: false });
    await agent.warm?.();
    expect(names.built()).toEqual({ lookup: true, linker: true });
    const { answer } = await collectAnswer(
      agent.answer({ messages: [{ role: 'user', content: 'Imatinib targets ABL1. True or false?' }] }),
    );
    expect(answer.text).toMatch(/^True/);
    expect(lookups).toBe(1);
  });
});
