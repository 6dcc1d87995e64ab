/**
 * Accuracy bar: the studio's default architecture trained on the embedded
 * MNIST (8,000 training digits, the held-out 2,000 for testing) for 3 epochs
 * on wasm in Node, quantized to 8-bit weights: exactly
 * `neuronas train --backend wasm --epochs 3 --weight-bits 8 --seed 0 --json`
 * with every other option at its default. Bar: test accuracy ≥ 97 % with
 * 8-bit weights. Takes several minutes.
 */
import { runTrain } from '../../src/cli/train.ts';

export async function benchAccuracy(): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const errs: string[] = [];
  const argv = ['--backend', 'wasm', '--epochs', '3', '--weight-bits', '8', '--seed', '0', '--json'];
  const t0 = performance.now();
  const code = await runTrain(argv, {
    out: (s) => lines.push(s),
    err: (s) => errs.push(s),
    readStdin: async () => '',
    readFile: async () => '',
  });
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) return { error: errs.join(' ') || `exit ${code}` };
  const r = JSON.parse(lines.join('')) as Record<string, unknown> & { test_accuracy_quantized: number; test_accuracy_float: number };
  return {
    command: `neuronas train ${argv.join(' ')}`,
    architecture: r.architecture,
    backend: r.backend,
    test_accuracy_float: r.test_accuracy_float,
    test_accuracy_quantized_8bit: r.test_accuracy_quantized,
    bar: 0.97,
    meets_bar: r.test_accuracy_quantized >= 0.97,
    epochs: r.epochs,
    train_samples: r.train_samples,
    test_samples: r.test_samples,
    samples_per_s: r.samples_per_s,
    wall_seconds: Math.round(seconds),
    spike_rates: r.spike_rates,
  };
}
