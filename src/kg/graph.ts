import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { buildDirectoryAtomic } from '../util/atomic.js';
import type { EdgeArrays } from './edge-list.js';
import { NodeTable } from './node-table.js';
import { Registry, registrySchema } from './registry.js';
import type { EdgeKind, KgNode } from './types.js';

/** An edge kind with the registry ids the bridge uses (relation id = `display_relation`). */
export interface KgEdgeKind extends EdgeKind {
  id: number;
  relationId: number;
  headTypeId: number;
  tailTypeId: number;
}

export interface KgNeighbour {
  /** `node_index` of the neighbour (the edge's tail). */
  node: number;
  /** Edge kind id, an index into {@link KgGraph.edgeKinds}. */
  kind: number;
}

export interface KgGraphData extends EdgeArrays {
  registry: Registry;
  nodes: NodeTable;
  edgeKinds: readonly EdgeKind[];
}

/**
 * The KG as directed edges (PrimeKG lists both directions of each undirected edge) over a
 * columnar node table. Edges hold `node_index` values; neighbour lists and per-kind groups are
 * built on first use.
 */
export class KgGraph {
  readonly registry: Registry;
  readonly nodes: NodeTable;
  readonly edgeKinds: readonly KgEdgeKind[];
  readonly heads: Int32Array;
  readonly tails: Int32Array;
  readonly kinds: Uint16Array;
  private readonly kindIds: Map<string, number>;
  private adjacency: { offsets: Int32Array; targets: Int32Array; targetKinds: Uint16Array } | undefined;
  private kindGroups: { offsets: Int32Array; order: Int32Array } | undefined;

  constructor(data: KgGraphData) {
    if (data.heads.length !== data.tails.length || data.heads.length !== data.kinds.length)
      throw new AppError({ code: 'INVALID_INDEX', message: 'edge columns differ in length' });
    this.registry = data.registry;
    this.nodes = data.nodes;
    this.heads = data.heads;
    this.tails = data.tails;
    this.kinds = data.kinds;
    this.edgeKinds = data.edgeKinds.map((kind, id) => ({
      relation: kind.relation,
      displayRelation: kind.displayRelation,
      headType: kind.headType,
      tailType: kind.tailType,
      id,
      relationId: data.registry.requireRelationId(kind.displayRelation),
      headTypeId: data.registry.requireTypeId(kind.headType),
      tailTypeId: data.registry.requireTypeId(kind.tailType),
    }));
    this.kindIds = new Map(this.edgeKinds.map((kind) => [edgeKindKey(kind), kind.id]));
    if (this.kindIds.size !== this.edgeKinds.length)
      throw new AppError({ code: 'INVALID_INDEX', message: 'an edge kind is listed twice' });
    for (let position = 0; position < this.nodes.count; position++)
      if (this.nodes.types[position]! >= this.registry.nodeTypes.length)
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `node ${this.nodes.indices[position]} has type id ${this.nodes.types[position]}, which the registry lacks`,
        });
    this.checkEdges();
  }

  /** Every edge must join existing nodes whose types fit its kind. */
  private checkEdges(): void {
    const kindCount = this.edgeKinds.length;
    for (let edge = 0; edge < this.heads.length; edge++) {
      const kindId = this.kinds[edge]!;
      const kind = kindId < kindCount ? this.edgeKinds[kindId]! : undefined;
      if (kind === undefined)
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `edge ${edge} has kind ${kindId}, which is not defined`,
        });
      const headType = this.typeIdOf(this.heads[edge]!);
      const tailType = this.typeIdOf(this.tails[edge]!);
      if (headType !== kind.headTypeId || tailType !== kind.tailTypeId)
        throw new AppError({
          code: 'INVALID_INDEX',
          message:
            headType === undefined || tailType === undefined
              ? `edge ${edge} (${this.heads[edge]} → ${this.tails[edge]}) refers to a node that does not exist`
              : `edge ${edge} (${this.heads[edge]} → ${this.tails[edge]}) does not fit its kind ${describeEdgeKind(kind)}`,
        });
    }
  }

  get nodeCount(): number {
    return this.nodes.count;
  }

  get edgeCount(): number {
    return this.heads.length;
  }

  hasNode(index: number): boolean {
    return this.nodes.positionOf(index) >= 0;
  }

  /** Registry type id of a node, or undefined when the node does not exist. */
  typeIdOf(index: number): number | undefined {
    const position = this.nodes.positionOf(index);
    return position < 0 ? undefined : this.nodes.types[position];
  }

  /** Type name of a node (e.g. `gene/protein`), or undefined when the node does not exist. */
  typeOf(index: number): string | undefined {
    const typeId = this.typeIdOf(index);
    return typeId === undefined ? undefined : this.registry.nodeTypes[typeId];
  }

  node(index: number): KgNode | undefined {
    const position = this.nodes.positionOf(index);
    if (position < 0) return undefined;
    return {
      index,
      id: this.nodes.ids[position]!,
      type: this.registry.nodeTypes[this.nodes.types[position]!]!,
      name: this.nodes.names[position]!,
      source: this.nodes.sourceAt(position),
    };
  }

  /** `node_index` values of every node of a type, ascending. */
  nodesOfType(type: string): Int32Array {
    const typeId = this.registry.typeId(type);
    if (typeId === undefined) return new Int32Array(0);
    let count = 0;
    for (let position = 0; position < this.nodes.count; position++)
      if (this.nodes.types[position] === typeId) count++;
    const result = new Int32Array(count);
    let next = 0;
    for (let position = 0; position < this.nodes.count; position++)
      if (this.nodes.types[position] === typeId) result[next++] = this.nodes.indices[position]!;
    return result;
  }

  /** Id of an edge kind, or undefined when the graph has no such kind. */
  kindId(kind: EdgeKind): number | undefined {
    return this.kindIds.get(edgeKindKey(kind));
  }

  /** Outgoing edges of a node (PrimeKG stores both directions, so these are all its neighbours). */
  neighbours(nodeIndex: number): KgNeighbour[] {
    const position = this.nodes.positionOf(nodeIndex);
    if (position < 0) return [];
    const { offsets, targets, targetKinds } = this.buildAdjacency();
    const result: KgNeighbour[] = [];
    for (let slot = offsets[position]!; slot < offsets[position + 1]!; slot++)
      result.push({ node: targets[slot]!, kind: targetKinds[slot]! });
    return result;
  }

  degree(nodeIndex: number): number {
    const position = this.nodes.positionOf(nodeIndex);
    if (position < 0) return 0;
    const { offsets } = this.buildAdjacency();
    return offsets[position + 1]! - offsets[position]!;
  }

  /** Head and tail `node_index` columns of the edges of one kind, in insertion order. */
  edgesOfKind(kind: number | EdgeKind): { heads: Int32Array; tails: Int32Array } {
    const id = typeof kind === 'number' ? kind : this.kindId(kind);
    if (id === undefined || id < 0 || id >= this.edgeKinds.length)
      return { heads: new Int32Array(0), tails: new Int32Array(0) };
    const { offsets, order } = this.buildKindGroups();
    const start = offsets[id]!;
    const end = offsets[id + 1]!;
    const heads = new Int32Array(end - start);
    const tails = new Int32Array(end - start);
    for (let slot = start; slot < end; slot++) {
      const edge = order[slot]!;
      heads[slot - start] = this.heads[edge]!;
      tails[slot - start] = this.tails[edge]!;
    }
    return { heads, tails };
  }

  /** Edge count per kind id. */
  edgeCountsByKind(): number[] {
    const counts = new Array<number>(this.edgeKinds.length).fill(0);
    for (let edge = 0; edge < this.kinds.length; edge++) counts[this.kinds[edge]!]!++;
    return counts;
  }

  private buildAdjacency() {
    if (this.adjacency !== undefined) return this.adjacency;
    const count = this.nodes.count;
    const offsets = new Int32Array(count + 1);
    const headPositions = new Int32Array(this.heads.length);
    for (let edge = 0; edge < this.heads.length; edge++) {
      const position = this.nodes.positionOf(this.heads[edge]!);
      headPositions[edge] = position;
      offsets[position + 1]!++;
    }
    for (let position = 0; position < count; position++) offsets[position + 1]! += offsets[position]!;
    const cursor = offsets.slice(0, count);
    const targets = new Int32Array(this.heads.length);
    const targetKinds = new Uint16Array(this.heads.length);
    for (let edge = 0; edge < this.heads.length; edge++) {
      const slot = cursor[headPositions[edge]!]!++;
      targets[slot] = this.tails[edge]!;
      targetKinds[slot] = this.kinds[edge]!;
    }
    this.adjacency = { offsets, targets, targetKinds };
    return this.adjacency;
  }

  private buildKindGroups() {
    if (this.kindGroups !== undefined) return this.kindGroups;
    const offsets = new Int32Array(this.edgeKinds.length + 1);
    for (let edge = 0; edge < this.kinds.length; edge++) offsets[this.kinds[edge]! + 1]!++;
    for (let kind = 0; kind < this.edgeKinds.length; kind++) offsets[kind + 1]! += offsets[kind]!;
    const cursor = offsets.slice(0, this.edgeKinds.length);
    const order = new Int32Array(this.kinds.length);
    for (let edge = 0; edge < this.kinds.length; edge++) order[cursor[this.kinds[edge]!]!++] = edge;
    this.kindGroups = { offsets, order };
    return this.kindGroups;
  }
}

export function edgeKindKey(kind: EdgeKind): string {
  return `${kind.relation}\u0000${kind.displayRelation}\u0000${kind.headType}\u0000${kind.tailType}`;
}

/** `drug_protein/target (drug → gene/protein)` */
export function describeEdgeKind(kind: EdgeKind): string {
  return `${kind.relation}/${kind.displayRelation} (${kind.headType} → ${kind.tailType})`;
}

/** Sub-directory of an index that holds the graph. */
export const GRAPH_DIRECTORY = 'graph';
const HEADER_FILE = 'graph.json';
const NODES_FILE = 'nodes.json.gz';
const EDGES_FILE = 'edges.bin';
const FORMAT = 'biobridge-kg-graph';
const FORMAT_VERSION = 1;

const edgeKindSchema = z.object({
  relation: z.string().min(1),
  displayRelation: z.string().min(1),
  headType: z.string().min(1),
  tailType: z.string().min(1),
});

export const graphHeaderSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  nodeCount: z.number().int().nonnegative(),
  edgeCount: z.number().int().nonnegative(),
  registry: registrySchema,
  edgeKinds: z.array(edgeKindSchema).max(0x10000),
  nodesFile: z.literal(NODES_FILE),
  nodesSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Little-endian columns: heads Int32 × edgeCount, tails Int32 × edgeCount, kinds Uint16 × edgeCount. */
  edgesFile: z.literal(EDGES_FILE),
  edgesSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type GraphHeader = z.infer<typeof graphHeaderSchema>;

const nodesFileSchema = z.object({
  indices: z.array(
    z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
  ),
  ids: z.array(z.string()),
  names: z.array(z.string()),
  types: z.array(z.number().int().min(0).max(0xffff)),
  sources: z.array(z.number().int().min(0).max(0xffff)),
  sourceNames: z.array(z.string()),
});

/**
 * Writes `<directory>/graph/` (`graph.json` header, `nodes.json.gz`, `edges.bin`) atomically:
 * a reader sees the previous graph or the new one, never a mix.
 */
export async function writeGraph(directory: string, graph: KgGraph): Promise<void> {
  assertLittleEndian();
  const nodes = graph.nodes;
  const nodesJson = JSON.stringify({
    indices: Array.from(nodes.indices),
    ids: nodes.ids,
    names: nodes.names,
    types: Array.from(nodes.types),
    sources: Array.from(nodes.sources),
    sourceNames: nodes.sourceNames,
  });
  const nodesBytes = await promisify(gzip)(Buffer.from(nodesJson, 'utf8'));
  const edgeParts = [bytesOf(graph.heads), bytesOf(graph.tails), bytesOf(graph.kinds)];
  const edgesHash = createHash('sha256');
  for (const part of edgeParts) edgesHash.update(part);
  const header: GraphHeader = {
    format: FORMAT,
    version: FORMAT_VERSION,
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    registry: graph.registry.toJSON(),
    edgeKinds: graph.edgeKinds.map(({ relation, displayRelation, headType, tailType }) => ({
      relation,
      displayRelation,
      headType,
      tailType,
    })),
    nodesFile: NODES_FILE,
    nodesSha256: createHash('sha256').update(nodesBytes).digest('hex'),
    edgesFile: EDGES_FILE,
    edgesSha256: edgesHash.digest('hex'),
  };
  await buildDirectoryAtomic(join(directory, GRAPH_DIRECTORY), async (staging) => {
    const handle = await open(join(staging, EDGES_FILE), 'w');
    try {
      for (const part of edgeParts) await handle.write(part);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await writeFileSynced(join(staging, NODES_FILE), nodesBytes);
    await writeFileSynced(join(staging, HEADER_FILE), `${JSON.stringify(header, null, 2)}\n`);
  });
}

/** Reads and verifies a graph written by {@link writeGraph} from `<directory>/graph/`. */
export async function readGraph(directory: string): Promise<KgGraph> {
  assertLittleEndian();
  const graphDirectory = join(directory, GRAPH_DIRECTORY);
  const invalid = (message: string, cause?: unknown) =>
    new AppError({
      code: 'INVALID_INDEX',
      message: `${graphDirectory}: ${message}`,
      cause,
      details: { directory: graphDirectory },
    });

  const headerText = await readFile(join(graphDirectory, HEADER_FILE), 'utf8').catch((error: unknown) => {
    throw invalid(`cannot read ${HEADER_FILE}`, error);
  });
  let headerValue: unknown;
  try {
    headerValue = JSON.parse(headerText);
  } catch (error) {
    throw invalid(`${HEADER_FILE} is not JSON`, error);
  }
  const parsedHeader = graphHeaderSchema.safeParse(headerValue);
  if (!parsedHeader.success)
    throw invalid(`${HEADER_FILE} is invalid: ${z.prettifyError(parsedHeader.error)}`);
  const header = parsedHeader.data;

  const nodesBytes = await readFile(join(graphDirectory, NODES_FILE)).catch((error: unknown) => {
    throw invalid(`cannot read ${NODES_FILE}`, error);
  });
  if (createHash('sha256').update(nodesBytes).digest('hex') !== header.nodesSha256)
    throw invalid(`${NODES_FILE} does not match the checksum in ${HEADER_FILE}`);
  let nodesValue: unknown;
  try {
    nodesValue = JSON.parse((await promisify(gunzip)(nodesBytes)).toString('utf8'));
  } catch (error) {
    throw invalid(`${NODES_FILE} is not gzip-compressed JSON`, error);
  }
  // zod checks 75k nodes × 5 columns in ≈ 0.3 s of start-up: a hand-written pass first, zod only
  // to name what is wrong.
  let nodeData: NodesFile;
  if (isNodesFile(nodesValue)) nodeData = nodesValue;
  else {
    const parsedNodes = nodesFileSchema.safeParse(nodesValue);
    if (!parsedNodes.success)
      throw invalid(`${NODES_FILE} is invalid: ${z.prettifyError(parsedNodes.error)}`);
    nodeData = parsedNodes.data;
  }
  if (nodeData.indices.length !== header.nodeCount)
    throw invalid(
      `${NODES_FILE} holds ${nodeData.indices.length} nodes, the header says ${header.nodeCount}`,
    );

  const edgesBytes = await readFile(join(graphDirectory, EDGES_FILE)).catch((error: unknown) => {
    throw invalid(`cannot read ${EDGES_FILE}`, error);
  });
  const edgeCount = header.edgeCount;
  if (edgesBytes.length !== edgeCount * 10)
    throw invalid(`${EDGES_FILE} has ${edgesBytes.length} bytes; ${edgeCount} edges need ${edgeCount * 10}`);
  if (createHash('sha256').update(edgesBytes).digest('hex') !== header.edgesSha256)
    throw invalid(`${EDGES_FILE} does not match the checksum in ${HEADER_FILE}`);
  const aligned = edgesBytes.byteOffset % 4 === 0 ? edgesBytes : Buffer.from(edgesBytes);
  const heads = new Int32Array(aligned.buffer, aligned.byteOffset, edgeCount);
  const tails = new Int32Array(aligned.buffer, aligned.byteOffset + 4 * edgeCount, edgeCount);
  const kinds = new Uint16Array(aligned.buffer, aligned.byteOffset + 8 * edgeCount, edgeCount);

  try {
    const registry = Registry.fromJSON(header.registry);
    const nodes = new NodeTable({
      indices: Int32Array.from(nodeData.indices),
      ids: nodeData.ids,
      names: nodeData.names,
      types: Uint16Array.from(nodeData.types),
      sources: Uint16Array.from(nodeData.sources),
      sourceNames: nodeData.sourceNames,
    });
    return new KgGraph({ registry, nodes, edgeKinds: header.edgeKinds, heads, tails, kinds });
  } catch (error) {
    throw invalid(
      `graph files are inconsistent: ${error instanceof Error ? error.message : String(error)}`,
      error,
    );
  }
}

type NodesFile = z.infer<typeof nodesFileSchema>;

const isArrayOf = (value: unknown, check: (item: unknown) => boolean): boolean =>
  Array.isArray(value) && value.every(check);
const isString = (item: unknown) => typeof item === 'string';
const isIntegerIn = (max: number) => (item: unknown) =>
  typeof item === 'number' && Number.isInteger(item) && item >= 0 && item <= max;

/** What `nodesFileSchema` accepts, checked without zod (see readGraph). */
function isNodesFile(value: unknown): value is NodesFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return (
    isArrayOf(file.indices, isIntegerIn(2 ** 31 - 1)) &&
    isArrayOf(file.ids, isString) &&
    isArrayOf(file.names, isString) &&
    isArrayOf(file.types, isIntegerIn(0xffff)) &&
    isArrayOf(file.sources, isIntegerIn(0xffff)) &&
    isArrayOf(file.sourceNames, isString)
  );
}

function bytesOf(array: Int32Array | Uint16Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

async function writeFileSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function assertLittleEndian(): void {
  if (endianness() !== 'LE')
    throw new AppError({
      code: 'INTERNAL',
      message: 'graph files are little-endian; this machine is big-endian',
    });
}
