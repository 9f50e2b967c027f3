/**
 * Name-lookup benchmark: build time and lookup / mention latency.
 *
 *   npx tsx eval/bench/name-lookup.ts [--entries 80000] [--aliases 150000] [--queries 2000]
 *   npx tsx eval/bench/name-lookup.ts --kg ../shared/kg     # real node names, UniProt aliases
 */
import { lookupEntries } from '../../src/indexing/lookup-entries.js';
import { ingestKg } from '../../src/kg/ingest.js';
import { createNameLookup, type NameEntry, type NameLookup } from '../../src/store/name-lookup.js';
import { createRandom } from '../../test/store/store-fixtures.js';
import { benchArgs } from './bench-args.js';

const syllables =
  'ab ac ad al am an ar as at ba be bi bo ca ce ci co da de di do ep er es et fa fe fi ga ge gi ha he hi id il im in ir is ka ke ki la le li lo ma me mi mo na ne ni no ob ol om on or os pa pe pi po ra re ri ro sa se si so ta te ti to ul um un ur va ve vi za ze zi'.split(
    ' ',
  );
const types = [
  'gene/protein',
  'drug',
  'disease',
  'effect/phenotype',
  'biological_process',
  'molecular_function',
];

export function syntheticEntries(count: number, aliasCount: number, seed = 1): NameEntry[] {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const word = () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(syllables)).join('');
  const entries: NameEntry[] = [];
  for (let index = 0; index < count; index++) {
    const type = pick(types);
    const words = Array.from({ length: 1 + Math.floor(random() * 4) }, word);
    const name =
      type === 'gene/protein' ? `${word().slice(0, 4).toUpperCase()}${index % 20}` : words.join(' ');
    entries.push({
      nodeIndex: index,
      type,
      name,
      id: `${type.slice(0, 3).toUpperCase()}:${index}`,
      aliases: [],
    });
  }
  for (let alias = 0; alias < aliasCount; alias++) {
    const entry = entries[Math.floor(random() * count)]!;
    entry.aliases.push(
      random() < 0.5 ? `P${String(alias).padStart(5, '0')}` : `${word()}-${word()} ${alias % 7}`,
    );
  }
  return entries;
}

/** The entries an index built from `directory` holds (the same code path as `biobridge ingest`). */
export async function kgEntries(directory: string): Promise<NameEntry[]> {
  const { graph, payloads } = await ingestKg(directory, { onError: 'skip' });
  return lookupEntries(graph, payloads);
}

interface Latency {
  /** CPU time per call: what the lookup costs, independent of other load on the machine. */
  cpuMeanMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

function measure(queries: readonly string[], run: (query: string) => unknown): Latency {
  const cpu = process.cpuUsage();
  const samples = queries.map((query) => {
    const started = performance.now();
    run(query);
    return performance.now() - started;
  });
  const cpuMeanMs = process.cpuUsage(cpu).user / 1000 / Math.max(1, samples.length);
  samples.sort((left, right) => left - right);
  const at = (fraction: number) =>
    samples[Math.min(samples.length - 1, Math.floor(fraction * samples.length))]!;
  return {
    cpuMeanMs,
    meanMs: samples.reduce((sum, value) => sum + value, 0) / samples.length,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    maxMs: samples[samples.length - 1]!,
  };
}

function typo(text: string, random: () => number): string {
  const position = 1 + Math.floor(random() * Math.max(1, text.length - 2));
  return text.slice(0, position) + text.slice(position + 1);
}

export function runLookupBench(entries: NameEntry[], queryCount: number) {
  const aliases = entries.reduce((sum, entry) => sum + entry.aliases.length, 0);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const buildCpu = process.cpuUsage();
  const index: NameLookup = createNameLookup(entries);
  const buildCpuMs = process.cpuUsage(buildCpu).user / 1000;
  const buildMs = performance.now() - started;
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

  const random = createRandom(5);
  const sample = Array.from({ length: queryCount }, () => entries[Math.floor(random() * entries.length)]!);
  const longNames = sample.filter((entry) => entry.name.length >= 8);
  const kinds = {
    exact: sample.map((entry) => entry.name),
    caseInsensitive: sample.map((entry) => entry.name.toUpperCase()),
    normalized: sample.map((entry) => entry.name.replace(/ /g, '-')),
    fuzzyTypo: longNames.map((entry) => typo(entry.name.toLowerCase(), random)),
    noMatch: sample.map((_, position) => `qqxv zzkw ${position}`),
  };
  const expectedName = new Map(longNames.map((entry, position) => [kinds.fuzzyTypo[position]!, entry.name]));
  let typoTop1 = 0;
  const latency = Object.fromEntries(
    Object.entries(kinds).map(([kind, queries]) => [
      kind,
      measure(queries, (query) => {
        const found = index.lookup(query);
        // Several nodes may share a name; any of them counts.
        if (kind === 'fuzzyTypo' && found[0]?.name === expectedName.get(query)) typoTop1++;
      }),
    ]),
  );
  const sentences = sample
    .slice(0, 500)
    .map(
      (entry, position) =>
        `What is the role of ${entry.name} in ${sample[(position + 1) % sample.length]!.name}?`,
    );
  const mentions = measure(sentences, (sentence) => index.findMentions(sentence));
  return {
    entries: entries.length,
    aliases,
    size: index.size,
    buildMs,
    buildCpuMs,
    heapMb,
    latency,
    fuzzyTypoTop1: typoTop1 / Math.max(1, kinds.fuzzyTypo.length),
    findMentions: mentions,
  };
}

async function main(): Promise<void> {
  const values = benchArgs({ entries: 80_000, aliases: 150_000, queries: 2000, kg: null });
  const entries = values.kg ? await kgEntries(values.kg) : syntheticEntries(values.entries, values.aliases);
  // First build warms the JIT; the second is the one reported.
  createNameLookup(entries.slice(0, 5000));
  const result = runLookupBench(entries, values.queries);
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const lines = [
    `${values.kg ? `KG ${values.kg}` : 'synthetic'}: ${result.entries} entries, ${result.aliases} aliases → ${result.size.surfaces} surfaces, ${result.size.keys} keys`,
    `build ${Math.round(result.buildMs)} ms wall, ${Math.round(result.buildCpuMs)} ms CPU, heap +${Math.round(result.heapMb)} MB`,
    ...Object.entries(result.latency).map(
      ([kind, summary]) =>
        `lookup ${kind.padEnd(16)} cpu ${round(summary.cpuMeanMs)} ms  wall mean ${round(summary.meanMs)}  p50 ${round(summary.p50Ms)}  p95 ${round(summary.p95Ms)}  max ${round(summary.maxMs)}`,
    ),
    `fuzzy typo queries whose top candidate has the intended name: ${round(result.fuzzyTypoTop1)}`,
    `findMentions (2 names/sentence) cpu ${round(result.findMentions.cpuMeanMs)} ms  wall mean ${round(result.findMentions.meanMs)}  p95 ${round(result.findMentions.p95Ms)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
