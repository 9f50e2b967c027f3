import { beforeAll, describe, expect, it } from 'vitest';
import { createQaAgent } from '../../../src/agents/qa/qa-agent.js';
import { parseAnswer } from '../../../src/eval/qa/answer-parser.js';
import { loadPromptLibrary } from '../../../src/llm/prompts.js';
import { allSseFrames } from '../../http/read-sse.js';
import { buildTestApp, jsonOf, postJson } from '../../http/test-app.js';
import { buildRetrievalWorld, type RetrievalWorld } from '../../retrieval/retrieval-world.js';

let world: RetrievalWorld;
let app: ReturnType<typeof buildTestApp>['app'];
beforeAll(async () => {
  world = await buildRetrievalWorld();
  const agent = createQaAgent({
    retriever: world.retriever,
    lookup: world.lookup,
    prompts: await loadPromptLibrary(),
  });
  app = buildTestApp({ agent }).app;
});

const ask = (content: string, extra: Record<string, unknown> = {}) =>
  postJson(app, '/v1/chat', { messages: [{ role: 'user', content }], ...extra });

describe('/v1/chat structured result (happy)', () => {
  it('answers a multiple-choice question with the choice first and a result', async () => {
    const response = await ask('Which protein does imatinib target? Options: TP53, ABL1, PTGS1');
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.answer).toMatch(/^ABL1 \(the knowledge graph/);
    expect(body.result).toMatchObject({ form: 'multiple-choice', choice: 'ABL1', evidence: ['E1'] });
    expect(body.result.confidence).toBeGreaterThan(0.5);
    expect(body.evidence).toHaveLength(1);
    expect(body.evidence[0]).toMatchObject({ id: 'E1', kind: 'kg-fact', entity: { name: 'ABL1' } });
  });

  it('accepts the options as a request field, as an array or inside the settings object', async () => {
    for (const options of [['Aspirin', 'Imatinib'], { choices: ['Aspirin', 'Imatinib'], topK: 3 }]) {
      const body = await jsonOf(await ask('Which drug treats chronic myeloid leukemia?', { options }));
      expect(body.result, JSON.stringify(body)).toMatchObject({
        form: 'multiple-choice',
        choice: 'Imatinib',
      });
    }
  });

  it('gives true/false verdicts, negations included', async () => {
    const yes = await jsonOf(await ask('Imatinib treats chronic myeloid leukemia'));
    expect(yes.result).toMatchObject({ form: 'true-false', verdict: true });
    expect(yes.answer.split('\n')[0]).toMatch(/^True/);
    const no = await jsonOf(await ask('Imatinib is not used to treat chronic myeloid leukemia'));
    expect(no.result).toMatchObject({ form: 'true-false', verdict: false });
  });

  it('streams the result as its own event before answer-end', async () => {
    const response = await ask('Does aspirin target PTGS2?', { stream: true });
    const frames = await allSseFrames(response);
    const names = frames.map((frame) => frame.event);
    expect(names).toEqual(['evidence-available', 'answer-delta', 'result-available', 'answer-end']);
    const { result } = JSON.parse(frames[2]!.data);
    expect(result).toMatchObject({ form: 'true-false', verdict: true });
    expect(JSON.parse(frames[3]!.data).result).toEqual(result);
  });

  it('puts the answer on the first line of /v1/chat/completions', async () => {
    const response = await postJson(app, '/v1/chat/completions', {
      model: 'biobridge',
      messages: [{ role: 'user', content: 'Which protein does imatinib target? Options: TP53, ABL1, PTGS1' }],
    });
    const body = await jsonOf(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0].message.content.split('\n')[0]).toMatch(/^ABL1 /);
  });

  it.each([
    ['Which protein does imatinib target? (A) TP53 (B) ABL1 (C) PTGS1', 'B) ABL1 '],
    ['Which protein does imatinib target?\na) TP53\nb) ABL1\nc) PTGS1', 'b) ABL1 '],
    ['Which protein does imatinib target? 1. TP53 2. ABL1 3. PTGS1', '2) ABL1 '],
    ['Which protein does imatinib target?\n- TP53\n- ABL1\n- PTGS1', 'ABL1 '],
  ])('leads both faces with the label and the option as given: %j', async (content, lead) => {
    const chat = await jsonOf(await ask(content));
    expect(chat.answer.startsWith(lead), chat.answer).toBe(true);
    expect(parseAnswer(chat.answer, { options: ['TP53', 'ABL1', 'PTGS1'] }).choice).toBe('ABL1');
    const completion = await jsonOf(
      await postJson(app, '/v1/chat/completions', {
        model: 'biobridge',
        messages: [{ role: 'user', content }],
      }),
    );
    const firstLine = completion.choices[0].message.content.split('\n')[0];
    expect(firstLine.startsWith(lead), firstLine).toBe(true);
  });

  it('leads a verdict with True or False on both faces', async () => {
    for (const [content, verdict] of [
      ['Imatinib targets ABL1', 'True'],
      ['Is it true that imatinib does not target ABL1?', 'False'],
    ] as const) {
      const chat = await jsonOf(await ask(content));
      expect(chat.answer.split(/[\s:(]/)[0]).toBe(verdict);
      const completion = await jsonOf(
        await postJson(app, '/v1/chat/completions', {
          model: 'biobridge',
          messages: [{ role: 'user', content }],
        }),
      );
      expect(completion.choices[0].message.content.split(/[\s:(]/)[0]).toBe(verdict);
    }
  });

  it.each([
    [
      'You are a pharmacology examiner. Reply with nothing but the letter of the right option.',
      'Imatinib acts on which protein?\n(a) TP53\n(b) ABL1\n(c) PTGS1',
      'b',
      'Reply with nothing but the letter.',
    ],
    [
      'Give the answer option only, no explanation.',
      'Imatinib acts on which protein? TP53, ABL1 or PTGS1',
      'ABL1',
      'Give the option only.',
    ],
    [
      'You grade statements. Output just True or False.',
      'imatinib targets ABL1',
      'True',
      'Output just True or False.',
    ],
    ['Say only yes or no.', 'Does imatinib target PTGS1?', 'No', 'Answer only yes or no.'],
  ])(
    'answers with the bare decision when a harness asks for it: %s',
    async (system, user, bare, trailing) => {
      const completion = await jsonOf(
        await postJson(app, '/v1/chat/completions', {
          model: 'biobridge',
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: user },
          ],
        }),
      );
      expect(completion.choices[0].message.content).toBe(bare);
      // An instruction at the end of the question itself, on /v1/chat: the result still carries the decision.
      const chat = await jsonOf(await ask(`${user}\n${trailing}`));
      expect(chat.answer).toBe(bare);
      expect(chat.result.form).not.toBe('free-form');
    },
  );

  it('keeps the full answer when the instructions do not ask for the bare decision', async () => {
    const completion = await jsonOf(
      await postJson(app, '/v1/chat/completions', {
        model: 'biobridge',
        messages: [
          { role: 'system', content: 'You are a careful biomedical assistant. Cite your evidence.' },
          { role: 'user', content: 'imatinib targets ABL1' },
        ],
      }),
    );
    expect(completion.choices[0].message.content).toMatch(/^True.*\nEvidence: /s);
  });

  it('marks free-form answers as such', async () => {
    const body = await jsonOf(await ask('Tell me about imatinib.'));
    expect(body.result).toMatchObject({ form: 'free-form', confidence: 0 });
  });
});

describe('/v1/chat structured result (bad input)', () => {
  it('rejects an empty question with a 400 naming the field', async () => {
    const response = await ask('');
    const body = await jsonOf(response);
    expect(response.status).toBe(400);
    expect(body.error.message).toMatch(/messages/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('rejects a 100 kB question with a 4xx, not a 5xx', async () => {
    const response = await ask('a'.repeat(100_000));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect((await jsonOf(response)).error.message).toBeTruthy();
  });

  it('rejects a 100 kB user message on /v1/chat/completions with a 400 naming it', async () => {
    for (const content of [
      'a'.repeat(100_000),
      [{ type: 'text', text: 'Is imatinib a drug? '.repeat(5_000) }],
    ]) {
      const response = await postJson(app, '/v1/chat/completions', {
        model: 'biobridge',
        messages: [{ role: 'user', content }],
      });
      expect(response.status).toBe(400);
      const body = await jsonOf(response);
      expect(body.error.message).toMatch(/messages\.0\.content|at most 20000 characters/);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('says what could not be determined when no option is in the KG', async () => {
    const body = await jsonOf(
      await ask('Which protein does imatinib target?', { options: ['FOO1', 'BAR2'] }),
    );
    expect(body.answer).toMatch(/^Cannot determine: none of the options/);
    expect(body.result).toMatchObject({
      form: 'multiple-choice',
      undetermined: 'no option links to a knowledge-graph entity',
    });
    expect(body.result.choice).toBeUndefined();
  });

  it('names options that link to the same entity', async () => {
    const body = await jsonOf(
      await ask('Which drug treats CML?', { options: ['Imatinib', 'Gleevec', 'Aspirin'] }),
    );
    expect(body.result.choice).toBe('Imatinib');
    expect(body.answer).toMatch(/options naming the same entity: "Imatinib", "Gleevec"/);
  });

  it('rejects options that are not strings, or a single option', async () => {
    for (const options of [[1, 2], ['only one']]) {
      const response = await ask('Which drug treats CML?', { options });
      expect(response.status).toBe(400);
    }
  });
});
