/**
 * Builds the bundled demo KG in data/demo/ from the curated seed tables (data/demo/seed/) and
 * three Debian packages (GO.db, org.Hs.eg.db, metastudent-data). Re-runnable: downloads are
 * cached and hash-checked, and the outputs are byte-identical for the same inputs.
 *
 *   npx tsx scripts/demo/build-data.ts [--cache-dir data/.cache/demo] [--out-dir data/demo]
 *
 * Needs apt-get (Debian bookworm sources), dpkg-deb, sqlite3 and blastdbcmd (ncbi-blast+).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../src/util/atomic.js';
import { createLogger, type Logger } from '../../src/util/logger.js';
import { readGenes, readGoAnnotations, readGoIsA, readGoTerms } from './annotations.js';
import { assembleDemoKg, type DemoKg } from './assemble.js';
import {
  DEMO_PACKAGES,
  GO_SQLITE,
  METASTUDENT_DATASET,
  ORG_HS_EG_SQLITE,
  checkRequiredTools,
  fetchDebianPackage,
  prepareCacheDirectory,
} from './debian-packages.js';
import { readSeed, seedGeneSymbols } from './seed.js';
import { computeStats, renderStatsMarkdown, type DemoKgStats } from './stats.js';
import { readSwissProtSequences } from './swissprot.js';
import { writeDemoKg } from './write-output.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface BuildDemoDataOptions {
  cacheDirectory: string;
  outputDirectory: string;
  seedDirectory: string;
  logger: Logger;
}

export interface BuildDemoDataResult {
  kg: DemoKg;
  stats: DemoKgStats;
}

export async function buildDemoData(options: BuildDemoDataOptions): Promise<BuildDemoDataResult> {
  const { logger } = options;
  await checkRequiredTools();
  const seed = await readSeed(options.seedDirectory);
  logger.info('read seed', { drugs: seed.drugs.length, diseases: seed.diseases.length });

  await prepareCacheDirectory(options.cacheDirectory);
  const goDb = await fetchDebianPackage(DEMO_PACKAGES.goDb, options.cacheDirectory, logger);
  const orgDb = await fetchDebianPackage(DEMO_PACKAGES.orgHsEgDb, options.cacheDirectory, logger);
  const metastudent = await fetchDebianPackage(DEMO_PACKAGES.metastudentData, options.cacheDirectory, logger);
  const goSqlite = join(goDb.root, GO_SQLITE);
  const orgSqlite = join(orgDb.root, ORG_HS_EG_SQLITE);

  const genes = await readGenes(orgSqlite, seedGeneSymbols(seed));
  const entrezIds = [...genes.values()].map((gene) => gene.entrezId);
  const goAnnotations = await readGoAnnotations(orgSqlite, entrezIds);
  const goIds = [...new Set(goAnnotations.map((annotation) => annotation.goId))].sort();
  const goTerms = await readGoTerms(goSqlite, goIds);
  const goIsA = await readGoIsA(goSqlite, [...goTerms.keys()]);
  logger.info('read annotations', {
    genes: genes.size,
    goAnnotations: goAnnotations.length,
    goTerms: goTerms.size,
    isA: goIsA.length,
  });

  const wanted = new Set([...genes.values()].flatMap((gene) => gene.uniprotAccessions));
  logger.info('reading Swiss-Prot sequences (streams ~1.3 M records)', { accessions: wanted.size });
  const sequences = await readSwissProtSequences(join(metastudent.root, METASTUDENT_DATASET), wanted);

  const kg = assembleDemoKg({ seed, genes, sequences, goAnnotations, goTerms, goIsA });
  const files = await writeDemoKg(options.outputDirectory, kg);
  const stats = computeStats(kg);
  await writeFileAtomic(
    join(options.outputDirectory, 'stats.md'),
    renderStatsMarkdown(stats, kg, files, Object.values(DEMO_PACKAGES)),
  );
  return { kg, stats };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'cache-dir': { type: 'string', default: join(repoRoot, 'data/.cache/demo') },
      'out-dir': { type: 'string', default: join(repoRoot, 'data/demo') },
      'seed-dir': { type: 'string' },
    },
  });
  const outputDirectory = resolve(values['out-dir']);
  const logger = createLogger();
  const started = performance.now();
  const { kg, stats } = await buildDemoData({
    cacheDirectory: resolve(values['cache-dir']),
    outputDirectory,
    seedDirectory: resolve(values['seed-dir'] ?? join(repoRoot, 'data/demo/seed')),
    logger,
  });
  logger.info('built demo KG', {
    out: outputDirectory,
    nodes: stats.totalNodes,
    edges: stats.totalPairs,
    byType: Object.fromEntries(stats.nodesByType.map((row) => [row.type, row.nodes])),
    genesWithoutSequence: kg.report.genesWithoutSequence,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
