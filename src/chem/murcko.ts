import { extractAtoms, type MolblockBond, type MolblockV2000 } from './molblock.js';

/**
 * Bemis–Murcko framework as RDKit's `MurckoDecompose` (what `MurckoScaffold.GetScaffoldForMol`
 * calls) defines it; MinimalLib does not expose it. Kept: ring atoms, linker atoms on paths
 * between rings, and any other atom joined to one of those by a double bond (so C=O on a ring
 * or linker survives). Everything else goes; RDKit re-reading the molblock then supplies the
 * hydrogens (N-methyl → NH). A molecule without rings has an empty framework.
 */
export function murckoScaffoldMolblock(molblock: MolblockV2000): string | undefined {
  const atomCount = molblock.atomLines.length;
  const bonds = molblock.bonds;
  const inRing = ringAtomMask(atomCount, bonds);

  // Pruning degree-≤1 chain atoms until none is left keeps exactly the ring atoms and the chain
  // atoms on paths between rings: the same set RDKit builds from shortest paths between rings.
  const framework = inRing.slice();
  const degree = new Array<number>(atomCount).fill(0);
  const neighbours: number[][] = Array.from({ length: atomCount }, () => []);
  for (const bond of bonds) {
    degree[bond.from]! += 1;
    degree[bond.to]! += 1;
    neighbours[bond.from]!.push(bond.to);
    neighbours[bond.to]!.push(bond.from);
  }
  const alive = new Array<boolean>(atomCount).fill(true);
  const queue: number[] = [];
  for (let atom = 0; atom < atomCount; atom += 1) if (!inRing[atom] && degree[atom]! <= 1) queue.push(atom);
  while (queue.length > 0) {
    const atom = queue.pop()!;
    if (!alive[atom]) continue;
    alive[atom] = false;
    for (const neighbour of neighbours[atom]!) {
      if (!alive[neighbour]) continue;
      degree[neighbour]! -= 1;
      if (!inRing[neighbour] && degree[neighbour]! <= 1) queue.push(neighbour);
    }
  }
  for (let atom = 0; atom < atomCount; atom += 1) if (alive[atom] && !inRing[atom]) framework[atom] = true;
  if (!framework.some(Boolean)) return undefined;

  const keep = framework.slice();
  for (const bond of bonds) {
    if (bond.order !== 2) continue;
    if (framework[bond.from] && !framework[bond.to]) keep[bond.to] = true;
    if (framework[bond.to] && !framework[bond.from]) keep[bond.from] = true;
  }
  const lostNeighbour = new Set<number>();
  for (const bond of bonds) {
    if (keep[bond.from] && !keep[bond.to]) lostNeighbour.add(bond.from);
    if (keep[bond.to] && !keep[bond.from]) lostNeighbour.add(bond.to);
  }
  return extractAtoms(molblock, keep, lostNeighbour);
}

/** Atoms on at least one cycle: the ends of every bond that is not a bridge (Tarjan). */
export function ringAtomMask(
  atomCount: number,
  bonds: readonly Pick<MolblockBond, 'from' | 'to'>[],
): boolean[] {
  const adjacency: [number, number][][] = Array.from({ length: atomCount }, () => []);
  bonds.forEach((bond, index) => {
    adjacency[bond.from]!.push([bond.to, index]);
    adjacency[bond.to]!.push([bond.from, index]);
  });
  const discovered = new Int32Array(atomCount).fill(-1);
  const low = new Int32Array(atomCount);
  const bridge = new Array<boolean>(bonds.length).fill(false);
  let time = 0;
  for (let root = 0; root < atomCount; root += 1) {
    if (discovered[root] !== -1) continue;
    // Iterative DFS: frames of (atom, bond used to enter it, next adjacency position).
    const stack: [number, number, number][] = [[root, -1, 0]];
    discovered[root] = low[root] = time++;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const [atom, parentBond, position] = frame;
      const edges = adjacency[atom]!;
      if (position < edges.length) {
        frame[2] += 1;
        const [next, bondIndex] = edges[position]!;
        if (bondIndex === parentBond) continue;
        if (discovered[next] === -1) {
          discovered[next] = low[next] = time++;
          stack.push([next, bondIndex, 0]);
        } else {
          low[atom] = Math.min(low[atom]!, discovered[next]!);
        }
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) {
        low[parent[0]] = Math.min(low[parent[0]]!, low[atom]!);
        if (low[atom]! > discovered[parent[0]]!) bridge[parentBond] = true;
      }
    }
  }
  const inRing = new Array<boolean>(atomCount).fill(false);
  bonds.forEach((bond, index) => {
    if (bridge[index]) return;
    inRing[bond.from] = true;
    inRing[bond.to] = true;
  });
  return inRing;
}
