/**
 * `neuronas train`: usage errors exit 2 with one line; a tiny real run prints
 * the documented JSON; a candidate as wide and long as the default space
 * allows trains and evaluates in memory-sized passes.
 */
import { describe, expect, it } from 'vitest';
import { fakeIO } from './cli-io.ts';
import { runTrain } from '../src/cli/train.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { formatGenome, parseGenome } from '../src/core/arch/genome.ts';
import { activationMemory, batchForMemory } from '../src/core/arch/activation-memory.ts';
import { largestDefaultCandidate } from './largest-candidate.ts';

describe('neuronas train', () => {
  const bad: [string[], RegExp][] = [
    [['--epochs', 'three'], /--epochs must be a whole number/],
    [['--epochs', '0'], /--epochs must be between 1 and/],
    [['--weight-bits', '20'], /--weight-bits must be between 2 and 16/],
    [['--backend', 'webgl'], /--backend must be one of auto, wasm, cpu/],
    [['--architecture', 'c16-h128-t4-w8-000000'], /--architecture: .*not a valid cell/],
    [['--dataset', 'cifar10'], /--dataset must be one of mnist, fashion-mnist/],
    [['--train-samples', '0'], /--train-samples must be between 1 and 8000/],
    [['--optimizer', 'rmsprop'], /--optimizer must be one of adam, sgd/],
    [['--encoding', 'latency'], /--encoding must be one of direct, rate/],
    [['--neuron', 'izhikevich'], /--neuron must be one of spikingjelly, snntorch/],
    [['--save-weights', '/no/such/folder/w.safetensors'], /--save-weights: the folder \/no\/such\/folder does not exist/],
    [['--save-weights', ''], /--save-weights needs a file name/],
    [['--lr', '-1'], /--lr must be a number/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--seed'], /--seed needs a value/],
    [['--json=yes'], /--json takes no value/],
    [['stray'], /unexpected argument 'stray'/],
    [['--epochs', '1', '--epochs', '2'], /given twice/],
    [['--architecture', 'c4-h16-t2-w8-i32x3-301203'], /takes 32×32×3 input but mnist images are 28×28×1/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')} with exit 2 and one line`, async () => {
      const io = fakeIO();
      expect(await runTrain(argv, io)).toBe(2);
      expect(io.stdout).toEqual([]);
      expect(io.stderr.length).toBe(1);
      expect(io.stderr[0]).toMatch(/^neuronas train: /);
      expect(io.stderr[0]).toMatch(message);
      expect(io.stderr[0]).not.toMatch(/\n|at .*\.ts/);
    });
  }

  it('--help prints the options and exits 0', async () => {
    const io = fakeIO();
    expect(await runTrain(['--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/--architecture[\s\S]*--weight-bits[\s\S]*--qat-epochs/);
  });

  it('trains a tiny network and prints the documented JSON', async () => {
    const genome = 'c4-h16-t2-w8-301203';
    const io = fakeIO();
    const code = await runTrain(['--architecture', genome, '--train-samples', '96', '--test-samples', '64', '--epochs', '2', '--batch-size', '32', '--backend', 'wasm', '--weight-bits', '4', '--seed', '3', '--json'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout.length).toBe(1);
    const r = JSON.parse(io.stdout[0]);
    expect(r.architecture).toBe('c4-h16-t2-w4-301203');
    expect(r.backend).toBe('wasm');
    expect(r.weight_bits).toBe(4);
    expect(r.train_samples).toBe(96);
    expect(r.test_samples).toBe(64);
    expect(r.epochs.length).toBe(2);
    for (const e of r.epochs) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['epoch', 'loss', 'train_accuracy', 'test_accuracy']));
      expect(e.test_accuracy).toBeGreaterThanOrEqual(0);
      expect(e.test_accuracy).toBeLessThanOrEqual(1);
    }
    for (const k of ['test_accuracy_float', 'test_accuracy_quantized']) {
      expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r[k]).toBeLessThanOrEqual(1);
    }
    // the float accuracy is the last epoch's
    expect(r.test_accuracy_float).toBe(r.epochs[1].test_accuracy);
    const names = layerList(parseGenome(genome)).map((l) => l.name);
    expect(Object.keys(r.spike_rates)).toEqual(names);
    expect(Object.keys(r.quant_scales)).toEqual(names);
    expect(r.spike_rates.stem).toBe(1);
    for (const v of Object.values(r.spike_rates) as number[]) expect(v).toBeGreaterThanOrEqual(0);
    expect(r.samples_per_s).toBeGreaterThan(0);
    expect(r.timesteps).toBe(2);
  });

  it('trains and tests a candidate of the default space\'s largest width, hidden layer and timesteps in passes that fit the memory budget', async () => {
    // C = 64, hidden 256, T = 8 with skip edges in the cells, so the run stays affordable (~50 s on
    // 2 loaded cores; the all-conv3×3 cell runs ~8× slower). Before the passes were sized, its first
    // test batch of 250 images needed ~4.6 GiB and the run died with "memory access out of bounds".
    const arch = largestDefaultCandidate('skip');
    const genome = formatGenome(arch);
    expect(genome).toBe('c64-h256-t8-w8-111111');
    const m = activationMemory(arch);
    expect(250 * m.evalPerImage).toBeGreaterThan(4 * 1024 ** 3);
    const io = fakeIO();
    const code = await runTrain(['--architecture', genome, '--epochs', '1', '--train-samples', '40', '--batch-size', '40', '--test-samples', '250', '--backend', 'wasm', '--json'], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const r = JSON.parse(io.stdout[0]);
    expect(r.architecture).toBe(genome);
    expect(r.train_samples).toBe(40);
    expect(r.test_samples).toBe(250);
    expect(r.eval_batch).toBe(batchForMemory(m.evalPerImage, 250));
    expect(r.eval_batch).toBeLessThan(250);
    // A step's batch of 40 runs as two halves of 20 (src/tf/train.ts STEP_SHARDS), each in passes that fit the budget.
    expect(r.micro_batch).toBe(Math.min(20, batchForMemory(m.trainPerImage, 40, undefined, m.trainFixed)));
    expect(batchForMemory(m.trainPerImage, 40, undefined, m.trainFixed)).toBeLessThan(40);
    for (const k of ['test_accuracy_float', 'test_accuracy_quantized']) {
      expect(r[k]).toBeGreaterThanOrEqual(0);
      expect(r[k]).toBeLessThanOrEqual(1);
    }
    expect(Number.isFinite(r.epochs[0].loss)).toBe(true);
  }, 300_000);

  it('refuses a network of which one training image does not fit the memory budget, in one line with exit 2', async () => {
    // The largest the knobs allow (256 channels, hidden 1024, 16 timesteps): refused before any training step.
    const genome = 'c256-h1024-t16-w8-333333';
    const m = activationMemory(parseGenome(genome));
    const io = fakeIO();
    expect(await runTrain(['--architecture', genome, '--epochs', '1', '--train-samples', '32', '--test-samples', '32', '--backend', 'wasm', '--json'], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([`neuronas train: ${genome} cannot be trained here: one training image needs ${Math.round((m.trainPerImage + m.trainFixed) / 2 ** 20)} MiB of tensors, more than the 1024 MiB a pass may use (fewer channels, timesteps or hidden units fit)`]);
  });
});
