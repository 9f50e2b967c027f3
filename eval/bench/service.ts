/**
 * Request latency of the service on an index (default: the bundled demo), in-process through
 * `app.request` so the numbers are the service's own (no network), with no LLM configured.
 *
 *   npx tsx eval/bench/service.ts [--index indexes/demo] [--requests 50]
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { createServices } from '../../src/services.js';
import { noopLogger } from '../../src/util/logger.js';
import { benchArgs } from './bench-args.js';

export interface LatencyStats {
  requests: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function stats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    requests: samples.length,
    meanMs: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: sorted[sorted.length - 1]!,
  };
}

const QUERIES = {
  'retrieve smiles → gene/protein (k=10)': {
    path: '/v1/retrieve',
    body: {
      smiles: 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1NC(=O)/C=C/CN1CCCCC1',
      targetTypes: ['gene/protein'],
      k: 10,
    },
  },
  'retrieve smiles → gene/protein, method transfer (k=10)': {
    path: '/v1/retrieve',
    body: {
      smiles: 'COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1NC(=O)/C=C/CN1CCCCC1',
      targetTypes: ['gene/protein'],
      k: 10,
      method: 'transfer',
    },
  },
  'retrieve protein entity → biological_process (k=10)': {
    path: '/v1/retrieve',
    body: { entity: { type: 'gene/protein', id: '1956' }, targetTypes: ['biological_process'], k: 10 },
  },
  'chat, evidence-only ("Which proteins does imatinib target?")': {
    path: '/v1/chat',
    body: { messages: [{ role: 'user', content: 'Which proteins does imatinib target?' }] },
  },
} as const;

export async function runServiceBench(indexPath: string, requests: number) {
  const startedLoad = performance.now();
  const services = await createServices(loadConfig({ BIOBRIDGE_INDEX: indexPath }), noopLogger);
  const loadMs = performance.now() - startedLoad;
  const results: Record<string, LatencyStats> = {};
  try {
    for (const [name, query] of Object.entries(QUERIES)) {
      const samples: number[] = [];
      for (let i = 0; i < requests + 3; i++) {
        const started = performance.now();
        const response = await services.app.request(query.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(query.body),
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${name}: HTTP ${response.status}`);
        if (i >= 3) samples.push(performance.now() - started); // the first calls warm caches
      }
      results[name] = stats(samples);
    }
  } finally {
    await services.close();
  }
  return { index: indexPath, startupMs: loadMs, rssMb: Math.round(process.memoryUsage().rss / 1e6), results };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const values = benchArgs({ index: 'indexes/demo', requests: 50 });
  console.log(JSON.stringify(await runServiceBench(values.index, values.requests), null, 2));
}
