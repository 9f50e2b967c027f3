import { beforeAll, describe, expect, it } from 'vitest';
import { createQaAgent } from '../../../src/agents/qa/qa-agent.js';
import { createEntityLinker } from '../../../src/linking/entity-linker.js';
import { loadPromptLibrary } from '../../../src/llm/prompts.js';
import { createNameLookup, type NameEntry } from '../../../src/store/name-lookup.js';
import { buildTestApp, jsonOf, postJson } from '../../http/test-app.js';
import { ALIASES, buildRetrievalWorld } from '../../retrieval/retrieval-world.js';

/** NCBI gene_info full names (org.Hs.eg.db 3.16) of the world's genes, as ingest mines them. */
const FULL_NAMES: Record<string, string> = {
  ABL1: 'ABL proto-oncogene 1, non-receptor tyrosine kinase',
  KIT: 'KIT proto-oncogene, receptor tyrosine kinase',
  TP53: 'tumor protein p53',
};
const NODE_INDICES = [10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 30, 31, 40, 41, 50];

let app: ReturnType<typeof buildTestApp>['app'];
beforeAll(async () => {
  const world = await buildRetrievalWorld();
  const entries: NameEntry[] = NODE_INDICES.map((index) => {
    const node = world.graph.node(index)!;
    const fullName = FULL_NAMES[node.name];
    return {
      nodeIndex: index,
      type: node.type,
      name: node.name,
      id: node.id,
      aliases: ALIASES[index] ?? [],
      synonyms: fullName === undefined ? [] : [{ text: fullName, source: 'gene-info:full-name' }],
    };
  });
  const agent = createQaAgent({
    retriever: world.retriever,
    lookup: createNameLookup(entries, { typePriority: ['drug', 'gene/protein', 'disease'] }),
    linker: createEntityLinker(entries),
    prompts: await loadPromptLibrary(),
  });
  app = buildTestApp({ agent }).app;
});

describe('/v1/chat: options written by full names with commas', () => {
  it('chooses the option whose full name has a comma, as written', async () => {
    const content =
      'Out of the given list, which Gene is associated with chronic myeloid leukemia. Given list is: tumor protein p53, ABL proto-oncogene 1, non-receptor tyrosine kinase, KIT proto-oncogene, receptor tyrosine kinase';
    const response = await postJson(app, '/v1/chat', { messages: [{ role: 'user', content }] });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.result).toMatchObject({
      form: 'multiple-choice',
      choice: 'ABL proto-oncogene 1, non-receptor tyrosine kinase',
    });
    expect(body.answer.startsWith('ABL proto-oncogene 1, non-receptor tyrosine kinase'), body.answer).toBe(
      true,
    );
  });
});
