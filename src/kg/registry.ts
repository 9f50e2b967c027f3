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
  private readonly types: NameIds;
  private readonly relationNames: NameIds;

  constructor(data: RegistryData) {
    this.types = new NameIds([...data.nodeTypes], { kind: 'node type', plural: 'types', field: 'type' });
    this.relationNames = new NameIds([...data.relations], {
      kind: 'relation',
      plural: 'relations',
      field: 'relation',
    });
    this.nodeTypes = this.types.names;
    this.relations = this.relationNames.names;
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
    return this.types.idOf(name);
  }

  relationId(name: string): number | undefined {
    return this.relationNames.idOf(name);
  }

  requireTypeId(name: string): number {
    return this.types.require(name);
  }

  requireRelationId(name: string): number {
    return this.relationNames.require(name);
  }

  /** Registers a type not seen before (appended, so existing ids never move). */
  addType(name: string): number {
    return this.types.add(name);
  }

  addRelation(name: string): number {
    return this.relationNames.add(name);
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

/** Names whose ids are their positions in `names`; new names are appended, so existing ids never move. */
class NameIds {
  private readonly ids: Map<string, number>;

  constructor(
    readonly names: string[],
    private readonly label: { kind: string; plural: string; field: string },
  ) {
    this.ids = new Map(names.map((name, id) => [name, id]));
    if (this.ids.size !== names.length) throw duplicate(label.kind, names);
  }

  idOf(name: string): number | undefined {
    return this.ids.get(name);
  }

  require(name: string): number {
    const id = this.ids.get(name);
    if (id === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `unknown ${this.label.kind} "${name}"; known ${this.label.plural}: ${this.names.join(', ')}`,
        details: { field: this.label.field, value: name },
      });
    return id;
  }

  add(name: string): number {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    this.names.push(name);
    this.ids.set(name, this.names.length - 1);
    return this.names.length - 1;
  }
}

function duplicate(kind: string, names: string[]): AppError {
  const seen = new Set<string>();
  const repeated = names.filter((name) => (seen.has(name) ? true : (seen.add(name), false)));
  return new AppError({
    code: 'INVALID_INDEX',
    message: `registry lists the ${kind} "${repeated[0]}" twice`,
  });
}
