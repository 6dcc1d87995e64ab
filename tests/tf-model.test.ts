/**
 * The model builder creates its weights from layerList(arch) (names and
 * shapes), runs every architecture of the search space, reports spike rates
 * per weight layer in layer-list order, forward and backward cells alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { layerList, type Architecture } from '../src/core/arch/architecture.ts';
import { DEFAULT_ARCHITECTURE, parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../src/core/arch/sampler.ts';
import { buildModel } from '../src/tf/model.ts';
import { useBackend } from './tf-helpers.ts';

const small = (a: Architecture): Architecture => ({ ...a, channels: 4, hidden: 16, timesteps: 2 });

const HAND_MADE = [
  // only 0→3 carries an op (conv3x3); 1→2 skip is dead: nodes 1 and 2 are pruned
  'c4-h16-t2-w8-003100',
  // avgpool 0→1, skip 0→2, conv1x1 1→3, conv3x3 2→3, zero elsewhere
  'c4-h16-t2-w8-410023',
  // every op kind; node 2 fed by avgpool and conv1x1
  'c4-h16-t2-w8-341240-231104',
  // skip-only direct path plus a conv chain through node 1
  'c4-h16-t2-w8-301030',
  // SNASNet's CIFAR-10 cell: backward conv1x1 edges 2→0 and 3→1
  'c4-h16-t3-w8-303302020020',
  // backward skip 1→0, avgpool 3→1 and conv3x3 3→2; a forward-only second cell
  'c4-h16-t2-w8-301203100043-301203',
];

function architectures(): Architecture[] {
  const sampled = sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, ops: ['zero', 'skip', 'conv1x1', 'conv3x3', 'avgpool3x3'], requireDirectEdge: false, channels: { min: 4, max: 8, step: 4 }, hidden: [16], timesteps: { min: 1, max: 3, step: 1 } }, 6, 42);
  return [small(DEFAULT_ARCHITECTURE), ...HAND_MADE.map(parseGenome), ...sampled];
}

describe('buildModel', () => {
  let baseline = 0;
  beforeAll(async () => {
    await useBackend('wasm');
    baseline = tf.memory().numTensors;
  });
  afterAll(() => {
    // every model disposed: no tensor outlives the tests
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('makes exactly one weight per layer-list entry, by name, with the layer list shape', () => {
    for (const arch of architectures()) {
      const layers = layerList(arch);
      const m = buildModel(arch);
      try {
        expect([...m.weights.keys()]).toEqual(layers.map((l) => l.name));
        for (const l of layers) {
          const w = m.weights.get(l.name!)!;
          expect(w.shape).toEqual(l.kind === 'conv' ? [l.k, l.k, l.cin, l.cout] : [l.cin, l.cout]);
        }
      } finally {
        m.dispose();
      }
    }
  });

  it('runs forward and backward on every architecture, reaching every trainable variable', () => {
    for (const arch of architectures()) {
      const m = buildModel(arch, { seed: 3 });
      const layers = layerList(arch);
      const B = 3;
      tf.tidy(() => {
        const x = tf.randomUniform([B, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
        const labels = tf.tensor1d([1, 4, 7], 'int32');
        const scale = m.calibrate(x);
        expect(scale).toBeGreaterThan(0);
        let rates: Float32Array | null = null;
        let lif: Float32Array | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const out = m.forward(x, { training: true });
          expect(out.logits.shape).toEqual([B, 10]);
          rates = out.inputRates.dataSync() as Float32Array;
          lif = out.lifRates.dataSync() as Float32Array;
          return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), out.logits) as tf.Scalar;
        }, m.trainable as tf.Variable[]);
        expect(Number.isFinite(value.dataSync()[0])).toBe(true);
        // every weight gets a gradient (the graph reaches each layer of the list)
        for (const [name, w] of m.weights) {
          const g = grads[w.name];
          expect(g, name).toBeDefined();
          expect(tf.sum(tf.abs(g)).dataSync()[0], `|grad| of ${name} in ${JSON.stringify(arch.cells)}`).toBeGreaterThan(0);
        }
        // input spike rates: one per layer, in [0, 1]; stem = 1 (direct encoding reads the analog image)
        expect(rates!.length).toBe(layers.length);
        expect(rates![0]).toBe(1);
        for (const r of rates!) expect(r).toBeGreaterThanOrEqual(0);
        for (const r of rates!) expect(r).toBeLessThanOrEqual(1);
        // each cell conv reads its source node's LIF; down its LIF; fc2 fc1's LIF
        const lifRate = new Map(m.lifNames.map((n, i) => [n, lif![i]]));
        layers.forEach((l, i) => {
          const mm = /^(cell\d)\.e(\d)\d$/.exec(l.name!);
          if (mm) expect(rates![i]).toBe(lifRate.get(`${mm[1]}.lif${mm[2]}`));
        });
        expect(rates![layers.findIndex((l) => l.name === 'down')]).toBe(lifRate.get('down.lif'));
        expect(rates![layers.length - 1]).toBe(lifRate.get('fc1.lif'));
      });
      m.dispose();
    }
  });

  it('rate encoding: stem input rate is the mean of the Poisson spikes, reproducible per seed', () => {
    const m = buildModel(small(DEFAULT_ARCHITECTURE), { encoding: 'rate' });
    tf.tidy(() => {
      const x = tf.fill([4, 28, 28, 1], 0.25) as tf.Tensor4D;
      const a = m.forward(x, { training: false, encodingSeed: 9 });
      const b = m.forward(x, { training: false, encodingSeed: 9 });
      const c = m.forward(x, { training: false, encodingSeed: 10 });
      const ra = a.inputRates.dataSync()[0];
      expect(ra).toBeGreaterThan(0.23);
      expect(ra).toBeLessThan(0.27);
      expect(b.inputRates.dataSync()[0]).toBe(ra);
      expect(c.inputRates.dataSync()[0]).not.toBe(ra);
      expect(Array.from(a.logits.dataSync())).toEqual(Array.from(b.logits.dataSync()));
    });
    m.dispose();
  });

  it('eval mode leaves the batch-norm running statistics alone; training mode moves them; forward never changes weights', () => {
    const m = buildModel(small(DEFAULT_ARCHITECTURE));
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const running = () => tf.tidy(() => tf.concat([...m.batchNorms.values()].flatMap((b) => [b.runningMean, b.runningVar])).dataSync().slice());
    const weights = () => tf.tidy(() => tf.concat(m.trainable.map((v) => tf.reshape(v, [-1]))).dataSync().slice());
    expect(m.batchNorms.size).toBe(m.layers.filter((l) => l.kind === 'conv').length + 2);
    const r0 = running();
    const w0 = weights();
    tf.tidy(() => {
      m.forward(x, { training: false });
    });
    expect(Array.from(running())).toEqual(Array.from(r0));
    tf.tidy(() => {
      m.forward(x, { training: true, freezeStats: true });
    });
    expect(Array.from(running())).toEqual(Array.from(r0));
    tf.tidy(() => {
      m.forward(x, { training: true });
    });
    const r1 = running();
    expect(Array.from(r1)).not.toEqual(Array.from(r0));
    expect(Array.from(weights())).toEqual(Array.from(w0));
    x.dispose();
    m.dispose();
  });

  it('rejects a wrongly shaped input with a clear error', () => {
    const m = buildModel(small(DEFAULT_ARCHITECTURE));
    expect(() =>
      tf.tidy(() => {
        m.forward(tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, { training: false });
      }),
    ).toThrow(/input must be \[B, 28, 28, 1\]/);
    m.dispose();
  });
});
