/** String folding and similarity for entity lookup. */

const greekNames: Record<string, string> = {
  α: 'alpha',
  β: 'beta',
  γ: 'gamma',
  δ: 'delta',
  ε: 'epsilon',
  ζ: 'zeta',
  η: 'eta',
  θ: 'theta',
  ι: 'iota',
  κ: 'kappa',
  λ: 'lambda',
  μ: 'mu',
  ν: 'nu',
  ξ: 'xi',
  ο: 'omicron',
  π: 'pi',
  ρ: 'rho',
  σ: 'sigma',
  ς: 'sigma',
  τ: 'tau',
  υ: 'upsilon',
  φ: 'phi',
  χ: 'chi',
  ψ: 'psi',
  ω: 'omega',
};

/** Greek letters (either case, and the micro sign) spelled out: `TNF-α` → `TNF-alpha`. */
export function foldGreek(text: string): string {
  return text.replace(/[\u0391-\u03a9\u03b1-\u03c9\u00b5]/g, (letter) => {
    const lower = letter === '\u00b5' ? 'μ' : letter.toLowerCase();
    return greekNames[lower] ?? letter;
  });
}

/**
 * The key of the `normalized` match tier: Greek spelled out, accents and case dropped, and every
 * character but letters and digits removed, so `TNF-alpha`, `TNF alpha`, `TNFα` and `tnf‐α` agree,
 * as do `Alzheimer's disease` and `alzheimers disease`.
 */
export function normalizeKey(text: string): string {
  return foldGreek(text.normalize('NFKD'))
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Distinct character trigrams of a key, padded so that short keys and word edges count. */
export function trigrams(key: string): string[] {
  const padded = `\u0002${key}\u0003`;
  const seen = new Set<string>();
  for (let index = 0; index + 3 <= padded.length; index++) seen.add(padded.slice(index, index + 3));
  return [...seen];
}

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so `imatnib` is
 * one edit from `imatinib`). Gives up and returns `limit + 1` once the distance must exceed `limit`.
 */
export function editDistance(left: string, right: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  if (left === right) return 0;
  const width = right.length + 1;
  let previousPrevious = new Int32Array(width);
  let previous = new Int32Array(width);
  let current = new Int32Array(width);
  for (let column = 0; column < width; column++) previous[column] = column;
  for (let row = 1; row <= left.length; row++) {
    current[0] = row;
    let rowMinimum = row;
    for (let column = 1; column < width; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let value = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      if (row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1])
        value = Math.min(value, previousPrevious[column - 2]! + 1);
      current[column] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return limit + 1;
    [previousPrevious, previous, current] = [previous, current, previousPrevious];
  }
  return previous[right.length]!;
}

/** 1 − edit distance / longer length, in [0, 1]. */
export function editSimilarity(left: string, right: string): number {
  const longest = Math.max(left.length, right.length);
  if (longest === 0) return 1;
  return 1 - editDistance(left, right) / longest;
}
