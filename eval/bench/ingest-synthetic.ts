/**
 * KG ingestion benchmark on a synthetic PrimeKG-sized graph: streams out a `kg.csv` of 8.1M
 * directed rows (~1.1 GB; 129,375 nodes in PrimeKG's 10 types, PrimeKG's relation mix, long and
 * quoted names) plus `nodes.csv`, then runs `ingestKg` on it in a child process so that peak RSS
 * (`process.resourceUsage().maxRSS`, KB) is the ingest's own. Prints one JSON object on stdout.
 * Target: peak RSS ≤ 2 GB (2,097,152 KB).
 *
 *   npx tsx eval/bench/ingest-synthetic.ts [--rows 8100000] [--seed 1] [--keep] [--dir DIR]
 *   npx tsx eval/bench/ingest-synthetic.ts --source ../shared/kg     # time a real KG directory
 *   … --compare     # also ingest with every row through zod (the old path) and print the ratios
 *
 * `--dir` writes the synthetic KG there (and keeps it); `--source` skips generation.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestKg } from '../../src/kg/ingest.js';
import { createProgress, formatCount } from '../../src/util/progress.js';
import { benchArgs } from './bench-args.js';

/** PrimeKG node counts per type (129,375 in all). */
export const PRIMEKG_NODE_TYPES = [
  { type: 'anatomy', count: 14_035, source: 'UBERON', idPrefix: 'UBERON:' },
  { type: 'biological_process', count: 28_642, source: 'GO', idPrefix: 'GO:' },
  { type: 'cellular_component', count: 4_176, source: 'GO', idPrefix: 'GO:' },
  { type: 'disease', count: 17_080, source: 'MONDO', idPrefix: 'MONDO:' },
  { type: 'drug', count: 7_957, source: 'DrugBank', idPrefix: 'DB' },
  { type: 'effect/phenotype', count: 15_311, source: 'HPO', idPrefix: 'HP:' },
  { type: 'exposure', count: 818, source: 'CTD', idPrefix: 'D' },
  { type: 'gene/protein', count: 27_671, source: 'NCBI', idPrefix: '' },
  { type: 'molecular_function', count: 11_169, source: 'GO', idPrefix: 'GO:' },
  { type: 'pathway', count: 2_516, source: 'REACTOME', idPrefix: 'R-HSA-' },
] as const;

/** PrimeKG's directed row counts per edge kind (8,100,498 rows); each pair is written both ways. */
export const PRIMEKG_RELATIONS: [relation: string, display: string, x: string, y: string, rows: number][] = [
  ['anatomy_protein_present', 'expression present', 'anatomy', 'gene/protein', 3_036_406],
  ['drug_drug', 'synergistic interaction', 'drug', 'drug', 2_672_628],
  ['protein_protein', 'ppi', 'gene/protein', 'gene/protein', 642_150],
  ['disease_phenotype_positive', 'phenotype present', 'disease', 'effect/phenotype', 300_634],
  ['bioprocess_protein', 'interacts with', 'biological_process', 'gene/protein', 289_610],
  ['cellcomp_protein', 'interacts with', 'cellular_component', 'gene/protein', 166_804],
  ['disease_protein', 'associated with', 'disease', 'gene/protein', 160_822],
  ['molfunc_protein', 'interacts with', 'molecular_function', 'gene/protein', 139_060],
  ['drug_effect', 'side effect', 'drug', 'effect/phenotype', 129_568],
  ['bioprocess_bioprocess', 'parent-child', 'biological_process', 'biological_process', 105_772],
  ['pathway_protein', 'interacts with', 'pathway', 'gene/protein', 85_292],
  ['disease_disease', 'parent-child', 'disease', 'disease', 64_388],
  ['contraindication', 'contraindication', 'drug', 'disease', 61_350],
  ['drug_protein', 'target', 'drug', 'gene/protein', 32_760],
  ['drug_protein', 'enzyme', 'drug', 'gene/protein', 10_634],
  ['drug_protein', 'transporter', 'drug', 'gene/protein', 6_184],
  ['drug_protein', 'carrier', 'drug', 'gene/protein', 1_728],
  ['anatomy_protein_absent', 'expression absent', 'anatomy', 'gene/protein', 39_774],
  ['phenotype_phenotype', 'parent-child', 'effect/phenotype', 'effect/phenotype', 37_472],
  ['anatomy_anatomy', 'parent-child', 'anatomy', 'anatomy', 28_064],
  ['molfunc_molfunc', 'parent-child', 'molecular_function', 'molecular_function', 27_148],
  ['indication', 'indication', 'drug', 'disease', 18_776],
  ['cellcomp_cellcomp', 'parent-child', 'cellular_component', 'cellular_component', 9_690],
  ['phenotype_protein', 'associated with', 'effect/phenotype', 'gene/protein', 6_660],
  ['off-label use', 'off-label use', 'drug', 'disease', 5_136],
  ['pathway_pathway', 'parent-child', 'pathway', 'pathway', 5_070],
  ['exposure_disease', 'linked to', 'exposure', 'disease', 4_608],
  ['exposure_exposure', 'parent-child', 'exposure', 'exposure', 4_140],
  ['exposure_bioprocess', 'interacts with', 'exposure', 'biological_process', 3_250],
  ['exposure_protein', 'interacts with', 'exposure', 'gene/protein', 2_424],
  ['disease_phenotype_negative', 'phenotype absent', 'disease', 'effect/phenotype', 2_386],
  ['exposure_molfunc', 'interacts with', 'exposure', 'molecular_function', 90],
  ['exposure_cellcomp', 'interacts with', 'exposure', 'cellular_component', 20],
];

const EDGE_HEADER =
  'relation,display_relation,x_index,x_id,x_type,x_name,x_source,y_index,y_id,y_type,y_name,y_source\n';
const WORDS = (
  'alpha beta gamma receptor kinase protein binding activity regulation negative positive process ' +
  'membrane complex transport syndrome disease type deficiency carcinoma of the cell signaling pathway ' +
  'mitochondrial nuclear cytoplasmic factor inhibitor acid metabolic chronic acute familial congenital'
).split(' ');

export interface GeneratedKg {
  directory: string;
  rows: number;
  nodes: number;
  kgBytes: number;
  nodesBytes: number;
  seconds: number;
}

/** Writes nodes.csv and kg.csv into `directory`, streaming rows out in ~1 MB writes. */
export async function generateSyntheticKg(
  directory: string,
  rows: number,
  seed: number,
): Promise<GeneratedKg> {
  const started = performance.now();
  await mkdir(directory, { recursive: true });
  const random = createRandom(seed);
  const segments: string[] = [];
  const ranges = new Map<string, { start: number; count: number }>();
  const nodesOut = createWriteStream(join(directory, 'nodes.csv'));
  await write(nodesOut, 'node_index,node_id,node_type,node_name,node_source\n');
  let buffer = '';
  for (const { type, count, source, idPrefix } of PRIMEKG_NODE_TYPES) {
    ranges.set(type, { start: segments.length, count });
    for (let offset = 0; offset < count; offset++) {
      const index = segments.length;
      const id = `${idPrefix}${offset + 1}`;
      const name = csvField(syntheticName(type, random));
      segments.push(`${index},${id},${type},${name},${source}`);
      buffer += `${index},${id},${type},${name},${source}\n`;
      if (buffer.length > 1 << 20) {
        await write(nodesOut, buffer);
        buffer = '';
      }
    }
  }
  await write(nodesOut, buffer);
  await close(nodesOut);

  const total = PRIMEKG_RELATIONS.reduce((sum, relation) => sum + relation[4], 0);
  const kgOut = createWriteStream(join(directory, 'kg.csv'));
  await write(kgOut, EDGE_HEADER);
  buffer = '';
  let written = 0;
  for (const [relation, display, xType, yType, count] of PRIMEKG_RELATIONS) {
    const pairs = Math.max(1, Math.round(((count / total) * rows) / 2));
    const xRange = ranges.get(xType)!;
    const yRange = ranges.get(yType)!;
    for (let pair = 0; pair < pairs && written < rows; pair++) {
      const x = segments[xRange.start + Math.floor(random() * xRange.count)]!;
      let y = segments[yRange.start + Math.floor(random() * yRange.count)]!;
      if (y === x)
        y = segments[yRange.start + ((Math.floor(random() * (yRange.count - 1)) + 1) % yRange.count)]!;
      buffer += `${relation},${display},${x},${y}\n`;
      written++;
      if (written < rows) {
        buffer += `${relation},${display},${y},${x}\n`;
        written++;
      }
      if (buffer.length > 1 << 20) {
        await write(kgOut, buffer);
        buffer = '';
      }
    }
  }
  await write(kgOut, buffer);
  await close(kgOut);
  return {
    directory,
    rows: written,
    nodes: segments.length,
    kgBytes: (await stat(join(directory, 'kg.csv'))).size,
    nodesBytes: (await stat(join(directory, 'nodes.csv'))).size,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Name lengths roughly as in PrimeKG: gene symbols and drug names are short, a fifth of the other
 * names run to several words and a few to long descriptions; about one in ten needs quoting.
 */
function syntheticName(type: string, random: () => number): string {
  if (type === 'gene/protein') return randomSymbol(random, 3 + Math.floor(random() * 5));
  const parts: string[] = [];
  if (type === 'drug') parts.push(capitalise(WORDS[Math.floor(random() * WORDS.length)]!) + 'ine');
  else {
    const draw = random();
    const words =
      draw < 0.8
        ? 1 + Math.floor(random() * 2)
        : draw < 0.97
          ? 3 + Math.floor(random() * 6)
          : 10 + Math.floor(random() * 16);
    for (let word = 0; word < words; word++) parts.push(WORDS[Math.floor(random() * WORDS.length)]!);
  }
  let name = parts.join(' ');
  const decoration = random();
  if (decoration < 0.06) name = `${name}, ${WORDS[Math.floor(random() * WORDS.length)]}`;
  else if (decoration < 0.08) name = `${name} "type ${Math.floor(random() * 9) + 1}"`;
  else if (decoration < 0.09) name = `${name}, 5'-nucleotidase (${Math.floor(random() * 99)})`;
  return name;
}

function randomSymbol(random: () => number, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let symbol = '';
  for (let index = 0; index < length; index++)
    symbol += alphabet[Math.floor(random() * (index === 0 ? 26 : 36))];
  return symbol;
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function createRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function write(stream: WriteStream, chunk: string): Promise<void> {
  return new Promise((resolveWrite, reject) => {
    const flushed = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (flushed) resolveWrite();
    else stream.once('drain', resolveWrite);
  });
}

function close(stream: WriteStream): Promise<void> {
  return new Promise((resolveClose, reject) => {
    stream.once('error', reject);
    stream.end(() => resolveClose());
  });
}

interface IngestMeasurement {
  directory: string;
  seconds: number;
  rowsRead: number;
  rowsPerSecond: number;
  edgesKept: number;
  duplicatesRemoved: number;
  malformedRows: number;
  nodes: number;
  peakRssKb: number;
  heapUsedMb: number;
}

/** Runs in the child process: ingest only, so maxRSS is the ingest's. */
async function measureIngest(
  directory: string,
  includeNonCommercial: boolean,
  zodOnly: boolean,
): Promise<IngestMeasurement> {
  const started = performance.now();
  const { graph, report } = await ingestKg(directory, {
    onError: 'skip',
    includeNonCommercial,
    fastPathMinBytes: zodOnly ? Number.POSITIVE_INFINITY : undefined,
    progress: (total, rowsRead) =>
      createProgress({
        label: zodOnly ? 'ingest (zod only)' : 'ingest',
        total,
        unit: 'B',
        intervalMs: 10_000,
        detail: (seconds) => `${formatCount(rowsRead() / seconds)} rows/s`,
      }),
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    directory,
    seconds: round(seconds),
    rowsRead: report.edges.rowsRead,
    rowsPerSecond: Math.round(report.edges.rowsRead / seconds),
    edgesKept: report.edges.kept,
    duplicatesRemoved: report.edges.duplicatesRemoved,
    malformedRows: report.malformedRows,
    nodes: graph.nodeCount,
    peakRssKb: process.resourceUsage().maxRSS,
    heapUsedMb: round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}

function ingestInChild(
  directory: string,
  includeNonCommercial: boolean,
  zodOnly = false,
): Promise<IngestMeasurement> {
  const script = fileURLToPath(import.meta.url);
  const loader = process.execArgv.length > 0 ? process.execArgv : ['--import', 'tsx'];
  const args = [
    ...loader,
    script,
    '--ingest-only',
    directory,
    ...(includeNonCommercial ? ['--non-commercial'] : []),
    ...(zodOnly ? ['--zod-only'] : []),
  ];
  return new Promise((resolveChild, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`ingest child exited with code ${code}`));
      else resolveChild(JSON.parse(output) as IngestMeasurement);
    });
  });
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * `--compare`: the same ingest with every row through zod (the path before the hand-written kg.csv
 * check), right after the fast one on the same machine, and the ratios (the robust figures on a
 * shared machine).
 */
async function compareWithZodOnly(directory: string, fast: IngestMeasurement) {
  const zod = await ingestInChild(directory, false, true);
  return {
    ingest: zod,
    speedup: round(zod.seconds / fast.seconds),
    rssRatio: round(fast.peakRssKb / zod.peakRssKb),
  };
}

async function main(): Promise<void> {
  const values = benchArgs({
    rows: 8_100_000,
    seed: 1,
    keep: false,
    dir: null,
    source: null,
    'non-commercial': false,
    'ingest-only': null,
    'zod-only': false,
    compare: false,
  });
  const includeNonCommercial = values['non-commercial'];
  if (values['ingest-only'] !== undefined) {
    process.stdout.write(
      `${JSON.stringify(await measureIngest(values['ingest-only'], includeNonCommercial, values['zod-only']))}\n`,
    );
    return;
  }
  if (values.source !== undefined) {
    const ingest = await ingestInChild(resolve(values.source), includeNonCommercial);
    const zodOnly = values.compare ? await compareWithZodOnly(resolve(values.source), ingest) : undefined;
    process.stdout.write(
      `${JSON.stringify({ benchmark: 'ingest-directory', ingest, zodOnly, target: targetCheck(ingest) }, null, 2)}\n`,
    );
    return;
  }
  const rows = values.rows;
  if (!Number.isInteger(rows) || rows < 2)
    throw new Error(`--rows must be an integer ≥ 2, got ${values.rows}`);
  const keep = values.keep || values.dir !== undefined;
  const directory = values.dir
    ? resolve(values.dir)
    : await mkdtemp(join(tmpdir(), 'biobridge-ingest-bench-'));
  try {
    process.stderr.write(`generating ${rows} rows in ${directory}\n`);
    const generated = await generateSyntheticKg(directory, rows, values.seed);
    process.stderr.write(
      `generated ${(generated.kgBytes / 1e9).toFixed(2)} GB in ${generated.seconds.toFixed(1)} s\n`,
    );
    const ingest = await ingestInChild(directory, false);
    const zodOnly = values.compare ? await compareWithZodOnly(directory, ingest) : undefined;
    const result = {
      benchmark: 'ingest-synthetic',
      generated: { ...generated, seconds: round(generated.seconds), kept: keep },
      ingest,
      megabytesPerSecond: round(generated.kgBytes / 1e6 / ingest.seconds),
      zodOnly,
      target: targetCheck(ingest),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (!keep) await rm(directory, { recursive: true, force: true });
  }
}

function targetCheck(ingest: IngestMeasurement) {
  const limitKb = 2 * 1024 * 1024;
  return { peakRssLimitKb: limitKb, withinTarget: ingest.peakRssKb <= limitKb };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
