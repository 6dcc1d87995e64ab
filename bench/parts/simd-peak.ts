/**
 * The fp32 ceiling a wasm kernel can reach on this core: a register-only loop
 * of 128-bit f32x4 multiplies and adds (wasm SIMD has no FMA without the
 * relaxed-SIMD proposal), 12 independent accumulators so the two multiply and
 * two add ports stay busy past their latency (8 chains measured 31 GFLOP/s
 * here, 12 chains 37, 14 spill and fall to 24). No memory traffic, so a real
 * kernel (XNNPACK's convolutions, ours) stays below it; the 145 GFLOP/s
 * is the core's AVX FMA ceiling, which wasm cannot reach.
 */
import { countUp, f32Const, f32x4Add, f32x4Mul, f32x4Splat, get, i32Const, moduleBytes, set, v128Store, type Code } from '../../src/tf/wasm-encoder.ts';

const CHAINS = 12;
/** FLOPs of one loop iteration: a multiply and an add on 4 lanes per chain. */
const FLOPS_PER_ITERATION = CHAINS * 2 * 4;

function peakModule(): Uint8Array<ArrayBuffer> {
  // Locals: 0 = n (param), 1 = i, 2 = x, 3 = y, 4… = the accumulators.
  const accumulate: Code = Array.from({ length: CHAINS }, (_, k) => [...get(4 + k), ...get(2), ...f32x4Mul, ...get(3), ...f32x4Add, ...set(4 + k)]).flat();
  // The sum is stored so the loop is not dead code.
  const keep: Code = [...i32Const(0), ...get(4), ...Array.from({ length: CHAINS - 1 }, (_, k) => [...get(5 + k), ...f32x4Add]).flat(), ...v128Store];
  const body: Code = [
    ...f32Const(1.0001), ...f32x4Splat, ...set(2),
    ...f32Const(0.0001), ...f32x4Splat, ...set(3),
    ...countUp(1, i32Const(0), get(0), i32Const(1), accumulate),
    ...keep,
  ];
  return moduleBytes([{ name: 'peak', params: 1, i32Locals: 1, v128Locals: 2 + CHAINS, body }]);
}

/** GFLOP/s of the loop: the best of `rounds` runs of `flops` each. */
export async function wasmSimdPeakGflops(flops = 4e9, rounds = 3): Promise<number> {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(peakModule(), { env: { memory } });
  const peak = instance.exports.peak as (n: number) => void;
  peak(100_000);
  const n = Math.round(flops / FLOPS_PER_ITERATION);
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    peak(n);
    best = Math.max(best, (n * FLOPS_PER_ITERATION) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return best;
}
