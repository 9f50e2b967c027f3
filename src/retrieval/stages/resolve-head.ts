import type { Encoder } from '../../encoders/encoder.js';
import { AppError } from '../../errors.js';
import type { KgGraph } from '../../kg/graph.js';
import type { EntityResolver } from '../entity-resolver.js';
import { tailTypesOf } from '../relation-plan.js';
import type { RetrievalRequest } from '../retrieval-request.js';
import type { Head } from '../retrieval-types.js';
import type { StructureIndex } from '../structure-index.js';

/** Text types tried, in order, when a text query names no `textType`. */
const TEXT_TYPE_PREFERENCE = ['disease', 'biological_process', 'effect/phenotype', 'molecular_function'];

export interface HeadResolverDependencies {
  graph: KgGraph;
  entities: EntityResolver;
  structures: StructureIndex;
  encoderFor(type: string): Encoder | undefined;
}

export interface HeadResolver {
  /** The query head; a SMILES or sequence that is a KG entity's brings that entity along. */
  resolve(request: RetrievalRequest, prefix: string): Promise<Head>;
  /** A node type by name or alias, or a `BAD_REQUEST` naming `field`. */
  requireType(type: string, field: string): string;
}

/** Stage 1 of retrieval: what is being searched for, from which head type. */
export function createHeadResolver(dependencies: HeadResolverDependencies): HeadResolver {
  const { graph, entities, structures } = dependencies;

  const requireType = (type: string, field: string): string => {
    const resolved = entities.nodeType(type);
    if (resolved === undefined)
      throw new AppError({
        code: 'BAD_REQUEST',
        message: `${field}: unknown node type "${type}"; known types: ${graph.registry.nodeTypes.join(', ')}`,
        details: { field, value: type },
      });
    return resolved;
  };

  const chooseTextType = (request: RetrievalRequest, prefix: string): string => {
    const field = `${prefix}textType`;
    const hasTextEncoder = (type: string) => dependencies.encoderFor(type)?.modality === 'text';
    if (request.textType !== undefined) {
      const type = requireType(request.textType, field);
      if (!hasTextEncoder(type))
        throw new AppError({
          code: 'BAD_REQUEST',
          message: `${field}: ${type} has no text encoder in this index; text types: ${graph.registry.nodeTypes.filter(hasTextEncoder).join(', ') || 'none'}`,
          details: { field, value: type },
        });
      return type;
    }
    const candidates = [
      ...TEXT_TYPE_PREFERENCE,
      ...graph.registry.nodeTypes.filter((type) => !TEXT_TYPE_PREFERENCE.includes(type)),
    ].filter(hasTextEncoder);
    const targets = request.targetTypes?.map((type, position) =>
      requireType(type, `${prefix}targetTypes[${position}]`),
    );
    const linked = candidates.find((type) => {
      const tails = tailTypesOf(graph, type);
      return targets === undefined ? tails.length > 0 : targets.every((target) => tails.includes(target));
    });
    const chosen = linked ?? candidates[0];
    if (chosen === undefined)
      throw new AppError({
        code: 'UNAVAILABLE',
        message: `${prefix}text: this index has no text encoder, so free text cannot be searched`,
        details: { field: `${prefix}text` },
      });
    return chosen;
  };

  const headOf = (request: RetrievalRequest, prefix: string): Head => {
    if (request.protein !== undefined)
      return {
        kind: 'protein',
        type: 'gene/protein',
        input: { value: request.protein, field: `${prefix}protein` },
      };
    if (request.smiles !== undefined)
      return { kind: 'smiles', type: 'drug', input: { value: request.smiles, field: `${prefix}smiles` } };
    if (request.text !== undefined)
      return {
        kind: 'text',
        type: chooseTextType(request, prefix),
        input: { value: request.text, field: `${prefix}text` },
      };
    const reference = request.entity!;
    const entity =
      typeof reference === 'string'
        ? entities.byName(reference, undefined, `${prefix}entity`)
        : reference.id !== undefined
          ? entities.byId(reference.type, reference.id, `${prefix}entity.id`)
          : entities.byName(
              reference.name!,
              reference.type === undefined
                ? undefined
                : [requireType(reference.type, `${prefix}entity.type`)],
              `${prefix}entity.name`,
            );
    return { kind: 'entity', type: entity.type, entity };
  };

  return {
    requireType,
    async resolve(request, prefix) {
      const head = headOf(request, prefix);
      if (head.input && (head.kind === 'smiles' || head.kind === 'protein')) {
        const linked = await structures.find(
          head.kind === 'smiles' ? 'drug' : 'gene/protein',
          head.input.value,
        );
        if (linked)
          head.entity = { ...linked, matched: head.kind === 'smiles' ? 'canonical SMILES' : 'sequence' };
      }
      return head;
    },
  };
}
