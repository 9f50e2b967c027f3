import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { definedFields } from '../util/defined-fields.js';
import { noopLogger, type Logger } from '../util/logger.js';
import { noopProgress, type Progress } from '../util/progress.js';
import { openCsvFile, type CsvFileReader, type CsvFileReport, type OnRowError } from './csv-reader.js';
import { EdgeListBuilder } from './edge-list.js';
import { KgGraph } from './graph.js';
import type { EdgeKindCount, IngestFileReport, IngestReport, PayloadCoverage } from './ingest-report.js';
import { fastRowCheckOf, KG_FILES, locateCsvFile, type KgFileRole, type LocatedFile } from './kg-files.js';
import { NodeTableBuilder, type NodeTable } from './node-table.js';
import type { IsALink } from './kg-facts.js';
import {
  NODE_PAYLOAD_KINDS,
  type NodePayloadKind,
  type NodePayloadRole,
  type PayloadTarget,
} from './payload-kinds.js';
import { NodePayloads, type EdgeAttribute } from './payloads.js';
import { Registry } from './registry.js';
import { describeValue, type KgEdgeRow } from './schemas.js';
import type { EdgeKind } from './types.js';

export interface IngestOptions {
  /** `fail` (default) stops at the first bad row with an `INVALID_INPUT_FILE` error; `skip` reports and goes on. */
  onError?: OnRowError | undefined;
  /** Also read `kg_noncommercial.csv(.gz)` (SIDER side effects, CC BY-NC-SA 4.0). Default false. */
  includeNonCommercial?: boolean | undefined;
  /** Registry to extend with new types and relations; a copy is taken. Default `Registry.default()`. */
  registry?: Registry | undefined;
  /**
   * A progress sink, or a factory that receives the total bytes to read (compressed for `.gz`) and a
   * counter of the rows read so far (for rows/s). Progress is ticked in bytes.
   */
  progress?: Progress | ((totalBytes: number, rowsRead: () => number) => Progress) | undefined;
  /**
   * Files at least this large (bytes on disk) are checked by their hand-written row check where one
   * exists (kg.csv); smaller files, and every row the check refuses, go through the zod schema, whose
   * message names the column. Default 8 MiB; `Infinity` turns the fast path off.
   */
  fastPathMinBytes?: number | undefined;
  logger?: Logger | undefined;
  /** Longest accepted field in bytes (default 1 MiB). */
  maxFieldBytes?: number | undefined;
  /** Error messages kept per file (default 20); every error is counted. */
  maxErrorsPerFile?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface IngestResult {
  graph: KgGraph;
  payloads: NodePayloads;
  edgeAttributes: EdgeAttribute[];
  /** Directed is_a links from `ontology_is_a.csv` (empty when the file is absent). */
  isALinks: IsALink[];
  report: IngestReport;
}

/** Below this size a file is small enough that zod's cost does not matter. */
const DEFAULT_FAST_PATH_MIN_BYTES = 8 * 1024 * 1024;
const NON_COMMERCIAL_NOTE = 'SIDER side effects, CC BY-NC-SA 4.0; pass includeNonCommercial to read it';

/** One end of an edge row: its `x_*` or `y_*` columns. */
interface EdgeEndpoint {
  side: 'x' | 'y';
  index: number;
  id: string;
  type: string;
  name: string;
  source: string;
}

function endpointsOf(record: KgEdgeRow): [EdgeEndpoint, EdgeEndpoint] {
  return [
    {
      side: 'x',
      index: record.x_index,
      id: record.x_id,
      type: record.x_type,
      name: record.x_name,
      source: record.x_source,
    },
    {
      side: 'y',
      index: record.y_index,
      id: record.y_id,
      type: record.y_type,
      name: record.y_name,
      source: record.y_source,
    },
  ];
}

type Reject = CsvFileReader<unknown>['reject'];
type RowHandler<Row> = (record: Row, line: number, reject: Reject) => void;
type RowOf<Role extends KgFileRole> = z.output<(typeof KG_FILES)[Role]['schema']>;

/**
 * Reads a PrimeKG-format directory (`kg.csv`, `nodes.csv` and the optional modality files, plain or
 * gzip) into a {@link KgGraph}, the raw encoder payloads and a report of everything read, skipped
 * or new. Memory stays proportional to nodes and kept edges, not to file size.
 */
export async function ingestKg(directory: string, options: IngestOptions = {}): Promise<IngestResult> {
  const info = await stat(directory).catch((error: unknown) => {
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `KG directory ${directory} cannot be read`,
      cause: error,
      details: { directory },
    });
  });
  if (!info.isDirectory())
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${directory} is not a directory`,
      details: { directory },
    });
  const located = {} as Record<KgFileRole, LocatedFile | undefined>;
  for (const role of Object.keys(KG_FILES) as KgFileRole[])
    located[role] = await locateCsvFile(directory, KG_FILES[role].baseName);
  if (located.edges === undefined)
    throw new AppError({
      code: 'INVALID_INPUT_FILE',
      message: `${directory} has neither kg.csv nor kg.csv.gz`,
      details: { directory },
    });
  return new Ingestion(directory, located, options).run();
}

class Ingestion {
  private readonly onError: OnRowError;
  private readonly includeNonCommercial: boolean;
  private readonly registry: Registry;
  private readonly knownTypes: Set<string>;
  private readonly knownRelations: Set<string>;
  private readonly logger: Logger;
  private progress: Progress = noopProgress;
  private readonly builder = new NodeTableBuilder();
  private readonly edges: EdgeListBuilder;
  private readonly edgeKinds: EdgeKind[] = [];
  private readonly kindIds = new Map<string, number>();
  private readonly payloads = new NodePayloads();
  private readonly edgeAttributes: EdgeAttribute[] = [];
  private readonly isALinks: IsALink[] = [];
  private readonly files: IngestFileReport[] = [];
  private readonly coverage = new Map<number, PayloadCoverage>();
  private nodesLabel = 'nodes.csv';
  private edgesLabel = 'kg.csv';
  private lastKind = { relation: '', display: '', head: -1, tail: -1, id: -1 };
  /** Valid rows read so far, over every file (progress shows rows/s). */
  private rowsRead = 0;

  constructor(
    private readonly directory: string,
    private readonly located: Record<KgFileRole, LocatedFile | undefined>,
    private readonly options: IngestOptions,
  ) {
    this.onError = options.onError ?? 'fail';
    this.includeNonCommercial = options.includeNonCommercial ?? false;
    this.registry = new Registry((options.registry ?? Registry.default()).toJSON());
    this.knownTypes = new Set(this.registry.nodeTypes);
    this.knownRelations = new Set(this.registry.relations);
    this.logger = options.logger ?? noopLogger;
    this.edges = new EdgeListBuilder(estimateEdgeRows(located.edges!));
  }

  async run(): Promise<IngestResult> {
    const started = performance.now();
    const toRead = (Object.keys(KG_FILES) as KgFileRole[]).filter(
      (role) =>
        this.located[role] !== undefined && (role !== 'nonCommercialEdges' || this.includeNonCommercial),
    );
    const totalBytes = toRead.reduce((sum, role) => sum + this.located[role]!.bytes, 0);
    const progress = this.options.progress;
    this.progress =
      typeof progress === 'function' ? progress(totalBytes, () => this.rowsRead) : (progress ?? noopProgress);
    this.edgesLabel = this.located.edges!.name;

    const nodesFile = this.located.nodes;
    const derivedFromEdges = nodesFile === undefined;
    this.nodesLabel = nodesFile?.name ?? `${this.edgesLabel} (no nodes file; nodes derived from edge rows)`;
    if (nodesFile) await this.read('nodes', (record, line, reject) => this.addNode(record, line, reject));
    else this.noteAbsent('nodes');
    const nodesDone = performance.now();

    await this.readEdgeFile('edges', derivedFromEdges);
    if (this.located.nonCommercialEdges === undefined) this.noteAbsent('nonCommercialEdges');
    else if (this.includeNonCommercial) await this.readEdgeFile('nonCommercialEdges', derivedFromEdges);
    else
      this.files.push({
        ...emptyFileReport('nonCommercialEdges', this.located.nonCommercialEdges.name, 'excluded'),
        note: NON_COMMERCIAL_NOTE,
      });
    const edgesDone = performance.now();

    const nodes = this.builder.build();
    for (let position = 0; position < nodes.count; position++)
      this.coverageOf(nodes.types[position]!).nodes++;
    await this.readPayloads(nodes);
    const payloadsDone = performance.now();

    const arrays = this.edges.build();
    const graph = new KgGraph({ registry: this.registry, nodes, edgeKinds: this.edgeKinds, ...arrays });
    const report = this.buildReport(graph, derivedFromEdges, {
      nodes: nodesDone - started,
      edges: edgesDone - nodesDone,
      payloads: payloadsDone - edgesDone,
      total: performance.now() - started,
    });
    this.progress.done(
      `${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${report.malformedRows} malformed rows`,
    );
    return {
      graph,
      payloads: this.payloads,
      edgeAttributes: this.edgeAttributes,
      isALinks: this.isALinks,
      report,
    };
  }

  private async read<Role extends KgFileRole>(
    role: Role,
    handle: RowHandler<RowOf<Role>>,
  ): Promise<IngestFileReport> {
    const file = this.located[role]!;
    const started = performance.now();
    const fastPath = file.bytes >= (this.options.fastPathMinBytes ?? DEFAULT_FAST_PATH_MIN_BYTES);
    const reader = openCsvFile(file.path, KG_FILES[role].schema, {
      fastCheck: fastPath ? fastRowCheckOf(role) : undefined,
      onError: this.onError,
      name: file.name,
      onBytes: (bytes) => this.progress.tick(bytes),
      maxFieldBytes: this.options.maxFieldBytes,
      maxErrorsKept: this.options.maxErrorsPerFile,
      signal: this.options.signal,
    });
    const reject = reader.reject;
    for await (const row of reader.rows()) {
      this.rowsRead++;
      handle(row.record as RowOf<Role>, row.line, reject);
    }
    const fileReport = fromCsvReport(role, reader.report, performance.now() - started);
    this.files.push(fileReport);
    this.logger.info('kg file read', {
      file: file.name,
      rows: fileReport.rowsRead,
      skipped: fileReport.rowsSkipped,
      ms: Math.round(fileReport.durationMs),
    });
    return fileReport;
  }

  private noteAbsent(role: KgFileRole): void {
    this.files.push({
      ...emptyFileReport(role, `${KG_FILES[role].baseName}.csv(.gz)`, 'absent'),
      note: 'not found; no data of this kind',
    });
  }

  private typeIdFor(name: string): number {
    return this.registry.typeId(name) ?? this.registry.addType(name);
  }

  private addNode(
    record: z.output<(typeof KG_FILES)['nodes']['schema']>,
    line: number,
    reject: Reject,
  ): void {
    const existing = this.builder.positionOf(record.node_index);
    if (existing >= 0) {
      reject(
        line,
        'node_index',
        `node ${record.node_index} is defined twice (first on line ${this.builder.lineAt(existing)})`,
      );
      return;
    }
    this.builder.add(
      record.node_index,
      record.node_id,
      this.typeIdFor(record.node_type),
      record.node_name,
      record.node_source,
      line,
    );
  }

  private async readEdgeFile(role: 'edges' | 'nonCommercialEdges', derivedFromEdges: boolean): Promise<void> {
    let kept = 0;
    let duplicates = 0;
    const report = await this.read(role, (record, line, reject) => {
      const heads = derivedFromEdges
        ? this.deriveEndpoints(record, line, reject)
        : this.checkEndpoints(record, line, reject);
      if (heads === undefined) return;
      const kind = this.kindFor(record.relation, record.display_relation, heads[0], heads[1]);
      if (this.edges.add(kind, record.x_index, record.y_index)) kept++;
      else duplicates++;
    });
    report.edgesKept = kept;
    report.duplicatesRemoved = duplicates;
  }

  /** Type ids of both endpoints when they agree with the nodes file, else rejects the row. */
  private checkEndpoints(record: KgEdgeRow, line: number, reject: Reject): [number, number] | undefined {
    const [head, tail] = endpointsOf(record);
    const headType = this.checkEndpoint(head, line, reject);
    if (headType < 0) return undefined;
    const tailType = this.checkEndpoint(tail, line, reject);
    if (tailType < 0) return undefined;
    return [headType, tailType];
  }

  private checkEndpoint(endpoint: EdgeEndpoint, line: number, reject: Reject) {
    const position = this.builder.positionOf(endpoint.index);
    if (position < 0) {
      reject(line, `${endpoint.side}_index`, `node ${endpoint.index} is not in ${this.nodesLabel}`);
      return -1;
    }
    return this.matchNode(position, endpoint, line, reject, `in ${this.nodesLabel}`);
  }

  /** The node's type id when the endpoint agrees with the node at `position` (`where` says where it was given). */
  private matchNode(
    position: number,
    endpoint: EdgeEndpoint,
    line: number,
    reject: Reject,
    where: string,
  ): number {
    const { side, index } = endpoint;
    const mismatch = (column: 'type' | 'id', given: string, known: string): number => {
      reject(
        line,
        `${side}_${column}`,
        `${describeValue(given)} does not match the ${column} '${known}' of node ${index} ${where}`,
      );
      return -1;
    };
    const typeId = this.builder.typeAt(position);
    const knownType = this.registry.nodeTypes[typeId]!;
    if (knownType !== endpoint.type) return mismatch('type', endpoint.type, knownType);
    const knownId = this.builder.idAt(position);
    if (knownId !== endpoint.id) return mismatch('id', endpoint.id, knownId);
    return typeId;
  }

  /** Without nodes.csv: the first row naming a node defines it; later rows must agree. */
  private deriveEndpoints(record: KgEdgeRow, line: number, reject: Reject): [number, number] | undefined {
    const sides = endpointsOf(record);
    const [head, tail] = sides;
    if (head.index === tail.index && (head.type !== tail.type || head.id !== tail.id)) {
      reject(line, 'y_type', `node ${tail.index} appears twice in this row with different types or ids`);
      return undefined;
    }
    for (const side of sides) {
      const position = this.builder.positionOf(side.index);
      if (position < 0) continue;
      const where = `given on line ${this.builder.lineAt(position)}`;
      if (this.matchNode(position, side, line, reject, where) < 0) return undefined;
    }
    const typeIds: number[] = [];
    for (const side of sides) {
      let position = this.builder.positionOf(side.index);
      if (position < 0)
        position = this.builder.add(
          side.index,
          side.id,
          this.typeIdFor(side.type),
          side.name,
          side.source,
          line,
        );
      typeIds.push(this.builder.typeAt(position));
    }
    return [typeIds[0]!, typeIds[1]!];
  }

  private kindFor(relation: string, display: string, head: number, tail: number): number {
    const last = this.lastKind;
    if (last.relation === relation && last.display === display && last.head === head && last.tail === tail)
      return last.id;
    const key = `${relation}\u0000${display}\u0000${head}\u0000${tail}`;
    let id = this.kindIds.get(key);
    if (id === undefined) {
      if (this.edgeKinds.length > 0xffff)
        throw new AppError({
          code: 'INVALID_INPUT_FILE',
          message: `${this.edgesLabel}: more than 65536 edge kinds (relation, display_relation, x_type, y_type)`,
        });
      if (this.registry.relationId(display) === undefined) this.registry.addRelation(display);
      id = this.edgeKinds.length;
      this.edgeKinds.push({
        relation,
        displayRelation: display,
        headType: this.registry.nodeTypes[head]!,
        tailType: this.registry.nodeTypes[tail]!,
      });
      this.kindIds.set(key, id);
    }
    this.lastKind = { relation, display, head, tail, id };
    return id;
  }

  private coverageOf(typeId: number): PayloadCoverage {
    let coverage = this.coverage.get(typeId);
    if (coverage === undefined) {
      coverage = {
        nodes: 0,
        sequence: 0,
        smiles: 0,
        textRecord: 0,
        definition: 0,
        description: 0,
        variant: 0,
        variantPosition: 0,
      };
      this.coverage.set(typeId, coverage);
    }
    return coverage;
  }

  /** The modality files, one generic reader over {@link NODE_PAYLOAD_KINDS}, then edge attributes and is_a. */
  private async readPayloads(nodes: NodeTable): Promise<void> {
    for (const role of Object.keys(NODE_PAYLOAD_KINDS) as NodePayloadRole[])
      if (this.located[role]) await this.readNodePayloads(role, nodes);
      else this.noteAbsent(role);
    if (this.located.edgeAttributes) await this.readEdgeAttributes(nodes);
    else this.noteAbsent('edgeAttributes');
    if (this.located.ontologyIsA) await this.readIsALinks(nodes);
    else this.noteAbsent('ontologyIsA');
  }

  private async readNodePayloads<Role extends NodePayloadRole>(role: Role, nodes: NodeTable): Promise<void> {
    const kind = NODE_PAYLOAD_KINDS[role] as NodePayloadKind<RowOf<Role>>;
    const report = await this.read(role, (record, line, reject) => {
      const position = this.payloadNode(nodes, kind.target(record), line, reject);
      if (position < 0) return;
      const repeated = kind.repeats(record, this.payloads);
      if (repeated !== undefined)
        return reject(line, 'node_index', `node ${kind.target(record).index} already has ${repeated}`);
      kind.store(record, this.payloads, this.coverageOf(nodes.types[position]!));
    });
    report.payloadsKept = report.rowsRead - report.rowsSkipped;
  }

  /** The node's position when it exists with the type and id the row gives, else rejects the row. */
  private payloadNode(nodes: NodeTable, target: PayloadTarget, line: number, reject: Reject): number {
    const { index, id, idColumn } = target;
    const position = nodes.positionOf(index);
    if (position < 0) {
      reject(line, 'node_index', `node ${index} is not in ${this.nodesLabel}`);
      return -1;
    }
    const type = this.registry.nodeTypes[nodes.types[position]!]!;
    if (target.type !== undefined && type !== target.type) {
      if (target.typeColumn === undefined)
        reject(line, 'node_index', `node ${index} is a ${type} node, not ${target.type}`);
      else
        reject(
          line,
          target.typeColumn,
          `${describeValue(target.type)} does not match the type '${type}' of node ${index} in ${this.nodesLabel}`,
        );
      return -1;
    }
    if (nodes.ids[position] !== id) {
      reject(
        line,
        idColumn,
        `${describeValue(id)} does not match the id '${nodes.ids[position]}' of node ${index} in ${this.nodesLabel}`,
      );
      return -1;
    }
    return position;
  }

  /** `edge_attributes.csv`: GWAS statistics of edges kg.csv has, at most one row per edge. */
  private async readEdgeAttributes(nodes: NodeTable): Promise<void> {
    const kindsByRelation = new Map<string, number[]>();
    this.edgeKinds.forEach((kind, id) => {
      const ids = kindsByRelation.get(kind.relation) ?? [];
      ids.push(id);
      kindsByRelation.set(kind.relation, ids);
    });
    const seen = new Set<string>();
    const report = await this.read('edgeAttributes', (record, line, reject) => {
      if (!nodes.has(record.x_index))
        return reject(line, 'x_index', `node ${record.x_index} is not in ${this.nodesLabel}`);
      if (!nodes.has(record.y_index))
        return reject(line, 'y_index', `node ${record.y_index} is not in ${this.nodesLabel}`);
      const kinds = kindsByRelation.get(record.relation) ?? [];
      if (!kinds.some((kind) => this.edges.has(kind, record.x_index, record.y_index)))
        return reject(
          line,
          undefined,
          `there is no ${record.relation} edge from node ${record.x_index} to node ${record.y_index}`,
        );
      const key = `${record.x_index}:${record.y_index}:${record.relation}`;
      if (seen.has(key))
        return reject(
          line,
          undefined,
          `repeats the attributes of the ${record.relation} edge ${record.x_index} → ${record.y_index}`,
        );
      seen.add(key);
      this.edgeAttributes.push({
        head: record.x_index,
        tail: record.y_index,
        relation: record.relation,
        ...definedFields({
          pvalueMlog: record.pvalue_mlog,
          orBeta: record.or_beta,
          pubmedId: record.pubmed_id,
        }),
      });
    });
    report.payloadsKept = report.rowsRead - report.rowsSkipped;
  }

  /** `ontology_is_a.csv`: both ends must exist and share a node type (is_a never crosses ontologies). */
  private async readIsALinks(nodes: NodeTable): Promise<void> {
    await this.read('ontologyIsA', (record, line, reject) => {
      const child = nodes.positionOf(record.child_index);
      const parent = nodes.positionOf(record.parent_index);
      if (child < 0)
        return reject(line, 'child_index', `node ${record.child_index} is not in ${this.nodesLabel}`);
      if (parent < 0)
        return reject(line, 'parent_index', `node ${record.parent_index} is not in ${this.nodesLabel}`);
      if (nodes.types[child] !== nodes.types[parent])
        return reject(
          line,
          undefined,
          `is_a joins nodes of different types (${record.child_index} → ${record.parent_index})`,
        );
      this.isALinks.push({ child: record.child_index, parent: record.parent_index });
    });
  }

  private buildReport(
    graph: KgGraph,
    derivedFromEdges: boolean,
    durationMs: IngestReport['durationMs'],
  ): IngestReport {
    const registry = this.registry;
    const nodesByType = new Map<number, number>();
    for (let position = 0; position < graph.nodes.count; position++) {
      const typeId = graph.nodes.types[position]!;
      nodesByType.set(typeId, (nodesByType.get(typeId) ?? 0) + 1);
    }
    const byType: Record<string, number> = {};
    for (const [typeId, count] of [...nodesByType].sort((left, right) => left[0] - right[0]))
      byType[registry.nodeTypes[typeId]!] = count;

    const kindCounts = graph.edgeCountsByKind();
    const byKind: EdgeKindCount[] = graph.edgeKinds.map((kind) => ({
      relation: kind.relation,
      displayRelation: kind.displayRelation,
      headType: kind.headType,
      tailType: kind.tailType,
      edges: kindCounts[kind.id]!,
    }));
    const edgesByRelation = new Map<string, number>();
    for (const kind of byKind)
      edgesByRelation.set(
        kind.displayRelation,
        (edgesByRelation.get(kind.displayRelation) ?? 0) + kind.edges,
      );

    const payloadCoverage: Record<string, PayloadCoverage> = {};
    for (const [typeId, coverage] of [...this.coverage].sort((left, right) => left[0] - right[0]))
      payloadCoverage[registry.nodeTypes[typeId]!] = coverage;

    const edgeFiles = this.files.filter(
      (file) => file.role === 'edges' || file.role === 'nonCommercialEdges',
    );
    return {
      directory: this.directory,
      onError: this.onError,
      includeNonCommercial: this.includeNonCommercial,
      files: this.files,
      nodes: { total: graph.nodeCount, byType, derivedFromEdges },
      edges: {
        rowsRead: edgeFiles.reduce((sum, file) => sum + file.rowsRead, 0),
        kept: graph.edgeCount,
        duplicatesRemoved: edgeFiles.reduce((sum, file) => sum + (file.duplicatesRemoved ?? 0), 0),
        byKind,
      },
      malformedRows: this.files.reduce((sum, file) => sum + file.rowsSkipped, 0),
      unknownNodeTypes: registry.nodeTypes
        .map((name, id) => ({ name, id, nodes: nodesByType.get(id) ?? 0 }))
        .filter((type) => !this.knownTypes.has(type.name)),
      unknownRelations: registry.relations
        .map((name, id) => ({ name, id, edges: edgesByRelation.get(name) ?? 0 }))
        .filter((relation) => !this.knownRelations.has(relation.name)),
      payloadCoverage,
      edgeAttributes: this.edgeAttributes.length,
      isALinks: this.isALinks.length,
      durationMs,
    };
  }
}

function emptyFileReport(
  role: KgFileRole,
  file: string,
  status: IngestFileReport['status'],
): IngestFileReport {
  return {
    role,
    file,
    status,
    rowsRead: 0,
    rowsSkipped: 0,
    errors: [],
    errorsOmitted: 0,
    skippedLines: [],
    extraColumns: [],
    blankLines: 0,
    bytesRead: 0,
    durationMs: 0,
  };
}

function fromCsvReport(role: KgFileRole, report: CsvFileReport, durationMs: number): IngestFileReport {
  return {
    role,
    file: report.file,
    status: 'read',
    rowsRead: report.rowsRead,
    rowsSkipped: report.rowsSkipped,
    errors: report.errors,
    errorsOmitted: report.errorsOmitted,
    skippedLines: report.skippedLines,
    extraColumns: report.extraColumns,
    blankLines: report.blankLines,
    bytesRead: report.bytesRead,
    durationMs,
  };
}

/** PrimeKG rows average 115-130 bytes and gzip about 10:1; a close first guess avoids regrowing. */
function estimateEdgeRows(file: LocatedFile): number {
  const uncompressed = file.gzip ? file.bytes * 10 : file.bytes;
  return Math.min(Math.max(Math.ceil(uncompressed / 120), 1 << 16), 1 << 24);
}
