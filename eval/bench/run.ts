/**
 * `npm run bench`: the speed benchmarks, each in its own process (so peak memory is its own),
 * results gathered into eval/reports/bench-<date>.json. `--full` adds the 8.1M-row ingest
 * benchmark (about 2 minutes and 1 GB of temporary disk). `--index DIR` runs the anchors, load test
 * and cold start on another index (default the demo); `--checkpoint DIR` gives the anchors the
 * bridge's trained torch weights (else the same architecture with seeded weights).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const full = process.argv.includes('--full');
const option = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const index = option('--index') ?? 'indexes/demo';
const checkpoint = option('--checkpoint');
const benches: [string, string[]][] = [
  ['service (demo index)', ['eval/bench/service.ts']],
  ['name lookup', ['eval/bench/name-lookup.ts']],
  ['entity linker (demo index)', ['eval/bench/entity-linker.ts']],
  ['vector store (20k × 1024)', ['eval/bench/store-ann.ts']],
  [
    `anchors: top-k vs numpy/torch, bridge vs torch eager (${index})`,
    ['eval/bench/anchors.ts', '--index', index, ...(checkpoint ? ['--checkpoint', checkpoint] : [])],
  ],
  [`load test /v1/retrieve at 1, 8, 32 concurrent (${index})`, ['eval/bench/load.ts', '--index', index]],
  [
    `load test /v1/retrieve, a new molecule every request (${index})`,
    ['eval/bench/load.ts', '--index', index, '--unique'],
  ],
  [
    `/v1/retrieve CPU per request, in-process, repeated molecules (response cache hits) (${index})`,
    ['eval/bench/retrieve-cpu.ts', '--index', index, '--requests', '200'],
  ],
  [
    `/v1/retrieve CPU per request, in-process, a new molecule every request (${index})`,
    ['eval/bench/retrieve-cpu.ts', '--index', index, '--requests', '200', '--unique'],
  ],
  [`cold start to first retrieve (${index})`, ['eval/bench/cold-start.ts', '--index', index, '--runs', '3']],
  ...(full
    ? ([['ingest, synthetic 8.1M rows', ['eval/bench/ingest-synthetic.ts']]] as [string, string[]][])
    : []),
];
const results: Record<string, unknown> = {};
for (const [name, args] of benches) {
  process.stderr.write(`bench: ${name}\n`);
  const started = performance.now();
  const run = spawnSync('npx', ['tsx', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) {
    results[name] = { error: `exit ${run.status}`, seconds };
    continue;
  }
  const text = run.stdout.trim();
  const jsonStart = text.search(/^[{[]/m);
  results[name] = { seconds, result: jsonStart >= 0 ? JSON.parse(text.slice(jsonStart)) : text };
}
const report = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg(),
  },
  results,
};
mkdirSync('eval/reports', { recursive: true });
const path = `eval/reports/bench-${report.date.slice(0, 10)}.json`;
writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(report, null, 2));
process.stderr.write(`bench: report written to ${path}\n`);
