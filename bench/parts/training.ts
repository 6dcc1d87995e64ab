/**
 * Training speed in Node: the reference network
 * (src/tf/reference-net.ts, multi-step form, fused LIF kernels, custom conv
 * gradient) trained with Adam at batch 32 on seeded synthetic batches.
 *
 *   training.wasm_node   tfjs-backend-wasm, single thread (SIMD build):
 *                        median of 3 runs of 20 timed steps (best and all runs too)
 *   training.cpu_node    tfjs-backend-cpu (plain JS), fewer steps
 *   training.wasm_chromium (and wasm_threaded_chromium, webgl_chromium,
 *                        auto_chromium) the same network in a Chromium Web
 *                        Worker: bench/parts/training-browser.ts
 *   training.forms       one training step of the same network in the
 *                        multi-step form (what the studio runs) and in a
 *                        per-timestep form (T separate small graphs, as a
 *                        snnTorch-style loop would build it), on wasm
 *
 * Each figure says which backend produced it. Timings are wall-clock, and
 * also the process CPU time, which shows how much other load on the machine
 * stretched the wall time.
 */
import '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../src/tf/backend-node.ts';
import { benchReferenceNet, buildReferenceNet, referenceTrainStep, type ReferenceNet } from '../../src/tf/reference-net.ts';
import { makeOptimizer } from '../../src/tf/optim.ts';
import { conv2d } from '../../src/tf/conv.ts';
import { avgPool2, dense } from '../../src/tf/ops.ts';

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * `rounds` independent timed runs of `steps` steps each (a fresh network and
 * `warmup` untimed steps per run); samples_per_s is the median run, so one
 * burst of load from another process on this 2-core machine does not decide
 * the figure; the best and every run are reported too.
 */
async function node(backend: 'wasm' | 'cpu', steps: number, warmup: number, rounds: number): Promise<Record<string, unknown>> {
  const choice = await initNodeBackend(backend);
  const runs: Awaited<ReturnType<typeof benchReferenceNet>>[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < rounds; i++) runs.push(await benchReferenceNet({ steps, warmup }));
  const cpu = process.cpuUsage(c0);
  const sorted = [...runs].sort((a, b) => a.samplesPerS - b.samplesPerS);
  const med = sorted[Math.floor(sorted.length / 2)];
  return {
    samples_per_s: round(med.samplesPerS),
    ms_per_step: round(med.msPerStep, 2),
    samples_per_s_best: round(sorted[sorted.length - 1].samplesPerS),
    samples_per_s_runs: runs.map((r) => round(r.samplesPerS)),
    backend: med.backend,
    backend_reason: choice.reason,
    steps_per_run: steps,
    batch: med.batch,
    timesteps: med.timesteps,
    loss_first_last: [round(med.firstLoss, 4), round(med.lastLoss, 4)],
    tensors_leaked: runs.reduce((a, r) => a + r.tensorsAfter - r.tensorsBefore, 0),
    cpu_ms_per_step_incl_warmup: round((cpu.user + cpu.system) / 1000 / (rounds * (steps + warmup)), 2),
    place: 'Node ' + process.version,
  };
}

/**
 * The per-timestep form of the reference network, for comparison only: the
 * static conv1 output is fed at each t to a one-step LIF (u = 0.9u + x −
 * s_prev, fire u > 1, fast-sigmoid surrogate k = 5, as REFERENCE_NET_LIF),
 * then pool, conv2, LIF, pool and FC on [B, …] per step; T graphs of small
 * ops instead of one graph of batched ones.
 */
function perTimestepForward(net: ReferenceNet, x: tf.Tensor4D): tf.Tensor2D {
  const [w1, b1, w2, b2, w3, b3] = net.vars;
  const spike = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const u = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    save([u]);
    return {
      value: tf.cast(tf.greater(u, 1), 'float32'),
      gradFunc: (dy: tf.Tensor, [su]: tf.Tensor[]) => [tf.div(dy, tf.square(tf.add(1, tf.mul(5, tf.abs(tf.sub(su, 1))))))],
    };
  }) as (u: tf.Tensor) => tf.Tensor;
  return tf.tidy(() => {
    const B = x.shape[0];
    const c1 = conv2d(x, w1 as tf.Tensor4D, 'same', false, b1 as tf.Tensor1D);
    // reset term: the previous step's spike, detached (tf.step has a zero gradient)
    const detachedSpike = (u: tf.Tensor) => tf.step(tf.sub(u, 1));
    let u1: tf.Tensor = tf.zerosLike(c1);
    let u2: tf.Tensor | null = null;
    let sum: tf.Tensor | null = null;
    for (let t = 0; t < net.timesteps; t++) {
      u1 = tf.sub(tf.add(tf.mul(u1, 0.9), c1), detachedSpike(u1));
      const s1 = spike(u1);
      const c2 = conv2d(avgPool2(s1 as tf.Tensor4D), w2 as tf.Tensor4D, 'same', true, b2 as tf.Tensor1D);
      u2 = u2 ? tf.sub(tf.add(tf.mul(u2, 0.9), c2), detachedSpike(u2)) : c2;
      const s2 = spike(u2);
      const out = dense(tf.reshape(avgPool2(s2 as tf.Tensor4D), [B, 1568]) as tf.Tensor2D, w3 as tf.Tensor2D, b3 as tf.Tensor1D);
      sum = sum ? tf.add(sum, out) : out;
    }
    return tf.div(sum!, net.timesteps) as tf.Tensor2D;
  });
}

async function forms(steps: number): Promise<Record<string, unknown>> {
  await initNodeBackend('wasm');
  const x = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
  const labels = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32');
  const time = (step: (net: ReferenceNet, opt: ReturnType<typeof makeOptimizer>) => void): number => {
    const net = buildReferenceNet({ seed: 1 });
    const opt = makeOptimizer('adam');
    for (let i = 0; i < 2; i++) step(net, opt);
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) step(net, opt);
    const ms = (performance.now() - t0) / steps;
    opt.dispose();
    net.dispose();
    return ms;
  };
  const multi = time((net, opt) => tf.dispose(referenceTrainStep(net, opt, x, labels)));
  const per = time((net, opt) => {
    const vars = net.vars as tf.Variable[];
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), perTimestepForward(net, x)) as tf.Scalar, vars);
    opt.step(
      vars,
      vars.map((v) => grads[v.name]),
      1e-3,
    );
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose([x, labels]);
  return {
    backend: 'wasm',
    multi_step_ms_per_step: round(multi, 2),
    per_timestep_ms_per_step: round(per, 2),
    kept: multi <= per ? 'multi-step' : 'per-timestep',
    speedup: round(per / multi, 2),
    steps,
  };
}

export async function benchTraining(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.wasm_node = await node('wasm', 20, 3, 3);
  out.cpu_node = await node('cpu', 3, 1, 1);
  out.forms = await forms(5);
  // The same network in a Chromium Web Worker (bench/parts/training-browser.ts): wasm_chromium and friends.
  try {
    Object.assign(out, await (await import('./training-browser.ts')).benchTrainingBrowser());
  } catch (e) {
    out.wasm_chromium = { error: e instanceof Error ? e.message : String(e) };
  }
  out.target = { samples_per_s_min: 400, samples_per_s_aim: 750, note: 'PyTorch 1.13 CPU, one thread, same network: ~750 samples/s on this machine; a straightforward tfjs version on wasm: ~166' };
  return out;
}
