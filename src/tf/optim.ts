/**
 * Adam and SGD with momentum, written out (a handful of ops per variable)
 * so the learning rate can change every step (cosine schedule) without
 * reaching into tfjs optimizer internals. State lives in non-trainable
 * variables; `dispose` frees it.
 *
 * Adam (Kingma & Ba, PyTorch's form):
 *   m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
 *   w ← w − lr·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
 *   computed as w − lr_t·m/(√v + ε_t), lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), ε_t = ε·√(1−β₂ᵗ) (the same number)
 * SGD (PyTorch's form): b ← μb + g;  w ← w − lr·b
 * Weight decay (both): g ← g + λw (L2, coupled).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ADAM, SGD, useFused } from './kernels.ts';

export type OptimizerName = 'adam' | 'sgd';

export interface OptimizerOptions {
  /** SGD momentum μ (default 0.9) */
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** one update of `vars` by `grads` (same order) at learning rate `lr` */
  step(vars: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number): void;
  dispose(): void;
}

export function makeOptimizer(name: OptimizerName, opts: OptimizerOptions = {}): Optimizer {
  const state = new Map<tf.Variable, tf.Variable[]>();
  const wd = opts.weightDecay ?? 0;
  let t = 0;
  const slots = (v: tf.Variable, n: number): tf.Variable[] => {
    let s = state.get(v);
    if (!s) {
      s = tf.tidy(() => Array.from({ length: n }, () => tf.variable(tf.zerosLike(v), false)));
      state.set(v, s);
    }
    return s;
  };
  const decayed = (g: tf.Tensor, v: tf.Variable): tf.Tensor => (wd > 0 ? tf.add(g, tf.mul(v, wd)) : g);

  if (name === 'adam') {
    const b1 = opts.beta1 ?? 0.9;
    const b2 = opts.beta2 ?? 0.999;
    const eps = opts.epsilon ?? 1e-8;
    return {
      name,
      step(vars, grads, lr) {
        t++;
        const c2 = Math.sqrt(1 - b2 ** t);
        const lrT = (lr * c2) / (1 - b1 ** t);
        const epsT = eps * c2;
        if (useFused(ADAM)) {
          // One fused kernel per variable (cpu/wasm): the same float32 arithmetic as the ops below.
          vars.forEach((v, i) => {
            const [m, s] = slots(v, 2);
            const [w2, m2, s2] = tf.engine().runKernel(ADAM, { w: v, m, v: s, g: grads[i] }, { lrT, b1, b2, epsT, wd }) as tf.Tensor[];
            v.assign(w2);
            m.assign(m2);
            s.assign(s2);
            tf.dispose([w2, m2, s2]);
          });
          return;
        }
        tf.tidy(() => {
          vars.forEach((v, i) => {
            const g = decayed(grads[i], v);
            const [m, s] = slots(v, 2);
            m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
            s.assign(tf.add(tf.mul(s, b2), tf.mul(tf.square(g), 1 - b2)));
            v.assign(tf.sub(v, tf.mul(tf.div(m, tf.add(tf.sqrt(s), epsT)), lrT)));
          });
        });
      },
      dispose() {
        for (const s of state.values()) tf.dispose(s);
        state.clear();
      },
    };
  }
  if (name === 'sgd') {
    const mu = opts.momentum ?? 0.9;
    return {
      name,
      step(vars, grads, lr) {
        if (mu !== 0 && useFused(SGD)) {
          vars.forEach((v, i) => {
            const [b] = slots(v, 1);
            const [w2, b2] = tf.engine().runKernel(SGD, { w: v, b, g: grads[i] }, { lr, mu, wd }) as tf.Tensor[];
            v.assign(w2);
            b.assign(b2);
            tf.dispose([w2, b2]);
          });
          return;
        }
        tf.tidy(() => {
          vars.forEach((v, i) => {
            const g = decayed(grads[i], v);
            if (mu === 0) {
              v.assign(tf.sub(v, tf.mul(g, lr)));
              return;
            }
            const [b] = slots(v, 1);
            b.assign(tf.add(tf.mul(b, mu), g));
            v.assign(tf.sub(v, tf.mul(b, lr)));
          });
        });
      },
      dispose() {
        for (const s of state.values()) tf.dispose(s);
        state.clear();
      },
    };
  }
  throw new Error(`unknown optimizer '${String(name)}' (known: adam, sgd)`);
}

/** Cosine decay from `lr` at step 0 to `lr·floor` at `total` steps (optionally after a linear warm-up). */
export function cosineLr(lr: number, step: number, total: number, warmup = 0, floor = 0): number {
  if (warmup > 0 && step < warmup) return (lr * (step + 1)) / warmup;
  const span = Math.max(1, total - warmup);
  const p = Math.min(1, Math.max(0, (step - warmup) / span));
  return lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p)));
}
