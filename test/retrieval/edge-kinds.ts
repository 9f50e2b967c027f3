import type { EdgeKind } from '../../src/kg/types.js';

/**
 * The edge kinds of a test graph, listed as the KG lists them: [relation, display relation, x type, y type]
 * gives the kind x → y followed by y → x (one kind when x and y are of the same type).
 */
export function edgeKindsBothWays(rows: readonly (readonly [string, string, string, string])[]): EdgeKind[] {
  return rows.flatMap(([relation, displayRelation, x, y]) => {
    const forward: EdgeKind = { relation, displayRelation, headType: x, tailType: y };
    return x === y ? [forward] : [forward, { ...forward, headType: y, tailType: x }];
  });
}
