/**
 * Mode `spikesim`: SpikeSim's ELA numbers, pinned by hand-computed cases.
 * Expected values are written out as arithmetic from the formulas of
 * /work/shared/docs/cost-model.md, never by calling the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { Layer } from '../src/core/layers.ts';
import { compileHardware, createTotals, estimateLayers, estimateTotals, prepareLayers } from '../src/core/cost/estimator.ts';
import { resolveHardware } from '../src/core/cost/hardware.ts';
import { buildReport } from '../src/core/cost/report.ts';

const spikesim = (over: Record<string, unknown> = {}) => compileHardware(resolveHardware({ mode: 'spikesim', ...over }));

/** SpikeSim's own example (ela_spikesim.py): VGG9 on CIFAR-10. */
function vgg9(): Layer[] {
  const inCh = [3, 64, 64, 128, 128, 256, 256];
  const outCh = [64, 64, 128, 128, 256, 256, 256];
  const inDim = [32, 32, 16, 16, 8, 8, 8];
  const outDim = [32, 16, 16, 8, 8, 8, 4];
  return inCh.map((cin, i) => ({ kind: 'conv', cin, cout: outCh[i], k: 3, hin: inDim[i], hout: outDim[i] }));
}

// Per-PE-cycle energy at X = 64, k = 3 (pJ), SpikeSim's formula written out.
const E_PE = 3 * 3 * 1.76423 + (64 / 8) * (2.03084 + 0.094245); // = 15.87807 + 17.00068 = 32.87875
const E_CYCLE = 19.64 * 8 + 4.64 + 1.274 * 4 + (64 / 8) * E_PE + (64 / 8) * 16 * 1.15e-6 + (64 / 8) * 0.2 + 397;
// = 157.12 + 4.64 + 5.096 + 263.03 + 0.0001472 + 1.6 + 397 = 828.4861472
const A_PE = 3 * 3 * 26.2144 + (64 / 8) * (693.633 + 45.9); // = 235.9296 + 5916.264 = 6152.1936
const A_TILE = (64 / 8) * 13411.41498 + 484.643999 + 0.7391 * 64 * 128 + 8 * A_PE + 216830 * 2;
// = 107291.31984 + 484.643999 + 6054.7072 + 49217.5488 + 433660 = 596708.219839
const CELL = 0.7391 * 22; // = 16.2602 µm² per stored activation / membrane

describe('spikesim sanity facts', () => {
  it('E_cycle = 828.486… pJ and A_tile = 596 708.2… µm² for X = 64, k = 3', () => {
    expect(E_CYCLE).toBeCloseTo(828.4861472, 9);
    expect(A_TILE).toBeCloseTo(596708.219839, 6);
    const c = spikesim();
    expect(c.eCycle).toBeCloseTo(828.4861472, 9);
    expect(c.aTile).toBeCloseTo(596708.219839, 6);
    expect(c.peCycleNs).toBe(104); // 26 · 1000 / 250
  });

  it('energy and latency are exactly linear in T; area does not depend on T', () => {
    const p = prepareLayers(vgg9());
    const t5 = estimateTotals(p, spikesim({ timesteps: 5 }), createTotals());
    const t10 = estimateTotals(p, spikesim({ timesteps: 10 }), createTotals());
    const t1 = estimateTotals(p, spikesim({ timesteps: 1 }), createTotals());
    expect(t10.energyUJ).toBe(2 * t5.energyUJ);
    expect(t10.latencyMs).toBe(2 * t5.latencyMs);
    expect(t5.energyUJ).toBeCloseTo(5 * t1.energyUJ, 10);
    expect(t5.latencyMs).toBeCloseTo(5 * t1.latencyMs, 12);
    expect(t10.areaMm2).toBe(t5.areaMm2);
    expect(t1.areaMm2).toBe(t5.areaMm2);
    expect(t10.tiles).toBe(t5.tiles);
  });
});

describe("SpikeSim's VGG9 example (X=64, k=3, P=8, T=5, 250 MHz)", () => {
  // PE_l = ceil(Cin/64)·ceil(Cout/64):
  //   1·1, 1·1, 1·2, 2·2, 2·4, 4·4, 4·4 = 1, 1, 2, 4, 8, 16, 16 → Σ = 48
  const pes = 1 + 1 + 2 + 4 + 8 + 16 + 16; // 48
  const tiles = Math.ceil(48 / 8); // 6
  // cycles_l = PE_l · hout_l²:
  //   1·32², 1·16², 2·16², 4·8², 8·8², 16·8², 16·4²
  const cycles = 1 * 1024 + 1 * 256 + 2 * 256 + 4 * 64 + 8 * 64 + 16 * 64 + 16 * 16; // 3840
  const energyPJ = 5 * E_CYCLE * 3840; // = 15 906 934.02624 pJ
  // input buffers Σ Cin·hin²: 3·32² + 64·32² + 64·16² + 128·16² + 128·8² + 256·8² + 256·8²
  const inputs = 3 * 1024 + 64 * 1024 + 64 * 256 + 128 * 256 + 128 * 64 + 256 * 64 + 256 * 64; // 158720
  // membranes of the first five layers Σ Cout·hout²: 64·32² + 64·16² + 128·16² + 128·8² + 256·8²
  const membranes = 64 * 1024 + 64 * 256 + 128 * 256 + 128 * 64 + 256 * 64; // 139264
  const areaUm2 = tiles * A_TILE + CELL * (inputs + membranes); // = 3 580 249.319034 + 4 845 279.4368
  // latency: floor(0.75·Cout·hout²) of the first six layers + Cout·hout² of the last, times T, times 104 ns
  const steps =
    Math.floor(0.75 * 65536) + Math.floor(0.75 * 16384) + Math.floor(0.75 * 32768) + Math.floor(0.75 * 8192) +
    Math.floor(0.75 * 16384) + Math.floor(0.75 * 16384) + 256 * 16; // 116736 + 4096 = 120832
  const latencyNs = 104 * steps * 5; // = 62 832 640 ns

  it('the hand arithmetic', () => {
    expect(pes).toBe(48);
    expect(tiles).toBe(6);
    expect(cycles).toBe(3840);
    expect(energyPJ).toBeCloseTo(15906934.02624, 4);
    expect(inputs).toBe(158720);
    expect(membranes).toBe(139264);
    expect(areaUm2).toBeCloseTo(8425528.755834, 4);
    expect(steps).toBe(120832);
    expect(latencyNs).toBe(62832640);
  });

  it('the estimator reproduces it', () => {
    const t = estimateTotals(prepareLayers(vgg9()), spikesim(), createTotals());
    expect(t.tiles).toBe(6);
    expect(t.pes).toBe(48);
    expect(t.crossbars).toBe(48 * 9);
    expect(t.params).toBe(9 * (3 * 64 + 64 * 64 + 64 * 128 + 128 * 128 + 128 * 256 + 256 * 256 + 256 * 256)); // 1 734 336
    expect(t.energyUJ).toBeCloseTo(15.90693402624, 10);
    expect(t.areaMm2).toBeCloseTo(8.425528755834, 10);
    expect(t.latencyMs).toBeCloseTo(62.83264, 10);
  });

  it('ignores input rates and the layer kernel (one hardware kernel for all layers)', () => {
    const layers = vgg9().map((l, i) => (i === 3 ? { ...l, k: 1 } : l));
    const base = estimateTotals(prepareLayers(vgg9()), spikesim(), createTotals());
    const t = estimateTotals(prepareLayers(layers), spikesim(), createTotals(), new Float64Array(7).fill(0.1));
    expect(t.energyUJ).toBe(base.energyUJ);
    expect(t.areaMm2).toBe(base.areaMm2);
    expect(t.crossbars).toBe(base.crossbars);
    expect(t.params).toBe(base.params - 8 * 128 * 128); // weights are the layer's own
  });
});

describe('spikesim: answers where SpikeSim does not', () => {
  it('non-monotonic PE counts (SpikeSim rejects them)', () => {
    // PE: 4·4 = 16 then 1·1 = 1 (decreasing)
    const layers: Layer[] = [
      { kind: 'conv', cin: 256, cout: 256, k: 3, hin: 8, hout: 8 },
      { kind: 'conv', cin: 64, cout: 64, k: 3, hin: 8, hout: 4 },
    ];
    const t = estimateLayers(layers, spikesim());
    expect(t.pes).toBe(17);
    expect(t.tiles).toBe(3); // ceil(17/8)
    expect(t.energyUJ).toBeCloseTo((5 * E_CYCLE * (16 * 64 + 1 * 16)) / 1e6, 12);
    expect(t.latencyMs).toBeCloseTo((104 * (Math.floor(0.75 * 256 * 64) + 64 * 16) * 5) / 1e6, 12);
  });

  it('a single tiny layer (SpikeSim never returns): closed-form latency', () => {
    const t = estimateLayers([{ kind: 'conv', cin: 1, cout: 1, k: 1, hin: 1, hout: 1 }], spikesim());
    expect(t.tiles).toBe(1);
    expect(t.pes).toBe(1);
    expect(t.latencyMs).toBe((104 * 1 * 5) / 1e6); // last layer: Cout·hout²·T PE cycles
    expect(t.energyUJ).toBeCloseTo((5 * E_CYCLE * 1) / 1e6, 14);
    expect(t.areaMm2).toBeCloseTo((A_TILE + CELL * (1 + 1)) / 1e6, 12);
  });

  it("latency floors a fractional 75 % count (SpikeSim's int())", () => {
    // fc 4→2 then fc 2→1: floor(0.75·2) = floor(1.5) = 1 step, then 1 → (1 + 1)·T PE cycles
    const layers: Layer[] = [
      { kind: 'fc', cin: 4, cout: 2, k: 1, hin: 1, hout: 1 },
      { kind: 'fc', cin: 2, cout: 1, k: 1, hin: 1, hout: 1 },
    ];
    expect(estimateLayers(layers, spikesim()).latencyMs).toBe((104 * (1 + 1) * 5) / 1e6);
    expect(estimateLayers(layers, compileHardware(resolveHardware({ mode: 'neuronas' }))).latencyMs).toBe((104 * (1 + 1) * 5) / 1e6);
  });

  it('membranes count for the first five layers only', () => {
    const layer: Layer = { kind: 'conv', cin: 8, cout: 8, k: 3, hin: 4, hout: 4 };
    const six = estimateLayers(Array(6).fill(layer), spikesim());
    const five = estimateLayers(Array(5).fill(layer), spikesim());
    // the sixth layer adds only its input buffer (8·4²), not its membranes
    expect(six.tiles).toBe(1);
    expect(six.areaMm2 - five.areaMm2).toBeCloseTo((CELL * 8 * 16) / 1e6, 12);
  });

  it('report totals equal the fast totals', () => {
    const r = buildReport(vgg9(), spikesim());
    const t = estimateTotals(prepareLayers(vgg9()), spikesim(), createTotals());
    expect([r.tiles, r.pes, r.crossbars, r.params, r.memory_bits, r.area_mm2, r.energy_uJ, r.latency_ms]).toEqual([
      t.tiles, t.pes, t.crossbars, t.params, t.memoryBits, t.areaMm2, t.energyUJ, t.latencyMs,
    ]);
    expect(r.mode).toBe('spikesim');
    expect(r.notes.some((n) => n.includes('first 5 layers'))).toBe(true);
  });
});
