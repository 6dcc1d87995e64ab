/**
 * The detailed cost report, built only when asked (CLI, UI detail views):
 * per-layer figures, per-component breakdown in NeuroSim's vocabulary, KPIs,
 * utilisation, memory footprint and notes. Its totals are computed by
 * `estimateTotalsWith` itself, so they equal the fast path's exactly; the
 * per-layer and per-component figures add up to them up to rounding.
 *
 * Key names are the JSON output format (snake_case).
 */
import type { Layer } from '../layers.ts';
import { layerList, type Architecture } from '../arch/architecture.ts';
import { hardwareJson, type CostMode, type HardwareConfig, type HardwareJson } from './hardware.ts';
import { columnsPerChannel, compileHardware, createTotals, estimateTotalsWith, prepareLayers, type CompiledHardware } from './estimator.ts';
import { validateInputRates } from './validate.ts';

/** Energy (µJ) or area (mm²) by component, NeuroSim's vocabulary. */
export interface ComponentBreakdown {
  crossbar_array: number;
  adc: number;
  multiplexers: number;
  /** shift/subtract accumulation */
  accumulation: number;
  /** energy: temp buffer, tile buffer, memory fetch; area: temp and tile buffers, input buffers */
  buffers: number;
  /** H-tree */
  interconnect: number;
  /** energy: LIF updates; area: membrane storage */
  neurons: number;
}

export const COMPONENTS: readonly (keyof ComponentBreakdown)[] = Object.freeze([
  'crossbar_array',
  'adc',
  'multiplexers',
  'accumulation',
  'buffers',
  'interconnect',
  'neurons',
]);

export interface LayerReport {
  index: number;
  name: string;
  kind: Layer['kind'];
  cin: number;
  cout: number;
  k: number;
  hin: number;
  hout: number;
  /** k²·Cin·Cout */
  weights: number;
  /** crossbar columns: Cout·ceil(w/c)·s (neuronas) or Cout (spikesim) */
  columns: number;
  /** ceil(Cin/X) */
  row_blocks: number;
  /** ceil(columns/X) */
  col_blocks: number;
  /** crossbars holding this layer's weights */
  crossbars_used: number;
  /** crossbars allocated (PEs · k_hw²) */
  crossbars: number;
  pes: number;
  /** PE cycles per timestep */
  cycles: number;
  cells_used: number;
  cells_allocated: number;
  /** cells_used / cells_allocated */
  utilisation: number;
  /** input spike rate the energy used (1 when none was given; always 1 in spikesim mode) */
  input_rate: number;
  /** synaptic operations per inference: k²·Cin·Cout·hout²·T·rate */
  synaptic_ops: number;
  energy_uJ: number;
  energy_share: number;
  /** this layer's term of the pipelined latency */
  latency_ms: number;
  latency_share: number;
  /** tile area in proportion to the layer's PEs + its input buffer (+ membranes where counted) */
  area_mm2: number;
  area_share: number;
  /** neuron membranes counted in area (false past the fifth layer in spikesim mode) */
  membranes_in_area: boolean;
  /** energy_uJ by component; the components add up to energy_uJ, and over layers to breakdown.energy_uJ */
  energy_breakdown_uJ: ComponentBreakdown;
  /** area_mm2 by component: the tile components in proportion to PEs, plus the layer's own buffers and membranes */
  area_breakdown_mm2: ComponentBreakdown;
}

export interface CostKpis {
  energy_per_inference_uJ: number;
  latency_ms: number;
  /** energy-delay product, µJ·ms */
  edp_uJ_ms: number;
  /** energy-delay product, J·s */
  edp_J_s: number;
  synaptic_ops: number;
  /** 2 · synaptic ops / energy (J) / 1e12; null when the energy is 0 */
  tops_per_w: number | null;
  inferences_per_s: number;
}

export interface CostReport {
  mode: CostMode;
  tiles: number;
  pes: number;
  crossbars: number;
  params: number;
  memory_bits: number;
  memory_bytes: number;
  area_mm2: number;
  energy_uJ: number;
  latency_ms: number;
  /** cells holding a weight / cells allocated, whole network */
  utilisation: number;
  memory: { weight_bits: number; membrane_bits: number; total_bits: number; total_bytes: number };
  layers: LayerReport[];
  breakdown: { energy_uJ: ComponentBreakdown; area_mm2: ComponentBreakdown };
  kpis: CostKpis;
  /** the resolved hardware actually used (with an architecture's timesteps and weight bits applied), keyed as files spell it */
  hardware: HardwareJson;
  notes: string[];
}

export interface ReportOptions {
  /** input spike rate per layer, in [0, 1] (mode neuronas) */
  inputRates?: ArrayLike<number>;
  /** override the hardware's timesteps (an architecture's own) */
  timesteps?: number;
  /** override the hardware's weight bits (an architecture's own) */
  weightBits?: number;
  /** extra notes to append */
  notes?: readonly string[];
}

export const NOTE_NO_RATES = 'activity assumed 1 (worst case): no input spike-rate measurement was given';

function zeroBreakdown(): ComponentBreakdown {
  return { crossbar_array: 0, adc: 0, multiplexers: 0, accumulation: 0, buffers: 0, interconnect: 0, neurons: 0 };
}

/** Detailed report of a (valid) layer list. Throws CostInputError on bad hardware or rates. */
export function buildReport(layers: readonly Layer[], hardware: HardwareConfig | CompiledHardware, options: ReportOptions = {}): CostReport {
  const c = 'eCycle' in hardware ? hardware : compileHardware(hardware);
  const h = c.hw;
  const T = options.timesteps ?? c.timesteps;
  const w = options.weightBits ?? c.weightBits;
  const n = layers.length;
  const notes: string[] = [];
  let rates: Float64Array | undefined;
  if (options.inputRates !== undefined) {
    rates = validateInputRates(Array.from(options.inputRates), n);
    if (c.spikesim) {
      notes.push('input_rates ignored: spikesim mode does not scale energy with activity');
      rates = undefined;
    }
  } else if (!c.spikesim) {
    notes.push(NOTE_NO_RATES);
  }

  const totals = estimateTotalsWith(prepareLayers(layers), c, T, w, createTotals(), rates);

  const X = c.xbar;
  const g = c.groups;
  const slices = columnsPerChannel(c, w);
  const eScale = T / 1e6; // pJ per timestep → µJ per inference
  const energy = zeroBreakdown();
  const layerReports: LayerReport[] = [];
  let cellsUsed = 0;
  let cellsAllocated = 0;
  let sops = 0;
  let weightCount = 0;
  let neuronCount = 0;
  let inputsTotal = 0;
  let membranesArea = 0;
  const mismatched: string[] = [];
  for (let i = 0; i < n; i++) {
    const l = layers[i];
    const name = l.name ?? `layer${i}`;
    const k2 = l.k * l.k;
    const weights = k2 * l.cin * l.cout;
    const columns = l.cout * slices;
    const rowBlocks = Math.ceil(l.cin / X);
    const colBlocks = Math.ceil(columns / X);
    const hout2 = l.hout * l.hout;
    const cycles = rowBlocks * colBlocks * hout2;
    const r = rates === undefined ? 1 : rates[i];
    let pes: number;
    let used: number;
    let cellsL: number;
    let eLayer: number; // pJ per timestep
    let xbarTap: number; // crossbar reads per cycle charged
    if (c.spikesim) {
      pes = rowBlocks * colBlocks;
      used = Math.min(k2, c.kHw2) * rowBlocks * colBlocks;
      cellsL = Math.min(k2, c.kHw2) * l.cin * l.cout;
      eLayer = cycles * c.eCycle;
      xbarTap = c.kHw2;
      if (k2 !== c.kHw2) mismatched.push(name);
    } else {
      used = k2 * rowBlocks * colBlocks;
      pes = Math.ceil(used / c.kHw2);
      cellsL = weights * slices;
      eLayer = cycles * (c.eFixed + r * (c.eXbarTap * k2 + c.eAdc));
      xbarTap = k2;
    }
    const crossbars = pes * c.kHw2;
    const allocated = crossbars * X * X;
    cellsUsed += cellsL;
    cellsAllocated += allocated;
    const layerEnergy: ComponentBreakdown = {
      crossbar_array: cycles * r * g * xbarTap * c.eXbarRead * eScale,
      adc: cycles * r * g * g * h.eAdcPj * eScale,
      multiplexers: cycles * g * g * h.eMuxPj * eScale,
      accumulation: cycles * g * h.subOpsPerAdc * h.eSubPj * eScale,
      buffers: cycles * (g * h.eTempBufferPj + h.eTileBufferPj + h.eMemFetchPj) * eScale,
      interconnect: cycles * h.eHtreePj * eScale,
      neurons: cycles * h.eNeuronPj * eScale,
    };
    for (const k of COMPONENTS) energy[k] += layerEnergy[k];
    const nOut = l.cout * hout2;
    const steps = i === n - 1 ? nOut : Math.floor(c.pipelineFraction * nOut);
    const inMembraneArea = i < c.membraneLayers;
    const layerSops = weights * hout2 * T * r;
    sops += layerSops;
    weightCount += weights;
    neuronCount += nOut;
    inputsTotal += l.cin * l.hin * l.hin;
    if (inMembraneArea) membranesArea += nOut;
    layerReports.push({
      index: i,
      name,
      kind: l.kind,
      cin: l.cin,
      cout: l.cout,
      k: l.k,
      hin: l.hin,
      hout: l.hout,
      weights,
      columns,
      row_blocks: rowBlocks,
      col_blocks: colBlocks,
      crossbars_used: used,
      crossbars,
      pes,
      cycles,
      cells_used: cellsL,
      cells_allocated: allocated,
      utilisation: cellsL / allocated,
      input_rate: r,
      synaptic_ops: layerSops,
      energy_uJ: eLayer * eScale,
      energy_share: 0,
      latency_ms: (c.peCycleNs * steps * T) / 1e6,
      latency_share: 0,
      area_mm2: (l.cin * l.hin * l.hin + (inMembraneArea ? nOut : 0)) * c.aCell / 1e6, // tile share added below
      area_share: 0,
      membranes_in_area: inMembraneArea,
      energy_breakdown_uJ: layerEnergy,
      area_breakdown_mm2: {
        ...zeroBreakdown(),
        buffers: (c.aCell * l.cin * l.hin * l.hin) / 1e6,
        neurons: inMembraneArea ? (c.aCell * nOut) / 1e6 : 0,
      },
    });
  }

  const tiles = totals.tiles;
  const P = c.pesPerTile;
  const area: ComponentBreakdown = {
    crossbar_array: (tiles * P * c.kHw2 * c.aXbar) / 1e6,
    adc: (tiles * P * g * h.aAdcUm2) / 1e6,
    multiplexers: (tiles * P * g * h.aMuxUm2) / 1e6,
    accumulation: (tiles * g * h.aSubUm2) / 1e6,
    buffers: (tiles * (h.aTempBufferUm2 + h.aTileBufferUm2) + c.aCell * inputsTotal) / 1e6,
    interconnect: (tiles * h.aHtreeUm2) / 1e6,
    neurons: (c.aCell * membranesArea) / 1e6,
  };
  const tileAreaMm2 = (tiles * c.aTile) / 1e6;
  let latencySum = 0;
  for (const lr of layerReports) latencySum += lr.latency_ms;
  // The tile components of the area (everything but input buffers and membranes), split over layers by PEs.
  const tileArea: ComponentBreakdown = { ...area, buffers: (tiles * (h.aTempBufferUm2 + h.aTileBufferUm2)) / 1e6, neurons: 0 };
  for (const lr of layerReports) {
    const peShare = totals.pes > 0 ? lr.pes / totals.pes : 0;
    for (const k of COMPONENTS) lr.area_breakdown_mm2[k] += tileArea[k] * peShare;
    lr.area_mm2 += totals.pes > 0 ? (tileAreaMm2 * lr.pes) / totals.pes : 0;
    lr.area_share = lr.area_mm2 / totals.areaMm2;
    lr.energy_share = totals.energyUJ > 0 ? lr.energy_uJ / totals.energyUJ : 0;
    lr.latency_share = latencySum > 0 ? lr.latency_ms / latencySum : 0;
  }

  if (c.spikesim && n > c.membraneLayers) {
    notes.push(`spikesim mode: neuron membranes of the first ${c.membraneLayers} layers only count toward area (SpikeSim's convention)`);
  }
  if (mismatched.length > 0) {
    const kk = Math.round(Math.sqrt(c.kHw2));
    notes.push(
      `spikesim mode maps every layer onto PEs of ${kk}×${kk} crossbars and charges ${c.kHw2} crossbar reads per cycle; these layers have another kernel size: ${mismatched.join(', ')}`,
    );
  }
  if (X !== h.xbarRef) {
    notes.push(
      c.spikesim
        ? `spikesim mode keeps the per-crossbar read energy and area of ${h.xbarRef}×${h.xbarRef} crossbars for xbar = ${X}, as SpikeSim does`
        : `crossbar read energy and crossbar area scaled by (${X}/${h.xbarRef})² = ${(X / h.xbarRef) ** 2} from the preset's ${h.xbarRef}×${h.xbarRef} values`,
    );
  }
  notes.push('per-layer area: shared tile area is split in proportion to PEs, plus the layer\'s own input buffer and membranes');

  const energyJ = totals.energyUJ * 1e-6;
  const topsPerW = energyJ > 0 ? (2 * sops) / energyJ / 1e12 : null;
  if (topsPerW === null) notes.push('TOPS/W undefined: the energy is 0');
  const weightBitsTotal = weightCount * w;
  const membraneBitsTotal = neuronCount * c.membraneBits;

  for (const extra of options.notes ?? []) notes.push(extra);

  return {
    mode: h.mode,
    tiles: totals.tiles,
    pes: totals.pes,
    crossbars: totals.crossbars,
    params: totals.params,
    memory_bits: totals.memoryBits,
    memory_bytes: Math.ceil(totals.memoryBits / 8),
    area_mm2: totals.areaMm2,
    energy_uJ: totals.energyUJ,
    latency_ms: totals.latencyMs,
    utilisation: cellsAllocated > 0 ? cellsUsed / cellsAllocated : 0,
    memory: {
      weight_bits: weightBitsTotal,
      membrane_bits: membraneBitsTotal,
      total_bits: totals.memoryBits,
      total_bytes: Math.ceil(totals.memoryBits / 8),
    },
    layers: layerReports,
    breakdown: { energy_uJ: energy, area_mm2: area },
    kpis: {
      energy_per_inference_uJ: totals.energyUJ,
      latency_ms: totals.latencyMs,
      edp_uJ_ms: totals.energyUJ * totals.latencyMs,
      edp_J_s: energyJ * totals.latencyMs * 1e-3,
      synaptic_ops: sops,
      tops_per_w: topsPerW,
      inferences_per_s: totals.latencyMs > 0 ? 1000 / totals.latencyMs : 0,
    },
    hardware: hardwareJson({ ...h, timesteps: T, weightBits: w }),
    notes,
  };
}

/**
 * Detailed report of an architecture: its `layerList`, with its own
 * timesteps and weight bits overriding the hardware's (totals equal
 * `estimateArchitecture`'s).
 */
export function buildArchitectureReport(arch: Architecture, hardware: HardwareConfig | CompiledHardware, options: Omit<ReportOptions, 'timesteps' | 'weightBits'> = {}): CostReport {
  const c = 'eCycle' in hardware ? hardware : compileHardware(hardware);
  const notes = [...(options.notes ?? [])];
  if (arch.timesteps !== c.timesteps || arch.weightBits !== c.weightBits) {
    notes.push(`timesteps (${arch.timesteps}) and weight_bits (${arch.weightBits}) come from the architecture, overriding the hardware's (${c.timesteps}, ${c.weightBits})`);
  }
  return buildReport(layerList(arch), c, { ...options, timesteps: arch.timesteps, weightBits: arch.weightBits, notes });
}
