/**
 * Two WebAssembly SIMD kernels for the request path, assembled here byte by byte so the project
 * needs no WebAssembly toolchain (each function's text form is in its comment):
 *
 * - `dotRows`: the dot product of a float32 query with every row of a float32 matrix, summed in
 *   double precision exactly as the JavaScript loop it replaces (four running sums over
 *   coordinates j ≡ 0, 1, 2, 3 mod 4, a scalar tail into the first, then ((s0 + s1) + s2) + s3). A
 *   float32 × float32 product is exact in double precision, so every score is bit-identical to the
 *   JavaScript kernel's, and rankings cannot change.
 * - `andPopcount`: `counts[i] += popcount(word & column[i])` over a column of 32-bit words, four at
 *   a time (`i8x16.popcnt` and two pairwise widening adds).
 *
 * Each {@link SimdKernels} owns one linear memory; callers allocate their matrices in it once and
 * keep offsets, since growing the memory detaches earlier views.
 */
export interface SimdKernels {
  /** Reserves `bytes` (16-byte aligned) and returns their offset; the memory grows as needed. */
  allocate(bytes: number): number;
  /** A fresh view of the whole memory (valid until the next `allocate`). */
  bytes(): Uint8Array;
  f32(offset: number, length: number): Float32Array;
  f64(offset: number, length: number): Float64Array;
  u32(offset: number, length: number): Uint32Array;
  /** `out[r] = row_r · query` for `rows` rows of `dimension` float32 values at `matrix`. */
  dotRows(matrix: number, rows: number, dimension: number, query: number, out: number): void;
  /** `counts[i] += popcount(word & column[i])` for `i < length` (32-bit words, 32-bit counts). */
  andPopcount(column: number, length: number, word: number, counts: number): void;
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs declare no DOM). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: KernelExports };
}
interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  dot_rows(matrix: number, rows: number, dimension: number, query: number, out: number): void;
  and_popcount(column: number, length: number, word: number, counts: number): void;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let compiled: object | undefined;

/** A new instance of the kernels with its own memory. */
export function createSimdKernels(): SimdKernels {
  compiled ??= new wasm.Module(assembleModule());
  const { exports } = new wasm.Instance(compiled);
  const memory = exports.memory;
  let used = 0;
  return {
    allocate(bytes) {
      const offset = used;
      used = offset + Math.ceil(bytes / 16) * 16;
      const missing = used - memory.buffer.byteLength;
      if (missing > 0) memory.grow(Math.ceil(missing / 65_536));
      return offset;
    },
    bytes: () => new Uint8Array(memory.buffer),
    f32: (offset, length) => new Float32Array(memory.buffer, offset, length),
    f64: (offset, length) => new Float64Array(memory.buffer, offset, length),
    u32: (offset, length) => new Uint32Array(memory.buffer, offset, length),
    dotRows: (matrix, rows, dimension, query, out) => exports.dot_rows(matrix, rows, dimension, query, out),
    andPopcount: (column, length, word, counts) => exports.and_popcount(column, length, word >>> 0, counts),
  };
}

// ---- the assembler: just enough of the binary format for two functions ----

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;

const uleb = (value: number): number[] => {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
};
const sleb = (value: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
};
const vector = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => vector([...Buffer.from(text, 'utf8')].map((byte) => [byte]));
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// Instructions (memarg: alignment hint 0, then the static offset).
const get = (local: number) => [0x20, ...uleb(local)];
const set = (local: number) => [0x21, ...uleb(local)];
const i32 = (value: number) => [0x41, ...sleb(value)];
const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...uleb(opcode), ...immediates];
const mem = (offset: number) => [0x00, ...uleb(offset)];
const [I32_ADD, I32_AND, I32_SHL, I32_GE_U, I32_POPCNT] = [[0x6a], [0x71], [0x74], [0x4f], [0x69]];
const [F64_ADD, F64_MUL, F64_PROMOTE_F32] = [[0xa0], [0xa2], [0xbb]];
const f32Load = (offset: number) => [0x2a, ...mem(offset)];
const f64Store = [0x39, ...mem(0)];
const i32Load = [0x28, ...mem(0)];
const i32Store = [0x36, ...mem(0)];
const v128Load = (offset: number) => simd(0x00, ...mem(offset));
const v128Store = simd(0x0b, ...mem(0));
const v128Load64Zero = (offset: number) => simd(0x5d, ...mem(offset));
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const I32X4_SPLAT = simd(0x11);
const f64x2Lane = (lane: number) => simd(0x21, lane);
const V128_AND = simd(0x4e);
const I8X16_POPCNT = simd(0x62);
const I16X8_EXTADD_PAIRWISE_I8X16_U = simd(0x7d);
const I32X4_EXTADD_PAIRWISE_I16X8_U = simd(0x7f);
const I32X4_ADD = simd(0xae);
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const F64X2_PROMOTE_LOW_F32X4 = simd(0x5f);
/** `block (loop (br_if 1 exit) body (br 0))`: a while loop. */
const whileLoop = (exit: number[], body: number[]) => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...exit,
  0x0d,
  0x01,
  ...body,
  0x0c,
  0x00,
  0x0b,
  0x0b,
];
const increment = (local: number, by: number) => [...get(local), ...i32(by), ...I32_ADD, ...set(local)];
/** `base + index * 4` or `* 8`. */
const address = (base: number, index: number, shift: number) => [
  ...get(base),
  ...get(index),
  ...i32(shift),
  ...I32_SHL,
  ...I32_ADD,
];

/*
 * (func $dot_rows (param $m i32) (param $rows i32) (param $dim i32) (param $q i32) (param $out i32)
 *   (local $r i32) (local $j i32) (local $simdEnd i32) (local $a01 v128) (local $a23 v128) (local $s0 f64)
 *   $simdEnd = $dim & -4
 *   while $r < $rows:
 *     $a01 = $a23 = 0; $j = 0
 *     while $j < $simdEnd:                      ;; (s0, s1) and (s2, s3) as two f64x2 sums
 *       $a01 += promote(m[j], m[j+1]) * promote(q[j], q[j+1])
 *       $a23 += promote(m[j+2], m[j+3]) * promote(q[j+2], q[j+3]); $j += 4
 *     $s0 = lane0($a01)
 *     while $j < $dim: $s0 += f64(m[j]) * f64(q[j]); $j += 1
 *     out[r] = (($s0 + lane1($a01)) + lane0($a23)) + lane1($a23)
 *     $m += $dim * 4; $r += 1)
 */
function dotRowsBody(): number[] {
  const [M, ROWS, DIM, Q, OUT, R, J, SIMD_END, A01, A23, S0] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const lanes = (accumulator: number, offset: number) => [
    ...get(accumulator),
    ...address(M, J, 2),
    ...v128Load64Zero(offset),
    ...F64X2_PROMOTE_LOW_F32X4,
    ...address(Q, J, 2),
    ...v128Load64Zero(offset),
    ...F64X2_PROMOTE_LOW_F32X4,
    ...F64X2_MUL,
    ...F64X2_ADD,
    ...set(accumulator),
  ];
  const scalar = (base: number) => [...address(base, J, 2), ...f32Load(0), ...F64_PROMOTE_F32];
  const locals = vector([
    [3, I32],
    [2, V128],
    [1, F64],
  ]);
  const code = [
    ...get(DIM),
    ...i32(-4),
    ...I32_AND,
    ...set(SIMD_END),
    ...whileLoop(
      [...get(R), ...get(ROWS), ...I32_GE_U],
      [
        ...V128_ZERO,
        ...set(A01),
        ...V128_ZERO,
        ...set(A23),
        ...i32(0),
        ...set(J),
        ...whileLoop(
          [...get(J), ...get(SIMD_END), ...I32_GE_U],
          [...lanes(A01, 0), ...lanes(A23, 8), ...increment(J, 4)],
        ),
        ...get(A01),
        ...f64x2Lane(0),
        ...set(S0),
        ...whileLoop(
          [...get(J), ...get(DIM), ...I32_GE_U],
          [...get(S0), ...scalar(M), ...scalar(Q), ...F64_MUL, ...F64_ADD, ...set(S0), ...increment(J, 1)],
        ),
        ...address(OUT, R, 3),
        ...get(S0),
        ...get(A01),
        ...f64x2Lane(1),
        ...F64_ADD,
        ...get(A23),
        ...f64x2Lane(0),
        ...F64_ADD,
        ...get(A23),
        ...f64x2Lane(1),
        ...F64_ADD,
        ...f64Store,
        ...get(M),
        ...get(DIM),
        ...i32(2),
        ...I32_SHL,
        ...I32_ADD,
        ...set(M),
        ...increment(R, 1),
      ],
    ),
  ];
  return [...locals, ...code, 0x0b];
}

/*
 * (func $and_popcount (param $col i32) (param $n i32) (param $word i32) (param $acc i32)
 *   (local $i i32) (local $simdEnd i32) (local $splat v128) (local $c i32) (local $a i32)
 *   $splat = i32x4.splat($word); $simdEnd = $n & -4
 *   while $i < $simdEnd:
 *     $c = $col + 4i; $a = $acc + 4i
 *     v128.store($a, i32x4.add(v128.load($a),
 *       extadd_pairwise_u16(extadd_pairwise_u8(i8x16.popcnt(v128.load($c) & $splat)))))
 *     $i += 4
 *   while $i < $n: acc[i] += i32.popcnt($word & col[i]); $i += 1)
 */
function andPopcountBody(): number[] {
  const [COL, N, WORD, ACC, I, SIMD_END, SPLAT, C, A] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const locals = vector([
    [2, I32],
    [1, V128],
    [2, I32],
  ]);
  const code = [
    ...get(WORD),
    ...I32X4_SPLAT,
    ...set(SPLAT),
    ...get(N),
    ...i32(-4),
    ...I32_AND,
    ...set(SIMD_END),
    ...whileLoop(
      [...get(I), ...get(SIMD_END), ...I32_GE_U],
      [
        ...address(COL, I, 2),
        ...set(C),
        ...address(ACC, I, 2),
        ...set(A),
        ...get(A),
        ...get(A),
        ...v128Load(0),
        ...get(C),
        ...v128Load(0),
        ...get(SPLAT),
        ...V128_AND,
        ...I8X16_POPCNT,
        ...I16X8_EXTADD_PAIRWISE_I8X16_U,
        ...I32X4_EXTADD_PAIRWISE_I16X8_U,
        ...I32X4_ADD,
        ...v128Store,
        ...increment(I, 4),
      ],
    ),
    ...whileLoop(
      [...get(I), ...get(N), ...I32_GE_U],
      [
        ...address(ACC, I, 2),
        ...address(ACC, I, 2),
        ...i32Load,
        ...get(WORD),
        ...address(COL, I, 2),
        ...i32Load,
        ...I32_AND,
        ...I32_POPCNT,
        ...I32_ADD,
        ...i32Store,
        ...increment(I, 1),
      ],
    ),
  ];
  return [...locals, ...code, 0x0b];
}

function assembleModule(): Uint8Array {
  const functionType = (params: number[]) => [0x60, ...vector(params.map((type) => [type])), 0x00];
  const types = vector([functionType([I32, I32, I32, I32, I32]), functionType([I32, I32, I32, I32])]);
  const bodies = [dotRowsBody(), andPopcountBody()].map((body) => [...uleb(body.length), ...body]);
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(3, vector([[0x00], [0x01]])),
    ...section(5, vector([[0x00, 0x01]])), // one memory, at least one 64 KiB page, no maximum
    ...section(
      7,
      vector([
        [...name('memory'), 0x02, 0x00],
        [...name('dot_rows'), 0x00, 0x00],
        [...name('and_popcount'), 0x00, 0x01],
      ]),
    ),
    ...section(10, vector(bodies)),
  ]);
}
