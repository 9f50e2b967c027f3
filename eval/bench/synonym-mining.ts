/**
 * Mines the synonym table from a KG directory and prints what was kept, by source, with samples,
 * and what the acronym rules (`acronyms.ts`) kept and dropped over the same names;
 * with `--index DIR` it also rewrites DIR's `lookup/entries.json.gz` (an index built from the same
 * KG before synonyms existed) so that the linker uses them without a full re-ingest.
 *
 *   npx tsx eval/bench/synonym-mining.ts --kg ../shared/kg [--index /work/idx/copy] [--samples 10]
 *     [--gene-info auto|none|FILE] [--wordnet auto|none|DIR] [--sample-out FILE --sample-n 50 --seed 7]
 *
 * `--gene-info` / `--wordnet` add the optional name vocabularies (`src/indexing/name-lexicons.ts`,
 * default: none here, so the table matches an index built before them); `--sample-out` writes a
 * seeded random sample of the names of the given `--sample-source` prefix for judging by hand.
 */
import { ingestKg } from '../../src/kg/ingest.js';
import { lookupEntriesWithReport, writeLookupEntries } from '../../src/indexing/lookup-entries.js';
import { loadNameLexicons, resolveLexiconPaths } from '../../src/indexing/name-lexicons.js';
import { buildSurfaceIndex } from '../../src/linking/surface-index.js';
import { benchArgs } from './bench-args.js';

const values = benchArgs({
  kg: '../shared/kg',
  index: null,
  samples: 10,
  'gene-info': 'none',
  wordnet: 'none',
  'sample-out': null,
  'sample-source': 'wordnet:',
  'sample-n': 50,
  seed: 7,
});
const started = performance.now();
const { graph, payloads } = await ingestKg(values.kg);
const lexiconPaths = await resolveLexiconPaths({ geneInfo: values['gene-info'], wordnet: values.wordnet });
const lexicons = await loadNameLexicons(lexiconPaths);
console.log(JSON.stringify({ lexicons: lexiconPaths }));
const ingested = performance.now();
const { entries, synonyms } = lookupEntriesWithReport(graph, payloads, lexicons);
const mined = performance.now();
console.log(
  JSON.stringify(
    {
      ...synonyms,
      ingestSeconds: Math.round((ingested - started) / 100) / 10,
      miningSeconds: Math.round((mined - ingested) / 100) / 10,
    },
    null,
    2,
  ),
);
// Acronyms generated from names, with KG degree as prominence as the service builds them.
const surfaces = buildSurfaceIndex(entries, (node) => graph.degree(node));
console.log(JSON.stringify({ generatedAcronyms: surfaces.acronymCounts }));
const bySource = new Map<string, string[]>();
for (const entry of entries)
  for (const synonym of entry.synonyms ?? []) {
    const list = bySource.get(synonym.source) ?? [];
    list.push(`${synonym.text} → ${entry.name} (${entry.type})`);
    bySource.set(synonym.source, list);
  }
const samples = values.samples;
for (const [source, list] of bySource) {
  console.log(`\n## ${source} (${list.length})`);
  for (let position = 0; position < Math.min(samples, list.length); position++)
    console.log(`  ${list[Math.floor((position * list.length) / Math.min(samples, list.length))]}`);
}
if (values['sample-out'] !== undefined) {
  const pool = [...bySource]
    .filter(([source]) => source.startsWith(values['sample-source']))
    .flatMap(([source, list]) => list.map((line) => `${source}\t${line}`));
  // Seeded Fisher–Yates (mulberry32), so the judged sample can be drawn again.
  let state = values.seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let position = pool.length - 1; position > 0; position--) {
    const other = Math.floor(random() * (position + 1));
    [pool[position], pool[other]] = [pool[other]!, pool[position]!];
  }
  const { writeFile } = await import('node:fs/promises');
  await writeFile(values['sample-out'], pool.slice(0, values['sample-n']).join('\n') + '\n');
  console.log(
    `\nwrote ${values['sample-out']} (${Math.min(pool.length, values['sample-n'])} of ${pool.length})`,
  );
}
if (values.index !== undefined) {
  await writeLookupEntries(values.index, graph, payloads, lexicons);
  console.log(`\nwrote ${values.index}/lookup/entries.json.gz`);
}
