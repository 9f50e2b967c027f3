import { describe, expect, it } from 'vitest';
import { withoutEdges } from '../../src/kg/hidden-edges.js';
import { buildQaWorld } from '../agents/qa/qa-world.js';

describe('withoutEdges', () => {
  const world = buildQaWorld();
  const psoriasis = world.node('psoriasis');
  const hlaB = world.node('HLA-B');

  it('hides every edge between the pairs, in both directions, and nothing else', () => {
    const view = withoutEdges(world.graph, [[psoriasis, hlaB]]);
    expect(view.neighbours(psoriasis).map((edge) => edge.node)).not.toContain(hlaB);
    expect(view.neighbours(hlaB).map((edge) => edge.node)).not.toContain(psoriasis);
    expect(view.degree(psoriasis)).toBe(world.graph.degree(psoriasis) - 1);
    // Other nodes and the graph itself are untouched.
    expect(view.neighbours(world.node("Takayasu's arteritis"))).toEqual(
      world.graph.neighbours(world.node("Takayasu's arteritis")),
    );
    expect(world.graph.neighbours(psoriasis).map((edge) => edge.node)).toContain(hlaB);
    expect(view.node(hlaB)?.name).toBe('HLA-B');
  });

  it('returns the graph itself when nothing is hidden', () => {
    expect(withoutEdges(world.graph, [])).toBe(world.graph);
  });
});
