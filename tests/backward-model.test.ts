/**
 * Backward (temporal) cells in the tfjs model: the state s_i = Σ b_ji(v_j) of
 * timestep t − 1 reaches node i at t (snn-search.md), gradients flow through
 * it (BPTT), the training-free score and a few training steps run on them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { parseGenome } from '../src/core/arch/genome.ts';
import { buildModel, type SpikingModel } from '../src/tf/model.ts';
import { scoreArchitecture } from '../src/tf/score.ts';
import { useBackend } from './tf-helpers.ts';

// The same forward edges; the second adds SNASNet's backward conv1×1 edges 2→0 and 3→1 in both cells.
const FORWARD = 'c4-h16-t3-w8-303302';
const BACKWARD = 'c4-h16-t3-w8-303302020020';

function input(seed: number): tf.Tensor4D {
  return tf.randomUniform([6, 28, 28, 1], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** The name of a model's variable without the model's own prefix (`m12/cell1.e01.bn/gamma` → `cell1.e01.bn/gamma`). */
const ownName = (v: tf.Variable) => v.name.slice(v.name.indexOf('/') + 1);

/** `to`'s trainable variables set to `from`'s where both have one of that name, and to `fill` where only `to` has it. */
function copyVariables(from: SpikingModel, to: SpikingModel, fill: number): void {
  const source = new Map(from.trainable.map((v) => [ownName(v), v]));
  tf.tidy(() => {
    for (const v of to.trainable) v.assign(source.get(ownName(v)) ?? tf.fill(v.shape, fill));
  });
}

/** Each collected LIF's spikes split into its T timesteps. */
function spikesByStep(m: SpikingModel, x: tf.Tensor4D, batchStatistics = false): Map<string, number[][]> {
  const out = new Map<string, number[][]>();
  tf.tidy(() => {
    const r = m.forward(x, { training: batchStatistics, freezeStats: true, collectSpikes: true });
    for (const s of r.spikes!) out.set(s.name, (tf.split(s.spikes!, m.arch.timesteps, 0) as tf.Tensor[]).map((t) => Array.from(t.dataSync())));
  });
  return out;
}

describe('backward cells in the model', () => {
  let baseline = 0;
  beforeAll(async () => {
    await useBackend('wasm');
    baseline = tf.memory().numTensors;
  });
  afterAll(() => expect(tf.memory().numTensors).toBe(baseline));

  it('with zero backward weights compute what the forward cell computes (eval mode)', () => {
    const f = buildModel(parseGenome(FORWARD), { seed: 3 });
    const b = buildModel(parseGenome(BACKWARD), { seed: 3 });
    copyVariables(f, b, 0);
    const x = input(1);
    tf.tidy(() => {
      const rf = f.forward(x, { training: false });
      const rb = b.forward(x, { training: false });
      // A zero conv through fresh batch norms (mean 0, variance 1, γ 1, β 0) adds exactly zero to the state.
      expect(Array.from(rb.logits.dataSync())).toEqual(Array.from(rf.logits.dataSync()));
      // Every LIF of the forward model spikes alike in the backward one, which has one more (node 3's, read by b31).
      const rates = (m: SpikingModel, r: tf.Tensor) => new Map(m.lifNames.map((n, i) => [n, r.dataSync()[i]]));
      const fr = rates(f, rf.lifRates);
      const br = rates(b, rb.lifRates);
      expect([...br.keys()].filter((n) => !fr.has(n))).toEqual(['cell1.lif3', 'cell2.lif3']);
      for (const [n, r] of fr) expect(br.get(n), n).toBe(r);
    });
    x.dispose();
    f.dispose();
    b.dispose();
  });

  it('feed node i at t the backward edges of t − 1: the first timestep is unchanged, later ones are not', () => {
    const f = buildModel(parseGenome(FORWARD), { seed: 5 });
    const b = buildModel(parseGenome(BACKWARD), { seed: 5 });
    copyVariables(f, b, 0.5);
    const x = input(2);
    const sf = spikesByStep(f, x);
    const sb = spikesByStep(b, x);
    // cell1's node 0 LIF: at t = 0 every state is zero, so node 0 spikes alike in both; later, s0 = b20(v2 of the
    // step before) changes its input (from the first step node 2 spikes on).
    const f0 = sf.get('cell1.lif0')!;
    const b0 = sb.get('cell1.lif0')!;
    expect(b0[0]).toEqual(f0[0]);
    expect(b0.slice(1)).not.toEqual(f0.slice(1));
    // The backward model has the LIFs its backward edges read (node 2 for b20, node 3 for b31).
    expect([...sb.keys()].filter((n) => n.startsWith('cell1.'))).toEqual(['cell1.lif0', 'cell1.lif1', 'cell1.lif2', 'cell1.lif3']);
    expect([...sf.keys()].filter((n) => n.startsWith('cell1.'))).toEqual(['cell1.lif0', 'cell1.lif1', 'cell1.lif2']);
    x.dispose();
    f.dispose();
    b.dispose();
  });

  it('pass gradients through the state across timesteps to the backward weights (BPTT)', () => {
    const b = buildModel(parseGenome(BACKWARD), { seed: 7 });
    const x = input(3);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10));
    const grads = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, b.forward(x, { training: true }).logits) as tf.Scalar, [...b.weights.values()]);
      return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Math.sqrt(tf.sum(tf.square(g)).dataSync()[0])]));
    });
    const name = (layer: string) => [...b.weights.entries()].find(([n]) => n === layer)![1].name;
    for (const layer of ['cell1.b20', 'cell1.b31', 'cell2.b20', 'cell2.b31']) {
      expect(grads[name(layer)], layer).toBeGreaterThan(0);
      expect(Number.isFinite(grads[name(layer)]), layer).toBe(true);
    }
    tf.dispose([x, labels]);
    b.dispose();
  });

  it('are scored like forward cells: a finite score from the spikes of every LIF, including the backward edges’ sources', async () => {
    const batch = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    const fwd = await scoreArchitecture(parseGenome(FORWARD), batch, { seed: 1 });
    const bwd = await scoreArchitecture(parseGenome(BACKWARD), batch, { seed: 1 });
    expect(Number.isFinite(bwd.score)).toBe(true);
    expect(bwd.score).not.toBe(fwd.score);
    const again = await scoreArchitecture(parseGenome(BACKWARD), batch, { seed: 1 });
    expect(again.score).toBe(bwd.score);
    batch.dispose();
  });

  it('run a node live only through a backward edge (SNASNet prunes on the combined graph): v_n = 0 + s_n, with gradients', () => {
    // Node 2 has no forward input: it is reached from node 0 through node 3 at t − 1 (b32) and feeds node 0's state
    // (b20). Its x_2 is zero, so at t = 0 it reads zeros (no spikes), later b32(v3 of the step before).
    const m = buildModel(parseGenome('c4-h16-t3-w8-202000020023'), { seed: 4 });
    expect(m.layers.map((l) => l.name).filter((n) => n!.startsWith('cell1.'))).toEqual(['cell1.b20', 'cell1.b32', 'cell1.e03']);
    const x = input(6);
    // Batch statistics (a fresh model's running ones leave every LIF silent), not updated.
    const spikes = spikesByStep(m, x, true);
    expect(spikes.get('cell1.lif3')!.some((step) => step.some((v) => v === 1))).toBe(true);
    expect([...spikes.keys()].filter((n) => n.startsWith('cell1.'))).toEqual(['cell1.lif0', 'cell1.lif2', 'cell1.lif3']);
    const node2 = spikes.get('cell1.lif2')!;
    expect(node2[0].every((v) => v === 0)).toBe(true);
    expect(node2.slice(1).some((step) => step.some((v) => v === 1))).toBe(true);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10));
    const grads = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, m.forward(x, { training: true }).logits) as tf.Scalar, [...m.weights.values()]);
      return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Math.sqrt(tf.sum(tf.square(g)).dataSync()[0])]));
    });
    for (const layer of ['cell1.b20', 'cell1.b32', 'cell2.b20', 'cell2.b32']) {
      const g = grads[m.weights.get(layer)!.name];
      expect(Number.isFinite(g) && g > 0, `${layer}: ${g}`).toBe(true);
    }
    tf.dispose([x, labels]);
    m.dispose();
  });

  it('run a cell whose output hears its input only a timestep later (0→2, 2 at t − 1 → 1, 1→3)', () => {
    const m = buildModel(parseGenome('c4-h16-t3-w8-030030000300'), { seed: 2 });
    const x = input(8);
    tf.tidy(() => {
      const r = m.forward(x, { training: true });
      expect(r.logits.shape).toEqual([6, 10]);
      expect(Array.from(r.logits.dataSync()).every(Number.isFinite)).toBe(true);
    });
    // Node 1 reads zeros at t = 0 (no state yet), then b21 of node 2 from the step before.
    const spikes = spikesByStep(m, x, true);
    expect(spikes.get('cell1.lif1')!.slice(1).some((step) => step.some((v) => v === 1))).toBe(true);
    expect(spikes.get('cell1.lif1')![0].every((v) => v === 0)).toBe(true);
    x.dispose();
    m.dispose();
  });
});
