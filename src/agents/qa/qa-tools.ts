import { z } from 'zod';
import { AppError, describeError } from '../../errors.js';
import type { KgGraph } from '../../kg/graph.js';
import type { LlmToolCall, LlmToolDefinition } from '../../llm/llm-client.js';
import {
  orderEvidence,
  type Evidence,
  type EvidenceDraft,
  type EvidenceEntity,
} from '../../retrieval/evidence.js';
import type { ResolvedEntity } from '../../retrieval/entity-resolver.js';
import type { Retriever } from '../../retrieval/retriever.js';
import type { NameLookup } from '../../store/name-lookup.js';
import { llmToolDefaults } from '../../config/llm-tools.js';

/**
 * The QA agent's own tools, offered to the LLM as OpenAI `tools`: `lookup` (a name or id → nodes),
 * `neighbours` (a node's KG edges), `path` (KG paths between two nodes) and `retrieve` (ranked
 * tails of one type, KG facts and predictions). Arguments are validated with zod; a bad call gets
 * an error result the model can read, never an exception. Facts a tool returns are numbered as
 * evidence (continuing after the evidence the model already has), so the final answer can cite them;
 * the ids are ours, whatever text the KG or a tool result holds.
 */

export interface QaToolDependencies {
  retriever: Retriever;
  lookup: NameLookup;
}

export interface QaToolLimits {
  maxResultItems: number;
  maxPathHops: number;
  maxPathExpansions: number;
}

/** Evidence collected during one answer: the model's starting evidence, then what tools found. */
export interface ToolEvidence {
  /** The id of an equal fact already known, or a new id (`E{n+1}`). */
  add(draft: EvidenceDraft): string;
  /** Every item, the starting evidence first. */
  readonly all: Evidence[];
  /** Items added by tools, in order. */
  readonly added: Evidence[];
}

export function createToolEvidence(initial: readonly Evidence[]): ToolEvidence {
  const all = [...initial];
  const added: Evidence[] = [];
  const byText = new Map(initial.map((item) => [item.text, item.id]));
  return {
    add(draft) {
      const known = byText.get(draft.text);
      if (known !== undefined) return known;
      const item: Evidence = { id: `E${all.length + 1}`, ...draft };
      all.push(item);
      added.push(item);
      byText.set(item.text, item.id);
      return item.id;
    },
    all,
    added,
  };
}

export interface QaToolContext {
  evidence: ToolEvidence;
  signal?: AbortSignal | undefined;
}

export interface QaTool {
  definition: LlmToolDefinition;
  run(input: unknown, context: QaToolContext): Promise<unknown>;
}

const nodeReference = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .describe('A node name, symbol, synonym or KG id, e.g. "imatinib", "ABL1", "DB00619", "DOID:8893"');
const nodeType = z
  .string()
  .min(1)
  .max(64)
  .optional()
  .describe('Node type, e.g. "drug", "gene/protein", "disease"; narrows an ambiguous name');

export const lookupArgumentsSchema = z.strictObject({
  query: nodeReference,
  type: nodeType,
  limit: z.number().int().min(1).max(10).optional().describe('Matches to return (default 5)'),
});
export const neighboursArgumentsSchema = z.strictObject({
  node: nodeReference,
  type: nodeType,
  relation: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Only edges of this relation (display relation like "target", or PrimeKG relation like "drug_protein")',
    ),
  limit: z.number().int().min(1).max(50).optional().describe('Edges to return at most'),
});
export const pathArgumentsSchema = z.strictObject({
  from: nodeReference,
  to: nodeReference,
  fromType: nodeType,
  toType: nodeType,
  maxHops: z.number().int().min(1).max(3).optional().describe('Longest path in edges (default 2)'),
});
export const retrieveArgumentsSchema = z.strictObject({
  head: nodeReference,
  headType: nodeType,
  tailType: z.string().min(1).max(64).describe('Node type to rank, e.g. "gene/protein"'),
  method: z
    .enum(['fused', 'bridge', 'transfer'])
    .optional()
    .describe('Ranking of predictions; default the index default'),
  k: z.number().int().min(1).max(20).optional().describe('Results to return at most'),
});

export const QA_TOOL_NAMES = ['lookup', 'neighbours', 'path', 'retrieve'] as const;

/** The four tools over the index's graph, name lookup and retriever. */
export function createQaTools(
  dependencies: QaToolDependencies,
  limits: QaToolLimits = llmToolDefaults,
): Map<string, QaTool> {
  const { lookup } = dependencies;
  const scope = toolScope(dependencies, limits);
  const { cap } = scope;

  const tools: [string, string, z.ZodType, (input: never, context: QaToolContext) => Promise<unknown>][] = [
    [
      'lookup',
      'Find knowledge-graph nodes by name, symbol, synonym or id. Returns type, id and name of each match.',
      lookupArgumentsSchema,
      async (input: z.infer<typeof lookupArgumentsSchema>) => ({
        matches: lookup
          .lookup(input.query, {
            limit: cap(input.limit, 5),
            ...(input.type === undefined ? {} : { types: [input.type] }),
          })
          .map((match) => ({
            type: match.type,
            id: match.id,
            name: match.name,
            matched: match.matched,
            score: Number(match.score.toFixed(3)),
          })),
      }),
    ],
    [
      'neighbours',
      "A node's knowledge-graph edges (KG facts), optionally of one relation. Each edge has an evidence id to cite.",
      neighboursArgumentsSchema,
      (input: z.infer<typeof neighboursArgumentsSchema>, context) => runNeighbours(scope, input, context),
    ],
    [
      'path',
      'Knowledge-graph paths between two nodes, shortest first (at most maxHops edges). Each path has an evidence id to cite.',
      pathArgumentsSchema,
      (input: z.infer<typeof pathArgumentsSchema>, context) => runPath(scope, input, context),
    ],
    [
      'retrieve',
      'Rank nodes of one type for a head node: KG facts first, then bridge/transfer predictions with scores. Each hit has an evidence id to cite.',
      retrieveArgumentsSchema,
      (input: z.infer<typeof retrieveArgumentsSchema>, context) => runRetrieve(scope, input, context),
    ],
  ];
  return new Map(
    tools.map(([name, description, schema, run]) => [
      name,
      {
        definition: { name, description, parameters: toolParameters(schema) },
        run: async (input, context) => run(schema.parse(input) as never, context),
      },
    ]),
  );
}

/** What every tool reads: the graph, the retriever and the caps on one call's result. */
interface ToolScope {
  retriever: Retriever;
  graph: KgGraph;
  limits: QaToolLimits;
  resolve(reference: string, type: string | undefined): ResolvedEntity;
  /** The asked count (else `fallback`, by default the most a result may hold), clamped to that most. */
  cap(requested: number | undefined, fallback?: number): number;
}

function toolScope(dependencies: QaToolDependencies, limits: QaToolLimits): ToolScope {
  const { retriever } = dependencies;
  return {
    retriever,
    graph: retriever.graph,
    limits,
    resolve: (reference, type) =>
      retriever.entities.byName(reference, type === undefined ? undefined : [type]),
    cap: (requested, fallback = limits.maxResultItems) =>
      Math.min(requested ?? fallback, limits.maxResultItems),
  };
}

/** `neighbours`: a node's edges, in a stable order so the same call cites the same evidence ids. */
async function runNeighbours(
  scope: ToolScope,
  input: z.infer<typeof neighboursArgumentsSchema>,
  context: QaToolContext,
) {
  const { graph, resolve, cap } = scope;
  const node = resolve(input.node, input.type);
  const limit = cap(input.limit);
  const edges = graph
    .neighbours(node.nodeIndex)
    .filter((edge) => input.relation === undefined || relationMatches(graph, edge.kind, input.relation))
    .sort((left, right) => left.kind - right.kind || left.node - right.node);
  return {
    node: entityOf(node),
    total: edges.length,
    edges: edges.slice(0, limit).map((edge) => {
      const tail = entityAt(graph, edge.node);
      const relation = graph.edgeKinds[edge.kind]!.displayRelation;
      return {
        evidence: context.evidence.add(edgeDraft(graph, entityOf(node), tail, edge.kind)),
        relation,
        ...tail,
      };
    }),
  };
}

/** `path`: paths between two nodes, bounded by hops, count and expansions so one call cannot stall the loop. */
async function runPath(scope: ToolScope, input: z.infer<typeof pathArgumentsSchema>, context: QaToolContext) {
  const { graph, limits, resolve } = scope;
  const from = resolve(input.from, input.fromType);
  const to = resolve(input.to, input.toType);
  const found = findPaths(graph, from.nodeIndex, to.nodeIndex, {
    maxHops: Math.min(input.maxHops ?? 2, limits.maxPathHops),
    maxPaths: limits.maxResultItems,
    maxExpansions: limits.maxPathExpansions,
  });
  return {
    from: entityOf(from),
    to: entityOf(to),
    truncated: found.truncated ? 'the search stopped at its expansion budget' : undefined,
    paths: found.paths.map((path) => {
      const text = pathText(graph, path);
      return {
        evidence: context.evidence.add({
          subject: entityOf(from),
          entity: entityOf(to),
          relation: path.kinds.map((kind) => graph.edgeKinds[kind]!.displayRelation).join(' → '),
          score: 1,
          kind: 'kg-fact',
          source: path.kinds.length === 1 ? 'KG fact' : `KG path (${path.kinds.length} hops)`,
          text,
        }),
        path: text,
      };
    }),
  };
}

/** `retrieve`: known facts first, then predictions; predictions that cannot be made are skipped, with a note. */
async function runRetrieve(
  scope: ToolScope,
  input: z.infer<typeof retrieveArgumentsSchema>,
  context: QaToolContext,
) {
  const { retriever, resolve, cap } = scope;
  const head = resolve(input.head, input.headType);
  const k = cap(input.k);
  const response = await retriever.retrieve(
    {
      entity: { type: head.type, id: head.id },
      targetTypes: [input.tailType],
      k,
      maxKnown: k,
      includeKnown: true,
      includePredicted: true,
      method: input.method,
    },
    { signal: context.signal, unavailablePredictions: 'skip', methodWithoutFusion: 'bridge' },
  );
  const drafts = orderEvidence([{ subject: entityOf(head), response }]).slice(0, k);
  return {
    head: entityOf(head),
    note: response.query.predictions.available ? undefined : response.query.predictions.reason,
    results: drafts.map((draft) => ({
      evidence: context.evidence.add(draft),
      ...draft.entity,
      relation: draft.relation,
      kind: draft.kind,
      score: draft.score,
      statement: draft.text,
    })),
  };
}

/**
 * Runs one tool call and returns the tool message's content: the result as JSON, or
 * `{"error": …}` for an unknown tool, arguments that are not JSON or fail the schema, or a node
 * that does not resolve. Only an abort is thrown.
 */
export async function executeToolCall(
  tools: ReadonlyMap<string, QaTool>,
  call: LlmToolCall,
  context: QaToolContext,
): Promise<{ ok: boolean; content: string }> {
  const failure = (message: string) => ({ ok: false, content: JSON.stringify({ error: message }) });
  const tool = tools.get(call.name);
  if (!tool) return failure(`unknown tool '${call.name}'; available: ${[...tools.keys()].join(', ')}`);
  let input: unknown;
  try {
    input = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return failure(`the arguments of '${call.name}' are not valid JSON`);
  }
  try {
    return { ok: true, content: JSON.stringify(await tool.run(input, context)) };
  } catch (error) {
    context.signal?.throwIfAborted();
    if (error instanceof z.ZodError)
      return failure(`invalid arguments for '${call.name}': ${z.prettifyError(error).replace(/\n/g, ' ')}`);
    if (error instanceof AppError) return failure(error.message);
    return failure(`'${call.name}' failed: ${describeError(error)}`);
  }
}

function toolParameters(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(schema) as Record<string, unknown>;
  return parameters;
}

function entityOf(node: ResolvedEntity): EvidenceEntity {
  return { type: node.type, id: node.id, name: node.name };
}

function entityAt(graph: KgGraph, nodeIndex: number): EvidenceEntity {
  const node = graph.node(nodeIndex);
  return node
    ? { type: node.type, id: node.id, name: node.name }
    : { type: 'unknown', id: String(nodeIndex), name: String(nodeIndex) };
}

function relationMatches(graph: KgGraph, kind: number, relation: string): boolean {
  const edgeKind = graph.edgeKinds[kind];
  const wanted = relation.trim().toLowerCase();
  return edgeKind !== undefined && (edgeKind.displayRelation === wanted || edgeKind.relation === wanted);
}

function edgeDraft(
  graph: KgGraph,
  subject: EvidenceEntity,
  entity: EvidenceEntity,
  kind: number,
): EvidenceDraft {
  const edgeKind = graph.edgeKinds[kind]!;
  return {
    subject,
    entity,
    relation: edgeKind.displayRelation,
    score: 1,
    kind: 'kg-fact',
    source: `KG: ${edgeKind.relation}`,
    text: `${subject.name} —${edgeKind.displayRelation}→ ${entity.name} (${entity.type} ${entity.id}; KG fact)`,
  };
}

interface KgPath {
  nodes: number[];
  kinds: number[];
}

/**
 * Simple paths from `from` to `to` of at most `maxHops` edges, shortest first, by breadth-first
 * expansion from `from`; at most `maxExpansions` neighbour lists are read, so a hub cannot stall it.
 */
export function findPaths(
  graph: KgGraph,
  from: number,
  to: number,
  limits: { maxHops: number; maxPaths: number; maxExpansions: number },
): { paths: KgPath[]; truncated: boolean } {
  const paths: KgPath[] = [];
  let frontier: KgPath[] = [{ nodes: [from], kinds: [] }];
  let expansions = 0;
  // Only `maxExpansions` paths are ever expanded, so a longer frontier is never needed.
  let dropped = false;
  for (let hop = 1; hop <= limits.maxHops && paths.length < limits.maxPaths; hop++) {
    const next: KgPath[] = [];
    for (const path of frontier) {
      if (expansions >= limits.maxExpansions) return { paths, truncated: true };
      expansions++;
      for (const edge of graph.neighbours(path.nodes.at(-1)!)) {
        if (path.nodes.includes(edge.node)) continue;
        const extended = { nodes: [...path.nodes, edge.node], kinds: [...path.kinds, edge.kind] };
        if (edge.node === to) {
          paths.push(extended);
          if (paths.length >= limits.maxPaths) return { paths, truncated: dropped };
        } else if (hop < limits.maxHops) {
          if (next.length < limits.maxExpansions) next.push(extended);
          else dropped = true;
        }
      }
    }
    frontier = next;
  }
  return { paths, truncated: dropped };
}

function pathText(graph: KgGraph, path: KgPath): string {
  const name = (node: number) => graph.node(node)?.name ?? String(node);
  return path.kinds.reduce(
    (text, kind, step) =>
      `${text} —${graph.edgeKinds[kind]!.displayRelation}→ ${name(path.nodes[step + 1]!)}`,
    name(path.nodes[0]!),
  );
}
