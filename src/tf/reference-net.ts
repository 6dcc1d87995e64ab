/**
 * The reference network that training speed is measured on (`npm run
 * bench`'s training parts): a fixed small SNN, identical in Node and in a
 * browser worker (no Node-only imports here):
 *
 *   28×28×1 image → conv3×3 1→16 (+bias), computed ONCE and fed at every
 *   timestep → per timestep: LIF → avg-pool 2 → conv3×3 16→32 (+bias) →
 *   LIF → avg-pool 2 → FC 1568→10 (+bias); logits = mean over T = 4 of the
 *   FC output; softmax cross-entropy; Adam; batch 32.
 *   LIF: u_t = 0.9·u_{t−1} + x_t − s_{t−1}, s_t = [u_t > 1], fast-sigmoid
 *   surrogate 1/(1 + 5|u − 1|)² (REFERENCE_NET_LIF, snnTorch Leaky).
 *
 * Multi-step form: time folded into the batch ([T·B, …], time-major), so
 * conv2 and the FC run once over all T steps; each LIF is one fused forward
 * and one fused backward kernel (lif.ts); convs use the custom gradient
 * (conv.ts), conv2's forward pass and filter gradient event-driven over the
 * pooled spikes it reads where that is the faster (spike-kernels.ts); the pools and the time repeat/mean have matMul- or
 * kernel-based gradients (ops.ts). Since the FC is linear, the mean over T
 * is taken before it (the same logits, T× less FC work).
 *
 * PyTorch's nn.Conv2d / nn.Linear carry a bias, so these layers do too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { REFERENCE_NET_LIF, type LifConfig } from '../core/snn/lif.ts';
import { conv2d } from './conv.ts';
import { lifMultiStep } from './lif.ts';
import { avgPool2, dense, repeatTime, timeMean } from './ops.ts';
import { makeOptimizer, type Optimizer } from './optim.ts';

export interface ReferenceNetOptions {
  timesteps?: number;
  seed?: number;
  lif?: LifConfig;
}

export interface ReferenceNet {
  readonly timesteps: number;
  readonly lif: LifConfig;
  readonly vars: readonly tf.Variable[];
  /** logits [B, 10] for images [B, 28, 28, 1] */
  forward(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

function uniform(shape: number[], fanIn: number, seed: number): tf.Tensor {
  const b = 1 / Math.sqrt(fanIn);
  return tf.randomUniform(shape, -b, b, 'float32', seed);
}

let netCounter = 0;

export function buildReferenceNet(opts: ReferenceNetOptions = {}): ReferenceNet {
  const T = opts.timesteps ?? 4;
  const lif = opts.lif ?? REFERENCE_NET_LIF;
  const seed = opts.seed ?? 0;
  const id = `ref${++netCounter}`;
  const vars = tf.tidy(() => [
    tf.variable(uniform([3, 3, 1, 16], 9, seed + 1), true, `${id}/conv1`),
    tf.variable(uniform([16], 9, seed + 2), true, `${id}/conv1.bias`),
    tf.variable(uniform([3, 3, 16, 32], 144, seed + 3), true, `${id}/conv2`),
    tf.variable(uniform([32], 144, seed + 4), true, `${id}/conv2.bias`),
    tf.variable(uniform([1568, 10], 1568, seed + 5), true, `${id}/fc`),
    tf.variable(uniform([10], 1568, seed + 6), true, `${id}/fc.bias`),
  ]);
  const [w1, b1, w2, b2, w3, b3] = vars;
  return {
    timesteps: T,
    lif,
    vars,
    forward(x) {
      return tf.tidy(() => {
        const B = x.shape[0];
        const c1 = conv2d(x, w1 as tf.Tensor4D, 'same', false, b1 as tf.Tensor1D); // [B, 28, 28, 16], once
        const s1 = lifMultiStep(repeatTime(c1, T), T, lif) as tf.Tensor4D; // [T·B, 28, 28, 16]
        const p1 = avgPool2(s1); // [T·B, 14, 14, 16]
        const c2 = conv2d(p1, w2 as tf.Tensor4D, 'same', true, b2 as tf.Tensor1D, 'pooledSpikes'); // [T·B, 14, 14, 32]
        const s2 = lifMultiStep(c2, T, lif) as tf.Tensor4D;
        const p2 = avgPool2(s2); // [T·B, 7, 7, 32]
        const feat = timeMean(tf.reshape(p2, [T * B, 1568]), T) as tf.Tensor2D; // [B, 1568]
        return dense(feat, w3 as tf.Tensor2D, b3 as tf.Tensor1D, 'pooledSpikes');
      });
    },
    dispose() {
      tf.dispose(vars as tf.Variable[]);
    },
  };
}

/** One Adam step on a batch; returns the loss (the caller disposes it). */
export function referenceTrainStep(net: ReferenceNet, opt: Optimizer, x: tf.Tensor4D, labels: tf.Tensor1D, lr = 1e-3): tf.Scalar {
  const vars = net.vars as tf.Variable[];
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), net.forward(x)) as tf.Scalar, vars);
  opt.step(
    vars,
    vars.map((v) => grads[v.name]),
    lr,
  );
  tf.dispose(grads);
  return value;
}

export interface ReferenceBenchOptions {
  batch?: number;
  /** timed steps (default 30) */
  steps?: number;
  /** untimed warm-up steps (default 3) */
  warmup?: number;
  seed?: number;
  /** optional images/labels source; default: seeded random images and labels */
  batchSource?: (step: number, batch: number) => { x: Float32Array; labels: Int32Array };
}

export interface ReferenceBenchResult {
  backend: string;
  samplesPerS: number;
  msPerStep: number;
  steps: number;
  batch: number;
  timesteps: number;
  /** loss after the first and the last timed step (shows that it trains) */
  firstLoss: number;
  lastLoss: number;
  /** live tensors before and after the timed steps (equal: no leak) */
  tensorsBefore: number;
  tensorsAfter: number;
}

/**
 * A seeded synthetic batch the network can learn: class k is a bright 8×8
 * square at one of ten positions (a 5 × 2 grid) on a sparse noisy
 * background, so the loss falls within a few dozen steps (the throughput
 * does not depend on the pixels: every op is dense).
 */
function randomBatch(step: number, batch: number, seed: number): { x: Float32Array; labels: Int32Array } {
  let s = (seed * 2654435761 + step * 40503 + 1) >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(batch * 784);
  const labels = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const k = Math.floor(next() * 10);
    labels[b] = k;
    const o = b * 784;
    for (let i = 0; i < 784; i++) x[o + i] = next() < 0.9 ? 0 : next() * 0.5;
    const r0 = 2 + 14 * (k % 2) + Math.floor(next() * 3);
    const c0 = 1 + 5 * Math.floor(k / 2) + Math.floor(next() * 2);
    for (let r = r0; r < Math.min(28, r0 + 8); r++) for (let c = c0; c < Math.min(28, c0 + 5); c++) x[o + r * 28 + c] = 0.7 + 0.3 * next();
  }
  return { x, labels };
}

/**
 * Trains the reference network for `steps` timed steps (after `warmup`) on
 * the active backend and reports samples per second. The batch data is made
 * before each step's clock starts; the loss is read only after the last step
 * (one read per measurement: a read mid-run would stall a GPU backend).
 */
export async function benchReferenceNet(opts: ReferenceBenchOptions = {}): Promise<ReferenceBenchResult> {
  const batch = opts.batch ?? 32;
  const steps = opts.steps ?? 30;
  const warmup = opts.warmup ?? 3;
  const seed = opts.seed ?? 0;
  const source = opts.batchSource ?? ((step: number, b: number) => randomBatch(step, b, seed));
  const net = buildReferenceNet({ seed });
  const opt = makeOptimizer('adam');
  const batches = Array.from({ length: warmup + steps }, (_, i) => source(i, batch));
  try {
    const run = (i: number): tf.Scalar =>
      tf.tidy(() => {
        const x = tf.tensor4d(batches[i].x, [batch, 28, 28, 1]);
        const y = tf.tensor1d(batches[i].labels, 'int32');
        return referenceTrainStep(net, opt, x, y);
      });
    for (let i = 0; i < warmup; i++) {
      const l = run(i);
      await l.data();
      l.dispose();
    }
    const tensorsBefore = tf.memory().numTensors;
    let first: tf.Scalar | null = null;
    let last: tf.Scalar | null = null;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const l = run(warmup + i);
      if (i === 0) first = l;
      else {
        last?.dispose();
        last = l;
      }
    }
    const lastV = (await (last ?? first)!.data())[0];
    const ms = performance.now() - t0;
    const firstV = (await first!.data())[0];
    first?.dispose();
    last?.dispose();
    return {
      backend: tf.getBackend(),
      samplesPerS: (steps * batch * 1000) / ms,
      msPerStep: ms / steps,
      steps,
      batch,
      timesteps: net.timesteps,
      firstLoss: firstV,
      lastLoss: lastV,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  } finally {
    opt.dispose();
    net.dispose();
  }
}
