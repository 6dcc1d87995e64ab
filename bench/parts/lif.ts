/**
 * `npm run bench -- --only lif`: the LIF work of one training step of the
 * training-speed reference network (src/tf/reference-net.ts), fused kernels
 * against the unfused per-step ops, on the cpu and wasm backends in Node.
 *
 * One "step" = forward + backward (BPTT with the surrogate gradient) of its
 * two LIF layers at batch 32, T = 4, time folded into the batch:
 *   lif1 on [4·32, 28, 28, 16] and lif2 on [4·32, 14, 14, 32]
 * with the reference neuron (snnTorch-style β = 0.9, θ = 1, subtract reset,
 * fast sigmoid k = 5). The backward pass starts from a fixed random dL/dspikes
 * (tf.grad's dy), so no loss ops are timed. Also timed: the studio's default
 * neuron (SpikingJelly, hard reset, ATan) on the same shapes, and on wasm the
 * fused kernels' JS-loop form next to the default WebAssembly SIMD form.
 * Times are wall-clock: median (the figure) and min of the repetitions.
 */
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/tf/backend-node.ts';
import { DEFAULT_LIF, REFERENCE_NET_LIF, lifMultiStep, type LifConfig, type LifImpl } from '../../src/tf/lif.ts';
import { setLifSimd } from '../../src/tf/lif-kernels.ts';

const T = 4;
const B = 32;
const SHAPES: [number, number, number, number][] = [
  [T * B, 28, 28, 16],
  [T * B, 14, 14, 32],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** ms of one forward + backward over both layers: median (and min) of `reps`, after one warm-up. */
function timeStep(cfg: LifConfig, impl: LifImpl, reps: number): { median: number; min: number } {
  const xs = SHAPES.map((s, i) => tf.randomNormal(s, 0.5, 1, 'float32', 10 + i));
  const dys = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 20 + i));
  const grads = SHAPES.map(() => tf.grad((x: tf.Tensor) => lifMultiStep(x, T, cfg, { impl })));
  const run = () => {
    const dx = tf.tidy(() => xs.map((x, i) => grads[i](x, dys[i])));
    for (const d of dx) d.dataSync(); // cpu and wasm run synchronously; read back anyway, as training would
    tf.dispose(dx);
  };
  run();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  tf.dispose([...xs, ...dys]);
  const r = (v: number) => Math.round(v * 100) / 100;
  return { median: r(median(times)), min: r(Math.min(...times)) };
}

export async function benchLif(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {
    what: 'ms per forward+backward of the reference network\'s two LIF layers ([128,28,28,16] and [128,14,14,32], T=4, batch 32)',
  };
  for (const preference of ['wasm', 'cpu'] as const) {
    const choice = await initNodeBackend(preference);
    const backend = tf.getBackend();
    const entry: Record<string, unknown> = { backend, ...(choice.wasmThreads ? { threads: choice.wasmThreads } : {}) };
    for (const [name, cfg] of [['reference', REFERENCE_NET_LIF], ['default', DEFAULT_LIF]] as const) {
      const fused = timeStep(cfg, 'fused', 9);
      // The unfused graph on cpu takes seconds per step: fewer repetitions.
      const unfused = timeStep(cfg, 'unfused', backend === 'cpu' ? 3 : 7);
      const e: Record<string, number> = {
        fused_ms: fused.median,
        unfused_ms: unfused.median,
        speedup: Math.round((unfused.median / fused.median) * 10) / 10,
        fused_min_ms: fused.min,
        unfused_min_ms: unfused.min,
      };
      if (backend === 'wasm') {
        // The same fused kernels as JS loops over the wasm heap (what runs when SIMD is unavailable).
        setLifSimd(false);
        e.fused_js_loops_ms = timeStep(cfg, 'fused', 9).median;
        setLifSimd(true);
      }
      entry[name] = e;
    }
    out[`${backend}_node`] = entry;
  }
  return out;
}
