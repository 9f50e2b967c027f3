import { loadPromptLibrary, type PromptLibrary } from '../../src/llm/prompts.js';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.js';
import { buildRetrievalWorld, type RetrievalWorld } from '../retrieval/retrieval-world.js';

export interface QaWorld {
  world: RetrievalWorld;
  prompts: PromptLibrary;
  /** A running fake OpenAI-compatible server; close it after the tests. */
  server: FakeOpenAiServer;
}

/** What a QA agent test needs: the small retrieval world, the prompt library and a fake LLM server. */
export async function openQaWorld(): Promise<QaWorld> {
  const [world, prompts, server] = await Promise.all([
    buildRetrievalWorld(),
    loadPromptLibrary(),
    startFakeOpenAiServer(),
  ]);
  return { world, prompts, server };
}
