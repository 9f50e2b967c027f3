/**
 * Sends the same `/v1/retrieve` requests to this checkout's service and to another checkout's
 * (`--repo DIR`), in-process on one index with the response cache off, and counts the answers
 * that differ byte for byte (request ids of error bodies aside): a request-path speed-up must not
 * change a score or a ranking. The requests: the load test's SMILES, `--unique N` new molecules,
 * and KG drugs by name, each for proteins, diseases and both; plus `method: transfer`.
 *
 *   npx tsx eval/bench/retrieve-compare.ts --index DIR --repo /work/main [--unique 40]
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ConfigModule from '../../src/config/index.js';
import type * as ServicesModule from '../../src/services.js';
import { noopLogger } from '../../src/util/logger.js';
import { benchArgs } from './bench-args.js';
import { LOAD_TEST_SMILES, uniqueSmiles } from './load.js';

const DRUG_NAMES = ['Imatinib', 'Metformin', 'Gefitinib', 'Ibuprofen', 'Caffeine', 'Diazepam', 'Warfarin'];
const TARGETS = [['gene/protein'], ['disease'], ['gene/protein', 'disease']];

async function openService(repo: string, index: string) {
  const source = (path: string) => pathToFileURL(resolve(repo, 'src', path)).href;
  const { createServices } = (await import(source('services.ts'))) as typeof ServicesModule;
  const { loadConfig } = (await import(source('config/index.ts'))) as typeof ConfigModule;
  return createServices(
    loadConfig({ ...process.env, BIOBRIDGE_INDEX: index, BIOBRIDGE_RESPONSE_CACHE_MB: '0' }),
    noopLogger,
  );
}

export function comparisonRequests(unique: number): object[] {
  const requests: object[] = [];
  for (const targetTypes of TARGETS) {
    for (const smiles of LOAD_TEST_SMILES) requests.push({ smiles, targetTypes, k: 10 });
    for (let n = 0; n < unique; n++) requests.push({ smiles: uniqueSmiles(n * 37 + 5), targetTypes, k: 10 });
    for (const name of DRUG_NAMES) requests.push({ entity: { type: 'drug', name }, targetTypes, k: 10 });
  }
  for (let n = 0; n < 10; n++)
    requests.push({ smiles: uniqueSmiles(n * 11), targetTypes: ['gene/protein'], k: 25, method: 'transfer' });
  return requests;
}

export async function compareRetrieve(options: { index: string; repo: string; unique: number }) {
  const services = [await openService('.', options.index), await openService(options.repo, options.index)];
  try {
    const answer = async (service: (typeof services)[number], body: object) => {
      const response = await service.app.request('/v1/retrieve', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return `${response.status} ${(await response.text()).replace(/"requestId":"[^"]*"/, '')}`;
    };
    const differing: object[] = [];
    let answered = 0;
    const requests = comparisonRequests(options.unique);
    for (const body of requests) {
      const [ours, theirs] = [await answer(services[0]!, body), await answer(services[1]!, body)];
      if (ours.startsWith('200 ')) answered++;
      if (ours !== theirs) differing.push(body);
    }
    return {
      index: options.index,
      repo: resolve(options.repo),
      requests: requests.length,
      answered,
      differing,
    };
  } finally {
    await Promise.all(services.map((service) => service.close()));
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const values = benchArgs({ index: 'indexes/demo', repo: null, unique: 40 });
  if (!values.repo) throw new Error('--repo DIR: the checkout to compare with');
  const result = await compareRetrieve({ index: values.index, repo: values.repo, unique: values.unique });
  console.log(JSON.stringify(result, null, 2));
  if (result.differing.length > 0) process.exitCode = 1;
}
