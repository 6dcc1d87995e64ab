/**
 * The exported model.py's LIF neuron, one convention at a time, against the
 * studio's reference simulator (src/core/snn/lif.ts): spikes equal exactly
 * (float32, including inputs that land exactly on the threshold, where the
 * conventions differ: snnTorch fires on U > θ, SpikingJelly on H ≥ θ) and
 * the BPTT input gradient of the surrogate equal to the reference's
 * hand-written backward pass.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGenome } from '../src/core/arch/genome.ts';
import { pytorchPackage } from '../src/core/export/pytorch.ts';
import { DEFAULT_LIF, REFERENCE_NET_LIF, referenceInputGrad, simulate, type LifConfig } from '../src/core/snn/lif.ts';
import { lifInputValues } from './lif-inputs.ts';
import { findTorchPython, type TorchPython } from './python-torch.ts';

const CONFIGS: [string, LifConfig][] = [
  ['spikingjelly-snasnet', DEFAULT_LIF],
  ['spikingjelly-tau2-soft', { ...DEFAULT_LIF, tau: 2, reset: 'soft', vReset: 0, detachReset: false }],
  ['spikingjelly-hard-vreset-nodecay', { ...DEFAULT_LIF, tau: 2, vReset: -0.25, decayInput: false, detachReset: false, surrogate: { kind: 'fastSigmoid', k: 25 } }],
  ['snntorch-subtract', REFERENCE_NET_LIF],
  ['snntorch-zero-atan', { ...REFERENCE_NET_LIF, beta: 0.5, reset: 'zero', surrogate: { kind: 'atan', alpha: 2 } }],
];

const T = 6;
const N = 400;

const LIF_PY = `
import importlib.util, json, sys
import torch
out = {}
cases = json.loads(open(sys.argv[1]).read())
for name, case in cases.items():
    spec = importlib.util.spec_from_file_location("model_" + name.replace("-", "_"), case["path"])
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    x = torch.tensor(case["x"], dtype=torch.float32).reshape(${T}, ${N}).requires_grad_(True)
    lif = m.LIF("probe", ${T})
    s = lif(x)
    g = torch.tensor(case["g"], dtype=torch.float32).reshape(${T}, ${N})
    (s * g).sum().backward()
    out[name] = {"spikes": s.detach().reshape(-1).tolist(), "grad": x.grad.reshape(-1).tolist()}
print(json.dumps(out))
`;

let torch: TorchPython;
let work: string;

beforeAll(() => {
  torch = findTorchPython();
  work = mkdtempSync(join(tmpdir(), 'neuronas-lif-'));
}, 1_200_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("exported model.py's LIF", () => {
  it('matches the reference simulator: spikes exactly (ties included), surrogate input gradients to 1e-5', (ctx) => {
    if (torch.python === null) return ctx.skip(torch.reason);
    const arch = parseGenome('c4-h8-t6-w8-301203');
    const cases: Record<string, { path: string; x: number[]; g: number[] }> = {};
    const inputs = new Map<string, { x: Float32Array; g: Float32Array }>();
    CONFIGS.forEach(([name, lif], k) => {
      const dir = join(work, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'model.py'), pytorchPackage(arch, { lif }).files.get('model.py')!);
      // Dyadic currents (exact in float32) put membranes exactly on the threshold; x is time-major [T, N].
      const x = lifInputValues(100 + k, T * N, k % 2 === 0);
      const g = lifInputValues(200 + k, T * N, false);
      inputs.set(name, { x, g });
      cases[name] = { path: join(dir, 'model.py'), x: Array.from(x), g: Array.from(g) };
    });
    const casesPath = join(work, 'cases.json');
    writeFileSync(casesPath, JSON.stringify(cases));
    const scriptPath = join(work, 'lif.py');
    writeFileSync(scriptPath, LIF_PY);
    const r = spawnSync(torch.python, [scriptPath, casesPath], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const py = JSON.parse(r.stdout) as Record<string, { spikes: number[]; grad: number[] }>;
    let ties = 0;
    for (const [name, lif] of CONFIGS) {
      const { x, g } = inputs.get(name)!;
      const spikes: number[] = new Array(T * N);
      const grads: number[] = new Array(T * N);
      for (let n = 0; n < N; n++) {
        const seq = Array.from({ length: T }, (_, t) => x[t * N + n]);
        const trace = simulate(lif, seq, { float32: true });
        const gs = referenceInputGrad(lif, seq, Array.from({ length: T }, (_, t) => g[t * N + n]), { float32: true });
        const pot = lif.model === 'snntorch' ? trace.membrane : trace.charge!;
        for (let t = 0; t < T; t++) {
          spikes[t * N + n] = trace.spikes[t];
          grads[t * N + n] = gs[t];
          if (pot[t] === lif.threshold) ties++;
        }
      }
      expect(py[name].spikes, name).toEqual(spikes);
      let worst = 0;
      for (let i = 0; i < grads.length; i++) worst = Math.max(worst, Math.abs(py[name].grad[i] - grads[i]) / Math.max(1, Math.abs(grads[i])));
      expect(worst, `${name}: worst gradient difference`).toBeLessThan(1e-5);
    }
    // The dyadic inputs did reach the threshold exactly, so the strict/non-strict firing rule was tested.
    expect(ties).toBeGreaterThan(10);
  }, 120_000);
});
