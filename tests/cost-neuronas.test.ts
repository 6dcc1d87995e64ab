/**
 * Mode `neuronas` (the studio's extended model), pinned by hand-computed
 * cases: bit slicing, per-layer kernels, FC mapping, activity scaling,
 * membranes of every layer, memory footprint, architectures.
 */
import { describe, expect, it } from 'vitest';
import type { Layer } from '../src/core/layers.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { DEFAULT_ARCHITECTURE, parseGenome } from '../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../src/core/arch/sampler.ts';
import {
  compileHardware,
  createTotals,
  estimateArchitecture,
  estimateLayers,
  estimateTotals,
  estimateTotalsWith,
  prepareLayers,
  prepareArchitectureInto,
  prepareLayersInto,
  type PreparedLayers,
} from '../src/core/cost/estimator.ts';
import { resolveHardware } from '../src/core/cost/hardware.ts';
import { buildArchitectureReport, buildReport, NOTE_NO_RATES } from '../src/core/cost/report.ts';

const neuronas = (over: Record<string, unknown> = {}) => compileHardware(resolveHardware({ mode: 'neuronas', ...over }));

// Per-PE-cycle energies at X = 64 (8 ADC groups), pJ, written out:
const E_FIXED = 19.64 * 8 + 4.64 + 1.274 * 4 + 8 * 8 * 0.094245 + 8 * 16 * 1.15e-6 + 8 * 0.2 + 397;
// = 157.12 + 4.64 + 5.096 + 6.03168 + 0.0001472 + 1.6 + 397 = 571.4878272 (H-tree, fetch, neuron, MUX, subtractor, buffers)
const E_XBAR_TAP = 8 * 1.76423; // = 14.11384 per kernel tap (crossbar read × 8 groups)
const E_ADC = 8 * 8 * 2.03084; // = 129.97376
const A_TILE = 8 * 13411.41498 + 484.643999 + 0.7391 * 64 * 128 + 8 * (9 * 26.2144 + 8 * (693.633 + 45.9)) + 216830 * 2; // 596708.219839
const CELL = 0.7391 * 22; // 16.2602

/** conv 3→16 k3 8×8, conv 16→16 k1 8→4, fc 256→10 */
const SMALL: Layer[] = [
  { kind: 'conv', cin: 3, cout: 16, k: 3, hin: 8, hout: 8 },
  { kind: 'conv', cin: 16, cout: 16, k: 1, hin: 8, hout: 4 },
  { kind: 'fc', cin: 256, cout: 10, k: 1, hin: 1, hout: 1 },
];

describe('neuronas mode, hand-computed small network (X=64, k_hw=3, P=8, T=5, w=8, c=2, offset)', () => {
  // columns = Cout·ceil(8/2) = 4·Cout: 64, 64, 40
  // L0: ceil(3/64)=1 row block, ceil(64/64)=1 col block, 9·1·1 = 9 crossbars → 1 PE, cycles 1·1·8² = 64
  // L1: 1 row block, 1 col block, 1·1·1 = 1 crossbar → ceil(1/9) = 1 PE, cycles 1·1·4² = 16
  // L2: ceil(256/64)=4 row blocks, ceil(40/64)=1, 1·4·1 = 4 crossbars → 1 PE, cycles 4·1·1 = 4
  const ePerStep = 64 * (E_FIXED + 9 * E_XBAR_TAP + E_ADC) + 16 * (E_FIXED + 1 * E_XBAR_TAP + E_ADC) + 4 * (E_FIXED + 1 * E_XBAR_TAP + E_ADC);
  // = 64·828.4861472 + 16·715.5754272 + 4·715.5754272 = 67 334.6219648 pJ
  const inputs = 3 * 64 + 16 * 64 + 256 * 1; // 1472
  const membranes = 16 * 64 + 16 * 16 + 10 * 1; // 1290 (every layer)
  const steps = Math.floor(0.75 * 1024) + Math.floor(0.75 * 256) + 10; // 768 + 192 + 10 = 970
  const params = 9 * 3 * 16 + 1 * 16 * 16 + 256 * 10; // 432 + 256 + 2560 = 3248

  it('the hand arithmetic', () => {
    expect(E_FIXED + 9 * E_XBAR_TAP + E_ADC).toBeCloseTo(828.4861472, 9); // = spikesim's E_cycle at k = 3
    expect(ePerStep).toBeCloseTo(67334.6219648, 6);
    expect(A_TILE).toBeCloseTo(596708.219839, 6);
  });

  it('the estimator reproduces it', () => {
    const t = estimateTotals(prepareLayers(SMALL), neuronas(), createTotals());
    expect(t.pes).toBe(3);
    expect(t.tiles).toBe(1);
    expect(t.crossbars).toBe(27);
    expect(t.params).toBe(params);
    expect(t.memoryBits).toBe(params * 8 + membranes * 16); // 25 984 + 20 640 = 46 624
    expect(t.energyUJ).toBeCloseTo((ePerStep * 5) / 1e6, 13); // 0.336673109824
    expect(t.areaMm2).toBeCloseTo((A_TILE + CELL * (inputs + membranes)) / 1e6, 12); // 0.641618892239
    expect(t.latencyMs).toBe((104 * steps * 5) / 1e6); // 0.5044
  });

  it('the report: per-layer mapping, utilisation, memory, KPIs', () => {
    const r = buildReport(SMALL, neuronas());
    expect(r.layers.map((l) => l.columns)).toEqual([64, 64, 40]);
    expect(r.layers.map((l) => l.crossbars_used)).toEqual([9, 1, 4]);
    expect(r.layers.map((l) => l.pes)).toEqual([1, 1, 1]);
    expect(r.layers.map((l) => l.cycles)).toEqual([64, 16, 4]);
    expect(r.layers[1].utilisation).toBe((16 * 16 * 4) / (9 * 64 * 64)); // 1 024 cells of 36 864
    expect(r.utilisation).toBe((3248 * 4) / (27 * 4096));
    expect(r.memory_bits).toBe(46624);
    expect(r.memory_bytes).toBe(5828);
    expect(r.memory.weight_bits).toBe(25984);
    expect(r.memory.membrane_bits).toBe(20640);
    // SOPs = Σ k²·Cin·Cout·hout²·T = (432·64 + 256·16 + 2560)·5 = 171 520
    expect(r.kpis.synaptic_ops).toBe((432 * 64 + 256 * 16 + 2560) * 5);
    expect(r.kpis.tops_per_w).toBeCloseTo((2 * 171520) / (r.energy_uJ * 1e-6) / 1e12, 12);
    expect(r.kpis.edp_uJ_ms).toBe(r.energy_uJ * r.latency_ms);
    expect(r.kpis.edp_J_s).toBeCloseTo(r.energy_uJ * r.latency_ms * 1e-9, 20);
    expect(r.notes).toContain(NOTE_NO_RATES);
    expect(r.notes.some((n) => n.includes('activity assumed 1 (worst case)'))).toBe(true);
    // shares add up
    expect(r.layers.reduce((s, l) => s + l.energy_share, 0)).toBeCloseTo(1, 12);
    expect(r.layers.reduce((s, l) => s + l.latency_share, 0)).toBeCloseTo(1, 12);
    expect(r.layers.reduce((s, l) => s + l.area_mm2, 0)).toBeCloseTo(r.area_mm2, 12);
  });

  it('membranes of every layer count toward area (unlike spikesim)', () => {
    const layer: Layer = { kind: 'conv', cin: 8, cout: 8, k: 3, hin: 4, hout: 4 };
    const six = estimateLayers(Array(6).fill(layer), neuronas());
    const five = estimateLayers(Array(5).fill(layer), neuronas());
    expect(six.areaMm2 - five.areaMm2).toBeCloseTo((CELL * (8 * 16 + 8 * 16)) / 1e6, 12);
  });
});

describe('bit slicing', () => {
  // conv 64→64, k=1 on 2×2: 1 row block; columns = 64·ceil(w/c)·s
  const layer: Layer = { kind: 'conv', cin: 64, cout: 64, k: 1, hin: 2, hout: 2 };
  const colBlocks = (over: Record<string, unknown>) => buildReport([layer], neuronas(over)).layers[0].col_blocks;

  it('w=8, c=2 → 4× the columns', () => {
    const r = buildReport([layer], neuronas());
    expect(r.layers[0].columns).toBe(256);
    expect(r.layers[0].col_blocks).toBe(4);
    expect(r.layers[0].crossbars_used).toBe(4);
    expect(r.layers[0].cycles).toBe(4 * 1 * 4);
    expect(r.pes).toBe(1); // 4 crossbars packed into one PE of 9
    expect(r.crossbars).toBe(9);
  });
  it('16-bit weights on 2-bit cells → 8×', () => expect(colBlocks({ weight_bits: 16 })).toBe(8));
  it('1-bit cells → one column per weight bit', () => expect(colBlocks({ cell_bits: 1 })).toBe(8));
  it('w not a multiple of c rounds up: 3-bit weights on 2-bit cells → 2 columns', () => expect(colBlocks({ weight_bits: 3 })).toBe(2));
  it('differential doubles the columns', () => {
    expect(colBlocks({ signed_scheme: 'differential' })).toBe(8);
    const off = buildReport([layer], neuronas());
    const diff = buildReport([layer], neuronas({ signed_scheme: 'differential' }));
    expect(diff.layers[0].cells_used).toBe(2 * off.layers[0].cells_used);
    expect(diff.layers[0].cycles).toBe(2 * off.layers[0].cycles);
  });
  it('spikesim mode does not slice: one weight per cell', () => {
    const r = buildReport([layer], compileHardware(resolveHardware({ mode: 'spikesim' })));
    expect(r.layers[0].columns).toBe(64);
    expect(r.layers[0].col_blocks).toBe(1);
  });
  it('more than k_hw² crossbars take several PEs', () => {
    // conv 128→128 k3: 2 row blocks, 512 columns = 8 col blocks → 9·2·8 = 144 crossbars = 16 PEs
    const t = estimateLayers([{ kind: 'conv', cin: 128, cout: 128, k: 3, hin: 4, hout: 4 }], neuronas());
    expect(t.pes).toBe(16);
    expect(t.tiles).toBe(2);
  });
});

describe('crossbar size', () => {
  it('X = 32, 128, 256 change the blocking; other sizes are rejected', () => {
    const l: Layer = { kind: 'conv', cin: 256, cout: 64, k: 3, hin: 4, hout: 4 };
    // columns 256: X=32 → 8 row blocks · 8 col blocks; X=128 → 2·2; X=256 → 1·1
    expect(buildReport([l], neuronas({ xbar: 32 })).layers[0].cycles).toBe(8 * 8 * 16);
    expect(buildReport([l], neuronas({ xbar: 128 })).layers[0].cycles).toBe(2 * 2 * 16);
    expect(buildReport([l], neuronas({ xbar: 256 })).layers[0].cycles).toBe(1 * 1 * 16);
    expect(() => neuronas({ xbar: 48 })).toThrow('hardware.xbar: 48 is not one of 32, 64, 128, 256');
  });
  it('X = 32 halves the ADC groups and quarters the per-crossbar read energy and area: written out', () => {
    const c = neuronas({ xbar: 32 });
    const eFixed = 19.64 * 8 + 4.64 + 1.274 * 4 + 4 * 4 * 0.094245 + 4 * 16 * 1.15e-6 + 4 * 0.2 + 397;
    expect(c.eFixed).toBeCloseTo(eFixed, 10);
    // a 32×32 crossbar has a quarter of the cells of the 64×64 one the preset was measured at
    expect(c.eXbarRead).toBeCloseTo(1.76423 / 4, 12);
    expect(c.aXbar).toBeCloseTo(26.2144 / 4, 12);
    expect(c.eXbarTap).toBeCloseTo((4 * 1.76423) / 4, 12);
    expect(c.eAdc).toBeCloseTo(16 * 2.03084, 12);
    expect(c.aPe).toBeCloseTo(9 * (26.2144 / 4) + 4 * (693.633 + 45.9), 9);
  });

  it('X = 256 scales crossbar read energy and area by 16 in neuronas mode, not in spikesim mode', () => {
    expect(neuronas({ xbar: 256 }).eXbarRead).toBeCloseTo(16 * 1.76423, 12);
    expect(neuronas({ xbar: 256 }).aXbar).toBeCloseTo(16 * 26.2144, 12);
    expect(compileHardware(resolveHardware({ mode: 'spikesim', xbar: 256 })).aXbar).toBe(26.2144);
  });
});

describe('FC layers', () => {
  it('are mapped like 1×1 convolutions', () => {
    // fc 1000→100: ceil(1000/64) = 16 row blocks, 400 columns → 7 col blocks, 1·16·7 = 112 crossbars → 13 PEs
    const fc: Layer = { kind: 'fc', cin: 1000, cout: 100, k: 1, hin: 1, hout: 1 };
    const r = buildReport([fc], neuronas());
    expect(r.layers[0].crossbars_used).toBe(112);
    expect(r.pes).toBe(13);
    expect(r.tiles).toBe(2);
    expect(r.layers[0].cycles).toBe(112);
    expect(r.params).toBe(100000);
    const conv = estimateLayers([{ kind: 'conv', cin: 1000, cout: 100, k: 1, hin: 1, hout: 1 }], neuronas());
    expect(estimateLayers([fc], neuronas())).toEqual(conv);
    expect(r.energy_uJ).toBeCloseTo((5 * 112 * (E_FIXED + E_XBAR_TAP + E_ADC)) / 1e6, 12);
    expect(r.latency_ms).toBe((104 * 100 * 5) / 1e6);
  });
});

describe('activity scaling', () => {
  const hw = neuronas();
  const p = prepareLayers(SMALL);
  const at = (r: number) => estimateTotals(p, hw, createTotals(), new Float64Array(SMALL.length).fill(r));

  it('rate 0 leaves only the fixed overheads', () => {
    const cycles = 64 + 16 + 4;
    expect(at(0).energyUJ).toBeCloseTo((5 * cycles * E_FIXED) / 1e6, 13);
    const r = buildReport(SMALL, hw, { inputRates: [0, 0, 0] });
    expect(r.breakdown.energy_uJ.crossbar_array).toBe(0);
    expect(r.breakdown.energy_uJ.adc).toBe(0);
    expect(r.breakdown.energy_uJ.interconnect).toBeGreaterThan(0);
    expect(r.kpis.synaptic_ops).toBe(0);
    expect(r.notes).not.toContain(NOTE_NO_RATES);
  });

  it('rate 0.5 halves crossbar + ADC energy exactly; fixed overheads unchanged', () => {
    const full = buildReport(SMALL, hw, { inputRates: [1, 1, 1] });
    const half = buildReport(SMALL, hw, { inputRates: [0.5, 0.5, 0.5] });
    expect(half.breakdown.energy_uJ.crossbar_array).toBe(full.breakdown.energy_uJ.crossbar_array / 2);
    expect(half.breakdown.energy_uJ.adc).toBe(full.breakdown.energy_uJ.adc / 2);
    for (const k of ['multiplexers', 'accumulation', 'buffers', 'interconnect', 'neurons'] as const) {
      expect(half.breakdown.energy_uJ[k]).toBe(full.breakdown.energy_uJ[k]);
    }
    expect(at(0.5).energyUJ).toBeCloseTo((at(0).energyUJ + at(1).energyUJ) / 2, 12);
    expect(half.kpis.synaptic_ops).toBe(full.kpis.synaptic_ops / 2);
  });

  it('no rates = rate 1 everywhere; per-layer rates apply per layer', () => {
    expect(estimateTotals(p, hw, createTotals())).toEqual(at(1));
    const mixed = estimateTotals(p, hw, createTotals(), Float64Array.from([1, 0, 1]));
    // layer 1 (16 cycles, k = 1) loses its crossbar + ADC energy only
    expect(at(1).energyUJ - mixed.energyUJ).toBeCloseTo((5 * 16 * (E_XBAR_TAP + E_ADC)) / 1e6, 13);
    expect(mixed.areaMm2).toBe(at(1).areaMm2);
    expect(mixed.latencyMs).toBe(at(1).latencyMs);
  });

  it('rejects too few rates and rates outside [0, 1]', () => {
    expect(() => estimateTotals(p, hw, createTotals(), new Float64Array(2))).toThrow(RangeError);
    expect(() => buildReport(SMALL, hw, { inputRates: [1, 1.5, 1] })).toThrow('input_rates[1]: 1.5 is outside [0, 1]');
    expect(() => buildReport(SMALL, hw, { inputRates: [1, 1] })).toThrow('input_rates: has 2 rates but the network has 3 layers');
  });
});

describe('linearity in T, both modes', () => {
  for (const mode of ['neuronas', 'spikesim'] as const) {
    it(`${mode}: energy and latency double exactly from T=5 to T=10; area, memory unchanged`, () => {
      const p = prepareLayers(layerList(parseGenome('c32-h256-t4-w8-i32x3-331203')));
      const a = estimateTotals(p, compileHardware(resolveHardware({ mode, timesteps: 5 })), createTotals());
      const b = estimateTotals(p, compileHardware(resolveHardware({ mode, timesteps: 10 })), createTotals());
      expect(b.energyUJ).toBe(2 * a.energyUJ);
      expect(b.latencyMs).toBe(2 * a.latencyMs);
      expect(b.areaMm2).toBe(a.areaMm2);
      expect(b.memoryBits).toBe(a.memoryBits);
      expect(b.tiles).toBe(a.tiles);
    });
  }
});

describe('architectures', () => {
  it("the architecture's timesteps and weight bits override the hardware's", () => {
    const arch = parseGenome('c16-h128-t3-w4-301203');
    const hw = neuronas({ timesteps: 5, weight_bits: 8 });
    const t = estimateArchitecture(arch, hw, createTotals());
    const expected = estimateTotals(prepareLayers(layerList(arch)), neuronas({ timesteps: 3, weight_bits: 4 }), createTotals());
    expect(t).toEqual(expected);
    const r = buildArchitectureReport(arch, hw);
    expect(r.hardware.timesteps).toBe(3);
    expect(r.hardware.weight_bits).toBe(4);
    expect(r.notes.some((n) => n.includes('come from the architecture'))).toBe(true);
  });

  it('report totals equal estimateArchitecture and estimateTotalsWith, both modes, many architectures', () => {
    const archs = sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, weightBits: [4, 8, 16] }, 40, 7);
    for (const mode of ['neuronas', 'spikesim'] as const) {
      const hw = compileHardware(resolveHardware({ mode }));
      for (const a of archs) {
        const fast = estimateArchitecture(a, hw, createTotals());
        const r = buildArchitectureReport(a, hw);
        expect([r.tiles, r.pes, r.crossbars, r.params, r.memory_bits, r.area_mm2, r.energy_uJ, r.latency_ms]).toEqual([
          fast.tiles, fast.pes, fast.crossbars, fast.params, fast.memoryBits, fast.areaMm2, fast.energyUJ, fast.latencyMs,
        ]);
        const with_ = estimateTotalsWith(prepareLayers(layerList(a)), hw, a.timesteps, a.weightBits, createTotals());
        expect(with_).toEqual(fast);
        // breakdowns add up to the totals
        const e = Object.values(r.breakdown.energy_uJ).reduce((s, v) => s + v, 0);
        const ar = Object.values(r.breakdown.area_mm2).reduce((s, v) => s + v, 0);
        expect(e / r.energy_uJ).toBeCloseTo(1, 12);
        expect(ar / r.area_mm2).toBeCloseTo(1, 12);
        expect(r.layers.reduce((s, l) => s + l.energy_uJ, 0) / r.energy_uJ).toBeCloseTo(1, 12);
      }
    }
  });

  it('report totals equal fast totals with measured rates', () => {
    const layers = layerList(DEFAULT_ARCHITECTURE);
    const rates = layers.map((_, i) => (i % 3) / 4 + 0.1);
    const hw = neuronas();
    const r = buildReport(layers, hw, { inputRates: rates, timesteps: 4 });
    const t = estimateTotalsWith(prepareLayers(layers), hw, 4, 8, createTotals(), Float64Array.from(rates));
    expect([r.energy_uJ, r.area_mm2, r.latency_ms, r.tiles]).toEqual([t.energyUJ, t.areaMm2, t.latencyMs, t.tiles]);
    expect(r.layers.map((l) => l.input_rate)).toEqual(rates);
  });

  it('prepareArchitectureInto packs exactly what layerList gives, forward and backward cells, growing a small target', () => {
    const archs = [
      ...sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, ops: ['zero', 'skip', 'conv1x1', 'conv3x3', 'avgpool3x3'] }, 60, 3),
      ...sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, cellType: 'backward' }, 60, 4),
    ];
    const rows = (p: PreparedLayers) => (['cin', 'cout', 'k2', 'hout2', 'cinHin2', 'coutHout2', 'weights'] as const).map((k) => Array.from(p[k].subarray(0, p.n)));
    let target: PreparedLayers | null = prepareLayers(SMALL); // room for 3 rows: the first architecture grows it
    let most = 0;
    for (const a of archs) {
      const reference = prepareLayers(layerList(a));
      target = prepareArchitectureInto(a, target);
      expect(target.n).toBe(reference.n);
      expect(rows(target)).toEqual(rows(reference));
      most = Math.max(most, reference.n);
    }
    expect(most).toBeGreaterThan(12); // backward cells add edges: the growth was exercised past one doubling
    // Reused once large enough.
    expect(prepareArchitectureInto(archs[0], target)).toBe(target);
  });

  it('prepareLayersInto reuses and grows its buffer', () => {
    const small = prepareLayers(SMALL);
    const same = prepareLayersInto(SMALL.slice(0, 2), small);
    expect(same).toBe(small);
    expect(same.n).toBe(2);
    const grown = prepareLayersInto([...SMALL, ...SMALL], small);
    expect(grown).not.toBe(small);
    expect(grown.n).toBe(6);
  });
});
