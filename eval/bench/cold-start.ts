/**
 * Cold start: a fresh `biobridge serve` process, from spawn to its first successful `/v1/retrieve`
 * (SMILES → gene/protein), several runs, median. Also reports when `/health/live` first answered
 * and the CPU-seconds the process used until the first retrieve (steadier than wall time on a
 * shared machine). `--repo` measures another checkout the same way, for side-by-side ratios.
 * `--query name` asks by entity name instead (`imatinib` → gene/protein), which needs the name
 * index rather than RDKit.
 *
 *   npx tsx eval/bench/cold-start.ts [--index indexes/demo] [--runs 5] [--repo .] [--port 8797] [--query smiles|name]
 *     [--compare OTHER_CHECKOUT [--compare-index ITS_INDEX_COPY]]
 *
 * `--compare` runs the other checkout's cold starts interleaved with this one's (A B, B A, A B, …,
 * so drift in the machine's load falls on both alike) and prints both medians and their ratio: on
 * a shared machine only such side-by-side figures, and CPU-seconds, are worth comparing. Each
 * checkout first starts once unmeasured (page cache, vector files written for its code).
 * `--compare-index` gives the other checkout its own copy of the index, for code that writes the
 * index's vector files in another format (each would otherwise rewrite the other's).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './bench-args.js';

export const COLD_START_QUERY = {
  smiles: 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1NC(=O)/C=C/CN1CCCCC1',
  targetTypes: ['gene/protein'],
  k: 10,
};

/** A first request that needs the name entries and lookup instead of the SMILES path. */
export const COLD_START_NAME_QUERY = { entity: 'imatinib', targetTypes: ['gene/protein'], k: 10 };

const QUERIES = { smiles: COLD_START_QUERY, name: COLD_START_NAME_QUERY } as const;

export interface ColdStartRun {
  liveMs: number;
  firstRetrieveMs: number;
  /** User + system CPU of the server process until its first retrieve answered. */
  cpuMs: number;
}

export interface ColdStartResult {
  index: string;
  repo: string;
  /** `dist` when the repository has a build (production), `tsx` when sources compile at start. */
  runtime: 'dist' | 'tsx';
  runs: ColdStartRun[];
  median: ColdStartRun;
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat; index 11 and 12 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function answers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** One cold start: spawn, poll liveness every 20 ms, then retrieve until it succeeds. */
export async function coldStartOnce(
  repo: string,
  index: string,
  port: number,
  timeoutMs = 120_000,
  query: object = COLD_START_QUERY,
): Promise<ColdStartRun> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [resolve(repo, 'bin/biobridge.js'), 'serve', '--index', index, '--port', String(port)],
    { cwd: repo, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, LOG_LEVEL: 'error' } },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    let liveMs: number | undefined;
    while (performance.now() - started < timeoutMs) {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      if (liveMs === undefined) {
        if (await answers(`${base}/health/live`)) liveMs = performance.now() - started;
        else {
          await sleep(20);
          continue;
        }
      }
      const ok = await answers(`${base}/v1/retrieve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(query),
      });
      if (ok) return { liveMs, firstRetrieveMs: performance.now() - started, cpuMs: cpuMsOf(child.pid!) };
      await sleep(20);
    }
    throw new Error(`no successful retrieve within ${timeoutMs} ms`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => (child.exitCode !== null ? done(undefined) : child.once('exit', done)));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function runtimeOf(repo: string): 'dist' | 'tsx' {
  try {
    readFileSync(resolve(repo, 'dist/cli/index.js'));
    return 'dist';
  } catch {
    return 'tsx'; // no build: bin/biobridge.js compiles the sources with tsx
  }
}

function summarise(repo: string, index: string, runs: ColdStartRun[]): ColdStartResult {
  return {
    index,
    repo: resolve(repo),
    runtime: runtimeOf(repo),
    runs,
    median: {
      liveMs: median(runs.map((run) => run.liveMs)),
      firstRetrieveMs: median(runs.map((run) => run.firstRetrieveMs)),
      cpuMs: median(runs.map((run) => run.cpuMs)),
    },
  };
}

export interface ColdStartComparison {
  a: ColdStartResult;
  b: ColdStartResult;
  /** Median of B over median of A: CPU-seconds and wall time to the first retrieve. */
  ratio: { cpu: number; firstRetrieve: number };
  /** The machine's 1-minute load average before the first and after the last run. */
  loadAverage: [number, number];
}

/** `runs` cold starts of each checkout, interleaved A B, B A, … on the same index. */
export async function compareColdStarts(
  repoA: string,
  repoB: string,
  index: string,
  runs: number,
  port: number,
  query: object = COLD_START_QUERY,
  indexB: string = index,
): Promise<ColdStartComparison> {
  const indexOf = { a: index, b: indexB };
  for (const [repo, side] of [
    [repoA, 'a'],
    [repoB, 'b'],
  ] as const)
    await coldStartOnce(repo, indexOf[side], port, 120_000, query);
  const before = loadavg()[0]!;
  const results: { a: ColdStartRun[]; b: ColdStartRun[] } = { a: [], b: [] };
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order)
      results[side].push(await coldStartOnce(side === 'a' ? repoA : repoB, index, port, 120_000, query));
  }
  const a = summarise(repoA, index, results.a);
  const b = summarise(repoB, indexB, results.b);
  return {
    a,
    b,
    ratio: {
      cpu: b.median.cpuMs / a.median.cpuMs,
      firstRetrieve: b.median.firstRetrieveMs / a.median.firstRetrieveMs,
    },
    loadAverage: [before, loadavg()[0]!],
  };
}

export async function runColdStartBench(
  repo: string,
  index: string,
  runs: number,
  port: number,
  query: object = COLD_START_QUERY,
): Promise<ColdStartResult> {
  const results: ColdStartRun[] = [];
  for (let run = 0; run < runs; run++) results.push(await coldStartOnce(repo, index, port, 120_000, query));
  return summarise(repo, index, results);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const values = benchArgs({
    index: 'indexes/demo',
    runs: 5,
    repo: '.',
    port: 8797,
    query: 'smiles',
    compare: null,
    'compare-index': null,
  });
  const query = QUERIES[values.query as keyof typeof QUERIES];
  if (!query) throw new Error(`--query must be one of ${Object.keys(QUERIES).join(', ')}`);
  const result = values.compare
    ? await compareColdStarts(
        values.repo,
        values.compare,
        resolve(values.index),
        values.runs,
        values.port,
        query,
        resolve(values['compare-index'] ?? values.index),
      )
    : await runColdStartBench(values.repo, resolve(values.index), values.runs, values.port, query);
  console.log(JSON.stringify(result, null, 2));
}
