import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeListBuilder } from '../../src/kg/edge-list.js';
import { GRAPH_DIRECTORY, KgGraph, readGraph, writeGraph } from '../../src/kg/graph.js';
import { ingestKg } from '../../src/kg/ingest.js';
import { NodeTableBuilder } from '../../src/kg/node-table.js';
import { Registry } from '../../src/kg/registry.js';
import { useTemporaryDirectory } from './csv-test-helpers.js';
import { writeTinyKg } from './tiny-kg.js';
import { rejection } from '../helpers/expect-app-error.js';

const root = useTemporaryDirectory('biobridge-graph-');
let graph: KgGraph;
beforeAll(async () => {
  await writeTinyKg(join(root.path, 'kg'));
  graph = (await ingestKg(join(root.path, 'kg'), { includeNonCommercial: true })).graph;
});

/** A small graph built by hand: sparse node indices, one unknown-to-BioBridge type. */
function handBuiltGraph(): KgGraph {
  const registry = Registry.default();
  const nodes = new NodeTableBuilder();
  nodes.add(5_000_000, 'B', registry.requireTypeId('drug'), 'b', 'DrugBank', 3);
  nodes.add(7, 'A', registry.requireTypeId('gene/protein'), 'a', 'NCBI', 2);
  nodes.add(12, 'C', registry.addType('microbe'), 'c', 'NCBITaxon', 4);
  const edges = new EdgeListBuilder(2);
  edges.add(0, 5_000_000, 7);
  edges.add(1, 7, 5_000_000);
  edges.add(2, 12, 7);
  return new KgGraph({
    registry,
    nodes: nodes.build(),
    edgeKinds: [
      { relation: 'drug_protein', displayRelation: 'target', headType: 'drug', tailType: 'gene/protein' },
      { relation: 'drug_protein', displayRelation: 'target', headType: 'gene/protein', tailType: 'drug' },
      {
        relation: 'microbe_protein',
        displayRelation: 'interacts with',
        headType: 'microbe',
        tailType: 'gene/protein',
      },
    ],
    ...edges.build(),
  });
}

describe('KgGraph', () => {
  it('answers node, type, neighbour and kind queries over sparse indices', () => {
    const small = handBuiltGraph();
    expect(small.nodeCount).toBe(3);
    expect(Array.from(small.nodes.indices)).toEqual([7, 12, 5_000_000]);
    expect(small.typeOf(5_000_000)).toBe('drug');
    expect(small.typeOf(8)).toBeUndefined();
    expect(small.nodesOfType('microbe')).toEqual(Int32Array.of(12));
    expect(small.neighbours(7)).toEqual([{ node: 5_000_000, kind: 1 }]);
    expect(small.neighbours(12)).toEqual([{ node: 7, kind: 2 }]);
    expect(small.neighbours(99)).toEqual([]);
    expect(small.degree(5_000_000)).toBe(1);
    expect(
      small.edgesOfKind({
        relation: 'drug_protein',
        displayRelation: 'target',
        headType: 'drug',
        tailType: 'gene/protein',
      }),
    ).toEqual({
      heads: Int32Array.of(5_000_000),
      tails: Int32Array.of(7),
    });
    expect(small.edgeKinds[2]).toMatchObject({ relationId: 2, headTypeId: 11, tailTypeId: 1 });
    expect(small.edgeCountsByKind()).toEqual([1, 1, 1]);
  });

  it('refuses edges that do not fit their kind or point at missing nodes', () => {
    const registry = Registry.default();
    const builder = new NodeTableBuilder();
    builder.add(1, 'A', registry.requireTypeId('drug'), 'a', 'DrugBank', 2);
    builder.add(2, 'B', registry.requireTypeId('drug'), 'b', 'DrugBank', 3);
    const nodes = builder.build();
    const kind = {
      relation: 'drug_protein',
      displayRelation: 'target',
      headType: 'drug',
      tailType: 'gene/protein',
    };
    const oneEdge = (tail: number) => () =>
      new KgGraph({
        registry,
        nodes,
        edgeKinds: [kind],
        heads: Int32Array.of(1),
        tails: Int32Array.of(tail),
        kinds: Uint16Array.of(0),
      });
    expect(oneEdge(2)).toThrow(
      'edge 0 (1 → 2) does not fit its kind drug_protein/target (drug → gene/protein)',
    );
    expect(oneEdge(3)).toThrow('edge 0 (1 → 3) refers to a node that does not exist');
  });
});

describe('writeGraph / readGraph', () => {
  it('round-trips the ingested graph exactly', async () => {
    const directory = join(root.path, 'index-a');
    await writeGraph(directory, graph);
    const read = await readGraph(directory);
    expect(read.nodeCount).toBe(graph.nodeCount);
    expect(read.edgeCount).toBe(16);
    expect(Array.from(read.heads)).toEqual(Array.from(graph.heads));
    expect(Array.from(read.tails)).toEqual(Array.from(graph.tails));
    expect(Array.from(read.kinds)).toEqual(Array.from(graph.kinds));
    expect(read.edgeKinds).toEqual(graph.edgeKinds);
    expect(read.registry.toJSON()).toEqual(graph.registry.toJSON());
    for (const index of graph.nodes.indices) expect(read.node(index)).toEqual(graph.node(index));
    expect(read.neighbours(20)).toEqual(graph.neighbours(20));
  });

  it('round-trips sparse indices and appended types', async () => {
    const directory = join(root.path, 'index-b');
    const small = handBuiltGraph();
    await writeGraph(directory, small);
    const read = await readGraph(directory);
    expect(read.typeOf(12)).toBe('microbe');
    expect(read.neighbours(5_000_000)).toEqual([{ node: 7, kind: 0 }]);
  });

  it('replaces a previous graph atomically', async () => {
    const directory = join(root.path, 'index-c');
    await writeGraph(directory, handBuiltGraph());
    await writeGraph(directory, graph);
    expect((await readGraph(directory)).edgeCount).toBe(16);
  });

  it('detects damaged, truncated or inconsistent files', async () => {
    const directory = join(root.path, 'index-d');
    const graphDirectory = join(directory, GRAPH_DIRECTORY);
    await writeGraph(directory, graph);
    const edges = await readFile(join(graphDirectory, 'edges.bin'));
    const header = await readFile(join(graphDirectory, 'graph.json'), 'utf8');
    const nodes = await readFile(join(graphDirectory, 'nodes.json.gz'));
    /** Replaces the node file and records its checksum in graph.json, so only its content is wrong. */
    const writeNodesWithChecksum = async (content: Buffer) => {
      await writeFile(join(graphDirectory, 'nodes.json.gz'), content);
      const sha256 = createHash('sha256').update(content).digest('hex');
      await writeFile(
        join(graphDirectory, 'graph.json'),
        header.replace(/"nodesSha256": "[0-9a-f]+"/, `"nodesSha256": "${sha256}"`),
      );
    };

    const flipped = Buffer.from(edges);
    flipped[0] = flipped[0]! ^ 1;
    await writeFile(join(graphDirectory, 'edges.bin'), flipped);
    await expect(readGraph(directory)).rejects.toThrow('edges.bin does not match the checksum in graph.json');

    await writeFile(join(graphDirectory, 'edges.bin'), edges.subarray(0, edges.length - 2));
    await expect(readGraph(directory)).rejects.toThrow('edges.bin has 158 bytes; 16 edges need 160');

    await writeFile(join(graphDirectory, 'edges.bin'), edges);
    await writeFile(join(graphDirectory, 'graph.json'), header.replace('"version": 1', '"version": 2'));
    const failure = await rejection(readGraph(directory));
    expect(failure.code).toBe('INVALID_INDEX');
    expect(failure.message).toContain('graph.json is invalid');

    // A node file with a consistent checksum but an edge endpoint removed.
    const value = JSON.parse((await import('node:zlib')).gunzipSync(nodes).toString('utf8')) as {
      indices: number[];
    };
    value.indices[value.indices.length - 1] = 1_000_000;
    await writeNodesWithChecksum(gzipSync(Buffer.from(JSON.stringify(value))));
    await expect(readGraph(directory)).rejects.toThrow(
      /graph files are inconsistent: edge \d+ \(\d+ → \d+\) refers to a node that does not exist/,
    );

    // A node file with a consistent checksum but a name that is not a string: zod names the row.
    const renamed = {
      ...value,
      names: (value as unknown as { names: unknown[] }).names.map((name, position) =>
        position === 2 ? 42 : name,
      ),
    };
    await writeNodesWithChecksum(gzipSync(Buffer.from(JSON.stringify(renamed))));
    await expect(readGraph(directory)).rejects.toThrow(/nodes\.json\.gz is invalid: .*names\[2\]/s);

    await expect(readGraph(join(root.path, 'no-index'))).rejects.toThrow('cannot read graph.json');
  });
});
