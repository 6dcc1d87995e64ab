/** The per-layer, per-component breakdown of the cost report adds up: by component to each layer, by layer to the network. */
import { describe, expect, it } from 'vitest';
import { parseGenome } from '../src/core/arch/genome.ts';
import { layerList } from '../src/core/arch/architecture.ts';
import { resolveHardware } from '../src/core/cost/hardware.ts';
import { COMPONENTS, buildArchitectureReport, type ComponentBreakdown } from '../src/core/cost/report.ts';

const sum = (b: ComponentBreakdown) => COMPONENTS.reduce((s, k) => s + b[k], 0);
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));

describe('per-layer component breakdown', () => {
  const cases: [string, string, Record<string, unknown>, number[] | undefined][] = [
    ['neuronas, rate 1', 'c16-h128-t4-w8-301203', {}, undefined],
    ['neuronas, measured rates, two cells, 1x1 convs', 'c24-h256-t6-w4-322303-302203', { xbar: 128, cell_bits: 1 }, [0.9, 0.2, 0.3, 0.1, 0.05, 0.4, 0.3, 0.2]],
    ['spikesim, seven layers', 'c32-h512-t5-w8-333333', { mode: 'spikesim' }, undefined],
    ['CIFAR scale', 'c256-h1024-t8-w8-i32x3-333333', {}, undefined],
  ];
  for (const [name, genome, hw, rates] of cases) {
    it(name, () => {
      const arch = parseGenome(genome);
      const layers = layerList(arch);
      const report = buildArchitectureReport(arch, resolveHardware(hw), rates ? { inputRates: layers.map((_, i) => rates[i % rates.length]) } : {});
      const energyByComponent = Object.fromEntries(COMPONENTS.map((k) => [k, 0])) as unknown as ComponentBreakdown;
      const areaByComponent = Object.fromEntries(COMPONENTS.map((k) => [k, 0])) as unknown as ComponentBreakdown;
      for (const l of report.layers) {
        close(sum(l.energy_breakdown_uJ), l.energy_uJ);
        close(sum(l.area_breakdown_mm2), l.area_mm2);
        for (const k of COMPONENTS) {
          expect(l.energy_breakdown_uJ[k]).toBeGreaterThanOrEqual(0);
          energyByComponent[k] += l.energy_breakdown_uJ[k];
          areaByComponent[k] += l.area_breakdown_mm2[k];
        }
      }
      for (const k of COMPONENTS) {
        close(energyByComponent[k], report.breakdown.energy_uJ[k]);
        close(areaByComponent[k], report.breakdown.area_mm2[k]);
      }
      close(sum(report.breakdown.energy_uJ), report.energy_uJ);
      close(sum(report.breakdown.area_mm2), report.area_mm2);
    });
  }
});
