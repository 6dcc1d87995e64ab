/** `neuronas score`: JSON output, determinism per seed and backend, and usage errors. */
import { describe, expect, it } from 'vitest';
import { fakeIO } from './cli-io.ts';
import { runScore } from '../src/cli/score.ts';

async function score(argv: string[]): Promise<{ code: number; json: Record<string, unknown> | null; stderr: string[] }> {
  const io = fakeIO();
  const code = await runScore(argv, io);
  return { code, json: io.stdout.length ? (JSON.parse(io.stdout.join('')) as Record<string, unknown>) : null, stderr: io.stderr };
}

const SMALL = ['--architecture', 'c4-h32-t2-w8-301203', '--batch', '12'];

describe('neuronas score', () => {
  it('prints the score with batch, seed, backend and time, and repeats it exactly for the same seed', async () => {
    const a = await score([...SMALL, '--seed', '5', '--backend', 'wasm']);
    expect(a.code).toBe(0);
    expect(a.stderr).toEqual([]);
    const j = a.json!;
    expect(j.architecture).toBe('c4-h32-t2-w8-301203');
    expect(j.dataset).toBe('mnist');
    expect(j.batch).toBe(12);
    expect(j.seed).toBe(5);
    expect(j.backend).toBe('wasm');
    expect(j.backend_reason).toBe('wasm as requested');
    expect(typeof j.score).toBe('number');
    expect(Number.isFinite(j.score)).toBe(true);
    expect(j.kernels).toBe(2 * (j.lif_layers as number));
    expect(j.ms).toBeGreaterThan(0);
    const b = await score([...SMALL, '--seed', '5', '--backend', 'wasm']);
    expect(b.json!.score).toBe(j.score);
    const c = await score([...SMALL, '--seed', '6', '--backend', 'wasm']);
    expect(c.json!.score).not.toBe(j.score);
  });

  it('scores several genomes in one process: one line each, in order, each equal to its own run, warm-up timed apart', async () => {
    const genomes = ['c4-h32-t2-w8-301203', 'c8-h32-t3-w8-222332', 'c4-h32-t2-w8-301203'];
    const io = fakeIO();
    const code = await runScore(['--architecture', genomes.join(','), '--batch', '12', '--seed', '5', '--backend', 'wasm'], io);
    expect(code).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout).toHaveLength(3);
    const lines = io.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.architecture)).toEqual(genomes);
    for (const [i, l] of lines.entries()) {
      const alone = await score(['--architecture', genomes[i], '--batch', '12', '--seed', '5', '--backend', 'wasm']);
      expect(l.score, genomes[i]).toBe(alone.json!.score);
      expect(l.mean_rate, genomes[i]).toBe(alone.json!.mean_rate);
      expect(l.ms).toBeGreaterThan(0);
      expect(l.warmup_ms).toBe(lines[0].warmup_ms);
    }
    expect(lines[0].warmup_ms).toBeGreaterThan(0);
    expect(lines[2].score).toBe(lines[0].score);
  });

  it('scores on a pool of worker threads exactly as in one process, in the order given', async () => {
    const genomes = ['c8-h32-t3-w8-222332', 'c4-h32-t2-w8-301203', 'c8-h64-t2-w8-302302', 'c4-h32-t3-w8-110110'];
    const lines = async (workers: string) => {
      const io = fakeIO();
      const code = await runScore(['--architecture', genomes.join(','), '--batch', '12', '--seed', '3', '--backend', 'wasm', '--workers', workers], io);
      expect(code).toBe(0);
      expect(io.stderr).toEqual([]);
      return io.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    };
    const one = await lines('1');
    const two = await lines('2');
    expect(two.map((l) => l.architecture)).toEqual(genomes);
    const same = (l: Record<string, unknown>) => ({ architecture: l.architecture, score: l.score, sign: l.sign, mean_rate: l.mean_rate, lif_layers: l.lif_layers, kernels: l.kernels, backend: l.backend });
    expect(two.map(same)).toEqual(one.map(same));
    for (const l of two) expect(l.ms).toBeGreaterThan(0);
  });

  it('gives the same score on cpu to float32 rounding', async () => {
    const w = await score([...SMALL, '--seed', '5', '--backend', 'wasm']);
    const c = await score([...SMALL, '--seed', '5', '--backend', 'cpu']);
    expect(c.json!.backend).toBe('cpu');
    expect(c.json!.score as number).toBeCloseTo(w.json!.score as number, 2);
  });

  it('rejects bad input with one line and exit 2', async () => {
    for (const [argv, pattern] of [
      [['--architecture', 'c4-h32-t2-w8-300000'], /--architecture: cell 1 \(300000\) is not a valid cell/],
      [['--dataset', 'cifar100'], /--dataset: unknown data set 'cifar100'/],
      [['--seed', 'x'], /--seed: expected a whole number/],
      [['--batch', '1'], /--batch: expected a whole number from 2 to 1024/],
      [['--backend', 'webgl'], /--backend: expected auto, wasm or cpu/],
      [['--frobnicate'], /unknown option '--frobnicate'/],
      [['--seed'], /--seed needs a value/],
      [['--workers', '0'], /--workers: expected a whole number from 1 to 64, got '0'/],
      [['--architecture', 'c4-h32-t2-w8-i32x3-301203'], /takes 32×32×3 inputs but mnist images are 28×28×1/],
      [['--architecture', 'c4-h32-t2-w8-301203,c4-h32-t2-w8-300000'], /--architecture: genome 2 of 2 \('c4-h32-t2-w8-300000'\): cell 1 \(300000\) is not a valid cell/],
      [['--architecture', 'c4-h32-t2-w8-301203,'], /--architecture: genome 2 of 2 \(''\): empty/],
      [['--architecture', 'c4-h32-t2-w8-301203,c4-h32-t2-w8-i32x3-301203'], /--architecture c4-h32-t2-w8-i32x3-301203 takes 32×32×3 inputs/],
    ] as const) {
      const r = await score([...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.json).toBeNull();
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(/^score: /);
      expect(r.stderr[0]).toMatch(pattern);
    }
  });
});
