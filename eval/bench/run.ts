/**
 * `npm run bench`: the speed benchmarks, each in its own process (so peak memory is its own),
 * results gathered into eval/reports/bench-<date>.json. `--full` adds the 8.1M-row ingest
 * benchmark (about 2 minutes and 1 GB of temporary disk).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const full = process.argv.includes('--full');
const benches: [string, string[]][] = [
  ['service (demo index)', ['eval/bench/service.ts']],
  ['name lookup', ['eval/bench/name-lookup.ts']],
  ['entity linker (demo index)', ['eval/bench/entity-linker.ts']],
  ['vector store (20k × 1024)', ['eval/bench/store-ann.ts']],
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
  },
  results,
};
mkdirSync('eval/reports', { recursive: true });
const path = `eval/reports/bench-${report.date.slice(0, 10)}.json`;
writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(report, null, 2));
process.stderr.write(`bench: report written to ${path}\n`);
