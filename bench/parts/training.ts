/**
 * Training speed in Node: the reference network
 * (src/tf/reference-net.ts, multi-step form, fused LIF kernels, custom conv
 * gradient) trained with Adam at batch 32 on seeded synthetic batches.
 *
 *   training.wasm_node   tfjs-backend-wasm, single thread (SIMD build):
 *                        median of 3 runs of 20 timed steps (best and all runs too),
 *                        against PyTorch's 888 samples/s on this machine, and as a
 *                        fraction of the core's fp32 ceiling (~145 GFLOP/s) counting
 *                        the dense network's FLOPs (the event-driven conv does fewer)
 *   training.wasm_node_dense  the same with the spike kernels off (every conv dense,
 *                        as before them): one run, for the before/after in one run
 *   training.default_architecture  the studio's default genome (c16-h128-t4)
 *                        trained on MNIST at batch 32 on wasm: samples/s with the
 *                        spike kernels (auto) and without (dense)
 *   training.default_search_first_ranked  the candidate the page's default
 *                        search trains first (its largest feasible network):
 *                        samples/s, and the floors it sets for that search
 *                        (training passes over every core, nothing else)
 *   training.wasm_simd_peak  the 128-bit wasm SIMD multiply+add ceiling of
 *                        this core, measured (bench/parts/simd-peak.ts), and
 *                        the reference network's fraction of it
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
import { setSparsePolicy } from '../../src/tf/sparse-choice.ts';
import { DEFAULT_ARCHITECTURE, formatGenome, parseGenome } from '../../src/core/arch/genome.ts';
import type { Architecture } from '../../src/core/arch/architecture.ts';
import { PARAMS } from '../../src/core/params.ts';
import { wasmSimdPeakGflops } from './simd-peak.ts';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { makeBatch } from '../../src/core/data/batches.ts';
import { loadDatasetNode } from '../../src/cli/data-node.ts';
import { buildModel } from '../../src/tf/model.ts';
import { trainStep } from '../../src/tf/train.ts';

/** PyTorch 1.13 (OpenBLAS), one thread, the same reference network on this machine (issue 11). */
const PYTORCH_SAMPLES_PER_S = 888;
/** This core's fp32 peak (issue 11). */
const FP32_CEILING_GFLOPS = 145;
/**
 * FLOPs of one training sample of the reference network, dense-equivalent
 * (2 per multiply-accumulate): conv1 forward + filter gradient (no input
 * gradient: its input is the image), conv2 and the FC forward + both
 * gradients, over T = 4 for conv2 (conv1 runs once; the FC after the mean
 * over T).
 */
const REFERENCE_FLOPS_PER_SAMPLE = 2 * (2 * 28 * 28 * 16 * 9 + 3 * 4 * 14 * 14 * 32 * 16 * 9 + 3 * 1568 * 10);

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
    ...(backend === 'wasm'
      ? {
          times_pytorch: round(med.samplesPerS / PYTORCH_SAMPLES_PER_S, 2),
          fraction_of_fp32_ceiling: round((med.samplesPerS * REFERENCE_FLOPS_PER_SAMPLE) / (FP32_CEILING_GFLOPS * 1e9), 3),
        }
      : {}),
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

/** The default genome trained on MNIST (batch 32, Adam) for `steps` timed steps after 2 untimed ones. */
/** Samples/s of `arch` trained on MNIST at batch 32 on wasm, for each spike-kernel policy given. */
async function trainingSpeed(arch: Architecture, steps: number, policies: readonly ('auto' | 'never')[]): Promise<Record<'auto' | 'never', number>> {
  await initNodeBackend('wasm');
  const ds = await loadDatasetNode('mnist');
  const B = 32;
  const batches = Array.from({ length: steps + 2 }, (_, i) => makeBatch(ds, Array.from({ length: B }, (_, k) => (i * B + k) % ds.count)));
  const run = (policy: 'auto' | 'never'): number => {
    setSparsePolicy(policy);
    const model = buildModel(arch, { seed: 0 });
    const opt = makeOptimizer('adam');
    const step = (i: number) => {
      const x = tf.tensor4d(batches[i].x, batches[i].shape);
      const labels = tf.tensor1d(batches[i].labels, 'int32');
      const r = trainStep(model, opt, x, labels, 2e-3);
      r.loss.dataSync();
      tf.dispose([x, labels, r.loss, r.correct, r.inputRates, r.lifRates]);
    };
    try {
      step(0);
      step(1);
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) step(i + 2);
      return (steps * B * 1000) / (performance.now() - t0);
    } finally {
      opt.dispose();
      model.dispose();
      setSparsePolicy('auto');
    }
  };
  const out = { auto: NaN, never: NaN };
  for (const p of policies) out[p] = run(p);
  return out;
}

async function defaultArchitecture(steps: number): Promise<Record<string, unknown>> {
  const { auto, never: dense } = await trainingSpeed(DEFAULT_ARCHITECTURE, steps, ['auto', 'never']);
  return { genome: formatGenome(DEFAULT_ARCHITECTURE), backend: 'wasm', batch: 32, steps, samples_per_s: round(auto), samples_per_s_dense: round(dense), speedup: round(auto / dense, 2) };
}

/**
 * The page's default search trains its first-ranked candidates (the parameter count ranks them, so they are the
 * largest networks under the budgets): that candidate's training speed on one thread, and what it implies. The
 * candidate is read from `neuronas search --top-k 0` with every other setting at its default (the same seeded
 * sample the page draws).
 */
async function defaultSearchFirstRanked(steps: number): Promise<Record<string, unknown>> {
  const bin = new URL('../../bin/neuronas.mjs', import.meta.url).pathname;
  const doc = JSON.parse(execFileSync(process.execPath, [bin, 'search', '--top-k', '0', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 })) as {
    candidates: { index: number; genome: string; feasible: boolean; score: number | null }[];
  };
  const ranked = doc.candidates.filter((c) => c.feasible && c.score !== null).sort((a, b) => b.score! - a.score! || a.index - b.index);
  const genome = ranked[0].genome;
  const { auto } = await trainingSpeed(parseGenome(genome), steps, ['auto']);
  const k = PARAMS.topK.default;
  const passes = PARAMS.epochs.default * PARAMS.trainSamples.default;
  const cores = availableParallelism();
  return {
    genome,
    backend: 'wasm',
    batch: 32,
    steps,
    samples_per_s: round(auto),
    // Training alone (no test evaluation, no start-up), every core busy all the time, each of the k candidates as
    // fast as the first: what no schedule of the default search can beat with these kernels on this machine.
    default_search_training_floor_s: round((k * passes) / (auto * cores)),
    first_trained_floor_s: round(passes / (auto * cores)),
    note: `top ${k} by ${PARAMS.rankBy.default}, ${PARAMS.epochs.default} epochs of ${PARAMS.trainSamples.default} images; floors = training passes / (samples_per_s × ${cores} cores), the first one as if one candidate could use every core`,
  };
}

export async function benchTraining(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  out.wasm_node = await node('wasm', 20, 3, 3);
  setSparsePolicy('never');
  try {
    out.wasm_node_dense = await node('wasm', 20, 3, 1);
  } finally {
    setSparsePolicy('auto');
  }
  out.default_architecture = await defaultArchitecture(8);
  out.default_search_first_ranked = await defaultSearchFirstRanked(6);
  const peak = await wasmSimdPeakGflops();
  out.wasm_simd_peak = {
    gflops: round(peak),
    reference_net_fraction: round(((out.wasm_node as { samples_per_s: number }).samples_per_s * REFERENCE_FLOPS_PER_SAMPLE) / (peak * 1e9), 3),
    note: 'register-only f32x4 multiply+add loop (bench/parts/simd-peak.ts): the most a 128-bit wasm SIMD kernel without FMA can do on this core; reference_net_fraction counts the dense FLOPs as fraction_of_fp32_ceiling does (the event-driven convs do fewer)',
  };
  out.cpu_node = await node('cpu', 3, 1, 1);
  out.forms = await forms(5);
  // The same network in a Chromium Web Worker (bench/parts/training-browser.ts): wasm_chromium and friends.
  try {
    Object.assign(out, await (await import('./training-browser.ts')).benchTrainingBrowser());
  } catch (e) {
    out.wasm_chromium = { error: e instanceof Error ? e.message : String(e) };
  }
  out.target = { samples_per_s_min: PYTORCH_SAMPLES_PER_S, samples_per_s_aim: 1.5 * PYTORCH_SAMPLES_PER_S, fp32_ceiling_gflops: FP32_CEILING_GFLOPS, note: 'PyTorch 1.13 (OpenBLAS), one thread, same network: 888 samples/s on this machine (issue 11)' };
  return out;
}
