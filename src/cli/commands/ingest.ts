import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { encoderConfigSchema } from '../../encoders/encoder-config.js';
import { loadObjectStorageConfig } from '../../config/object-storage.js';
import { buildIndex, type BuildIndexResult } from '../../indexing/build-index.js';
import { resolveLexiconPaths, type NameLexiconPaths } from '../../indexing/name-lexicons.js';
import {
  isRemoteIndexLocation,
  openIndexObjectStore,
  publishIndex,
  type PublishResult,
} from '../../indexing/remote-index.js';
import { summarizeIngestReport } from '../../kg/ingest-report.js';
import type { IngestOptions } from '../command-options.js';
import type { CommandContext } from '../command.js';
import { formatTable } from '../format-table.js';

export async function run(context: CommandContext<IngestOptions>): Promise<number> {
  const [kgDirectory = ''] = context.positionals;
  const { options } = context;
  // A bad store location or storage setting fails here, before any work.
  const remote = isRemoteIndexLocation(options.out)
    ? openIndexObjectStore(options.out, loadObjectStorageConfig(context.env))
    : undefined;
  const encoders = options.encoders ? await readEncoderConfig(options.encoders) : undefined;
  const nameLexicons = await resolveLexiconPaths({
    geneInfo: options['gene-info'],
    wordnet: options.wordnet,
  });
  context.logger.info('name vocabularies', {
    geneInfo: nameLexicons.geneInfo ?? 'none',
    wordnet: nameLexicons.wordnet ?? 'none',
  });
  warnMissingLexicons(context, options, nameLexicons);
  const build = (outDirectory: string, name?: string) =>
    buildIndex({
      kgDirectory,
      outDirectory,
      onError: options['on-error'],
      includeNonCommercial: options['include-noncommercial'],
      batchSize: options['batch-size'],
      logger: context.logger,
      signal: context.signal,
      progress: !context.quiet,
      encoders,
      name,
      nameLexicons,
    });
  let result: BuildIndexResult;
  let published: PublishResult | undefined;
  if (remote) {
    // Object storage gets a new immutable version: build locally, upload, move CURRENT.
    const staging = await mkdtemp(join(tmpdir(), 'biobridge-ingest-'));
    try {
      const name = options.out.replace(/\/+$/, '').split('/').pop() || 'index';
      result = await build(join(staging, 'index'), name);
      published = await publishIndex(remote, join(staging, 'index'), { logger: context.logger });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  } else {
    result = await build(options.out);
  }
  const { manifest } = result;
  const summary = {
    index: options.out,
    nodes: manifest.nodes,
    edges: manifest.edges.total,
    coverage: manifest.coverage,
    encoders: manifest.encoders,
    malformedRows: result.ingest.malformedRows,
    duplicatesRemoved: result.ingest.edges.duplicatesRemoved,
    unknownNodeTypes: result.ingest.unknownNodeTypes,
    unknownRelations: result.ingest.unknownRelations,
    encodeFailures: result.encodeFailures,
    bridge: result.bridge ?? null,
    ligands: result.ligands,
    durationMs: result.durationMs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    published: published ?? null,
  };
  if (options.json) {
    context.print(JSON.stringify(summary, null, 2) + '\n');
    return 0;
  }
  context.print(summarizeIngestReport(result.ingest).join('\n') + '\n\n');
  const rows = Object.entries(manifest.coverage).map(([type, coverage]) => [
    type,
    coverage.total,
    coverage.withPayload,
    coverage.encoded,
    coverage.failed,
    manifest.encoders[type]?.kind ?? 'name only',
  ]);
  context.print(formatTable(['type', 'nodes', 'with payload', 'encoded', 'failed', 'encoder'], rows));
  for (const failure of result.encodeFailures.slice(0, 10))
    context.print(`  encode failure: ${failure.type} ${failure.nodeId}: ${failure.message}\n`);
  if (result.bridge?.kept)
    context.print(`\ntrained bridge kept and the new index projected with it (${result.bridge.bridgeId})\n`);
  else if (result.bridge) context.print(`\ntrained bridge not kept: ${result.bridge.reason}\n`);
  if (published)
    context.print(
      `\npublished version ${published.pointer.version} to ${published.location} (${published.files} files, ${(published.bytes / 1e6).toFixed(1)} MB, ${(published.durationMs / 1000).toFixed(1)} s)\n`,
    );
  context.print(
    `\nindex written to ${options.out} in ${(result.durationMs.total / 1000).toFixed(1)} s ` +
      `(ingest ${(result.durationMs.ingest / 1000).toFixed(1)} s, encoders ${(result.durationMs.encoders / 1000).toFixed(1)} s, ` +
      `tables ${(result.durationMs.tables / 1000).toFixed(1)} s, of which ligand fingerprints ${(result.durationMs.ligands / 1000).toFixed(1)} s ` +
      `for ${result.ligands.molecules} drugs, ${result.ligands.skipped} unparsable), peak RSS ${summary.peakRssMb} MB\n`,
  );
  return 0;
}

async function readEncoderConfig(path: string) {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `--encoders ${path}: cannot read a JSON object from the file`,
      cause: error,
      details: { file: path },
    });
  }
  const parsed = encoderConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError({
      code: 'BAD_REQUEST',
      message: `--encoders ${path}: invalid encoder configuration:\n${z.prettifyError(parsed.error)}`,
      details: { file: path },
    });
  return parsed.data;
}

/**
 * `auto` found no vocabulary: say what the index will lack and how to get it, since linking by
 * gene full name or lay disease name depends on it and nothing else would tell the user.
 */
function warnMissingLexicons(
  context: CommandContext<IngestOptions>,
  requested: { 'gene-info': string; wordnet: string },
  found: NameLexiconPaths,
): void {
  const missing = [
    requested['gene-info'] === 'auto' && found.geneInfo === undefined
      ? 'gene full names and alias symbols (r-bioc-org.hs.eg.db)'
      : undefined,
    requested.wordnet === 'auto' && found.wordnet === undefined
      ? 'lay names and eponyms (wordnet-base)'
      : undefined,
  ].filter((name) => name !== undefined);
  if (missing.length > 0)
    context.logger.warn('name vocabularies not installed; the index will not link these names', {
      missing,
      install: 'see README "Names from outside the KG"',
    });
}
