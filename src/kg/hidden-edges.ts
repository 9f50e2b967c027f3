import type { KgGraph, KgNeighbour } from './graph.js';

/**
 * A view of a graph without the edges between some node pairs (both directions, every kind):
 * the QA ablation benchmark hides the facts that answer a question, so the reasoner must decide
 * from what else the KG says, as it must on outside questions whose direct fact the KG lacks.
 * Everything else reads through to the graph; only `neighbours` and `degree` are filtered.
 */
export function withoutEdges(graph: KgGraph, pairs: readonly (readonly [number, number])[]): KgGraph {
  if (pairs.length === 0) return graph;
  const hidden = new Map<number, Set<number>>();
  const hide = (from: number, to: number) => {
    const set = hidden.get(from) ?? new Set<number>();
    set.add(to);
    hidden.set(from, set);
  };
  for (const [first, second] of pairs) {
    hide(first, second);
    hide(second, first);
  }
  const neighbours = (node: number): KgNeighbour[] => {
    const all = graph.neighbours(node);
    const blocked = hidden.get(node);
    return blocked ? all.filter((neighbour) => !blocked.has(neighbour.node)) : all;
  };
  const view = Object.create(graph) as KgGraph;
  Object.defineProperties(view, {
    neighbours: { value: neighbours },
    degree: { value: (node: number) => neighbours(node).length },
  });
  return view;
}
