import type { KgFacts } from '../../kg/kg-facts.js';

/** Siblings read per term at most (a broad parent can have thousands of children). */
const MAX_SIBLINGS = 300;

/**
 * The term's siblings (the other children of its parents) for which `has` holds: how many, and
 * the first one, among the first {@link MAX_SIBLINGS} read.
 */
export function siblingsWhere(
  facts: KgFacts,
  term: number,
  has: (sibling: number) => boolean,
): { count: number; example: number | undefined } {
  let count = 0;
  let seen = 0;
  let example: number | undefined;
  for (const parent of facts.parents(term))
    for (const sibling of facts.children(parent)) {
      if (sibling === term || seen++ >= MAX_SIBLINGS) continue;
      if (has(sibling)) {
        count++;
        example ??= sibling;
      }
    }
  return { count, example };
}
