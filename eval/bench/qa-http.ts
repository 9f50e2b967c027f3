/**
 * QA over HTTP, as an outside benchmark harness sees the service: generated questions (any
 * phrasing bank) posted one at a time to `POST /v1/chat` and to the OpenAI-compatible
 * `POST /v1/chat/completions` (a harness's system prompt asking for "only the letter" / "only True
 * or False", the question as the user message). Reports accuracy (Wilson 95%), answer-format
 * compliance and latency (first question, p50, p95, max) per endpoint. No LLM is configured.
 *
 * It starts `biobridge serve` on the index (its start-up timed: live, ready, first answer) unless
 * `--url` names a running service; the questions are generated from the index either way.
 *
 *   npx tsx eval/bench/qa-http.ts --index /work/idx/shared [--url http://127.0.0.1:8787]
 *     [--per-kind 20] [--seed 5] [--split dev|test|all] [--phrasings fresh] [--port 8791]
 *     [--first-after live|ready] [--repo .] [--json]
 *
 * `--repo` serves another checkout (e.g. main, for a before/after comparison on the same questions).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAnswer } from '../../src/eval/qa/answer-parser.js';
import {
  generateQaSet,
  PHRASING_BANKS,
  type PhrasingBank,
  type QaCase,
  type QaSplit,
} from '../../src/eval/qa/qa-set.js';
import { accuracy } from '../../src/eval/qa/qa-benchmark.js';
import { readGraph } from '../../src/kg/graph.js';
import { readKgFacts } from '../../src/kg/kg-facts.js';
import { indexLayout } from '../../src/indexing/manifest.js';
import { benchArgs } from './bench-args.js';

/** What a harness's system prompt asks for; the answer's first token must be that. */
export const HARNESS_PROMPTS = {
  'multiple-choice':
    'You are a biomedical expert. Answer the multiple-choice question with only the letter of the correct option, or with the option itself when the options are not lettered. Do not explain.',
  'true-false':
    'You are a biomedical expert. Decide whether the statement is true. Answer with only True or False.',
} as const;

export interface EndpointReport {
  endpoint: '/v1/chat' | '/v1/chat/completions';
  n: number;
  accuracy: { value: number; ci95: [number, number] };
  /** The answer's first token is the option (its letter or text) or the verdict word. */
  firstTokenCompliant: number;
  /** The whole answer is just that (a harness comparing exactly). */
  exactCompliant: number;
  latencyMs: { first: number; p50: number; p95: number; max: number };
  failures: string[];
}

export interface StartUp {
  liveMs: number;
  readyMs: number;
  /** The first question, sent at `live` or at `ready` (`--first-after`). */
  firstQuestionMs: number;
  firstAfter: 'live' | 'ready';
}

const VERDICT_WORD = /^(?:true|false)$/i;

/** The first token of an answer with its surrounding punctuation and markdown dropped. */
export function firstToken(text: string): string {
  const token = text.trim().split(/\s+/)[0] ?? '';
  return token.replace(/^[*"'(]+/, '').replace(/[*"'.,:;)]+$/, '');
}

/** Whether `text` starts with (or, `exact`, is only) the decision the question asks for. */
export function compliant(text: string, qaCase: QaCase, exact: boolean): boolean {
  const head = exact
    ? text
        .trim()
        .replace(/^\*+|[*.]+$/g, '')
        .trim()
    : firstToken(text);
  if (qaCase.form === 'true-false') return VERDICT_WORD.test(head);
  const options = qaCase.options ?? [];
  if (/^[A-Za-z]$/.test(head.replace(/[().:]/g, '')) && head.replace(/[().:]/g, '').length === 1) return true;
  if (/^(?:[ivx]+)$/i.test(head)) return true;
  const lower = head.toLowerCase();
  return options.some((option) =>
    exact ? option.toLowerCase() === lower : option.toLowerCase().split(/\s+/)[0] === lower,
  );
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** One question to one endpoint: the answer text and the wall time of the request. */
async function ask(base: string, endpoint: EndpointReport['endpoint'], qaCase: QaCase) {
  const started = performance.now();
  if (endpoint === '/v1/chat') {
    const { status, json } = await post(`${base}/v1/chat`, {
      messages: [{ role: 'user', content: qaCase.text }],
    });
    if (status !== 200) throw new Error(`/v1/chat answered ${status}: ${JSON.stringify(json)}`);
    return { text: typeof json.answer === 'string' ? json.answer : '', ms: performance.now() - started };
  }
  const system = qaCase.form === 'list' ? 'You are a biomedical expert.' : HARNESS_PROMPTS[qaCase.form];
  const { status, json } = await post(`${base}/v1/chat/completions`, {
    model: 'biobridge',
    temperature: 0,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: qaCase.text },
    ],
  });
  if (status !== 200) throw new Error(`/v1/chat/completions answered ${status}: ${JSON.stringify(json)}`);
  const choices = json.choices as { message: { content: string | null } }[];
  return { text: choices[0]?.message.content ?? '', ms: performance.now() - started };
}

function correct(qaCase: QaCase, text: string): boolean {
  const parsed = parseAnswer(text, { options: qaCase.options });
  return qaCase.form === 'true-false' ? parsed.verdict === qaCase.label : parsed.choice === qaCase.answer;
}

export async function runEndpoint(
  base: string,
  endpoint: EndpointReport['endpoint'],
  cases: readonly QaCase[],
): Promise<EndpointReport> {
  const latencies: number[] = [];
  const outcomes: boolean[] = [];
  let firstToken = 0;
  let exact = 0;
  const failures: string[] = [];
  for (const qaCase of cases) {
    const { text, ms } = await ask(base, endpoint, qaCase);
    latencies.push(ms);
    const ok = correct(qaCase, text);
    outcomes.push(ok);
    if (compliant(text, qaCase, false)) firstToken++;
    if (compliant(text, qaCase, true)) exact++;
    if (!ok && failures.length < 8)
      failures.push(
        `${qaCase.kind}: ${qaCase.text.replace(/\s+/g, ' ').slice(0, 140)} → ${text.split('\n')[0]!.slice(0, 120)}`,
      );
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const scored = accuracy(outcomes);
  return {
    endpoint,
    n: cases.length,
    accuracy: { value: scored.accuracy, ci95: scored.ci95 },
    firstTokenCompliant: firstToken / cases.length,
    exactCompliant: exact / cases.length,
    latencyMs: {
      first: latencies[0] ?? Number.NaN,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      max: sorted.at(-1) ?? Number.NaN,
    },
    failures,
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function getJson(url: string): Promise<{ status: number; json?: Record<string, unknown> }> {
  try {
    const response = await fetch(url);
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  } catch {
    return { status: 0 };
  }
}

/** Whether /health says every deferred part has loaded. */
async function loaded(base: string): Promise<boolean> {
  const { json } = await getJson(`${base}/health`);
  const checks = (json?.checks ?? {}) as Record<string, { state?: string }>;
  return json?.status === 'ready' && (checks.loading === undefined || checks.loading.state === 'loaded');
}

/** Spawns `biobridge serve` and times live, ready and the first question (at live or at ready). */
async function startService(
  repo: string,
  index: string,
  port: number,
  firstCase: QaCase,
  firstAfter: StartUp['firstAfter'],
): Promise<{ child: ChildProcess; base: string; startUp: StartUp }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [join(repo, 'bin/biobridge.js'), 'serve', '--index', index, '--port', String(port)],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'error', OPENAI_BASE_URL: '', OPENAI_API_KEY: '', OPENAI_MODEL: '' },
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    return { child, base, startUp: await timeStartUp(child, base, started, firstCase, firstAfter) };
  } catch (error) {
    // The caller only stops a service it was handed: one that never came up is stopped here.
    await stopService(child);
    throw error;
  }
}

async function timeStartUp(
  child: ChildProcess,
  base: string,
  started: number,
  firstCase: QaCase,
  firstAfter: StartUp['firstAfter'],
): Promise<StartUp> {
  const deadline = started + 300_000;
  let liveMs: number | undefined;
  while (liveMs === undefined) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (performance.now() > deadline) throw new Error('the service did not come up within 300 s');
    if ((await getJson(`${base}/health/live`)).status === 200) liveMs = performance.now() - started;
    else await sleep(50);
  }
  const waitUntilReady = async () => {
    while (!(await loaded(base))) {
      if (performance.now() > deadline) throw new Error('the service was not ready within 300 s');
      await sleep(50);
    }
    return performance.now() - started;
  };
  let readyMs = firstAfter === 'ready' ? await waitUntilReady() : undefined;
  const { ms } = await ask(base, '/v1/chat', firstCase);
  readyMs ??= await waitUntilReady();
  return { liveMs, readyMs, firstQuestionMs: ms, firstAfter };
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

async function main() {
  const values = benchArgs({
    index: null,
    url: null,
    'per-kind': 20,
    seed: 5,
    split: 'dev',
    phrasings: 'fresh',
    port: 8791,
    'first-after': 'ready',
    repo: fileURLToPath(new URL('../..', import.meta.url)),
    json: false,
  });
  if (!values.index) throw new Error('--index is required (the questions are generated from its KG)');
  if (!(PHRASING_BANKS as readonly string[]).includes(values.phrasings))
    throw new Error(`--phrasings: one of ${PHRASING_BANKS.join(', ')}`);
  if (!['live', 'ready'].includes(values['first-after'])) throw new Error('--first-after: live or ready');
  const index = resolve(values.index);
  const [graph, facts] = await Promise.all([readGraph(index), readKgFacts(join(index, indexLayout.graph))]);
  const cases = generateQaSet(graph, facts, {
    seed: values.seed,
    perKind: values['per-kind'],
    split: values.split as QaSplit,
    phrasings: values.phrasings as PhrasingBank,
  }).filter((qaCase) => qaCase.form !== 'list');
  let child: ChildProcess | undefined;
  let base = values.url?.replace(/\/$/, '');
  let startUp: StartUp | undefined;
  try {
    if (!base) {
      const started = await startService(
        resolve(values.repo),
        index,
        values.port,
        cases[0]!,
        values['first-after'] as StartUp['firstAfter'],
      );
      ({ child, base, startUp } = started);
    }
    const reports = [
      await runEndpoint(base, '/v1/chat', cases),
      await runEndpoint(base, '/v1/chat/completions', cases),
    ];
    const result = {
      index,
      cases: cases.length,
      phrasings: values.phrasings,
      split: values.split,
      seed: values.seed,
      startUp,
      reports,
    };
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else printReport(result);
  } finally {
    if (child) await stopService(child);
  }
}

function printReport(result: {
  cases: number;
  phrasings: string;
  split: string;
  seed: number;
  startUp?: StartUp | undefined;
  reports: EndpointReport[];
}) {
  const round = (value: number) => value.toFixed(1);
  console.log(
    `QA over HTTP: ${result.cases} questions (${result.phrasings} phrasings, split ${result.split}, seed ${result.seed})`,
  );
  if (result.startUp)
    console.log(
      `start-up: live ${round(result.startUp.liveMs)} ms, ready ${round(result.startUp.readyMs)} ms, first question (sent at ${result.startUp.firstAfter}) ${round(result.startUp.firstQuestionMs)} ms`,
    );
  console.log(
    '| endpoint | n | accuracy [95%] | first token compliant | exact | first ms | p50 ms | p95 ms | max ms |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const report of result.reports) {
    const { accuracy: a, latencyMs: l } = report;
    console.log(
      `| ${report.endpoint} | ${report.n} | ${a.value.toFixed(3)} [${a.ci95[0].toFixed(2)}, ${a.ci95[1].toFixed(2)}] | ${report.firstTokenCompliant.toFixed(3)} | ${report.exactCompliant.toFixed(3)} | ${round(l.first)} | ${round(l.p50)} | ${round(l.p95)} | ${round(l.max)} |`,
    );
  }
  for (const report of result.reports)
    for (const failure of report.failures) console.log(`  ✗ ${report.endpoint} ${failure}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
