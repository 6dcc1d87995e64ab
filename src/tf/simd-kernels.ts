/**
 * WebAssembly (SIMD where it pays) versions of the memory-bound training
 * kernels of kernels.ts, for the tfjs wasm backend: a small module that
 * imports the backend's own WebAssembly.Memory runs each loop in place on
 * the tensors' buffers (byte offsets from backend.getMemoryOffset), with no
 * copy. The scalar JS loops in kernels.ts cost 4–8 ns per element (bounds
 * checks, float conversions, gathers the JIT cannot vectorise); these run
 * several times faster. Same idea as the LIF kernels (lif-simd.ts), with its
 * own small encoder, since there is no wasm toolchain in the build.
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

// ---------------------------------------------------------------------------
// Encoder

type Code = number[];

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const str = (s: string): Code => {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
};
const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const simd = (opcode: number): Code => [0xfd, ...uleb(opcode)];

const I32 = 0x7f;
const V128 = 0x7b;

const get = (i: number): Code => [0x20, ...uleb(i)];
const set = (i: number): Code => [0x21, ...uleb(i)];
const i32 = (v: number): Code => [0x41, ...sleb(v)];
const add: Code = [0x6a];
const sub: Code = [0x6b];
const mul: Code = [0x6c];
const geU: Code = [0x4f];
const f32Load: Code = [0x2a, 2, 0];
const f32Store: Code = [0x38, 2, 0];
const vLoad: Code = [...simd(0x00), 2, 0];
const vStore: Code = [...simd(0x0b), 2, 0];
const f32x4Splat: Code = simd(0x13);
const f32x4Add: Code = simd(0xe4);
const f32x4Mul: Code = simd(0xe6);
const i32x4Splat: Code = simd(0x11);
const memCopy: Code = [0xfc, ...uleb(10), 0x00, 0x00];
const memFill: Code = [0xfc, ...uleb(11), 0x00];
const drop: Code = [0x1a];
void drop;

/** local = from; while (local < to) { body; local += step } (unsigned compare). */
function loop(local: number, from: Code, to: Code, step: Code, body: Code): Code {
  return [...from, ...set(local), 0x02, 0x40, 0x03, 0x40, ...get(local), ...to, ...geU, 0x0d, 0x01, ...body, ...get(local), ...step, ...add, ...set(local), 0x0c, 0x00, 0x0b, 0x0b];
}

/** local += v */
const inc = (local: number, v: Code): Code => [...get(local), ...v, ...add, ...set(local)];

interface Fn {
  name: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: Code;
}

function moduleBytes(fns: Fn[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]]);
  const code = fns.map((f) => {
    const body = [...vec([[...uleb(f.i32Locals), I32], [...uleb(f.v128Locals), V128]]), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}

// ---------------------------------------------------------------------------
// Kernels

/** [N, S, C] → [C, S, N]: for s, for n, for c: out[(c·S + s)·N + n] = x[(n·S + s)·C + c]. */
function t3120(): Fn {
  const [X, OUT, N, S, C] = [0, 1, 2, 3, 4];
  const [s, n, c, src, dst, colStride] = [5, 6, 7, 8, 9, 10];
  return {
    name: 't3120',
    params: 5,
    i32Locals: 6,
    v128Locals: 0,
    body: [
      ...get(S), ...get(N), ...mul, ...i32(4), ...mul, ...set(colStride), // bytes between c and c+1 in out
      ...loop(s, i32(0), get(S), i32(1), [
        ...loop(n, i32(0), get(N), i32(1), [
          // src = X + ((n·S + s)·C)·4 ; dst = OUT + (s·N + n)·4
          ...get(X), ...get(n), ...get(S), ...mul, ...get(s), ...add, ...get(C), ...mul, ...i32(4), ...mul, ...add, ...set(src),
          ...get(OUT), ...get(s), ...get(N), ...mul, ...get(n), ...add, ...i32(4), ...mul, ...add, ...set(dst),
          ...loop(c, i32(0), get(C), i32(1), [
            ...get(dst), ...get(src), ...f32Load, ...f32Store,
            ...inc(src, i32(4)),
            ...inc(dst, get(colStride)),
          ]),
        ]),
      ]),
    ],
  };
}

/** [N, S, C] → [S, N, C]: row copies. */
function t1203(): Fn {
  const [X, OUT, N, S, C] = [0, 1, 2, 3, 4];
  const [s, n, dst, rowBytes] = [5, 6, 7, 8];
  return {
    name: 't1203',
    params: 5,
    i32Locals: 4,
    v128Locals: 0,
    body: [
      ...get(C), ...i32(4), ...mul, ...set(rowBytes),
      ...get(OUT), ...set(dst),
      ...loop(s, i32(0), get(S), i32(1), [
        ...loop(n, i32(0), get(N), i32(1), [
          ...get(dst),
          ...get(X), ...get(n), ...get(S), ...mul, ...get(s), ...add, ...get(rowBytes), ...mul, ...add,
          ...get(rowBytes), ...memCopy,
          ...inc(dst, get(rowBytes)),
        ]),
      ]),
    ],
  };
}

/** avg-pool 2×2 stride 2 gradient; dy sequential, four stores per vector. */
function pool2g(): Fn {
  const [DY, DX, N, H, W, C] = [0, 1, 2, 3, 4, 5];
  const [n, i, j, c, src, d0, rowBytes, pixBytes, Ho, Wo, cBytes] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [v] = [17];
  const quarter = [0x43, 0, 0, 0x80, 0x3e]; // f32.const 0.25
  return {
    name: 'pool2g',
    params: 6,
    i32Locals: 11,
    v128Locals: 1,
    body: [
      ...get(C), ...i32(4), ...mul, ...set(cBytes),
      ...get(W), ...get(cBytes), ...mul, ...set(rowBytes),
      ...get(H), ...i32(1), 0x76, ...set(Ho), // H >> 1 (i32.shr_u)
      ...get(W), ...i32(1), 0x76, ...set(Wo),
      ...get(DY), ...set(src),
      ...loop(n, i32(0), get(N), i32(1), [
        ...loop(i, i32(0), get(Ho), i32(1), [
          ...loop(j, i32(0), get(Wo), i32(1), [
            // d0 = DX + ((n·H + 2i)·W + 2j)·C·4
            ...get(DX), ...get(n), ...get(H), ...mul, ...get(i), ...i32(2), ...mul, ...add, ...get(W), ...mul, ...get(j), ...i32(2), ...mul, ...add, ...get(cBytes), ...mul, ...add, ...set(d0),
            ...get(cBytes), ...set(pixBytes),
            ...loop(c, i32(0), get(cBytes), i32(16), [
              ...get(src), ...vLoad, ...quarter, ...f32x4Splat, ...f32x4Mul, ...set(v),
              ...get(d0), ...get(c), ...add, ...get(v), ...vStore,
              ...get(d0), ...get(c), ...add, ...get(pixBytes), ...add, ...get(v), ...vStore,
              ...get(d0), ...get(c), ...add, ...get(rowBytes), ...add, ...get(v), ...vStore,
              ...get(d0), ...get(c), ...add, ...get(rowBytes), ...add, ...get(pixBytes), ...add, ...get(v), ...vStore,
              ...inc(src, i32(16)),
            ]),
          ]),
        ]),
      ]),
    ],
  };
}

/** out[i] = scale·Σ_t x[t·n + i] four at a time. */
function tsum(): Fn {
  const [X, OUT, T, NN, SCALE] = [0, 1, 2, 3, 4];
  const [i, t, p, rowBytes, end] = [5, 6, 7, 8, 9];
  const [acc, sc] = [10, 11];
  return {
    name: 'tsum',
    params: 5,
    i32Locals: 5,
    v128Locals: 2,
    body: [
      ...get(NN), ...i32(4), ...mul, ...set(rowBytes),
      ...get(SCALE), ...i32x4Splat, ...set(sc), // the f32 bits splatted as i32 lanes = the f32 splat
      ...get(rowBytes), ...set(end),
      ...loop(i, i32(0), get(end), i32(16), [
        ...get(X), ...get(i), ...add, ...set(p),
        ...get(p), ...vLoad, ...set(acc),
        ...loop(t, i32(1), get(T), i32(1), [
          ...inc(p, get(rowBytes)),
          ...get(acc), ...get(p), ...vLoad, ...f32x4Add, ...set(acc),
        ]),
        ...get(OUT), ...get(i), ...add, ...get(acc), ...get(sc), ...f32x4Mul, ...vStore,
      ]),
    ],
  };
}

/** acc[c] += x[m·C + c] over all rows, four channels per vector (acc stays in L1). */
function csum(): Fn {
  const [X, ACC, M, C] = [0, 1, 2, 3];
  const [p, end, c, cBytes] = [4, 5, 6, 7];
  return {
    name: 'csum',
    params: 4,
    i32Locals: 4,
    v128Locals: 0,
    body: [
      ...get(C), ...i32(4), ...mul, ...set(cBytes),
      ...get(X), ...get(M), ...get(cBytes), ...mul, ...add, ...set(end),
      ...loop(p, get(X), get(end), get(cBytes), [
        ...loop(c, i32(0), get(cBytes), i32(16), [
          ...get(ACC), ...get(c), ...add,
          ...get(ACC), ...get(c), ...add, ...vLoad, ...get(p), ...get(c), ...add, ...vLoad, ...f32x4Add,
          ...vStore,
        ]),
      ]),
    ],
  };
}

/**
 * Per chunk of R rows: A[k·C + c] = Σ a-term, B[k·C + c] = Σ b-term, where
 * (mom) the terms are x and x², (dots) dy and dy·x. The chunk sums start at 0.
 */
function chunkSums(name: 'mom' | 'dots'): Fn {
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
        ...get(xp), ...get(c), ...add, ...vLoad, ...set(va),
        ...get(ap), ...get(c), ...add, ...get(ap), ...get(c), ...add, ...vLoad, ...get(va), ...f32x4Add, ...vStore,
        ...get(bp), ...get(c), ...add, ...get(bp), ...get(c), ...add, ...vLoad, ...get(va), ...get(yp), ...get(c), ...add, ...vLoad, ...f32x4Mul, ...f32x4Add, ...vStore,
      ]
    : [
        ...get(xp), ...get(c), ...add, ...vLoad, ...set(vx),
        ...get(ap), ...get(c), ...add, ...get(ap), ...get(c), ...add, ...vLoad, ...get(vx), ...f32x4Add, ...vStore,
        ...get(bp), ...get(c), ...add, ...get(bp), ...get(c), ...add, ...vLoad, ...get(vx), ...get(vx), ...f32x4Mul, ...f32x4Add, ...vStore,
      ];
  return {
    name,
    params: two ? 7 : 6,
    i32Locals: 9,
    v128Locals: 2,
    body: [
      ...get(C), ...i32(4), ...mul, ...set(cBytes),
      ...get(A), ...set(ap),
      ...get(B), ...set(bp),
      // zero every chunk sum: ceil(M / R)·C floats each
      ...get(ap), ...i32(0), ...get(M), ...get(R), ...add, ...i32(1), ...sub, ...get(R), 0x6e, ...get(cBytes), ...mul, ...memFill, // i32.div_u
      ...get(bp), ...i32(0), ...get(M), ...get(R), ...add, ...i32(1), ...sub, ...get(R), 0x6e, ...get(cBytes), ...mul, ...memFill,
      ...loop(chunkStart, i32(0), get(M), get(R), [
        ...get(chunkStart), ...get(R), ...add, ...set(rowEnd),
        // rowEnd = min(rowEnd, M)
        ...get(rowEnd), ...get(M), ...get(rowEnd), ...get(M), 0x49, 0x1b, ...set(rowEnd), // i32.lt_u; select
        ...loop(row, get(chunkStart), get(rowEnd), i32(1), [
          ...get(X), ...get(row), ...get(cBytes), ...mul, ...add, ...set(xp),
          ...(two ? [...get(Y), ...get(row), ...get(cBytes), ...mul, ...add, ...set(yp)] : []),
          ...loop(c, i32(0), get(cBytes), i32(16), term),
        ]),
        ...inc(ap, get(cBytes)),
        ...inc(bp, get(cBytes)),
      ]),
    ],
  };
}

/** y = x·a[c] + b[c] (aff) or y = x·a[c] + z·d[c] + b[c] (aff2), rows of C, four channels per vector. */
function affine(name: 'aff' | 'aff2'): Fn {
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
    ...get(X), ...get(off), ...add, ...get(c), ...add, ...vLoad, ...get(A), ...get(c), ...add, ...vLoad, ...f32x4Mul,
    ...(two ? [...get(Z), ...get(off), ...add, ...get(c), ...add, ...vLoad, ...get(D), ...get(c), ...add, ...vLoad, ...f32x4Mul, ...f32x4Add] : []),
    ...get(B), ...get(c), ...add, ...vLoad, ...f32x4Add,
  ];
  return {
    name,
    params: two ? 8 : 6,
    i32Locals: 4,
    v128Locals: 0,
    body: [
      ...get(C), ...i32(4), ...mul, ...set(cBytes),
      ...get(M), ...get(cBytes), ...mul, ...set(end),
      ...loop(off, i32(0), get(end), get(cBytes), [
        ...loop(c, i32(0), get(cBytes), i32(16), [...get(Y), ...get(off), ...add, ...get(c), ...add, ...value, ...vStore]),
      ]),
    ],
  };
}

/** Direct filter gradient, pixel by pixel: one splat of x per tap, Cout/4 vector multiply-adds into dw (in L1). */
function fgrad(): Fn {
  const [X, DY, DW, N, H, W, CIN, HO, WO, COUT, KH, KW, PT, PL] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [n, i, j, a, b, h, w, ci, co, dyp, xp, wp, coBytes] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26];
  const [xv] = [27];
  const ifLtU = (lhs: Code, rhs: Code, body: Code): Code => [...lhs, ...rhs, 0x49, 0x04, 0x40, ...body, 0x0b];
  return {
    name: 'fgrad',
    params: 14,
    i32Locals: 13,
    v128Locals: 1,
    body: [
      ...get(COUT), ...i32(4), ...mul, ...set(coBytes),
      ...get(DY), ...set(dyp),
      ...loop(n, i32(0), get(N), i32(1), [
        ...loop(i, i32(0), get(HO), i32(1), [
          ...loop(j, i32(0), get(WO), i32(1), [
            ...loop(a, i32(0), get(KH), i32(1), [
              ...get(i), ...get(a), ...add, ...get(PT), ...sub, ...set(h),
              ...ifLtU(get(h), get(H), [
                ...loop(b, i32(0), get(KW), i32(1), [
                  ...get(j), ...get(b), ...add, ...get(PL), ...sub, ...set(w),
                  ...ifLtU(get(w), get(W), [
                    // xp = X + ((n·H + h)·W + w)·Cin·4 ; wp = DW + (a·KW + b)·Cin·Cout·4
                    ...get(X), ...get(n), ...get(H), ...mul, ...get(h), ...add, ...get(W), ...mul, ...get(w), ...add, ...get(CIN), ...mul, ...i32(4), ...mul, ...add, ...set(xp),
                    ...get(DW), ...get(a), ...get(KW), ...mul, ...get(b), ...add, ...get(CIN), ...mul, ...get(coBytes), ...mul, ...add, ...set(wp),
                    ...loop(ci, i32(0), get(CIN), i32(1), [
                      ...get(xp), ...f32Load, ...f32x4Splat, ...set(xv),
                      ...loop(co, i32(0), get(coBytes), i32(16), [
                        ...get(wp), ...get(co), ...add,
                        ...get(wp), ...get(co), ...add, ...vLoad, ...get(xv), ...get(dyp), ...get(co), ...add, ...vLoad, ...f32x4Mul, ...f32x4Add,
                        ...vStore,
                      ]),
                      ...inc(xp, i32(4)),
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

const instances = new WeakMap<WebAssembly.Memory, SimdTrainingKernels | null>();

/** The kernels on `memory`, or null (no wasm SIMD, a shared memory, or compilation refused). */
export function simdTrainingKernels(memory: WebAssembly.Memory): SimdTrainingKernels | null {
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    try {
      const bytes = simdTrainingModuleBytes();
      k = WebAssembly.validate(bytes) ? (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as SimdTrainingKernels) : null;
    } catch {
      k = null;
    }
    instances.set(memory, k);
  }
  return k;
}

/** An f32's bits as an i32 (to pass a float through an i32 parameter). */
export function f32Bits(v: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v, true);
  return b.getInt32(0, true);
}
