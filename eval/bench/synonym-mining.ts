/**
 * Mines the synonym table from a KG directory and prints what was kept, by source, with samples,
 * and what the acronym rules (`acronyms.ts`) kept and dropped over the same names;
 * with `--index DIR` it also rewrites DIR's `lookup/entries.json.gz` (an index built from the same
 * KG before synonyms existed) so that the linker uses them without a full re-ingest.
 *
 *   npx tsx eval/bench/synonym-mining.ts --kg ../shared/kg [--index /work/idx/copy] [--samples 10]
 */
import { parseArgs } from 'node:util';
import { ingestKg } from '../../src/kg/ingest.js';
import { lookupEntriesWithReport, writeLookupEntries } from '../../src/indexing/lookup-entries.js';
import { buildSurfaceIndex } from '../../src/linking/surface-index.js';

const { values } = parseArgs({
  options: {
    kg: { type: 'string', default: '../shared/kg' },
    index: { type: 'string' },
    samples: { type: 'string', default: '10' },
  },
});
const started = performance.now();
const { graph, payloads } = await ingestKg(values.kg);
const ingested = performance.now();
const { entries, synonyms } = lookupEntriesWithReport(graph, payloads);
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
const samples = Number(values.samples);
for (const [source, list] of bySource) {
  console.log(`\n## ${source} (${list.length})`);
  for (let position = 0; position < Math.min(samples, list.length); position++)
    console.log(`  ${list[Math.floor((position * list.length) / Math.min(samples, list.length))]}`);
}
if (values.index !== undefined) {
  await writeLookupEntries(values.index, graph, payloads);
  console.log(`\nwrote ${values.index}/lookup/entries.json.gz`);
}
