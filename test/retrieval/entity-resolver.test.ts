import { describe, expect, it } from 'vitest';
import { EdgeListBuilder } from '../../src/kg/edge-list.js';
import { KgGraph } from '../../src/kg/graph.js';
import { NodeTableBuilder } from '../../src/kg/node-table.js';
import { Registry } from '../../src/kg/registry.js';
import { createEntityResolver } from '../../src/retrieval/entity-resolver.js';
import { createNameLookup } from '../../src/store/name-lookup.js';

/** Entrez gene ids and MONDO disease ids are both bare numbers, so ids can collide across types. */
function resolver() {
  const registry = Registry.default();
  const nodes = new NodeTableBuilder();
  nodes.add(1, '25', registry.requireTypeId('gene/protein'), 'ABL1', 'NCBI', 2);
  nodes.add(2, '25', registry.requireTypeId('disease'), 'some disease', 'MONDO', 3);
  nodes.add(3, 'DB00619', registry.requireTypeId('drug'), 'Imatinib', 'DrugBank', 4);
  const graph = new KgGraph({
    registry,
    nodes: nodes.build(),
    edgeKinds: [],
    ...new EdgeListBuilder(1).build(),
  });
  const lookup = createNameLookup([
    { nodeIndex: 1, type: 'gene/protein', name: 'ABL1', id: '25', aliases: ['ABL'] },
    { nodeIndex: 2, type: 'disease', name: 'some disease', id: '25', aliases: [] },
    { nodeIndex: 3, type: 'drug', name: 'Imatinib', id: 'DB00619', aliases: ['Gleevec'] },
  ]);
  return createEntityResolver(graph, lookup);
}

describe('createEntityResolver', () => {
  it('resolves ids by type (or table name), and asks for the type when an id is ambiguous', () => {
    const entities = resolver();
    expect(entities.byId('gene_protein', '25')).toEqual({
      nodeIndex: 1,
      type: 'gene/protein',
      id: '25',
      name: 'ABL1',
      source: 'NCBI',
    });
    expect(entities.byId('disease', '25').nodeIndex).toBe(2);
    expect(entities.byId(undefined, 'DB00619').name).toBe('Imatinib');
    expect(() => entities.byId(undefined, '25', 'body.entity.id')).toThrow(
      'id "25" exists for several node types (gene/protein, disease); give the type as well',
    );
    expect(() => entities.byId('gene', '25', 'body.entity.id')).toThrow(
      'body.entity.type: unknown node type "gene"',
    );
  });

  it('resolves names and aliases exactly, and refuses fuzzy matches with suggestions', () => {
    const entities = resolver();
    expect(entities.byName('gleevec')).toMatchObject({ nodeIndex: 3, matched: 'Gleevec' });
    expect(entities.byName('ABL', ['gene/protein'])).toMatchObject({ nodeIndex: 1 });
    expect(() => entities.byName('Imatinab')).toThrow(
      'no entity named "Imatinab" in the knowledge graph; did you mean Imatinib (drug DB00619)?',
    );
    expect(() => entities.byName('ABL1', ['drug'])).toThrow(
      'no entity named "ABL1" of type drug in the knowledge graph; no similar names found',
    );
    expect(entities.nodeType('effect_phenotype')).toBe('effect/phenotype');
    expect(entities.nodeType('nonsense')).toBeUndefined();
  });
});
