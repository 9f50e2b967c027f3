import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Node-type and relation ids in the order of the official BioBridge `data_config.json`, so that
 * released checkpoints (whose embedding tables are indexed by these ids) load unchanged.
 * Types and relations not in that file (e.g. `variant`, `maps to`) are appended after them.
 */
export const BIOBRIDGE_NODE_TYPES = [
  'biological_process',
  'gene/protein',
  'disease',
  'effect/phenotype',
  'anatomy',
  'molecular_function',
  'drug',
  'cellular_component',
  'pathway',
  'exposure',
] as const;

/** BioBridge keys relations by PrimeKG's `display_relation`. */
export const BIOBRIDGE_RELATIONS = [
  'expression present',
  'synergistic interaction',
  'interacts with',
  'ppi',
  'phenotype present',
  'parent-child',
  'associated with',
  'side effect',
  'contraindication',
  'expression absent',
  'target',
  'indication',
  'enzyme',
  'transporter',
  'off-label use',
  'linked to',
  'phenotype absent',
  'carrier',
] as const;

/** Types this project adds after the official ones; fixed so that ids are stable across indexes. */
export const EXTRA_NODE_TYPES = ['variant'] as const;
export const EXTRA_RELATIONS = ['maps to'] as const;

export const registrySchema = z.object({
  nodeTypes: z.array(z.string().min(1)),
  relations: z.array(z.string().min(1)),
});
export type RegistryData = z.infer<typeof registrySchema>;

export class Registry {
  readonly nodeTypes: string[];
  readonly relations: string[];
  private readonly typeIds: Map<string, number>;
  private readonly relationIds: Map<string, number>;

  constructor(data: RegistryData) {
    this.nodeTypes = [...data.nodeTypes];
    this.relations = [...data.relations];
    this.typeIds = new Map(this.nodeTypes.map((name, id) => [name, id]));
    this.relationIds = new Map(this.relations.map((name, id) => [name, id]));
    if (this.typeIds.size !== this.nodeTypes.length) throw duplicate('node type', this.nodeTypes);
    if (this.relationIds.size !== this.relations.length) throw duplicate('relation', this.relations);
  }

  static default(): Registry {
    return new Registry({
      nodeTypes: [...BIOBRIDGE_NODE_TYPES, ...EXTRA_NODE_TYPES],
      relations: [...BIOBRIDGE_RELATIONS, ...EXTRA_RELATIONS],
    });
  }

  static fromJSON(value: unknown): Registry {
    return new Registry(registrySchema.parse(value));
  }

  toJSON(): RegistryData {
    return { nodeTypes: [...this.nodeTypes], relations: [...this.relations] };
  }

  typeId(name: string): number | undefined {
    return this.typeIds.get(name);
  }

  relationId(name: string): number | undefined {
    return this.relationIds.get(name);
  }

  requireTypeId(name: string): number {
    const id = this.typeIds.get(name);
    if (id === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `unknown node type "${name}"; known types: ${this.nodeTypes.join(', ')}`,
        details: { field: 'type', value: name },
      });
    return id;
  }

  requireRelationId(name: string): number {
    const id = this.relationIds.get(name);
    if (id === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `unknown relation "${name}"; known relations: ${this.relations.join(', ')}`,
        details: { field: 'relation', value: name },
      });
    return id;
  }

  /** Registers a type not seen before (appended, so existing ids never move). */
  addType(name: string): number {
    const known = this.typeIds.get(name);
    if (known !== undefined) return known;
    this.nodeTypes.push(name);
    this.typeIds.set(name, this.nodeTypes.length - 1);
    return this.nodeTypes.length - 1;
  }

  addRelation(name: string): number {
    const known = this.relationIds.get(name);
    if (known !== undefined) return known;
    this.relations.push(name);
    this.relationIds.set(name, this.relations.length - 1);
    return this.relations.length - 1;
  }

  /** Maps this registry's ids onto another's (e.g. an official checkpoint's), by name. */
  mappingTo(other: Registry): { types: (number | undefined)[]; relations: (number | undefined)[] } {
    return {
      types: this.nodeTypes.map((name) => other.typeId(name)),
      relations: this.relations.map((name) => other.relationId(name)),
    };
  }
}

/** LanceDB table name for a node type: `gene/protein` → `gene_protein`. */
export function tableNameForType(nodeType: string): string {
  return nodeType
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

function duplicate(kind: string, names: string[]): AppError {
  const seen = new Set<string>();
  const repeated = names.filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
  return new AppError({
    code: 'INVALID_INDEX',
    message: `registry lists the ${kind} "${repeated[0]}" twice`,
  });
}
