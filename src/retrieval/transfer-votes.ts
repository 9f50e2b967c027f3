/**
 * Nearest-neighbour transfer: the k known heads most similar to the query vote for their known
 * tails, each vote weighted by the (non-negative) similarity.
 */
export interface Vote {
  /** Position of the voting head in the library. */
  neighbour: number;
  similarity: number;
}

/**
 * Adds each top-k neighbour's similarity to `out[tail]` for every tail it links to. Returns the
 * neighbours used, most similar first.
 */
export function voteTails(
  similarities: Float32Array,
  linksOf: (neighbour: number) => readonly number[],
  k: number,
  out: Float32Array,
): Vote[] {
  const votes: Vote[] = [];
  for (const neighbour of topIndices(similarities, k)) {
    const similarity = similarities[neighbour]!;
    if (!(similarity > 0)) continue;
    votes.push({ neighbour, similarity });
    for (const tail of linksOf(neighbour)) out[tail] = out[tail]! + similarity;
  }
  return votes;
}

/** Positions of the k largest values, largest first (ties: lower position first). */
export function topIndices(values: ArrayLike<number>, k: number): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  for (let i = 0; i < values.length; i++) {
    if (top.length < k) {
      top.push(i);
      if (top.length === k) top.sort((a, b) => values[b]! - values[a]! || a - b);
      continue;
    }
    if (values[i]! <= values[top[k - 1]!]!) continue;
    let position = k - 1;
    while (position > 0 && values[top[position - 1]!]! < values[i]!) {
      top[position] = top[position - 1]!;
      position--;
    }
    top[position] = i;
  }
  if (top.length < k) top.sort((a, b) => values[b]! - values[a]! || a - b);
  return top;
}
