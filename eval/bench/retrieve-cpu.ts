/**
 * CPU time per `/v1/retrieve` request, in-process (`app.request`, no network), for the load test's
 * query (SMILES → gene/protein, k = 10): sequential requests after a warm-up, with the process's
 * CPU time (user + system, all threads) divided by the requests. CPU time moves far less than
 * wall time when other jobs share the machine. `--unique` sends a new molecule every request, so
 * the query caches never hit; `--profile FILE` writes a V8 CPU profile of the measured requests.
 * `--concurrency N` keeps N requests in flight (as N closed-loop clients would), so concurrent
 * requests can share batched work. `--repo DIR` measures another checkout's code (for A/B runs
 * against main in the same minutes); the environment configures the service as for `serve`
 * (`BIOBRIDGE_RESPONSE_CACHE_MB=0` measures the computation of every request).
 *
 *   npx tsx eval/bench/retrieve-cpu.ts [--index indexes/demo] [--requests 200] [--unique]
 *     [--concurrency 1] [--repo .] [--profile p.cpuprofile]
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pathToFileURL } from 'node:url';
import type * as ServicesModule from '../../src/services.js';
import type * as ConfigModule from '../../src/config/index.js';
import { noopLogger } from '../../src/util/logger.js';
import { LOAD_TEST_SMILES, uniqueSmiles } from './load.js';
import { benchArgs } from './bench-args.js';

export async function measureRetrieveCpu(options: {
  index: string;
  requests: number;
  unique: boolean;
  concurrency?: number | undefined;
  /** A checkout whose `src/` to measure; this one by default. */
  repo?: string | undefined;
  profile?: string | undefined;
}) {
  const source = (path: string) => pathToFileURL(resolve(options.repo ?? '.', 'src', path)).href;
  const { createServices } = (await import(source('services.ts'))) as typeof ServicesModule;
  const { loadConfig } = (await import(source('config/index.ts'))) as typeof ConfigModule;
  const services = await createServices(
    loadConfig({ ...process.env, BIOBRIDGE_INDEX: options.index }),
    noopLogger,
  );
  const concurrency = options.concurrency ?? 1;
  const smilesOf = (n: number) =>
    options.unique ? uniqueSmiles(n) : LOAD_TEST_SMILES[n % LOAD_TEST_SMILES.length]!;
  const retrieve = async (smiles: string) => {
    const response = await services.app.request('/v1/retrieve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ smiles, targetTypes: ['gene/protein'], k: 10 }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`HTTP ${response.status} for ${smiles}`);
  };
  try {
    // Warm-up (first-use loads, JIT) on the load test's molecules, which no unique one repeats.
    for (let n = 0; n < 16; n++) await retrieve(LOAD_TEST_SMILES[n % LOAD_TEST_SMILES.length]!);
    const session = options.profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let sent = 0;
    const client = async () => {
      while (sent < options.requests) await retrieve(smilesOf(sent++));
    };
    await Promise.all(Array.from({ length: concurrency }, client));
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(options.profile!, JSON.stringify(profile));
      session.disconnect();
    }
    return {
      index: options.index,
      requests: options.requests,
      unique: options.unique,
      concurrency,
      repo: resolve(options.repo ?? '.'),
      cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / options.requests,
      wallMsPerRequest: wallMs / options.requests,
      rssMb: Math.round(process.memoryUsage().rss / 1e6),
    };
  } finally {
    await services.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const values = benchArgs({
    index: 'indexes/demo',
    requests: 200,
    unique: false,
    concurrency: 1,
    repo: null,
    profile: null,
  });
  console.log(
    JSON.stringify(
      await measureRetrieveCpu({
        index: values.index,
        requests: values.requests,
        unique: values.unique,
        concurrency: values.concurrency,
        repo: values.repo,
        profile: values.profile,
      }),
      null,
      2,
    ),
  );
}
