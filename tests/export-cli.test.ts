/**
 * `neuronas export` usage: a bad genome, format, weights file or folder exits
 * 2 with one line and writes nothing; a good one writes the package.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExport } from '../src/cli/export.ts';
import { parseGenome } from '../src/core/arch/genome.ts';
import { encodeWeightsFile, decodeWeightsFile, type StudioWeights } from '../src/core/export/pytorch-weights.ts';
import { encodeSafetensors, decodeSafetensors } from '../src/core/export/safetensors.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { batchNormChannels } from '../src/core/export/pytorch-weights.ts';
import { DEFAULT_LIF } from '../src/core/snn/lif.ts';
import { fakeIO } from './cli-io.ts';

const work = mkdtempSync(join(tmpdir(), 'neuronas-export-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Distinct values everywhere, so a wrong permutation cannot go unnoticed. */
function numberedWeights(genome: string): StudioWeights {
  const arch = parseGenome(genome);
  let k = 0;
  const seq = (n: number) => Float32Array.from({ length: n }, () => ++k / 1000);
  const w: StudioWeights = { weights: new Map(), biases: new Map(), batchNorms: new Map() };
  for (const l of layerList(arch)) {
    w.weights.set(l.name!, seq(l.k * l.k * l.cin * l.cout));
    if (l.kind === 'fc') w.biases.set(l.name!, seq(l.cout));
  }
  for (const [name, c] of batchNormChannels(arch)) w.batchNorms.set(name, { gamma: seq(c), beta: seq(c), runningMean: seq(c), runningVar: seq(c), updates: 7 });
  return w;
}

const GENOME = 'c4-h8-t2-w8-301203';
const meta = { genome: GENOME, lif: DEFAULT_LIF, encoding: 'direct' as const, weightBits: 8, quantScales: { stem: 0.01 } };

describe('weights file', () => {
  it('round-trips every parameter through the PyTorch layout (conv and fc1 permuted, back again)', () => {
    const w = numberedWeights(GENOME);
    const file = decodeWeightsFile(encodeWeightsFile(parseGenome(GENOME), w, meta));
    expect(file.meta.genome).toBe(GENOME);
    expect(file.meta.quantScales).toEqual({ stem: 0.01 });
    expect(file.weights).toEqual(w);
    // The PyTorch side really is permuted: conv [cout, cin, k, k] starts with studio index co=0, ci=0, y=0, x=0 then x=1 (studio stride cout).
    const torch = decodeSafetensors(encodeWeightsFile(parseGenome(GENOME), w, meta)).tensors.get('stem.conv.weight')!;
    expect(torch.shape).toEqual([4, 1, 3, 3]);
    expect(Array.from(torch.data.slice(0, 2) as Float32Array)).toEqual([w.weights.get('stem')![0], w.weights.get('stem')![4]]);
  });

  it('refuses a file of another network, a truncated file and a non-weights safetensors, in one sentence', () => {
    const bytes = encodeWeightsFile(parseGenome(GENOME), numberedWeights(GENOME), meta);
    expect(() => decodeWeightsFile(bytes.subarray(0, 100))).toThrow(/not a safetensors file|do not fit/);
    expect(() => decodeWeightsFile(encodeSafetensors({ tensors: new Map(), metadata: {} }))).toThrow(/not a NeuroNAS weights file/);
    const other = encodeWeightsFile(parseGenome('c4-h8-t2-w8-303003'), numberedWeights('c4-h8-t2-w8-303003'), { ...meta, genome: GENOME });
    expect(() => decodeWeightsFile(other)).toThrow(/the weights lack cell1\.e01\.conv\.weight \(shape \[4, 4, 3, 3\]\)/);
  });
});

describe('neuronas export', () => {
  const weightsPath = join(work, 'w.safetensors');
  writeFileSync(weightsPath, encodeWeightsFile(parseGenome(GENOME), numberedWeights(GENOME), meta));
  writeFileSync(join(work, 'junk.safetensors'), 'not a safetensors file at all');
  const bad: [string[], RegExp][] = [
    [['--format', 'pytorch', '--out', 'x'], /--architecture G is required/],
    [['--architecture', 'c4-h8-t2-w8-000000', '--format', 'pytorch', '--out', 'x'], /--architecture: .*not a valid cell/],
    [['--architecture', 'c4-h8-t2-w8-30120', '--format', 'pytorch', '--out', 'x'], /a cell is 6 digits/],
    [['--architecture', GENOME, '--format', 'onnx', '--out', 'x'], /--format must be pytorch/],
    [['--architecture', GENOME, '--format', 'pytorch'], /--out DIR is required/],
    [['--architecture', GENOME, '--format', 'pytorch', '--out', 'x', '--neuron', 'izhikevich'], /--neuron must be one of/],
    [['--architecture', GENOME, '--format', 'pytorch', '--out', 'x', '--weights', join(work, 'missing.safetensors')], /cannot read .*ENOENT/],
    [['--architecture', GENOME, '--format', 'pytorch', '--out', 'x', '--weights', join(work, 'junk.safetensors')], /not a safetensors file/],
    [['--architecture', 'c4-h8-t2-w8-303003', '--format', 'pytorch', '--out', 'x', '--weights', weightsPath], /holds the weights of c4-h8-t2-w8-301203, not of c4-h8-t2-w8-303003/],
    [['--architecture', GENOME, '--format', 'pytorch', '--out', 'x', '--weights', weightsPath, '--neuron', 'snntorch'], /--neuron snntorch disagrees/],
    [['--architecture', GENOME, '--format', 'pytorch', '--out', weightsPath], /exists and is not a folder/],
    [['stray'], /unexpected argument 'stray'/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')} with exit 2, one line, nothing written`, async () => {
      const io = fakeIO();
      const cwd = process.cwd();
      process.chdir(work);
      try {
        expect(await runExport(argv, io)).toBe(2);
      } finally {
        process.chdir(cwd);
      }
      expect(io.stdout).toEqual([]);
      expect(io.stderr.length).toBe(1);
      expect(io.stderr[0]).toMatch(/^neuronas export: /);
      expect(io.stderr[0]).toMatch(message);
      expect(existsSync(join(work, 'x'))).toBe(false);
    });
  }

  it('writes model.py, train.py, README.md and the weights', async () => {
    const out = join(work, 'pkg');
    const io = fakeIO();
    expect(await runExport(['--architecture', GENOME, '--format', 'pytorch', '--weights', weightsPath, '--out', out], io)).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'model.py', 'train.py', 'weights.safetensors']);
    expect(io.stdout[0]).toMatch(/wrote model\.py, train\.py, README\.md, weights\.safetensors for c4-h8-t2-w8-301203 \(spikingjelly neuron, direct encoding\)/);
  });
});
