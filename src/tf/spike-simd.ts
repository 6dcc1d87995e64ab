/**
 * Spike-sparse kernels as one WebAssembly module (built with the encoder of
 * wasm-encoder.ts, run in place on the tfjs wasm heap like lif-simd.ts and
 * simd-kernels.ts, or on a private memory for the cpu backend).
 *
 * A spike map is stored bit-packed: one bit per element of the float tensor
 * it stands for, in that tensor's row-major order, least significant bit
 * first (element e is bit e % 8 of byte e / 8), plus 8 bytes of zero padding
 * so that a 64-bit load at any element stays inside the buffer. For an NHWC
 * map with C a multiple of 8, the C channel bits of pixel q start at byte
 * q·C/8: one unaligned i64 load gives 64 channels (any C works: a load
 * shifted down by the bit offset gives at least 56).
 *
 * Event-driven convolution. A stride-1 convolution of a spike map is the sum,
 * over the active inputs, of their weight rows: for an active input
 * (n, i, j, ci) and each tap (a, b) whose output pixel (i + PT − a,
 * j + PL − b) lies in the output, out[n, i + PT − a, j + PL − b, :] +=
 * w[a, b, ci, :]. The pixels are visited in raster order and the channels
 * of a pixel in increasing order, so every output element receives its terms
 * in the order (tap a·KW + b, then ci) — exactly the order of the dense
 * convolution of tfjs-backend-wasm (XNNPACK's igemm: one accumulator per
 * output, taps outer, channels inner, starting from the bias) and of
 * tfjs-backend-cpu (same order, starting from 0). Inactive inputs would add
 * x·w = ±0, which changes no sum (the accumulator starts at +0 or the bias
 * and is never −0), so skipping them changes no bit: on a binary map the
 * result equals both dense convolutions bit for bit. A non-binary map
 * (`weighted`: e.g. average-pooled spikes) adds round(x·w), as XNNPACK does,
 * so it still equals the wasm dense conv bit for bit; tfjs-backend-cpu
 * computes x·w + acc in float64 with one rounding, which can differ in the
 * last bit. The tests check both (tests/spike-kernels.test.ts).
 *
 * The filter gradient of such a convolution is the same walk with the roles
 * swapped: dW[a, b, ci, :] += dy[n, i + PT − a, j + PL − b, :] for each
 * active input. Its terms arrive in pixel order, so it is float32-close to
 * (not bit-equal with) a dense gradient, whose summation order differs.
 *
 * Functions (all arguments i32; bits, x, … are byte offsets):
 *   pack(x, bits, count) → active          bits of x ≠ 0 for count elements (count % 8 = 0)
 *   popcount(bits, bytes) → active         set bits in `bytes` bytes
 *   unpack(bits, out, count)               out = 0/1 floats of count bits (count % 8 = 0)
 *   conv{V} / convW{V}(bits, x, w, out, bias, N, H, W, Cin, Ho, Wo, Cout, KH, KW, PT, PL, c0)
 *                                          out[…, c0 … c0 + 4V) = the convolution of the map, from the
 *                                          bias (offset 0: from zero); convW multiplies each weight row
 *                                          by x (non-binary maps). V = 1 … GATHER_VECTORS; `gatherAll`
 *                                          runs the passes over every output channel.
 *   fgrad{V} / fgradW{V}(bits, x, dw, dy, 0, …, c0)
 *                                          dw[…, c0 … c0 + 4V) += the filter gradient (dw pre-zeroed)
 *   gram(bits, rowBytes, T, B, counts, m)  the Hamming kernel's rescaled term of one LIF layer
 *                                          (see below)
 * Conv and fgrad need Cout % 4 = 0.
 *
 * gram: the layer's spikes, time-major [T·B, n] (n = 8·rowBytes neurons a
 * sample), row t·B + i at byte (t·B + i)·rowBytes. For every timestep the
 * counts s_i = popcount(x_i) (into the i32 scratch `counts`, B slots) and
 * the Gram matrix G_ij = popcount(x_i & x_j), 64 neurons per i64.popcnt,
 * then in float64 M_ij = 0.5·(s_i + s_j − 2G_ij) / ((s_i(n − s_j) +
 * (n − s_i)s_j)/n + 1e-3), summed over t into m[i·B + j] (B·B float64s,
 * zeroed here); m[B·B] = the layer's total spike count. These are the
 * float64 operations, in the same order, of rescaledSumFromSpikes in
 * src/core/snn/score.ts (IEEE float64 in wasm and in JS alike), so the
 * result is the same to the last bit.
 */
import {
  countUp, f32Const, f32x4Add, f32x4Mul, f32x4Ne, f32x4Splat, f64Add, f64Const, f64ConvertI32U, f64Div, f64Load, f64Mul, f64Store, f64Sub,
  frame, get, i32Add, i32And, i32Const, i32Eqz, i32GtS, i32Load, i32Load8U, i32LtS, i32Mul, i32Ne, i32Or, i32Popcnt, i32Shl, i32ShrU, i32Store, i32Store8, i32Sub,
  i32WrapI64, i32x4Bitmask, i32x4Ne, i32x4Splat, i64And, i64Const, i64Ctz, i64Eqz, i64ExtendI32U, i64Load, i64Popcnt, i64Shl, i64ShrU, i64Sub, i64Add, ifElse, ifElseF64, ifThen,
  instancesPerMemory, memoryFill, moduleBytes, select, set, tee, v128And, v128ConstI32, v128Load32Splat, v128LoadOff, v128StoreOff,
  whileTrue, type Code, type WasmFunction,
} from './wasm-encoder.ts';
import { KERNEL_EPS } from '../core/snn/score.ts';

/** local += v */
const inc = (local: number, v: Code): Code => [...get(local), ...v, ...i32Add, ...set(local)];
/** max(a, b), min(a, b) of signed i32s */
const maxS = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, ...i32GtS, ...select];
const minS = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, ...i32LtS, ...select];

/** pack(x, bits, count) → the number of elements ≠ 0; eight floats make one byte. */
function pack(): WasmFunction {
  const { at, shape } = frame({ params: ['x', 'bits', 'count'], i32: ['e', 'end', 'p', 'active', 'byte'], v128: ['zero'] });
  const nonZeroBits = (off: number): Code => [...get(at.x), ...get(at.e), ...i32Add, ...v128LoadOff(off), ...get(at.zero), ...f32x4Ne, ...i32x4Bitmask];
  return {
    name: 'pack',
    ...shape,
    returnsI32: true,
    body: [
      ...f32Const(0), ...f32x4Splat, ...set(at.zero),
      ...i32Const(0), ...set(at.active),
      ...get(at.bits), ...set(at.p),
      ...get(at.count), ...i32Const(4), ...i32Mul, ...set(at.end),
      ...countUp(at.e, i32Const(0), get(at.end), i32Const(32), [
        ...nonZeroBits(0), ...nonZeroBits(16), ...i32Const(4), ...i32Shl, ...i32Or, ...set(at.byte),
        ...get(at.p), ...get(at.byte), ...i32Store8,
        ...get(at.active), ...get(at.byte), ...i32Popcnt, ...i32Add, ...set(at.active),
        ...inc(at.p, i32Const(1)),
      ]),
      ...get(at.active),
    ],
  };
}

/** popcount(bits, bytes) → set bits, eight bytes per i64.popcnt then byte by byte. */
function popcount(): WasmFunction {
  const { at, shape } = frame({ params: ['bits', 'bytes'], i32: ['p', 'wordsEnd', 'active'] });
  return {
    name: 'popcount',
    ...shape,
    returnsI32: true,
    body: [
      ...i32Const(0), ...set(at.active),
      ...get(at.bits), ...get(at.bytes), ...i32Const(-8), ...i32And, ...i32Add, ...set(at.wordsEnd),
      ...countUp(at.p, get(at.bits), get(at.wordsEnd), i32Const(8), [
        ...get(at.active), ...get(at.p), ...i64Load, ...i64Popcnt, ...i32WrapI64, ...i32Add, ...set(at.active),
      ]),
      ...countUp(at.p, get(at.wordsEnd), [...get(at.bits), ...get(at.bytes), ...i32Add], i32Const(1), [
        ...get(at.active), ...get(at.p), ...i32Load8U, ...i32Popcnt, ...i32Add, ...set(at.active),
      ]),
      ...get(at.active),
    ],
  };
}

/** unpack(bits, out, count): each byte gives eight 0/1 floats (two vectors). */
function unpack(): WasmFunction {
  const { at, shape } = frame({ params: ['bits', 'out', 'count'], i32: ['o', 'end', 'p'], v128: ['lo', 'hi', 'one', 'byte'] });
  const lanes = (mask: number): Code => [...get(at.byte), ...get(mask), ...v128And, ...i32Const(0), ...i32x4Splat, ...i32x4Ne, ...get(at.one), ...v128And];
  return {
    name: 'unpack',
    ...shape,
    body: [
      ...v128ConstI32([1, 2, 4, 8]), ...set(at.lo),
      ...v128ConstI32([16, 32, 64, 128]), ...set(at.hi),
      ...f32Const(1), ...f32x4Splat, ...set(at.one),
      ...get(at.bits), ...set(at.p),
      ...get(at.out), ...get(at.count), ...i32Const(4), ...i32Mul, ...i32Add, ...set(at.end),
      ...countUp(at.o, get(at.out), get(at.end), i32Const(32), [
        ...get(at.p), ...i32Load8U, ...i32x4Splat, ...set(at.byte),
        ...get(at.o), ...lanes(at.lo), ...v128StoreOff(0),
        ...get(at.o), ...lanes(at.hi), ...v128StoreOff(16),
        ...inc(at.p, i32Const(1)),
      ]),
    ],
  };
}

/**
 * Bits of a window read by one 64-bit load: the load starts at the byte
 * holding the window's first bit and shifts it down by up to 7, so 56 bits
 * always remain; any channel count works (bit offsets need not be byte-aligned).
 */
const WINDOW_BITS = 56;

/** i64 mask of the low min(count, max) bits (`count` pushes an i32 ≥ 1; max < 64). */
function maskLow(count: Code, max: number): Code {
  return [...i64Const(1), ...minS(count, i32Const(max)), ...i64ExtendI32U, ...i64Shl, ...i64Const(1), ...i64Sub];
}

/** Output channels one gather pass keeps in registers: 8 vectors (32 channels); wider layers take several passes. */
export const GATHER_VECTORS = 8;

/**
 * The event-driven walk, output-stationary: for every output pixel (n, oi, oj)
 * and each tap row a, the taps b of that row read KW adjacent input pixels,
 * whose channel bits are contiguous in the packed map, so one window of
 * (bHi − bLo)·Cin bits (one i64 load per 56) lists every active (b, ci) of
 * the row; bit p of the window is weight row (a·KW + bLo)·Cin + p. Its set
 * bits are visited in increasing order (ctz), i.e. taps (a, b) in raster
 * order and channels increasing: the dense convolution's order.
 *   conv (`intoWeights` false): `vectors` accumulators start from the bias
 *     (or zero), add each active weight row (times x when weighted) and are
 *     stored once: out[n, oi, oj, c0 … c0 + 4·vectors).
 *   fgrad (`intoWeights` true): dy[n, oi, oj, c0 …] is loaded once into the
 *     registers and added (times x when weighted) into every active dW row.
 * One pass covers output channels [c0, c0 + 4·vectors); the caller runs a
 * pass per slice of GATHER_VECTORS vectors.
 */
function gather(name: string, intoWeights: boolean, weighted: boolean, vectors: number): WasmFunction {
  const accs = Array.from({ length: vectors }, (_, k) => `r${k}`);
  const { at, shape } = frame({
    params: ['bits', 'x', 'wt', 'px', 'bias', 'N', 'H', 'W', 'cin', 'ho', 'wo', 'cout', 'kh', 'kw', 'pt', 'pl', 'c0'],
    i32: ['coutB', 'n', 'oi', 'oj', 'a', 'aLo', 'aHi', 'bLo', 'bHi', 'len', 'e0', 'wbase', 'wd', 'p', 'wr', 'pix', 'rowB', 'planeB'],
    i64: ['m'],
    v128: ['xv', ...accs],
  });
  const acc = (k: number) => at[accs[k] as keyof typeof at];
  const pixelAddr: Code = [...get(at.px), ...get(at.pix), ...get(at.coutB), ...i32Mul, ...i32Add, ...get(at.c0), ...i32Const(4), ...i32Mul, ...i32Add];
  const scaled = (v: Code): Code => (weighted ? [...v, ...get(at.xv), ...f32x4Mul] : v);
  const perActive: Code = [
    ...get(at.wd), ...get(at.m), ...i64Ctz, ...i32WrapI64, ...i32Add, ...set(at.p),
    ...get(at.m), ...get(at.m), ...i64Const(1), ...i64Sub, ...i64And, ...set(at.m),
    ...get(at.wbase), ...get(at.p), ...get(at.coutB), ...i32Mul, ...i32Add, ...set(at.wr),
    ...(weighted ? [...get(at.x), ...get(at.e0), ...get(at.p), ...i32Add, ...i32Const(4), ...i32Mul, ...i32Add, ...v128Load32Splat, ...set(at.xv)] : []),
    ...accs.flatMap((_, k) =>
      intoWeights
        ? [...get(at.wr), ...get(at.wr), ...v128LoadOff(16 * k), ...scaled(get(acc(k))), ...f32x4Add, ...v128StoreOff(16 * k)]
        : [...get(acc(k)), ...scaled([...get(at.wr), ...v128LoadOff(16 * k)]), ...f32x4Add, ...set(acc(k))],
    ),
  ];
  const pixel: Code = [
    // registers: conv from the bias (or 0), fgrad the pixel's dy slice
    ...(intoWeights
      ? accs.flatMap((_, k) => [...pixelAddr, ...v128LoadOff(16 * k), ...set(acc(k))])
      : ifElse([...get(at.bias), ...i32Eqz],
          accs.flatMap((_, k) => [...i32Const(0), ...i32x4Splat, ...set(acc(k))]),
          accs.flatMap((_, k) => [...get(at.bias), ...get(at.c0), ...i32Const(4), ...i32Mul, ...i32Add, ...v128LoadOff(16 * k), ...set(acc(k))]))),
    // taps b with 0 ≤ oj + b − PL < W; their window is (bHi − bLo)·Cin bits
    ...maxS(i32Const(0), [...get(at.pl), ...get(at.oj), ...i32Sub]), ...set(at.bLo),
    ...minS(get(at.kw), [...get(at.W), ...get(at.pl), ...i32Add, ...get(at.oj), ...i32Sub]), ...set(at.bHi),
    ...get(at.bHi), ...get(at.bLo), ...i32Sub, ...get(at.cin), ...i32Mul, ...set(at.len),
    ...countUp(at.a, get(at.aLo), get(at.aHi), i32Const(1), [
      // e0 = element of input pixel (n, oi + a − PT, oj + bLo − PL), channel 0
      ...get(at.n), ...get(at.H), ...i32Mul, ...get(at.oi), ...i32Add, ...get(at.a), ...i32Add, ...get(at.pt), ...i32Sub, ...get(at.W), ...i32Mul,
      ...get(at.oj), ...i32Add, ...get(at.bLo), ...i32Add, ...get(at.pl), ...i32Sub, ...get(at.cin), ...i32Mul, ...set(at.e0),
      // wbase = weight row (a·KW + bLo)·Cin, at channel c0
      ...get(at.wt), ...get(at.a), ...get(at.kw), ...i32Mul, ...get(at.bLo), ...i32Add, ...get(at.cin), ...i32Mul, ...get(at.coutB), ...i32Mul, ...i32Add,
      ...get(at.c0), ...i32Const(4), ...i32Mul, ...i32Add, ...set(at.wbase),
      ...countUp(at.wd, i32Const(0), get(at.len), i32Const(WINDOW_BITS), [
        // bits e0 + wd … from the byte holding bit e0 + wd, shifted down to it
        ...get(at.e0), ...get(at.wd), ...i32Add, ...tee(at.wr),
        ...i32Const(3), ...i32ShrU, ...get(at.bits), ...i32Add, ...i64Load,
        ...get(at.wr), ...i32Const(7), ...i32And, ...i64ExtendI32U, ...i64ShrU,
        ...maskLow([...get(at.len), ...get(at.wd), ...i32Sub], WINDOW_BITS), ...i64And, ...set(at.m),
        ...whileTrue([...get(at.m), ...i64Eqz, ...i32Eqz], perActive),
      ]),
    ]),
    ...(intoWeights ? [] : accs.flatMap((_, k) => [...pixelAddr, ...get(acc(k)), ...v128StoreOff(16 * k)])),
    ...inc(at.pix, i32Const(1)),
  ];
  return {
    name,
    ...shape,
    body: [
      ...get(at.cout), ...i32Const(4), ...i32Mul, ...set(at.coutB),
      ...i32Const(0), ...set(at.pix),
      ...countUp(at.n, i32Const(0), get(at.N), i32Const(1), [
        ...countUp(at.oi, i32Const(0), get(at.ho), i32Const(1), [
          // tap rows a with 0 ≤ oi + a − PT < H
          ...maxS(i32Const(0), [...get(at.pt), ...get(at.oi), ...i32Sub]), ...set(at.aLo),
          ...minS(get(at.kh), [...get(at.H), ...get(at.pt), ...i32Add, ...get(at.oi), ...i32Sub]), ...set(at.aHi),
          ...countUp(at.oj, i32Const(0), get(at.wo), i32Const(1), pixel),
        ]),
      ]),
    ],
  };
}

/** gram(bits, rowBytes, T, B, counts, m): see the file comment. */
function gram(): WasmFunction {
  const { at, shape } = frame({
    params: ['bits', 'rowBytes', 'T', 'B', 'counts', 'm'],
    i32: ['t', 'i', 'j', 'w', 'wordBytes', 'base', 'ri', 'rj', 'mij'],
    i64: ['tailMask', 'acc'],
    f64: ['n', 'si', 'ci', 'sj', 'h', 'z', 'v', 'total'],
  });
  /** acc = Σ popcount over the row words of (row a [& row b]), tail bytes masked */
  const countRow = (a: number, b?: number): Code => {
    const word = (off: Code, tail: boolean): Code => [
      ...get(a), ...off, ...i32Add, ...i64Load,
      ...(b !== undefined ? [...get(b), ...off, ...i32Add, ...i64Load, ...i64And] : []),
      ...(tail ? [...get(at.tailMask), ...i64And] : []),
      ...i64Popcnt,
    ];
    return [
      ...i64Const(0), ...set(at.acc),
      ...countUp(at.w, i32Const(0), get(at.wordBytes), i32Const(8), [...get(at.acc), ...word(get(at.w), false), ...i64Add, ...set(at.acc)]),
      ...get(at.acc), ...word(get(at.wordBytes), true), ...i64Add, ...set(at.acc),
    ];
  };
  const cnt = (k: number): Code => [...get(at.counts), ...get(k), ...i32Const(4), ...i32Mul, ...i32Add, ...i32Load, ...f64ConvertI32U];
  const addTo = (row: number, col: number): Code => [
    ...get(at.m), ...get(row), ...get(at.B), ...i32Mul, ...get(col), ...i32Add, ...i32Const(8), ...i32Mul, ...i32Add, ...tee(at.mij),
    ...get(at.mij), ...f64Load, ...get(at.v), ...f64Add, ...f64Store,
  ];
  return {
    name: 'gram',
    ...shape,
    body: [
      ...get(at.rowBytes), ...i32Const(8), ...i32Mul, ...f64ConvertI32U, ...set(at.n),
      // whole words, then a tail of rowBytes % 8 bytes masked from one more load (the buffer is padded)
      ...get(at.rowBytes), ...i32Const(-8), ...i32And, ...set(at.wordBytes),
      ...i64Const(1), ...get(at.rowBytes), ...i32Const(7), ...i32And, ...i32Const(3), ...i32Shl, ...i64ExtendI32U, ...i64Shl, ...i64Const(1), ...i64Sub, ...set(at.tailMask),
      ...get(at.m), ...i32Const(0), ...get(at.B), ...get(at.B), ...i32Mul, ...i32Const(1), ...i32Add, ...i32Const(8), ...i32Mul, ...memoryFill,
      ...f64Const(0), ...set(at.total),
      ...countUp(at.t, i32Const(0), get(at.T), i32Const(1), [
        ...get(at.bits), ...get(at.t), ...get(at.B), ...i32Mul, ...get(at.rowBytes), ...i32Mul, ...i32Add, ...set(at.base),
        ...countUp(at.i, i32Const(0), get(at.B), i32Const(1), [
          ...get(at.base), ...get(at.i), ...get(at.rowBytes), ...i32Mul, ...i32Add, ...set(at.ri),
          ...countRow(at.ri),
          ...get(at.counts), ...get(at.i), ...i32Const(4), ...i32Mul, ...i32Add, ...get(at.acc), ...i32WrapI64, ...i32Store,
          ...get(at.total), ...get(at.acc), ...i32WrapI64, ...f64ConvertI32U, ...f64Add, ...set(at.total),
        ]),
        ...countUp(at.i, i32Const(0), get(at.B), i32Const(1), [
          ...get(at.base), ...get(at.i), ...get(at.rowBytes), ...i32Mul, ...i32Add, ...set(at.ri),
          ...cnt(at.i), ...set(at.si),
          ...get(at.n), ...get(at.si), ...f64Sub, ...set(at.ci),
          ...countUp(at.j, get(at.i), get(at.B), i32Const(1), [
            ...cnt(at.j), ...set(at.sj),
            // h = s_i + s_j − 2·G_ij, with G_ii = s_i
            ...get(at.si), ...get(at.sj), ...f64Add, ...f64Const(2),
            ...ifElseF64([...get(at.i), ...get(at.j), ...i32Ne],
              [...get(at.base), ...get(at.j), ...get(at.rowBytes), ...i32Mul, ...i32Add, ...set(at.rj), ...countRow(at.ri, at.rj), ...get(at.acc), ...i32WrapI64, ...f64ConvertI32U],
              get(at.si),
            ),
            ...f64Mul, ...f64Sub, ...set(at.h),
            // z = (s_i·(n − s_j) + c_i·s_j) / n
            ...get(at.si), ...get(at.n), ...get(at.sj), ...f64Sub, ...f64Mul, ...get(at.ci), ...get(at.sj), ...f64Mul, ...f64Add, ...get(at.n), ...f64Div, ...set(at.z),
            ...f64Const(0.5), ...get(at.h), ...f64Mul, ...get(at.z), ...f64Const(KERNEL_EPS), ...f64Add, ...f64Div, ...set(at.v),
            ...addTo(at.i, at.j),
            ...ifThen([...get(at.i), ...get(at.j), ...i32Ne], addTo(at.j, at.i)),
          ]),
        ]),
      ]),
      ...get(at.m), ...get(at.B), ...get(at.B), ...i32Mul, ...i32Const(8), ...i32Mul, ...i32Add, ...get(at.total), ...f64Store,
    ],
  };
}

export interface SpikeSimdKernels {
  pack(x: number, bits: number, count: number): number;
  popcount(bits: number, bytes: number): number;
  unpack(bits: number, out: number, count: number): void;
  gram(bits: number, rowBytes: number, T: number, B: number, counts: number, m: number): void;
}

/** conv (binary map), convW (weighted map), fgrad, fgradW: see `gather`. */
export type GatherKind = 'conv' | 'convW' | 'fgrad' | 'fgradW';

type GatherPass = (bits: number, x: number, wt: number, px: number, bias: number, N: number, H: number, W: number, cin: number, ho: number, wo: number, cout: number, kh: number, kw: number, pt: number, pl: number, c0: number) => void;

/** Geometry of a stride-1 conv: input [N, H, W, Cin], output [N, Ho, Wo, Cout], kernel KH×KW, padding top PT and left PL. */
export interface ConvGeometry {
  N: number;
  H: number;
  W: number;
  cin: number;
  ho: number;
  wo: number;
  cout: number;
  kh: number;
  kw: number;
  pt: number;
  pl: number;
}

/**
 * Runs the gather `kind` over every output channel, one pass per slice of
 * GATHER_VECTORS vectors (Cout % 4 = 0). `wt` is w (conv) or dW (fgrad),
 * `px` out (conv) or dy (fgrad); `bias` is a byte offset or 0 (none; conv only).
 */
export function gatherAll(k: SpikeSimdKernels, kind: GatherKind, bits: number, x: number, wt: number, px: number, bias: number, g: ConvGeometry): void {
  const passes = k as unknown as Record<string, GatherPass>;
  for (let c0 = 0; c0 < g.cout; c0 += 4 * GATHER_VECTORS) {
    const vectors = Math.min(GATHER_VECTORS, (g.cout - c0) / 4);
    passes[`${kind}${vectors}`](bits, x, wt, px, bias, g.N, g.H, g.W, g.cin, g.ho, g.wo, g.cout, g.kh, g.kw, g.pt, g.pl, c0);
  }
}

/** The module's bytes (exported for tests). */
export function spikeModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes([
    pack(), popcount(), unpack(),
    ...Array.from({ length: GATHER_VECTORS }, (_, i) => [
      gather(`conv${i + 1}`, false, false, i + 1),
      gather(`convW${i + 1}`, false, true, i + 1),
      gather(`fgrad${i + 1}`, true, false, i + 1),
      gather(`fgradW${i + 1}`, true, true, i + 1),
    ]).flat(),
    gram(),
  ]);
}

/** The kernels on `memory`, or null (no wasm SIMD, a shared memory, or compilation refused). */
export const spikeSimdKernels = instancesPerMemory<SpikeSimdKernels>(spikeModuleBytes);

/** Bytes of a bit-packed map of `count` elements, with the 8 bytes of padding 64-bit loads may touch. */
export function packedBytes(count: number): number {
  return Math.ceil(count / 8) + 8;
}
