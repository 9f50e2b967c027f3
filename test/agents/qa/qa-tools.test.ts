import { describe, expect, it } from 'vitest';
import { findPaths } from '../../../src/agents/qa/qa-tools.js';
import { buildGraph } from '../../retrieval/retrieval-world.js';

/** Path search under its hop, path and expansion limits, on the hand-built imatinib KG. */

const graph = buildGraph();
const IMATINIB = 20;
const CML = 30;
const KIT = 11;
const names = (paths: { nodes: number[] }[]) =>
  paths.map((path) => path.nodes.map((node) => graph.node(node)!.name).join(' > '));

describe('findPaths', () => {
  it('finds paths shortest first within maxHops, without revisiting nodes', () => {
    const limits = { maxPaths: 10, maxExpansions: 1_000 };
    expect(names(findPaths(graph, IMATINIB, CML, { ...limits, maxHops: 1 }).paths)).toEqual([
      'Imatinib > chronic myeloid leukemia',
    ]);
    const two = findPaths(graph, IMATINIB, CML, { ...limits, maxHops: 2 });
    expect(names(two.paths)).toEqual([
      'Imatinib > chronic myeloid leukemia',
      'Imatinib > ABL1 > chronic myeloid leukemia',
    ]);
    const three = names(findPaths(graph, IMATINIB, CML, { ...limits, maxHops: 3 }).paths);
    expect(three.slice(0, 2)).toEqual(names(two.paths));
    expect(three).toContain('Imatinib > KIT > ABL1 > chronic myeloid leukemia');
    for (const path of findPaths(graph, IMATINIB, CML, { ...limits, maxHops: 3 }).paths)
      expect(new Set(path.nodes).size).toBe(path.nodes.length);
  });

  it('stops at maxPaths, and says when the expansion budget cut the search', () => {
    expect(
      findPaths(graph, IMATINIB, CML, { maxHops: 3, maxPaths: 1, maxExpansions: 1_000 }).paths,
    ).toHaveLength(1);
    const cut = findPaths(graph, IMATINIB, KIT, { maxHops: 3, maxPaths: 10, maxExpansions: 1 });
    expect(cut.truncated).toBe(true);
    expect(names(cut.paths)).toEqual(['Imatinib > KIT']);
  });
});
