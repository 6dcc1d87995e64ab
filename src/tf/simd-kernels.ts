/**
 * WebAssembly (SIMD where it pays) versions of the memory-bound training
 * kernels of kernels.ts, for the tfjs wasm backend: a small module that
 * imports the backend's own WebAssembly.Memory runs each loop in place on
 * the tensors' buffers (byte offsets from backend.getMemoryOffset), with no
 * copy. The scalar JS loops in kernels.ts cost 4–8 ns per element (bounds
 * checks, float conversions, gathers the JIT cannot vectorise); these run
 * several times faster. Same idea as the LIF kernels (lif-simd.ts), built with
 * the same small encoder (wasm-encoder.ts).
 *
 * Functions (all arguments i32; x, y, … are byte offsets; sizes in elements):
 *   t3120(x, out, N, S, C)        [N, S, C] → [C, S, N]   (scalar f32 moves)
 *   t1203(x, out, N, S, C)        [N, S, C] → [S, N, C]   (memory.copy of rows)
 *   pool2g(dy, dx, N, H, W, C)    avg-pool 2×2/2 gradient, C % 4 = 0 (dx pre-zeroed when H or W is odd)
 *   tsum(x, out, T, n, scale)     out = scale·Σ_t x[t·n + i], n % 4 = 0 (scale: f32 bits as i32)
 *   csum(x, acc, M, C)            acc[c] += Σ_m x[m·C + c], C % 4 = 0 (acc zeroed by the caller)
 *   mom(x, s, s2, M, C, R)        per chunk k of R rows: s[k·C + c] = Σ x, s2[k·C + c] = Σ x² (f32);
 *                                 the caller adds the chunks in float64
 *   dots(dy, x, s, sx, M, C, R)   per chunk: Σ dy, Σ dy·x
 *   aff(x, y, a, b, M, C)         y = x·a[c] + b[c]
 *   aff2(x, z, y, a, d, b, M, C)  y = x·a[c] + z·d[c] + b[c]
 *   fgrad(x, dy, dw, N, H, W, Cin, Ho, Wo, Cout, KH, KW, PT, PL)
 *                                 stride-1 conv filter gradient for few input channels, Cout % 4 = 0:
 *                                 dw[a, b, ci, co] += Σ x[n, i + a − PT, j + b − PL, ci]·dy[n, i, j, co]
 *                                 (dw zeroed by the caller)
 * Precision: float32 arithmetic throughout, like the tfjs ops; the batch-norm
 * sums are float32 over chunks of R rows and float64 across chunks.
 */
import {
  countUp, f32Const, f32Load, f32Store, f32x4Add, f32x4Mul, f32x4Splat, get, i32Add, i32Const, i32DivU, i32LtU, i32Mul,
  i32ShrU, i32Sub, i32x4Splat, ifThen, instancesPerMemory, memoryCopy, memoryFill, moduleBytes, select, set, v128Load, v128Store,
  type Code, type WasmFunction,
} from './wasm-encoder.ts';

// ---------------------------------------------------------------------------
// Kernels

/** local += v */
const inc = (local: number, v: Code): Code => [...get(local), ...v, ...i32Add, ...set(local)];

/** [N, S, C] → [C, S, N]: for s, for n, for c: out[(c·S + s)·N + n] = x[(n·S + s)·C + c]. */
function t3120(): WasmFunction {
  const [X, OUT, N, S, C] = [0, 1, 2, 3, 4];
  const [s, n, c, src, dst, colStride] = [5, 6, 7, 8, 9, 10];
  return {
    name: 't3120',
    params: 5,
    i32Locals: 6,
    v128Locals: 0,
    body: [
      ...get(S), ...get(N), ...i32Mul, ...i32Const(4), ...i32Mul, ...set(colStride), // bytes between c and c+1 in out
      ...countUp(s, i32Const(0), get(S), i32Const(1), [
        ...countUp(n, i32Const(0), get(N), i32Const(1), [
          // src = X + ((n·S + s)·C)·4 ; dst = OUT + (s·N + n)·4
          ...get(X), ...get(n), ...get(S), ...i32Mul, ...get(s), ...i32Add, ...get(C), ...i32Mul, ...i32Const(4), ...i32Mul, ...i32Add, ...set(src),
          ...get(OUT), ...get(s), ...get(N), ...i32Mul, ...get(n), ...i32Add, ...i32Const(4), ...i32Mul, ...i32Add, ...set(dst),
          ...countUp(c, i32Const(0), get(C), i32Const(1), [
            ...get(dst), ...get(src), ...f32Load, ...f32Store,
            ...inc(src, i32Const(4)),
            ...inc(dst, get(colStride)),
          ]),
        ]),
      ]),
    ],
  };
}

/** [N, S, C] → [S, N, C]: row copies. */
function t1203(): WasmFunction {
  const [X, OUT, N, S, C] = [0, 1, 2, 3, 4];
  const [s, n, dst, rowBytes] = [5, 6, 7, 8];
  return {
    name: 't1203',
    params: 5,
    i32Locals: 4,
    v128Locals: 0,
    body: [
      ...get(C), ...i32Const(4), ...i32Mul, ...set(rowBytes),
      ...get(OUT), ...set(dst),
      ...countUp(s, i32Const(0), get(S), i32Const(1), [
        ...countUp(n, i32Const(0), get(N), i32Const(1), [
          ...get(dst),
          ...get(X), ...get(n), ...get(S), ...i32Mul, ...get(s), ...i32Add, ...get(rowBytes), ...i32Mul, ...i32Add,
          ...get(rowBytes), ...memoryCopy,
          ...inc(dst, get(rowBytes)),
        ]),
      ]),
    ],
  };
}

/** avg-pool 2×2 stride 2 gradient; dy sequential, four stores per vector. */
function pool2g(): WasmFunction {
  const [DY, DX, N, H, W, C] = [0, 1, 2, 3, 4, 5];
  const [n, i, j, c, src, d0, rowBytes, pixBytes, Ho, Wo, cBytes] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [v] = [17];
  return {
    name: 'pool2g',
    params: 6,
    i32Locals: 11,
    v128Locals: 1,
    body: [
      ...get(C), ...i32Const(4), ...i32Mul, ...set(cBytes),
      ...get(W), ...get(cBytes), ...i32Mul, ...set(rowBytes),
      ...get(H), ...i32Const(1), ...i32ShrU, ...set(Ho),
      ...get(W), ...i32Const(1), ...i32ShrU, ...set(Wo),
      ...get(DY), ...set(src),
      ...countUp(n, i32Const(0), get(N), i32Const(1), [
        ...countUp(i, i32Const(0), get(Ho), i32Const(1), [
          ...countUp(j, i32Const(0), get(Wo), i32Const(1), [
            // d0 = DX + ((n·H + 2i)·W + 2j)·C·4
            ...get(DX), ...get(n), ...get(H), ...i32Mul, ...get(i), ...i32Const(2), ...i32Mul, ...i32Add, ...get(W), ...i32Mul, ...get(j), ...i32Const(2), ...i32Mul, ...i32Add, ...get(cBytes), ...i32Mul, ...i32Add, ...set(d0),
            ...get(cBytes), ...set(pixBytes),
            ...countUp(c, i32Const(0), get(cBytes), i32Const(16), [
              ...get(src), ...v128Load, ...f32Const(0.25), ...f32x4Splat, ...f32x4Mul, ...set(v),
              ...get(d0), ...get(c), ...i32Add, ...get(v), ...v128Store,
              ...get(d0), ...get(c), ...i32Add, ...get(pixBytes), ...i32Add, ...get(v), ...v128Store,
              ...get(d0), ...get(c), ...i32Add, ...get(rowBytes), ...i32Add, ...get(v), ...v128Store,
              ...get(d0), ...get(c), ...i32Add, ...get(rowBytes), ...i32Add, ...get(pixBytes), ...i32Add, ...get(v), ...v128Store,
              ...inc(src, i32Const(16)),
            ]),
          ]),
        ]),
      ]),
    ],
  };
}

/** out[i] = scale·Σ_t x[t·n + i] four at a time. */
function tsum(): WasmFunction {
  const [X, OUT, T, NN, SCALE] = [0, 1, 2, 3, 4];
  const [i, t, p, rowBytes, end] = [5, 6, 7, 8, 9];
  const [acc, sc] = [10, 11];
  return {
    name: 'tsum',
    params: 5,
    i32Locals: 5,
    v128Locals: 2,
    body: [
      ...get(NN), ...i32Const(4), ...i32Mul, ...set(rowBytes),
      ...get(SCALE), ...i32x4Splat, ...set(sc), // the f32 bits splatted as i32 lanes = the f32 splat
      ...get(rowBytes), ...set(end),
      ...countUp(i, i32Const(0), get(end), i32Const(16), [
        ...get(X), ...get(i), ...i32Add, ...set(p),
        ...get(p), ...v128Load, ...set(acc),
        ...countUp(t, i32Const(1), get(T), i32Const(1), [
          ...inc(p, get(rowBytes)),
          ...get(acc), ...get(p), ...v128Load, ...f32x4Add, ...set(acc),
        ]),
        ...get(OUT), ...get(i), ...i32Add, ...get(acc), ...get(sc), ...f32x4Mul, ...v128Store,
      ]),
    ],
  };
}

/** acc[c] += x[m·C + c] over all rows, four channels per vector (acc stays in L1). */
function csum(): WasmFunction {
  const [X, ACC, M, C] = [0, 1, 2, 3];
  const [p, end, c, cBytes] = [4, 5, 6, 7];
  return {
    name: 'csum',
    params: 4,
    i32Locals: 4,
    v128Locals: 0,
    body: [
      ...get(C), ...i32Const(4), ...i32Mul, ...set(cBytes),
      ...get(X), ...get(M), ...get(cBytes), ...i32Mul, ...i32Add, ...set(end),
      ...countUp(p, get(X), get(end), get(cBytes), [
        ...countUp(c, i32Const(0), get(cBytes), i32Const(16), [
          ...get(ACC), ...get(c), ...i32Add,
          ...get(ACC), ...get(c), ...i32Add, ...v128Load, ...get(p), ...get(c), ...i32Add, ...v128Load, ...f32x4Add,
          ...v128Store,
        ]),
      ]),
    ],
  };
}

/**
 * Per chunk of R rows: A[k·C + c] = Σ a-term, B[k·C + c] = Σ b-term, where
 * (mom) the terms are x and x², (dots) dy and dy·x. The chunk sums start at 0.
 */
function chunkSums(name: 'mom' | 'dots'): WasmFunction {
  // mom(x, s, s2, M, C, R)    dots(dy, x, s, sx, M, C, R)
  const two = name === 'dots';
  const X = 0;
  const Y = two ? 1 : -1;
  const A = two ? 2 : 1;
  const B = two ? 3 : 2;
  const M = two ? 4 : 3;
  const C = two ? 5 : 4;
  const R = two ? 6 : 5;
  const base = two ? 7 : 6;
  const [row, rowEnd, c, cBytes, xp, yp, ap, bp, chunkStart] = [base, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7, base + 8];
  const [va, vx] = [base + 9, base + 10];
  const term: Code = two
    ? [
        // a += dy; b += dy·x
        ...get(xp), ...get(c), ...i32Add, ...v128Load, ...set(va),
        ...get(ap), ...get(c), ...i32Add, ...get(ap), ...get(c), ...i32Add, ...v128Load, ...get(va), ...f32x4Add, ...v128Store,
        ...get(bp), ...get(c), ...i32Add, ...get(bp), ...get(c), ...i32Add, ...v128Load, ...get(va), ...get(yp), ...get(c), ...i32Add, ...v128Load, ...f32x4Mul, ...f32x4Add, ...v128Store,
      ]
    : [
        ...get(xp), ...get(c), ...i32Add, ...v128Load, ...set(vx),
        ...get(ap), ...get(c), ...i32Add, ...get(ap), ...get(c), ...i32Add, ...v128Load, ...get(vx), ...f32x4Add, ...v128Store,
        ...get(bp), ...get(c), ...i32Add, ...get(bp), ...get(c), ...i32Add, ...v128Load, ...get(vx), ...get(vx), ...f32x4Mul, ...f32x4Add, ...v128Store,
      ];
  return {
    name,
    params: two ? 7 : 6,
    i32Locals: 9,
    v128Locals: 2,
    body: [
      ...get(C), ...i32Const(4), ...i32Mul, ...set(cBytes),
      ...get(A), ...set(ap),
      ...get(B), ...set(bp),
      // zero every chunk sum: ceil(M / R)·C floats each
      ...get(ap), ...i32Const(0), ...get(M), ...get(R), ...i32Add, ...i32Const(1), ...i32Sub, ...get(R), ...i32DivU, ...get(cBytes), ...i32Mul, ...memoryFill,
      ...get(bp), ...i32Const(0), ...get(M), ...get(R), ...i32Add, ...i32Const(1), ...i32Sub, ...get(R), ...i32DivU, ...get(cBytes), ...i32Mul, ...memoryFill,
      ...countUp(chunkStart, i32Const(0), get(M), get(R), [
        ...get(chunkStart), ...get(R), ...i32Add, ...set(rowEnd),
        // rowEnd = min(rowEnd, M)
        ...get(rowEnd), ...get(M), ...get(rowEnd), ...get(M), ...i32LtU, ...select, ...set(rowEnd),
        ...countUp(row, get(chunkStart), get(rowEnd), i32Const(1), [
          ...get(X), ...get(row), ...get(cBytes), ...i32Mul, ...i32Add, ...set(xp),
          ...(two ? [...get(Y), ...get(row), ...get(cBytes), ...i32Mul, ...i32Add, ...set(yp)] : []),
          ...countUp(c, i32Const(0), get(cBytes), i32Const(16), term),
        ]),
        ...inc(ap, get(cBytes)),
        ...inc(bp, get(cBytes)),
      ]),
    ],
  };
}

/** y = x·a[c] + b[c] (aff) or y = x·a[c] + z·d[c] + b[c] (aff2), rows of C, four channels per vector. */
function affine(name: 'aff' | 'aff2'): WasmFunction {
  const two = name === 'aff2';
  // aff(x, y, a, b, M, C)   aff2(x, z, y, a, d, b, M, C)
  const X = 0;
  const Z = two ? 1 : -1;
  const Y = two ? 2 : 1;
  const A = two ? 3 : 2;
  const D = two ? 4 : -1;
  const B = two ? 5 : 3;
  const M = two ? 6 : 4;
  const C = two ? 7 : 5;
  const base = two ? 8 : 6;
  const [off, end, c, cBytes] = [base, base + 1, base + 2, base + 3];
  const value: Code = [
    ...get(X), ...get(off), ...i32Add, ...get(c), ...i32Add, ...v128Load, ...get(A), ...get(c), ...i32Add, ...v128Load, ...f32x4Mul,
    ...(two ? [...get(Z), ...get(off), ...i32Add, ...get(c), ...i32Add, ...v128Load, ...get(D), ...get(c), ...i32Add, ...v128Load, ...f32x4Mul, ...f32x4Add] : []),
    ...get(B), ...get(c), ...i32Add, ...v128Load, ...f32x4Add,
  ];
  return {
    name,
    params: two ? 8 : 6,
    i32Locals: 4,
    v128Locals: 0,
    body: [
      ...get(C), ...i32Const(4), ...i32Mul, ...set(cBytes),
      ...get(M), ...get(cBytes), ...i32Mul, ...set(end),
      ...countUp(off, i32Const(0), get(end), get(cBytes), [
        ...countUp(c, i32Const(0), get(cBytes), i32Const(16), [...get(Y), ...get(off), ...i32Add, ...get(c), ...i32Add, ...value, ...v128Store]),
      ]),
    ],
  };
}

/** Direct filter gradient, pixel by pixel: one splat of x per tap, Cout/4 vector multiply-adds into dw (in L1). */
function fgrad(): WasmFunction {
  const [X, DY, DW, N, H, W, CIN, HO, WO, COUT, KH, KW, PT, PL] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [n, i, j, a, b, h, w, ci, co, dyp, xp, wp, coBytes] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const [xv] = [27];
  const ifLtU = (lhs: Code, rhs: Code, body: Code): Code => ifThen([...lhs, ...rhs, ...i32LtU], body);
  return {
    name: 'fgrad',
    params: 14,
    i32Locals: 13,
    v128Locals: 1,
    body: [
      ...get(COUT), ...i32Const(4), ...i32Mul, ...set(coBytes),
      ...get(DY), ...set(dyp),
      ...countUp(n, i32Const(0), get(N), i32Const(1), [
        ...countUp(i, i32Const(0), get(HO), i32Const(1), [
          ...countUp(j, i32Const(0), get(WO), i32Const(1), [
            ...countUp(a, i32Const(0), get(KH), i32Const(1), [
              ...get(i), ...get(a), ...i32Add, ...get(PT), ...i32Sub, ...set(h),
              ...ifLtU(get(h), get(H), [
                ...countUp(b, i32Const(0), get(KW), i32Const(1), [
                  ...get(j), ...get(b), ...i32Add, ...get(PL), ...i32Sub, ...set(w),
                  ...ifLtU(get(w), get(W), [
                    // xp = X + ((n·H + h)·W + w)·Cin·4 ; wp = DW + (a·KW + b)·Cin·Cout·4
                    ...get(X), ...get(n), ...get(H), ...i32Mul, ...get(h), ...i32Add, ...get(W), ...i32Mul, ...get(w), ...i32Add, ...get(CIN), ...i32Mul, ...i32Const(4), ...i32Mul, ...i32Add, ...set(xp),
                    ...get(DW), ...get(a), ...get(KW), ...i32Mul, ...get(b), ...i32Add, ...get(CIN), ...i32Mul, ...get(coBytes), ...i32Mul, ...i32Add, ...set(wp),
                    ...countUp(ci, i32Const(0), get(CIN), i32Const(1), [
                      ...get(xp), ...f32Load, ...f32x4Splat, ...set(xv),
                      ...countUp(co, i32Const(0), get(coBytes), i32Const(16), [
                        ...get(wp), ...get(co), ...i32Add,
                        ...get(wp), ...get(co), ...i32Add, ...v128Load, ...get(xv), ...get(dyp), ...get(co), ...i32Add, ...v128Load, ...f32x4Mul, ...f32x4Add,
                        ...v128Store,
                      ]),
                      ...inc(xp, i32Const(4)),
                      ...inc(wp, get(coBytes)),
                    ]),
                  ]),
                ]),
              ]),
            ]),
            ...inc(dyp, get(coBytes)),
          ]),
        ]),
      ]),
    ],
  };
}

export interface SimdTrainingKernels {
  fgrad(x: number, dy: number, dw: number, N: number, H: number, W: number, Cin: number, Ho: number, Wo: number, Cout: number, KH: number, KW: number, PT: number, PL: number): void;
  t3120(x: number, out: number, N: number, S: number, C: number): void;
  t1203(x: number, out: number, N: number, S: number, C: number): void;
  pool2g(dy: number, dx: number, N: number, H: number, W: number, C: number): void;
  tsum(x: number, out: number, T: number, n: number, scaleBits: number): void;
  csum(x: number, acc: number, M: number, C: number): void;
  mom(x: number, s: number, s2: number, M: number, C: number, R: number): void;
  dots(dy: number, x: number, s: number, sx: number, M: number, C: number, R: number): void;
  aff(x: number, y: number, a: number, b: number, M: number, C: number): void;
  aff2(x: number, z: number, y: number, a: number, d: number, b: number, M: number, C: number): void;
}

/** The module's bytes (exported for tests). */
export function simdTrainingModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes([t3120(), t1203(), pool2g(), tsum(), csum(), chunkSums('mom'), chunkSums('dots'), affine('aff'), affine('aff2'), fgrad()]);
}

/** The kernels on `memory`, or null (no wasm SIMD, a shared memory, or compilation refused). */
export const simdTrainingKernels = instancesPerMemory<SimdTrainingKernels>(simdTrainingModuleBytes);

/** An f32's bits as an i32 (to pass a float through an i32 parameter). */
export function f32Bits(v: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v, true);
  return b.getInt32(0, true);
}
