/**
 * When the event-driven kernels (spike-simd.ts) beat the dense ones: a cost
 * model of both, in nanoseconds per output pixel, fitted to their times on
 * the wasm backend in Node (this 2-core machine, one thread; least squares on
 * relative error over the conv shapes of the search space at spike rates
 * 2–40 %: mean error 12–16 %, enough to place the break-even rate). For a
 * stride-1 kh×kw conv of Cin → Cout channels whose input fires at `rate`:
 *
 *   event-driven  passes·(PIXEL + kh·words·WORD)
 *                 + rate·kh·kw·Cin·(passes·PAIR + Cout/4·VECTOR)
 *       (passes = ⌈Cout/32⌉ output-channel passes; words = ⌈kw·Cin/56⌉
 *       64-bit loads per tap row's bit window; each active (tap, input)
 *       pair adds one row of Cout/4 vectors)
 *   dense         MAC·kh·kw·Cin·Cout + BYTE·4·(Cin + Cout)
 *       (XNNPACK's conv for the forward pass; conv.ts's dense filter
 *       gradient, transposes and a conv, for the filter gradient)
 *
 * The choice is a function of the shape and the spike count only, never of
 * a timing, so it is the same on every run, in Node and in the page. For
 * the forward pass it changes no bit of the result (spike-simd.ts); for the
 * filter gradient, float32 rounding only.
 */

interface SparseCost {
  pixel: number;
  word: number;
  pair: number;
  vector: number;
}

interface DenseCost {
  mac: number;
  byte: number;
}

const SPARSE_FORWARD: SparseCost = { pixel: 4.2, word: 9.6, pair: 0.61, vector: 0.25 };
const SPARSE_FILTER_GRAD: SparseCost = { pixel: 2.5, word: 11.4, pair: 0.83, vector: 0.27 };
const DENSE_FORWARD: DenseCost = { mac: 0.054, byte: 0.066 };
const DENSE_FILTER_GRAD: DenseCost = { mac: 0.119, byte: 0.489 };

export type SparseKind = 'forward' | 'filterGrad';

/** The rate below which the event-driven kernel is the faster (≤ 0: never; ≥ 1: at any rate). */
export function breakEvenRate(kind: SparseKind, kh: number, kw: number, cin: number, cout: number): number {
  const s = kind === 'forward' ? SPARSE_FORWARD : SPARSE_FILTER_GRAD;
  const d = kind === 'forward' ? DENSE_FORWARD : DENSE_FILTER_GRAD;
  const passes = Math.ceil(cout / 32);
  const words = Math.ceil((kw * cin) / 56);
  const fixed = passes * (s.pixel + kh * words * s.word);
  const perRate = kh * kw * cin * (passes * s.pair + (cout / 4) * s.vector);
  const dense = d.mac * kh * kw * cin * cout + d.byte * 4 * (cin + cout);
  return (dense - fixed) / perRate;
}

export type SparsePolicy = 'auto' | 'always' | 'never';
let policy: SparsePolicy = 'auto';

/** 'auto' chooses by the cost model; 'always' / 'never' force one path (tests and the bench compare them). */
export function setSparsePolicy(p: SparsePolicy): void {
  policy = p;
}

/**
 * The largest spike rate at which the event-driven kernel runs, under the
 * policy: 1 always, −1 never, else the break-even rate.
 */
export function sparseMaxRate(kind: SparseKind, kh: number, kw: number, cin: number, cout: number): number {
  if (policy === 'always') return 1;
  if (policy === 'never') return -1;
  return breakEvenRate(kind, kh, kw, cin, cout);
}

/** Whether the event-driven kernel runs for an input firing at `rate`. */
export function useSparse(kind: SparseKind, kh: number, kw: number, cin: number, cout: number, rate: number): boolean {
  return rate <= sparseMaxRate(kind, kh, kw, cin, cout);
}
