/**
 * Load test of `/v1/retrieve` (SMILES → gene/protein, k = 10, the default ranking) over real HTTP:
 * a `biobridge serve` process, and N concurrent clients in this process, each sending its next
 * request when the last one answered, for a fixed time per concurrency level. Reports throughput
 * and latency percentiles per level. The molecules are ordinary drug-like SMILES, cycled; with
 * `--unique` every measured request sends a molecule no earlier request sent, so the service's
 * query caches never hit (the honest figure for a stream of new molecules).
 *
 * The clients are cheap, so that on a small machine they take little CPU from the server they
 * share it with: one kept-alive connection each (`http.Agent`), bodies serialised before the
 * clock starts. Each level reports the server's and the clients' CPU per request separately, and
 * the load average when it ended (other jobs on the machine make wall-clock figures move).
 *
 * `--repo DIR` serves another checkout's `bin/biobridge.js` (A/B runs against main).
 *
 *   npx tsx eval/bench/load.ts [--index indexes/demo] [--levels 1,8,32] [--seconds 5] [--unique] [--repo .]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './bench-args.js';

export const LOAD_TEST_SMILES = [
  'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1NC(=O)/C=C/CN1CCCCC1',
  'CC(=O)Oc1ccccc1C(=O)O',
  'CN1CCN(Cc2ccc(cc2)C(=O)Nc2ccc(C)c(Nc3nccc(n3)-c3cccnc3)c2)CC1',
  'CC(C)Cc1ccc(cc1)C(C)C(=O)O',
  'CN1C(=O)N(C)c2ncn(C)c2C1=O',
  'Clc1ccc2c(c1)C(=NCc1nncn1-2)c1ccccc1',
  'OC(=O)CCCc1ccc(N(CCCl)CCCl)cc1',
  'CC1=C(C(=O)Nc2ccccc2)C(c2ccccc2[N+](=O)[O-])C(C(=O)OC)=C(C)N1',
];

/**
 * A distinct drug-like molecule for every `n` below {@link UNIQUE_SMILES_VARIANTS}, all of about
 * the same size (an alkoxy aryl amide, ester or sulfonamide: 15–27 heavy atoms), so a run's later
 * requests cost what its first ones do; past that count they repeat with a branched chain grown by one carbon per round.
 */
export const uniqueSmiles = (n: number) => {
  let rest = n;
  const pick = <T>(choices: readonly T[]) => {
    const choice = choices[rest % choices.length]!;
    rest = Math.floor(rest / choices.length);
    return choice;
  };
  const alkoxy = 'C'.repeat(1 + (rest % 8));
  rest = Math.floor(rest / 8);
  const substituent = pick(SUBSTITUENTS);
  const [left, right] = pick(RING_CORES);
  const linker = pick(LINKERS);
  const amine = pick(AMINE_GROUPS);
  // Past the variants, a quaternary carbon carrying a chain of `rest` carbons starts the alkoxy chain.
  const round = rest === 0 ? '' : `CC(C)(${'C'.repeat(rest)})`;
  return `${round}${alkoxy}Oc1${left}(${right}1${substituent})${linker}${amine}`;
};

const SUBSTITUENTS = ['', 'F', 'Cl', 'Br', 'C', 'OC', 'C#N', 'C(F)(F)F', 'N', 'O'] as const;
/** Benzene, pyridines and pyrimidines: the ring atoms before and after the linker's branch. */
const RING_CORES = [
  ['ccc', 'cc'],
  ['ncc', 'cc'],
  ['cnc', 'cc'],
  ['ccc', 'nc'],
  ['ncc', 'nc'],
  ['cnc', 'nc'],
] as const;
const LINKERS = ['C(=O)N', 'S(=O)(=O)N', 'C(=O)O', 'CCN'] as const;
const AMINE_GROUPS = [
  'C',
  'CC',
  'CCC',
  'CC(C)C',
  'C1CC1',
  'c1ccccc1',
  'CCN(C)C',
  'C1CCOCC1',
  'CCO',
  'CC#N',
] as const;
/** How many molecules {@link uniqueSmiles} makes before it lengthens the alkoxy chain. */
export const UNIQUE_SMILES_VARIANTS =
  8 * SUBSTITUENTS.length * RING_CORES.length * LINKERS.length * AMINE_GROUPS.length;

export interface LoadLevel {
  concurrency: number;
  requests: number;
  errors: number;
  throughputPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * CPU time of the server process per answered request (user + system, all its threads), where
   * /proc is readable: unlike wall time it barely moves when other jobs share the machine.
   */
  serverCpuMsPerRequest?: number | undefined;
  /**
   * CPU time of this process (the load generator) per answered request: on a machine with few
   * cores the clients take their share from the server, so this says how much.
   */
  clientCpuMsPerRequest: number;
  /** The machine's one-minute load average when the level ended (other jobs included). */
  loadAverage: number;
}

/**
 * CPU seconds used so far by process `pid` and its child processes (HTTP workers), from Linux
 * /proc; undefined elsewhere.
 */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    const own = (Number(fields[11]) + Number(fields[12])) / 100;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return (children === '' ? [] : children.split(' ').map(Number)).reduce(
      (sum, child) => sum + (cpuSecondsOf(child) ?? 0),
      own,
    );
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const percentile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

/**
 * One POST over a kept-alive connection of `agent`, the body already serialised: the client's own
 * CPU per request stays small (a `fetch` client costs ≈ 3.5 ms per request, measured), so it takes
 * little from a server sharing its cores. Resolves with the status, the body read and dropped.
 */
function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const call = request(
      url,
      {
        agent,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(0));
      },
    );
    call.on('error', () => resolve(0));
    call.end(body);
  });
}

/** The request body for a SMILES, serialised once per distinct molecule. */
const bodyOf = (smiles: string) =>
  Buffer.from(JSON.stringify({ smiles, targetTypes: ['gene/protein'], k: 10 }));
const cycledBodies = LOAD_TEST_SMILES.map(bodyOf);

async function runLevel(
  base: string,
  concurrency: number,
  seconds: number,
  serverPid?: number | undefined,
  smilesOf?: ((n: number) => string) | undefined,
): Promise<LoadLevel> {
  const url = new URL('/v1/retrieve', base);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  // Unique molecules: every body built before the clock starts (more than the level can send).
  const bodies = smilesOf
    ? Array.from({ length: Math.max(2_000, concurrency * 50, seconds * 1_000) }, (_, n) =>
        bodyOf(smilesOf(n)),
      )
    : cycledBodies;
  const latencies: number[] = [];
  const cpuBefore = cpuSecondsOf(serverPid);
  const clientBefore = process.cpuUsage();
  let errors = 0;
  let sent = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const client = async () => {
    while (performance.now() < deadline) {
      const n = sent++;
      if (smilesOf && n >= bodies.length) break;
      const begin = performance.now();
      const status = await post(agent, url, bodies[n % bodies.length]!);
      if (status === 200) latencies.push(performance.now() - begin);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsOf(serverPid);
  const clientCpu = process.cpuUsage(clientBefore);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const answered = Math.max(1, latencies.length);
  return {
    concurrency,
    requests: latencies.length,
    errors,
    throughputPerSecond: latencies.length / elapsed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    serverCpuMsPerRequest:
      cpuBefore === undefined || cpuAfter === undefined || latencies.length === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1000) / latencies.length,
    clientCpuMsPerRequest: (clientCpu.user + clientCpu.system) / 1000 / answered,
    loadAverage: loadavg()[0]!,
  };
}

export async function runLoadTest(options: {
  index: string;
  levels: readonly number[];
  seconds: number;
  port?: number | undefined;
  /** Never repeat a molecule across the measured levels (query caches miss). */
  unique?: boolean | undefined;
  /** The checkout whose service to measure; this one by default. */
  repo?: string | undefined;
}): Promise<{ index: string; unique: boolean; levels: LoadLevel[] }> {
  const port = options.port ?? 8798;
  const repo = resolve(options.repo ?? '.');
  const server = spawn(
    process.execPath,
    [resolve(repo, 'bin/biobridge.js'), 'serve', '--index', resolve(options.index), '--port', String(port)],
    { cwd: repo, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, LOG_LEVEL: 'error' } },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let waited = 0; ; waited += 100) {
      if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
      // Ready, and done loading its deferred parts: their loading would be counted as request CPU.
      const ready = await fetch(`${base}/health`).then(
        async (response) =>
          response.status === 200 &&
          ((await response.json()) as { checks?: { loading?: { state?: string } } }).checks?.loading
            ?.state !== 'loading',
        () => false,
      );
      if (ready) break;
      if (waited > 180_000) throw new Error('server not ready within 180 s');
      await sleep(100);
    }
    // Warm-up: first-use loads (vector columns, transfer libraries), in every HTTP worker: the
    // connections of the highest level are spread over the workers, so warm with as many.
    await runLevel(base, Math.max(2, ...options.levels), Math.max(2, options.seconds));
    const levels: LoadLevel[] = [];
    let offset = 0;
    for (const concurrency of options.levels) {
      const first = offset;
      const smilesOf = options.unique ? (n: number) => uniqueSmiles(first + n) : undefined;
      const level = await runLevel(base, concurrency, options.seconds, server.pid, smilesOf);
      offset += level.requests + level.errors + concurrency;
      levels.push(level);
    }
    return { index: options.index, unique: options.unique ?? false, levels };
  } finally {
    server.kill('SIGTERM');
    await new Promise((done) => (server.exitCode !== null ? done(undefined) : server.once('exit', done)));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const values = benchArgs({
    index: 'indexes/demo',
    levels: '1,8,32',
    seconds: 5,
    unique: false,
    repo: null,
  });
  const result = await runLoadTest({
    repo: values.repo,
    index: values.index,
    levels: values.levels.split(',').map(Number),
    seconds: values.seconds,
    unique: values.unique,
  });
  console.log(JSON.stringify(result, null, 2));
}
