import { describe, expect, it } from 'vitest';
import { fakeIO } from './cli-io.ts';
import { runNeuron } from '../src/cli/neuron.ts';

async function run(args: string): Promise<{ code: number; json?: Record<string, number[]>; err: string[]; out: string[] }> {
  const io = fakeIO();
  const code = await runNeuron(args.split(' ').filter(Boolean), io);
  const json = code === 0 && io.stdout.length === 1 && io.stdout[0].startsWith('{') ? JSON.parse(io.stdout[0]) : undefined;
  return { code, json, err: io.stderr, out: io.stdout };
}

describe('neuronas neuron', () => {
  it('snnTorch example: 0.5, 0.5, 1.25 with the default β = 0.9, θ = 1, subtract', async () => {
    // U0 = 0.5;  U1 = 0.9·0.5 + 0.5 = 0.95;  U2 = 0.9·0.95 + 1.25 = 2.105 > 1 → spike at t = 2.
    // (float32 throughout; each value prints as the shortest decimal of its float32.)
    const r = await run('--model snntorch --input 0.5,0.5,1.25');
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ spikes: [0, 0, 1], membrane: [0.5, 0.95, 2.105] });
    expect(r.err).toEqual([]);
  });

  it('SpikingJelly example with the studio default τ = 4/3, hard reset to 0', async () => {
    // H_t = V + (X − V)·3/4:  H0 = 0.375;  H1 = 0.375 + 0.125·0.75 = 0.46875;
    // H2 = 0.46875 + 0.78125·0.75 = 1.0546875 ≥ 1 → spike, V2 = 0.
    const r = await run('--model spikingjelly --input 0.5,0.5,1.25');
    expect(r.json).toEqual({ spikes: [0, 0, 1], membrane: [0.375, 0.46875, 0], charge: [0.375, 0.46875, 1.0546875] });
  });

  it('SpikingJelly soft reset, no input decay, explicit τ and threshold', async () => {
    // τ = 2, θ = 0.5, H = V/2 + X (dyadic values: exact in float32):
    // H0 = 0.375;  H1 = 0.1875 + 0.375 = 0.5625 ≥ 0.5 → V1 = 0.0625;  H2 = 0.03125 + 0.25 = 0.28125
    const r = await run('--model spikingjelly --tau 2 --threshold 0.5 --reset soft --decay-input false --input 0.375,0.375,0.25');
    expect(r.json).toEqual({ spikes: [0, 1, 0], membrane: [0.375, 0.0625, 0.28125], charge: [0.375, 0.5625, 0.28125] });
  });

  it('SpikingJelly v_reset: starts there and returns there', async () => {
    // τ = 2, v_reset = −0.5: H0 = −0.5 + 3/2 = 1 ≥ 1 → V0 = −0.5;  H1 = −0.5 + 1/2 = 0.
    const r = await run('--model spikingjelly --tau 2 --v-reset -0.5 --input 3,1');
    expect(r.json).toEqual({ spikes: [1, 0], membrane: [-0.5, 0], charge: [1, 0] });
    const eq = await run('--model=spikingjelly --tau=2 --v-reset=-0.5 --input=3,1');
    expect(eq.json).toEqual(r.json);
  });

  it('snnTorch zero reset and a threshold met exactly (no spike: U > θ is strict)', async () => {
    // β = 0.5, θ = 1: U0 = 1 (not > 1);  U1 = 0.5 + 0.75 = 1.25 → spike;  U2 = 0.5·0 + 0.25 (zeroed).
    const r = await run('--model snntorch --beta 0.5 --reset zero --input 1,0.75,0.25');
    expect(r.json).toEqual({ spikes: [0, 1, 0], membrane: [1, 1.25, 0.25] });
  });

  it('bad usage exits 2 with one line and prints nothing', async () => {
    const cases: [string, RegExp][] = [
      ['--input 1,2', /--model is required/],
      ['--model brian --input 1', /--model must be snntorch or spikingjelly/],
      ['--model snntorch', /--input is required/],
      ['--model snntorch --input 1,,2', /--input value 2 is not a finite number/],
      ['--model snntorch --input 1,abc', /--input value 2/],
      ['--model snntorch --tau 2 --input 1', /--tau does not apply to --model snntorch/],
      ['--model spikingjelly --beta 0.9 --input 1', /--beta does not apply to --model spikingjelly/],
      ['--model spikingjelly --reset subtract --input 1', /--reset for spikingjelly must be hard or soft/],
      ['--model snntorch --reset hard --input 1', /--reset for snntorch must be subtract or zero/],
      ['--model spikingjelly --reset soft --v-reset 0.2 --input 1', /--v-reset does not apply to --reset soft/],
      ['--model spikingjelly --tau 0.5 --input 1', /--tau must be greater than 1/],
      ['--model spikingjelly --decay-input yes --input 1', /--decay-input must be true or false/],
      ['--model snntorch --beta --input 1', /--beta needs a value/],
      ['--model snntorch --input 1 --frobnicate 2', /unknown option '--frobnicate'/],
      ['--model snntorch --input 1 --input 2', /--input is given twice/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args).toBe(2);
      expect(r.out, args).toEqual([]);
      expect(r.err.length, args).toBe(1);
      expect(r.err[0], args).toMatch(message);
      expect(r.err[0], args).not.toMatch(/\n|at .*\(/);
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/usage: neuronas neuron --model snntorch\|spikingjelly/);
  });
});
