import type { CsrMatrix } from './sparse-matrix.js';
import { multiplyDense, multiplyTransposedDense } from './sparse-matrix.js';
import { mulberry32 } from '../util/random.js';

export interface TruncatedSvdOptions {
  /** Number of singular triplets wanted. */
  rank: number;
  /** Extra random directions for the range finder (Halko et al.: 5–10 suffice). */
  oversample?: number;
  /**
   * Power iterations; each costs two sparse products. Like scikit-learn with `n_iter <= 2`, the sketch
   * is not re-orthonormalised between them: in float64 that loses only directions far below the
   * `rank` kept ones, and saves a dense QR per iteration.
   */
  powerIterations?: number;
  seed?: number;
}

/**
 * A rank-`rank` SVD `X ≈ U Σ Vᵀ` kept in factored form, because multiplying the factors out costs
 * `columns × width × rank` (billions of operations for a 50k-term vocabulary) and callers only ever
 * project through them:
 * - right singular vectors `V = columnFactors · columnMixing`;
 * - latent row coordinates `U Σ = rowFactors · rowMixing`.
 */
export interface TruncatedSvd {
  rank: number;
  /** Sketch width (rank + oversample, capped by the matrix size). */
  width: number;
  /** Descending; zero where the matrix has lower rank than asked. */
  singularValues: Float64Array;
  /** `columns × width`, row-major. */
  columnFactors: Float64Array;
  /** `width × rank`, row-major. */
  columnMixing: Float64Array;
  /** `rows × width`, row-major. */
  rowFactors: Float64Array;
  /** `width × rank`, row-major. */
  rowMixing: Float64Array;
}

/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011, algorithms 4.3 + 5.1) of a sparse matrix.
 * Deterministic for a given seed: the test matrix comes from a seeded generator and every sum runs in
 * a fixed order. The range is sketched in the smaller of the row and column spaces, so the dense work
 * is about `min(rows, columns) × width²`. Each singular vector's sign is fixed so that the sum of its
 * entries is positive.
 */
export function truncatedSvd(matrix: CsrMatrix, options: TruncatedSvdOptions): TruncatedSvd {
  const rank = options.rank;
  const smaller = Math.min(matrix.rows, matrix.columns);
  const width = Math.max(1, Math.min(rank + (options.oversample ?? 10), smaller));
  const sketchRows = matrix.rows <= matrix.columns;
  // `apply` maps from the larger space into the smaller one, `applyBack` the other way.
  const apply = (dense: Float64Array): Float64Array =>
    sketchRows ? multiplyDense(matrix, dense, width) : multiplyTransposedDense(matrix, dense, width);
  const applyBack = (dense: Float64Array): Float64Array =>
    sketchRows ? multiplyTransposedDense(matrix, dense, width) : multiplyDense(matrix, dense, width);
  const smallSize = sketchRows ? matrix.rows : matrix.columns;
  const largeSize = sketchRows ? matrix.columns : matrix.rows;

  const random = gaussianGenerator(options.seed ?? 42);
  const test = new Float64Array(largeSize * width);
  for (let index = 0; index < test.length; index++) test[index] = random();

  let sketch = apply(test);
  for (let iteration = 0; iteration < (options.powerIterations ?? 2); iteration++) {
    sketch = apply(applyBack(sketch));
    scaleColumns(sketch, smallSize, width);
  }
  const basis = orthonormalizeColumns(sketch, smallSize, width);
  // B = Qᵀ A (width × largeSize) is held transposed as `projected`; B Bᵀ = Qᵀ (A Aᵀ Q) is computed in
  // the smaller space, which is cheaper than projectedᵀ projected.
  const projected = applyBack(basis);
  const gram = crossProductSymmetric(basis, apply(projected), smallSize, width);
  const { values: eigenvalues, vectors: eigenvectors } = symmetricEigen(gram, width);

  const kept = Math.min(rank, width);
  const singularValues = new Float64Array(rank);
  const largest = Math.sqrt(Math.max(eigenvalues[0] ?? 0, 0));
  const columnMixing = new Float64Array(width * rank);
  const rowMixing = new Float64Array(width * rank);
  for (let component = 0; component < kept; component++) {
    const singular = Math.sqrt(Math.max(eigenvalues[component]!, 0));
    if (!(singular > 1e-12 * largest)) continue;
    singularValues[component] = singular;
    // sketchRows: V = Aᵀ Q U_B Σ⁻¹ and U Σ = Q U_B Σ; otherwise V = Q U_B and U Σ = A Q U_B.
    const columnScale = sketchRows ? 1 / singular : 1;
    const rowScale = sketchRows ? singular : 1;
    for (let inner = 0; inner < width; inner++) {
      const value = eigenvectors[inner * width + component]!;
      columnMixing[inner * rank + component] = value * columnScale;
      rowMixing[inner * rank + component] = value * rowScale;
    }
  }
  const columnFactors = sketchRows ? projected : basis;
  const rowFactors = sketchRows ? basis : projected;

  // Sign: sum of the entries of each right singular vector, (1ᵀ columnFactors) · columnMixing.
  const factorSums = new Float64Array(width);
  for (let column = 0; column < matrix.columns; column++) {
    for (let inner = 0; inner < width; inner++) factorSums[inner]! += columnFactors[column * width + inner]!;
  }
  for (let component = 0; component < kept; component++) {
    let sum = 0;
    for (let inner = 0; inner < width; inner++)
      sum += factorSums[inner]! * columnMixing[inner * rank + component]!;
    if (sum < 0) {
      for (let inner = 0; inner < width; inner++) {
        columnMixing[inner * rank + component]! *= -1;
        rowMixing[inner * rank + component]! *= -1;
      }
    }
  }
  return { rank, width, singularValues, columnFactors, columnMixing, rowFactors, rowMixing };
}

/** `factors · mixing` for row-major `factors` (rows × width) and `mixing` (width × rank). */
export function expandFactors(
  factors: Float64Array,
  mixing: Float64Array,
  width: number,
  rank: number,
): Float64Array {
  const rows = factors.length / width;
  const result = new Float64Array(rows * rank);
  for (let row = 0; row < rows; row++) {
    for (let inner = 0; inner < width; inner++) {
      const value = factors[row * width + inner]!;
      if (value === 0) continue;
      for (let component = 0; component < rank; component++) {
        result[row * rank + component]! += value * mixing[inner * rank + component]!;
      }
    }
  }
  return result;
}

/** Mulberry32 uniforms turned into standard normals by Box–Muller. */
export function gaussianGenerator(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

function scaleColumns(dense: Float64Array, rows: number, width: number): void {
  const maxima = new Float64Array(width);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < width; column++) {
      const magnitude = Math.abs(dense[row * width + column]!);
      if (magnitude > maxima[column]!) maxima[column] = magnitude;
    }
  }
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < width; column++) {
      if (maxima[column]! > 0) dense[row * width + column]! /= maxima[column]!;
    }
  }
}

/**
 * Modified Gram–Schmidt. One pass: on the power-iterated sketch (condition number up to ~1e10) it
 * leaves an orthogonality error of about κ·ε ≈ 1e-6, far below what matters for an embedding, at half
 * the cost of re-orthogonalising. Returns a new row-major matrix; columns that depend on earlier ones
 * come out as zero.
 */
export function orthonormalizeColumns(dense: Float64Array, rows: number, width: number): Float64Array {
  const columns: Float64Array[] = [];
  for (let column = 0; column < width; column++) {
    const values = new Float64Array(rows);
    for (let row = 0; row < rows; row++) values[row] = dense[row * width + column]!;
    columns.push(values);
  }
  for (let column = 0; column < width; column++) {
    const current = columns[column]!;
    const originalNorm = norm(current);
    for (let previous = 0; previous < column; previous++) {
      const basis = columns[previous]!;
      let projection = 0;
      for (let row = 0; row < rows; row++) projection += basis[row]! * current[row]!;
      if (projection === 0) continue;
      for (let row = 0; row < rows; row++) current[row]! -= projection * basis[row]!;
    }
    const remaining = norm(current);
    if (remaining <= 1e-10 * originalNorm || remaining === 0) current.fill(0);
    else for (let row = 0; row < rows; row++) current[row]! /= remaining;
  }
  const result = new Float64Array(rows * width);
  for (let column = 0; column < width; column++) {
    const values = columns[column]!;
    for (let row = 0; row < rows; row++) result[row * width + column] = values[row]!;
  }
  return result;
}

function norm(values: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]! * values[index]!;
  return Math.sqrt(sum);
}

/** `Lᵀ R` for row-major `L`, `R` (rows × width) when the product is known to be symmetric. */
function crossProductSymmetric(
  left: Float64Array,
  right: Float64Array,
  rows: number,
  width: number,
): Float64Array {
  const product = new Float64Array(width * width);
  for (let row = 0; row < rows; row++) {
    const offset = row * width;
    for (let first = 0; first < width; first++) {
      const value = left[offset + first]!;
      if (value === 0) continue;
      const target = first * width;
      for (let second = first; second < width; second++)
        product[target + second]! += value * right[offset + second]!;
    }
  }
  for (let first = 0; first < width; first++) {
    for (let second = 0; second < first; second++)
      product[first * width + second] = product[second * width + first]!;
  }
  return product;
}

/**
 * Eigen-decomposition of a symmetric matrix (row-major, size × size): Householder tridiagonalisation
 * and the implicit QL algorithm (EISPACK tred2/tql2, as in JAMA). Eigenvalues descending;
 * `vectors[row * size + k]` is entry `row` of eigenvector `k`.
 */
export function symmetricEigen(
  matrix: Float64Array,
  size: number,
): { values: Float64Array; vectors: Float64Array } {
  const n = size;
  const v: Float64Array[] = Array.from({ length: n }, (_, row) => matrix.slice(row * n, row * n + n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(v, d, e, n);
  diagonalize(v, d, e, n);
  const order = Array.from({ length: n }, (_, index) => index).sort((left, right) => d[right]! - d[left]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((source, target) => {
    values[target] = d[source]!;
    for (let row = 0; row < n; row++) vectors[row * n + target] = v[row]![source]!;
  });
  return { values, vectors };
}

function tridiagonalize(v: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[n - 1]![j]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = v[i - 1]![j]!;
        v[i]![j] = 0;
        v[j]![i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        v[j]![i] = f;
        g = e[j]! + v[j]![j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k]![j]! * d[k]!;
          e[k]! += v[k]![j]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) v[k]![j]! -= f * e[k]! + g * d[k]!;
        d[j] = v[i - 1]![j]!;
        v[i]![j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[n - 1]![i] = v[i]![i]!;
    v[i]![i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k]![i + 1]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k]![i + 1]! * v[k]![j]!;
        for (let k = 0; k <= i; k++) v[k]![j]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) v[k]![i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[n - 1]![j]!;
    v[n - 1]![j] = 0;
  }
  v[n - 1]![n - 1] = 1;
  e[0] = 0;
}

function diagonalize(v: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      do {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            h = v[k]![i + 1]!;
            v[k]![i + 1] = s * v[k]![i]! + c * h;
            v[k]![i] = c * v[k]![i]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
