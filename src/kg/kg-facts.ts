import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import type { EdgeAttribute } from './payloads.js';

/** GWAS statistics of one variant–disease association (the best-p-value catalog row). */
export interface GwasAssociation {
  /** −log10 of the association p-value. */
  pvalueMlog?: number | undefined;
  /** Odds ratio or beta, as the catalog gives it. */
  orBeta?: number | undefined;
  pubmedId?: string | undefined;
}

/** One directed is_a link of an ontology (disease, phenotype, GO): `child` is a kind of `parent`. */
export interface IsALink {
  child: number;
  parent: number;
}

/**
 * Facts the edge list alone cannot carry: GWAS statistics of variant–disease edges and the
 * direction of ontology parent-child edges (kg.csv lists every edge both ways, so "is a" cannot
 * be told from "has subtype" without `ontology_is_a.csv`). Node indices are the KG's `node_index`.
 */
export class KgFacts {
  private built: FactLookups | undefined;
  private readonly ancestorCache = new Map<number, ReadonlySet<number>>();

  constructor(
    readonly associationList: readonly EdgeAttribute[],
    readonly isALinks: readonly IsALink[],
  ) {}

  /** Built on first use: about 0.2 s on the shared KG that a retrieval-only start-up need not pay. */
  private get lookups(): FactLookups {
    return (this.built ??= buildLookups(this.associationList, this.isALinks));
  }

  static empty(): KgFacts {
    return new KgFacts([], []);
  }

  get hasOntology(): boolean {
    return this.isALinks.length > 0;
  }

  /** GWAS statistics of the association between a variant and a disease, in either order. */
  association(variantIndex: number, diseaseIndex: number): GwasAssociation | undefined {
    return (
      this.lookups.associations.get(pairKey(variantIndex, diseaseIndex)) ??
      this.lookups.associations.get(pairKey(diseaseIndex, variantIndex))
    );
  }

  /** Direct is_a parents (more general terms). */
  parents(nodeIndex: number): readonly number[] {
    return this.lookups.parentLists.get(nodeIndex) ?? [];
  }

  /** Direct is_a children (more specific terms). */
  children(nodeIndex: number): readonly number[] {
    return this.lookups.childLists.get(nodeIndex) ?? [];
  }

  /** Every term above `nodeIndex` in its ontology (transitive parents), without the node itself. */
  ancestors(nodeIndex: number): ReadonlySet<number> {
    const cached = this.ancestorCache.get(nodeIndex);
    if (cached) return cached;
    const seen = reachableFrom(nodeIndex, (node) => this.parents(node));
    this.ancestorCache.set(nodeIndex, seen);
    return seen;
  }

  /** Every term below `nodeIndex` (transitive children), without the node itself. */
  descendants(nodeIndex: number): Set<number> {
    return reachableFrom(nodeIndex, (node) => this.children(node));
  }

  /** Whether `child` is `ancestor` or lies below it in the is_a closure. */
  isA(child: number, ancestor: number): boolean {
    return child === ancestor || this.ancestors(child).has(ancestor);
  }
}

interface FactLookups {
  associations: Map<string, GwasAssociation>;
  parentLists: Map<number, number[]>;
  childLists: Map<number, number[]>;
}

function buildLookups(associationList: readonly EdgeAttribute[], isALinks: readonly IsALink[]): FactLookups {
  const lookups: FactLookups = { associations: new Map(), parentLists: new Map(), childLists: new Map() };
  for (const attribute of associationList)
    lookups.associations.set(pairKey(attribute.head, attribute.tail), {
      pvalueMlog: attribute.pvalueMlog,
      orBeta: attribute.orBeta,
      pubmedId: attribute.pubmedId,
    });
  for (const { child, parent } of isALinks) {
    appendTo(lookups.parentLists, child, parent);
    appendTo(lookups.childLists, parent, child);
  }
  return lookups;
}

function pairKey(first: number, second: number): string {
  return `${first}:${second}`;
}

function appendTo(lists: Map<number, number[]>, key: number, value: number): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/** File of the facts, under the index's graph directory. */
export const KG_FACTS_FILE = 'facts.json.gz';

const factsFileSchema = z.object({
  format: z.literal('biobridge-kg-facts'),
  version: z.literal(1),
  /** [variant, disease, −log10 p | null, or/beta | null, pubmed id | null] */
  associations: z.array(
    z.tuple([
      z.number().int(),
      z.number().int(),
      z.number().nullable(),
      z.number().nullable(),
      z.string().nullable(),
    ]),
  ),
  /** [child, parent] */
  isA: z.array(z.tuple([z.number().int(), z.number().int()])),
});

type FactsFile = z.output<typeof factsFileSchema>;

const isInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value);
const isNumberOrNull = (value: unknown) => value === null || typeof value === 'number';

/** What `factsFileSchema` accepts, checked without zod (see readKgFacts). */
function isFactsFile(value: unknown): value is FactsFile {
  if (typeof value !== 'object' || value === null) return false;
  const file = value as Record<string, unknown>;
  return (
    file.format === 'biobridge-kg-facts' &&
    file.version === 1 &&
    Array.isArray(file.associations) &&
    file.associations.every(
      (row: unknown) =>
        Array.isArray(row) &&
        row.length === 5 &&
        isInteger(row[0]) &&
        isInteger(row[1]) &&
        isNumberOrNull(row[2]) &&
        isNumberOrNull(row[3]) &&
        (row[4] === null || typeof row[4] === 'string'),
    ) &&
    Array.isArray(file.isA) &&
    file.isA.every(
      (row: unknown) => Array.isArray(row) && row.length === 2 && isInteger(row[0]) && isInteger(row[1]),
    )
  );
}

export async function writeKgFacts(graphDirectory: string, facts: KgFacts): Promise<void> {
  const body: z.input<typeof factsFileSchema> = {
    format: 'biobridge-kg-facts',
    version: 1,
    associations: facts.associationList.map((attribute) => [
      attribute.head,
      attribute.tail,
      attribute.pvalueMlog ?? null,
      attribute.orBeta ?? null,
      attribute.pubmedId ?? null,
    ]),
    isA: facts.isALinks.map(({ child, parent }) => [child, parent]),
  };
  const bytes = await promisify(gzip)(Buffer.from(JSON.stringify(body), 'utf8'));
  await writeFileAtomic(join(graphDirectory, KG_FACTS_FILE), bytes);
}

/** Reads the facts of an index; indexes built before facts were kept get empty facts. */
export async function readKgFacts(graphDirectory: string): Promise<KgFacts> {
  const path = join(graphDirectory, KG_FACTS_FILE);
  let compressed: Buffer;
  try {
    compressed = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return KgFacts.empty();
    throw new AppError({ code: 'INVALID_INDEX', message: `cannot read ${path}`, cause: error });
  }
  let parsed: z.output<typeof factsFileSchema>;
  try {
    const text = (await promisify(gunzip)(compressed)).toString('utf8');
    const json: unknown = JSON.parse(text);
    // zod checks each of the ≈ 100k rows in ≈ 0.3 s of start-up: a hand-written pass first, zod
    // only to name what is wrong.
    parsed = isFactsFile(json) ? json : factsFileSchema.parse(json);
  } catch (error) {
    throw new AppError({
      code: 'INVALID_INDEX',
      message: `${path} is not a valid facts file: ${error instanceof z.ZodError ? z.prettifyError(error) : String(error)}`,
      cause: error,
    });
  }
  return new KgFacts(
    parsed.associations.map(([head, tail, pvalueMlog, orBeta, pubmedId]) => ({
      head,
      tail,
      relation: 'variant_disease',
      pvalueMlog: pvalueMlog ?? undefined,
      orBeta: orBeta ?? undefined,
      pubmedId: pubmedId ?? undefined,
    })),
    parsed.isA.map(([child, parent]) => ({ child, parent })),
  );
}

/** Every node reachable from `start` by following `next` (depth first), without `start` itself. */
function reachableFrom(start: number, next: (node: number) => readonly number[]): Set<number> {
  const seen = new Set<number>();
  const stack = [...next(start)];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node) || node === start) continue;
    seen.add(node);
    stack.push(...next(node));
  }
  return seen;
}
