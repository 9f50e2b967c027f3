/**
 * The speed regression check CI runs (`.ci/run`): on the demo index, compares RATIOS measured side
 * by side in one run (never absolute times, which depend on the machine and its load), with
 * generous bounds, and exits 1 naming each bound that fails. About a minute on 2 cores.
 *
 *   npx tsx eval/bench/check-ratios.ts [--index indexes/demo]
 */
import { loadavg } from 'node:os';
import { runAnchors } from './anchors.js';
import { runLoadTest } from './load.js';
import { measureRetrieveCpu } from './retrieve-cpu.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({ index: 'indexes/demo' });
const anchors = await runAnchors({ index: values.index, seconds: 0.3 });
const load = await runLoadTest({ index: values.index, levels: [1, 8], seconds: 2 });
const [one, eight] = load.levels as [(typeof load.levels)[0], (typeof load.levels)[0]];
// In-process CPU per request: new molecules (computed) against repeated ones (the response cache).
const repeated = await measureRetrieveCpu({ index: values.index, requests: 60, unique: false });
const unique = await measureRetrieveCpu({ index: values.index, requests: 60, unique: true });

// Each bound is far from what the 2-core VM measures, so only a real regression trips it.
const checks: { name: string; value: number; atLeast: number }[] = [
  ...Object.entries(anchors.bridgeRatio).map(([batch, value]) => ({
    name: `bridge: torch eager / onnxruntime at batch ${batch}`,
    value,
    atLeast: 0.5,
  })),
  ...Object.entries(anchors.bridgeRatioInt8 ?? {}).map(([batch, value]) => ({
    name: `bridge int8: torch eager / onnxruntime at batch ${batch}`,
    value,
    atLeast: 0.5,
  })),
  { name: 'top-k: torch brute force / in-memory search', value: anchors.topkRatioTorch, atLeast: 0.02 },
  {
    name: '/v1/retrieve throughput: 8 concurrent / 1 concurrent',
    value: eight.throughputPerSecond / one.throughputPerSecond,
    atLeast: 0.7,
  },
  {
    name: '/v1/retrieve CPU per request: new molecules / repeated ones (response cache)',
    value: unique.cpuMsPerRequest / repeated.cpuMsPerRequest,
    atLeast: 2,
  },
  {
    name: '/v1/retrieve: requests answered without error (share)',
    value:
      1 -
      (one.errors + eight.errors) / Math.max(1, one.requests + eight.requests + one.errors + eight.errors),
    atLeast: 1,
  },
];
const failed = checks.filter((check) => !(check.value >= check.atLeast));
console.log(JSON.stringify({ loadAverage: loadavg()[0], checks, anchors, load, repeated, unique }, null, 2));
for (const check of failed)
  process.stderr.write(
    `speed regression: ${check.name} = ${check.value.toFixed(3)}, expected ≥ ${check.atLeast}\n`,
  );
process.exitCode = failed.length ? 1 : 0;
