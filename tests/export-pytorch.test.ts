/**
 * Export as PyTorch, proven the same: genomes are trained briefly in the
 * studio (`neuronas train --save-weights`, both neuron conventions, direct
 * and rate encoding), exported (`neuronas export --format pytorch`), and one
 * seeded batch of real MNIST test images runs through the exported model.py
 * (forward and backward cells)
 * (Debian's python3-torch) and through the studio's tfjs model with the same
 * weights. Every LIF layer's spikes per timestep must be equal exactly, the
 * logits to 1e-4 relative (float and 8-bit quantized weights), the crossbar
 * weight count must be the cost model's, the trainable parameter count the
 * tfjs model's. Then train.py trains one exported model a few steps and its
 * loss must fall.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layerList, type Architecture } from '../src/core/arch/architecture.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { splitDataset } from '../src/core/data/batches.ts';
import { embeddedDatasetInfo } from '../src/core/data/datasets.ts';
import type { Dataset } from '../src/core/data/format.ts';
import { makeBatch } from '../src/core/data/batches.ts';
import { estimateLayers } from '../src/core/cost/estimator.ts';
import { DEFAULT_PRESET, HARDWARE_PRESETS } from '../src/core/cost/hardware.ts';
import { decodeWeightsFile, measuredSpikeRates } from '../src/core/export/pytorch-weights.ts';
import { encodeSafetensors } from '../src/core/export/safetensors.ts';
import { runExport } from '../src/cli/export.ts';
import { runTrain } from '../src/cli/train.ts';
import { loadDatasetNode } from '../src/cli/data-node.ts';
import { buildModel } from '../src/tf/model.ts';
import { quantizeModelWeights } from '../src/tf/quantize.ts';
import { writeModelWeights } from '../src/tf/weights.ts';
import { fakeIO } from './cli-io.ts';
import { findTorchPython, type TorchPython } from './python-torch.ts';
import { useBackend } from './tf-helpers.ts';

/** Runs model.py on a batch file: logits (float and quantized), spikes per timestep of every LIF, sizes. */
const COMPARE_PY = `
import json, sys
sys.path.insert(0, sys.argv[1])
import torch
import model
torch.manual_seed(0)
net = model.build()
net.eval()
batch, _ = model.read_safetensors(sys.argv[2])
meta = model.read_safetensors(sys.argv[1] + "/weights.safetensors")[1]
out = {"crossbar_weights": sum(w.numel() for w in net.layer_weights().values()),
       "parameters": sum(p.numel() for p in net.parameters()),
       "lif_names": list(net.lifs().keys())}
with torch.no_grad():
    net.record_spikes(True)
    out["logits"] = net(batch["images"], uniform=batch.get("uniform")).tolist()
    out["spikes"] = {k: v.tolist() for k, v in net.spike_counts().items()}
    net.record_spikes(False)
    out["rates"] = net.measure_spike_rates(batch["images"], uniform=batch.get("uniform"))
    net.quantize_weights_(scales=json.loads(meta["quant_scales"]))
    out["logits_quantized"] = net(batch["images"], uniform=batch.get("uniform")).tolist()
print(json.dumps(out))
`;

interface Case {
  genome: string;
  neuron: 'spikingjelly' | 'snntorch';
  encoding: 'direct' | 'rate';
}

const CASES: Case[] = [
  { genome: 'c8-h32-t4-w8-301203', neuron: 'spikingjelly', encoding: 'direct' },
  { genome: 'c8-h32-t3-w8-341213-313402', neuron: 'snntorch', encoding: 'direct' },
  { genome: 'c4-h16-t2-w4-310203', neuron: 'spikingjelly', encoding: 'rate' },
  // Backward (temporal) cells: cell 1 has backward conv edges into nodes 0 and 1, cell 2 a backward conv edge and a
  // backward skip; they run one timestep at a time on both sides.
  { genome: 'c4-h16-t3-w8-303302020020', neuron: 'spikingjelly', encoding: 'direct' },
  { genome: 'c4-h16-t4-w8-301203302000-313303000210', neuron: 'snntorch', encoding: 'rate' },
  // Nodes live only through backward edges (SNASNet prunes on the combined graph): in cell 1 node 2 is reached from
  // node 0 through node 3 at t−1 (b32) and feeds node 0's state (b20); in cell 2 node 3 hears node 0 only through
  // 0→2, 2 (t−1) → 1, 1→3. Such a node has no forward input and reads v = 0 + its state.
  { genome: 'c4-h16-t3-w8-202000020023-030030000300', neuron: 'spikingjelly', encoding: 'direct' },
];

const BATCH = 8;

let torch: TorchPython;
let work: string;
let mnist: Dataset;
let testIdx: Int32Array;

beforeAll(async () => {
  torch = findTorchPython();
  if (torch.python === null) console.warn(`export-pytorch: skipped: ${torch.reason}`);
  work = mkdtempSync(join(tmpdir(), 'neuronas-pytorch-'));
  await useBackend('wasm');
  mnist = await loadDatasetNode('mnist');
  const info = embeddedDatasetInfo('mnist');
  testIdx = splitDataset(mnist, { test: info.split.test, train: 0, seed: info.split.seed }).test;
}, 1_200_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function python(args: string[], cwd?: string): string {
  if (torch.python === null) throw new Error('no torch');
  const r = spawnSync(torch.python, args, { encoding: 'utf8', cwd, timeout: 300_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

function expectClose(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[i].length; j++) {
      const e = expected[i][j];
      worst = Math.max(worst, Math.abs(actual[i][j] - e) / Math.max(Math.abs(e), 1e-3));
    }
  }
  expect(worst, `${what}: worst relative difference`).toBeLessThan(1e-4);
}

/** Spikes per timestep of a time-major [T·B, ...] spike tensor. */
function perTimestep(spikes: tf.Tensor, T: number): number[] {
  return Array.from(tf.tidy(() => tf.sum(tf.reshape(spikes, [T, -1]), 1)).dataSync());
}

describe('neuronas export --format pytorch', () => {
  for (const c of CASES) {
    it(`${c.genome} (${c.neuron}, ${c.encoding}): exported PyTorch model gives the studio's spikes and logits`, async (ctx) => {
      if (torch.python === null) return ctx.skip(torch.reason);
      const arch: Architecture = parseGenome(c.genome);
      const weightsPath = join(work, `${c.genome}.safetensors`);
      const dir = join(work, c.genome);
      const trainIO = fakeIO();
      const code = await runTrain(
        ['--architecture', c.genome, '--neuron', c.neuron, '--encoding', c.encoding, '--epochs', '1', '--train-samples', '96', '--test-samples', '40', '--backend', 'wasm', '--save-weights', weightsPath, '--json'],
        trainIO,
      );
      expect(code, trainIO.stderr.join('\n')).toBe(0);
      const exportIO = fakeIO();
      expect(await runExport(['--architecture', c.genome, '--format', 'pytorch', '--weights', weightsPath, '--out', dir], exportIO), exportIO.stderr.join('\n')).toBe(0);

      // The studio's model with the saved weights, on a seeded batch of test images.
      const file = decodeWeightsFile(new Uint8Array(readFileSync(weightsPath)));
      expect(file.meta.lif.model).toBe(c.neuron);
      const model = buildModel(arch, { lif: file.meta.lif, encoding: file.meta.encoding });
      writeModelWeights(model, file.weights);
      const T = arch.timesteps;
      const b = makeBatch(mnist, testIdx.slice(0, BATCH));
      const [H, W, C] = mnist.shape;
      const x = tf.tensor4d(b.x, b.shape);
      const encodingSeed = 1234;
      const out = model.forward(x, { training: false, collectSpikes: true, encodingSeed });
      const logits = out.logits.arraySync() as number[][];
      const layerNames = model.layers.map((l) => l.name!);
      const inputRates = Array.from(out.inputRates.dataSync());
      const spikes = Object.fromEntries(out.spikes!.map((s) => [s.name, perTimestep(s.spikes!, T)]));
      const quant = quantizeModelWeights(model, arch.weightBits);
      const qOut = model.forward(x, { training: false, encodingSeed });
      const logitsQuantized = qOut.logits.arraySync() as number[][];
      quant.restore();
      const tensors = new Map([['images', { dtype: 'F32' as const, shape: [BATCH, C, H, W], data: tf.tidy(() => tf.transpose(x, [0, 3, 1, 2]).dataSync() as Float32Array) }]]);
      if (c.encoding === 'rate') {
        // The draws the tfjs model made (src/tf/model.ts: randomUniform [T·B, H, W, C] with the encoding seed), as [T, B, C, H, W].
        const u = tf.tidy(() => tf.transpose(tf.reshape(tf.randomUniform([T * BATCH, H, W, C], 0, 1, 'float32', encodingSeed), [T, BATCH, H, W, C]), [0, 1, 4, 2, 3]).dataSync() as Float32Array);
        tensors.set('uniform', { dtype: 'F32', shape: [T, BATCH, C, H, W], data: u });
      }
      const batchPath = join(work, `${c.genome}.batch.safetensors`);
      writeFileSync(batchPath, encodeSafetensors({ tensors, metadata: {} }));
      const parameterCount = model.parameterCount();
      tf.dispose([x, out.logits, out.inputRates, out.lifRates, ...out.spikes!.map((s) => s.spikes), qOut.logits, qOut.inputRates, qOut.lifRates]);
      model.dispose();

      const scriptPath = join(work, 'compare.py');
      writeFileSync(scriptPath, COMPARE_PY);
      const py = JSON.parse(python([scriptPath, dir, batchPath])) as { crossbar_weights: number; parameters: number; lif_names: string[]; logits: number[][]; logits_quantized: number[][]; spikes: Record<string, number[]>; rates: Record<string, number> };

      expect([...py.lif_names].sort()).toEqual(Object.keys(spikes).sort());
      expect(py.spikes).toEqual(spikes);
      // Not a silent network: spikes reach the classifier.
      expect(spikes['fc1.lif'].reduce((a, v) => a + v, 0)).toBeGreaterThan(0);
      expectClose(py.logits, logits, 'float logits');
      // The input spike rate of every weight layer, as the cost model reads it: same layers, same order, same values.
      expect(Object.keys(py.rates)).toEqual(layerNames);
      layerNames.forEach((name, i) => expect(py.rates[name], name).toBeCloseTo(inputRates[i], 6));
      expectClose(py.logits_quantized, logitsQuantized, `${arch.weightBits}-bit logits`);
      const costParams = estimateLayers(layerList(arch), HARDWARE_PRESETS[DEFAULT_PRESET]).params;
      expect(py.crossbar_weights).toBe(costParams);
      expect(py.parameters).toBe(parameterCount);
    }, 180_000);
  }

  // A forward-cell network and a backward-cell one (BPTT through the previous-timestep state in PyTorch; it learns
  // more slowly at first: 2.30 → 1.95 over 48 steps where the forward cell reaches 1.5, so it gets more steps).
  for (const [genome, steps] of [[CASES[0].genome, 24], ['c8-h32-t3-w8-303302020020', 48]] as const) it(`train.py trains an exported ${genome}: the loss falls over ${steps} SGD steps`, async (ctx) => {
    if (torch.python === null) return ctx.skip(torch.reason);
    const dir = join(work, `${genome}-fresh`);
    const io = fakeIO();
    expect(await runExport(['--architecture', genome, '--format', 'pytorch', '--out', dir], io), io.stderr.join('\n')).toBe(0);
    // 256 real training images (the test split's complement), as the safetensors data file train.py reads.
    const info = embeddedDatasetInfo('mnist');
    const train = splitDataset(mnist, { test: info.split.test, train: 256, seed: info.split.seed }).train;
    const b = makeBatch(mnist, train);
    const [H, W, C] = mnist.shape;
    const images = tf.tidy(() => tf.transpose(tf.tensor4d(b.x, b.shape), [0, 3, 1, 2]).dataSync() as Float32Array);
    const dataPath = join(work, `${genome}-mnist256.safetensors`);
    writeFileSync(
      dataPath,
      encodeSafetensors({
        tensors: new Map([
          ['images', { dtype: 'F32', shape: [train.length, C, H, W], data: images }],
          ['labels', { dtype: 'I64', shape: [train.length], data: BigInt64Array.from(Array.from(b.labels, (v) => BigInt(v))) }],
        ]),
        metadata: {},
      }),
    );
    const log = python(['train.py', '--data', dataPath, '--steps', String(steps), '--batch-size', '32', '--lr', '0.05', '--log-every', '1', '--save', join(work, `${genome}-trained.safetensors`)], dir);
    const losses = [...log.matchAll(/^step \d+ loss ([0-9.]+)/gm)].map((m) => Number(m[1]));
    expect(losses.length).toBe(steps);
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    const first = mean(losses.slice(0, steps / 4));
    const last = mean(losses.slice(-steps / 4));
    expect(last, `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(first - 0.1);
    // What train.py saved reads back in the studio as weights of the same genome.
    const saved = decodeWeightsFile(new Uint8Array(readFileSync(join(work, `${genome}-trained.safetensors`))));
    expect(saved.meta.genome).toBe(genome);
    expect(saved.weights.weights.get('fc2')!.length).toBe(parseGenome(genome).hidden * 10);
    // …with the spike rates it measured, which re-cost the energy below the rate-1 worst case.
    const measured = measuredSpikeRates(saved);
    expect(measured.problem).toBeNull();
    const layers = layerList(saved.arch);
    const hw = HARDWARE_PRESETS[DEFAULT_PRESET];
    const busy = estimateLayers(layers, hw).energyUJ;
    const quiet = estimateLayers(layers, hw, measured.rates!).energyUJ;
    expect(measured.rates!.every((r) => r >= 0 && r <= 1)).toBe(true);
    expect(quiet).toBeLessThan(busy);
  }, 180_000);
});
