import { AppError } from '../errors.js';

/**
 * KG nodes stored by column. Positions are 0..count-1 in ascending `node_index` order; PrimeKG's
 * `node_index` values may be sparse, so lookups go through {@link NodeTable.positionOf}.
 */
export interface NodeTableData {
  /** `node_index` per position, ascending. */
  indices: Int32Array;
  ids: string[];
  names: string[];
  /** Registry type id per position. */
  types: Uint16Array;
  /** Index into `sourceNames` per position. */
  sources: Uint16Array;
  sourceNames: string[];
}

/** Above this many unused slots per node a Map replaces the dense index → position array. */
const DENSE_SLACK = 4;

export class NodeTable {
  readonly indices: Int32Array;
  readonly ids: string[];
  readonly names: string[];
  readonly types: Uint16Array;
  readonly sources: Uint16Array;
  readonly sourceNames: string[];
  private readonly dense: Int32Array | undefined;
  private readonly sparse: Map<number, number> | undefined;

  constructor(data: NodeTableData) {
    const count = data.indices.length;
    if (
      data.ids.length !== count ||
      data.names.length !== count ||
      data.types.length !== count ||
      data.sources.length !== count
    )
      throw new AppError({ code: 'INVALID_INDEX', message: 'node table columns differ in length' });
    this.indices = data.indices;
    this.ids = data.ids;
    this.names = data.names;
    this.types = data.types;
    this.sources = data.sources;
    this.sourceNames = data.sourceNames;
    for (let position = 1; position < count; position++)
      if (data.indices[position - 1]! >= data.indices[position]!)
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `node indices must be unique and ascending; ${data.indices[position]} follows ${data.indices[position - 1]}`,
        });
    for (let position = 0; position < count; position++)
      if (data.sources[position]! >= data.sourceNames.length)
        throw new AppError({
          code: 'INVALID_INDEX',
          message: `node source id ${data.sources[position]} is undefined`,
        });
    const largest = count === 0 ? -1 : data.indices[count - 1]!;
    if (largest + 1 <= Math.max(count * DENSE_SLACK, 1 << 20)) {
      this.dense = new Int32Array(largest + 1).fill(-1);
      for (let position = 0; position < count; position++) this.dense[data.indices[position]!] = position;
    } else {
      this.sparse = new Map();
      for (let position = 0; position < count; position++) this.sparse.set(data.indices[position]!, position);
    }
  }

  get count(): number {
    return this.indices.length;
  }

  /** Position of a `node_index`, or -1 when the node does not exist. */
  positionOf(index: number): number {
    if (this.dense !== undefined) return index >= 0 && index < this.dense.length ? this.dense[index]! : -1;
    return this.sparse!.get(index) ?? -1;
  }

  has(index: number): boolean {
    return this.positionOf(index) >= 0;
  }

  sourceAt(position: number): string {
    return this.sourceNames[this.sources[position]!]!;
  }
}

/** Collects nodes in any order, then sorts them into a {@link NodeTable}. */
export class NodeTableBuilder {
  private indices = new Int32Array(1024);
  private types = new Uint16Array(1024);
  private sources = new Uint16Array(1024);
  private lines = new Int32Array(1024);
  private readonly ids: string[] = [];
  private readonly names: string[] = [];
  private readonly sourceNames: string[] = [];
  private readonly sourceIds = new Map<string, number>();
  private readonly positions = new Map<number, number>();

  get count(): number {
    return this.ids.length;
  }

  /** Position of a node added so far, or -1. */
  positionOf(index: number): number {
    return this.positions.get(index) ?? -1;
  }

  idAt(position: number): string {
    return this.ids[position]!;
  }

  typeAt(position: number): number {
    return this.types[position]!;
  }

  /** Line of the row that defined the node at `position`. */
  lineAt(position: number): number {
    return this.lines[position]!;
  }

  /** Adds a node whose index is not yet present (check with {@link positionOf}). */
  add(index: number, id: string, typeId: number, name: string, source: string, line: number): number {
    const position = this.ids.length;
    if (position === this.indices.length) this.grow();
    let sourceId = this.sourceIds.get(source);
    if (sourceId === undefined) {
      sourceId = this.sourceNames.length;
      if (sourceId > 0xffff)
        throw new AppError({ code: 'INVALID_INPUT_FILE', message: 'more than 65536 distinct node sources' });
      this.sourceNames.push(source);
      this.sourceIds.set(source, sourceId);
    }
    this.indices[position] = index;
    this.types[position] = typeId;
    this.sources[position] = sourceId;
    this.lines[position] = line;
    this.ids.push(id);
    this.names.push(name);
    this.positions.set(index, position);
    return position;
  }

  build(): NodeTable {
    const count = this.ids.length;
    const order = Array.from({ length: count }, (_, position) => position);
    order.sort((left, right) => this.indices[left]! - this.indices[right]!);
    const indices = new Int32Array(count);
    const types = new Uint16Array(count);
    const sources = new Uint16Array(count);
    const ids = new Array<string>(count);
    const names = new Array<string>(count);
    order.forEach((from, to) => {
      indices[to] = this.indices[from]!;
      types[to] = this.types[from]!;
      sources[to] = this.sources[from]!;
      ids[to] = this.ids[from]!;
      names[to] = this.names[from]!;
    });
    return new NodeTable({ indices, ids, names, types, sources, sourceNames: [...this.sourceNames] });
  }

  private grow(): void {
    const capacity = this.indices.length * 2;
    this.indices = grown(this.indices, new Int32Array(capacity));
    this.types = grown(this.types, new Uint16Array(capacity));
    this.sources = grown(this.sources, new Uint16Array(capacity));
    this.lines = grown(this.lines, new Int32Array(capacity));
  }
}

function grown<T extends Int32Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
