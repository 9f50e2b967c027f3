import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadRDKit } from '../chem/rdkit.js';
import { createEncoders, textCorpusNodeTypes, type EncoderSet } from '../encoders/create-encoder.js';
import { resolveEncoderConfig, type EncoderConfigInput } from '../encoders/encoder-config.js';
import type { Encoder } from '../encoders/encoder.js';
import { writeGraph, type KgGraph } from '../kg/graph.js';
import { KgFacts, writeKgFacts } from '../kg/kg-facts.js';
import { ingestKg, type IngestResult } from '../kg/ingest.js';
import type { OnRowError } from '../kg/csv-reader.js';
import type { NodePayloads } from '../kg/payloads.js';
import { createLanceStoreWriter, type LanceStoreWriterOptions } from '../store/lancedb-store.js';
import type { NodeRow } from '../store/vector-store.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { createProgress, formatCount, noopProgress, type Progress } from '../util/progress.js';
import { carryBridgeOver, type BridgeCarryOver } from './carry-bridge.js';
import { writeIndexVectorFiles } from './index-vector-files.js';
import { buildInPlace, inspectOutput, publishIndexVersion, removeStaleBuilds } from './index-location.js';
import { writeLookupEntries } from './lookup-entries.js';
import { loadNameLexicons, type NameLexiconPaths } from './name-lexicons.js';
import { structureKeysFromPayloads, writeStructureKeys } from '../retrieval/structure-keys.js';
import { writeLigandFingerprints } from '../retrieval/ligand-fingerprints.js';
import {
  INDEX_FORMAT_VERSION,
  indexLayout,
  readManifest,
  writeManifest,
  type Coverage,
  type EncoderRef,
  type IndexManifest,
} from './manifest.js';
import { payloadKindOf, payloadOf } from './node-payload.js';

export interface BuildIndexOptions {
  kgDirectory: string;
  outDirectory: string;
  /** Index name in the manifest (default: the out directory's base name). */
  name?: string | undefined;
  onError?: OnRowError | undefined;
  includeNonCommercial?: boolean | undefined;
  /** Node type → encoder overrides over the defaults (see `DEFAULT_ENCODER_CONFIG`). */
  encoders?: EncoderConfigInput | undefined;
  /** Nodes encoded per batch. */
  batchSize?: number | undefined;
  logger?: Logger | undefined;
  /** Show progress bars / lines on stderr (default true). */
  progress?: boolean | undefined;
  store?: LanceStoreWriterOptions | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Write the files straight into `outDirectory` (absent or empty) instead of publishing a linked
   * version beside it: for callers that build inside a staging directory of their own.
   */
  inPlace?: boolean | undefined;
  /** Name vocabularies outside the KG to mine synonyms from (`name-lexicons.ts`); none by default. */
  nameLexicons?: NameLexiconPaths | undefined;
}

export interface BuildIndexResult {
  manifest: IndexManifest;
  ingest: IngestResult['report'];
  encodeFailures: { type: string; nodeId: string; message: string }[];
  /** What became of the replaced index's trained bridge; absent when it had none. */
  bridge?: BridgeCarryOver | undefined;
  /** Drugs fingerprinted into `<index>/ligands/` (ligand similarity), and those RDKit could not parse. */
  ligands: { molecules: number; skipped: number };
  /** `tables` includes `ligands`, the time spent fingerprinting the drugs. */
  durationMs: { ingest: number; encoders: number; tables: number; ligands: number; total: number };
}

/** Failures kept verbatim in the result; every failure is counted in the coverage. */
const MAX_FAILURES_KEPT = 50;

/**
 * Builds an index directory from a PrimeKG-format KG: ingest → fit/create encoders → encode every
 * node → LanceDB tables + graph + lookup entries + manifest. The directory is built aside and
 * swapped in at the end, so a crash leaves the previous index untouched.
 */
export async function buildIndex(options: BuildIndexOptions): Promise<BuildIndexResult> {
  const logger = options.logger ?? noopLogger;
  const showProgress = options.progress ?? true;
  const started = performance.now();

  // Before any work: refuse an --out that is not ours, and clear what killed builds left there.
  await removeStaleBuilds(options.outDirectory, logger);
  const output = await inspectOutput(options.outDirectory);

  logger.info('reading KG', { directory: options.kgDirectory });
  const ingested = await ingestKg(options.kgDirectory, {
    onError: options.onError ?? 'fail',
    includeNonCommercial: options.includeNonCommercial ?? false,
    logger,
    progress: showProgress ? ingestProgress : undefined,
    signal: options.signal,
  });
  // Read before encoding: a bad vocabulary path fails in seconds, not after the encoders.
  const lexicons = await loadNameLexicons(options.nameLexicons ?? {});
  const ingestDone = performance.now();
  const encoderSet = await prepareEncoders(ingested, options.encoders, logger);
  const encodersDone = performance.now();

  const encodeFailures: BuildIndexResult['encodeFailures'] = [];
  try {
    const { report } = ingested;
    const dataHash = await hashInputs(
      options.kgDirectory,
      report.files.filter((f) => f.status === 'read').map((f) => f.file),
    );
    let bridge: BridgeCarryOver | undefined;
    let ligands = { molecules: 0, skipped: 0 };
    let ligandsMs = 0;
    const publish = options.inPlace ? buildInPlace : publishIndexVersion;
    const manifest = await publish(options.outDirectory, output, async (staging) => {
      const { graph, payloads } = ingested;
      await writeGraph(staging, graph);
      await writeKgFacts(
        join(staging, indexLayout.graph),
        new KgFacts(ingested.edgeAttributes, ingested.isALinks),
      );
      await encoderSet.save(join(staging, indexLayout.encoders));
      const tables = await writeNodeTables(staging, ingested, encoderSet, encodeFailures, options);
      await writeLookupEntries(staging, graph, payloads, lexicons);
      await writeStructureKeys(staging, await structureKeysFromPayloads(payloads));
      const ligandsStarted = performance.now();
      ligands = await writeLigandFingerprints(
        staging,
        [...payloads.molecules].map(([nodeIndex, molecule]) => [nodeIndex, molecule.smiles] as const),
        { logger },
      );
      ligandsMs = performance.now() - ligandsStarted;
      logger.info('ligand fingerprints written', { ...ligands, seconds: Math.round(ligandsMs / 100) / 10 });
      const manifest = manifestOf(options, ingested, dataHash, tables);
      await writeManifest(staging, manifest);
      if (output.kind === 'index')
        bridge = await carryBridgeOver(output.directory, staging, { logger, progress: showProgress });
      // A kept bridge's projection wrote them already (the tables changed again).
      if (!bridge?.kept) await writeIndexVectorFiles(staging, { logger });
      return bridge?.kept ? readManifest(staging) : manifest;
    });
    const finished = performance.now();
    return {
      manifest,
      ingest: report,
      encodeFailures,
      bridge,
      ligands,
      durationMs: {
        ingest: ingestDone - started,
        encoders: encodersDone - ingestDone,
        tables: finished - encodersDone,
        ligands: ligandsMs,
        total: finished - started,
      },
    };
  } finally {
    await encoderSet.dispose();
  }
}

/** Fits or loads one encoder a node type the KG has: an encoder cannot be fitted on a type without nodes. */
async function prepareEncoders(
  ingested: IngestResult,
  overrides: EncoderConfigInput | undefined,
  logger: Logger,
): Promise<EncoderSet> {
  const { graph, payloads } = ingested;
  const encoderConfig = Object.fromEntries(
    Object.entries(resolveEncoderConfig(overrides ?? {})).filter(
      ([type]) => graph.nodesOfType(type).length > 0,
    ),
  );
  logger.info('preparing encoders', { types: Object.keys(encoderConfig).length });
  const rdkit = await loadRDKit();
  return createEncoders(encoderConfig, {
    rdkit,
    logger,
    textCorpus: (spec) => textCorpus(graph, payloads, textCorpusNodeTypes(encoderConfig, spec)),
  });
}

interface NodeTables {
  coverage: Record<string, Coverage>;
  encoders: Record<string, EncoderRef>;
}

/** Encodes every node type into its LanceDB table; failures are counted and the first ones kept. */
async function writeNodeTables(
  staging: string,
  ingested: IngestResult,
  encoderSet: EncoderSet,
  encodeFailures: BuildIndexResult['encodeFailures'],
  options: BuildIndexOptions,
): Promise<NodeTables> {
  const { graph, payloads } = ingested;
  const logger = options.logger ?? noopLogger;
  const showProgress = options.progress ?? true;
  const writer = await createLanceStoreWriter(join(staging, indexLayout.lance), { logger, ...options.store });
  const tables: NodeTables = { coverage: {}, encoders: {} };
  try {
    for (const type of graph.registry.nodeTypes) {
      const nodeIndices = graph.nodesOfType(type);
      if (nodeIndices.length === 0) continue;
      const entry = encoderSet.byType.get(type);
      const progress = showProgress
        ? createProgress({ label: `encode ${type}`, total: nodeIndices.length, unit: 'nodes' })
        : noopProgress;
      const counts = { withPayload: 0, encoded: 0, failed: 0 };
      const batches = encodeBatches(
        graph,
        payloads,
        type,
        nodeIndices,
        entry?.encoder,
        options.batchSize ?? 256,
        counts,
        encodeFailures,
        progress,
        options.signal,
      );
      await writer.writeNodeTable(type, batches, { dimension: entry?.encoder.dimension ?? 0 });
      progress.done(`${counts.encoded}/${nodeIndices.length} encoded, ${counts.failed} failed`);
      tables.coverage[type] = { total: nodeIndices.length, ...counts, payloadKind: payloadKindOf(type) };
      if (entry) {
        const description = entry.encoder.describe();
        tables.encoders[type] = {
          directory: `${indexLayout.encoders}/${entry.directoryName}`,
          kind: description.kind,
          modality: description.modality,
          dimension: description.dimension,
          configHash: description.configHash,
        };
      }
    }
  } finally {
    await writer.close();
  }
  return tables;
}

function manifestOf(
  options: BuildIndexOptions,
  ingested: IngestResult,
  dataHash: string,
  tables: NodeTables,
): IndexManifest {
  const { graph, report } = ingested;
  return {
    formatVersion: INDEX_FORMAT_VERSION,
    name: options.name ?? basename(resolve(options.outDirectory)),
    createdAt: new Date().toISOString(),
    source: {
      directory: options.kgDirectory,
      files: report.files
        .filter((f) => f.status === 'read')
        .map((f) => ({ name: f.file, bytes: f.bytesRead })),
      includeNonCommercial: report.includeNonCommercial,
    },
    dataHash,
    registry: graph.registry.toJSON(),
    nodes: report.nodes.byType,
    edges: {
      total: graph.edgeCount,
      byRelation: Object.fromEntries(
        report.edges.byKind.map((kind) => [
          `${kind.headType} -${kind.displayRelation}-> ${kind.tailType} (${kind.relation})`,
          kind.edges,
        ]),
      ),
    },
    coverage: tables.coverage,
    encoders: tables.encoders,
    ingest: JSON.parse(JSON.stringify(report)) as Record<string, unknown>,
  };
}

async function* encodeBatches(
  graph: KgGraph,
  payloads: NodePayloads,
  type: string,
  nodeIndices: Int32Array,
  encoder: Encoder | undefined,
  batchSize: number,
  counts: { withPayload: number; encoded: number; failed: number },
  failures: BuildIndexResult['encodeFailures'],
  progress: Progress,
  signal: AbortSignal | undefined,
): AsyncGenerator<NodeRow[]> {
  for (let start = 0; start < nodeIndices.length; start += batchSize) {
    signal?.throwIfAborted();
    const rows: NodeRow[] = [];
    const toEncode: { row: NodeRow; input: string }[] = [];
    for (const nodeIndex of nodeIndices.subarray(start, start + batchSize)) {
      const node = graph.node(nodeIndex);
      if (!node) continue;
      const payload = payloadOf(node, payloads);
      if (payload.fromModalityFile) counts.withPayload++;
      const row: NodeRow = {
        nodeIndex,
        nodeId: node.id,
        name: node.name,
        type,
        source: node.source,
        payloadKind: payload.input === null ? 'name' : payload.kind,
        payload: payload.input,
        vector: null,
      };
      rows.push(row);
      if (encoder && payload.input !== null) toEncode.push({ row, input: payload.input });
    }
    if (encoder && toEncode.length > 0) {
      const outcomes = await encoder.encode(toEncode.map((item) => item.input));
      outcomes.forEach((outcome, position) => {
        const item = toEncode[position]!;
        if (outcome.ok) {
          item.row.vector = outcome.value;
          counts.encoded++;
        } else {
          counts.failed++;
          if (failures.length < MAX_FAILURES_KEPT)
            failures.push({
              type,
              nodeId: item.row.nodeId,
              message: `${outcome.error.code}: ${outcome.error.message}`,
            });
        }
      });
    }
    progress.tick(rows.length);
    yield rows;
  }
}

/** Documents of the node types that share one fitted text encoder. */
function textCorpus(graph: KgGraph, payloads: NodePayloads, types: readonly string[]): string[] {
  const corpus: string[] = [];
  for (const type of types) {
    for (const nodeIndex of graph.nodesOfType(type)) {
      const node = graph.node(nodeIndex);
      if (!node) continue;
      const input = payloadOf(node, payloads).input;
      if (input) corpus.push(input);
    }
  }
  return corpus;
}

/** sha256 over the names, sizes and bytes of the files the index was built from. */
async function hashInputs(directory: string, files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  const present = new Set(await readdir(directory));
  for (const file of [...files].sort()) {
    if (!present.has(file)) continue;
    const path = join(directory, file);
    hash.update(`${file}\0${(await stat(path)).size}\0`);
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

export type { EncoderSet };

/** Ingest progress counts bytes read (the total is known up front) and shows rows/s beside them. */
function ingestProgress(totalBytes: number, rowsRead: () => number): Progress {
  return createProgress({
    label: 'ingest',
    total: totalBytes,
    unit: 'B',
    detail: (seconds) => `${formatCount(rowsRead())} rows, ${formatCount(rowsRead() / seconds)} rows/s`,
  });
}
