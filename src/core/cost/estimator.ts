/**
 * The crossbar-mapping cost estimator: totals only, allocation-free.
 *
 * Pure compute (no DOM, React or tfjs): runs in Node, web workers and tests.
 * Usage on the hot path:
 *
 *   const chw = compileHardware(resolveHardware(json));   // once per hardware
 *   const prepared = prepareLayers(layers);                // once per network
 *   const out = createTotals();                            // once
 *   estimateTotals(prepared, chw, out);                    // millions of times per second
 *
 * The formulas are those of /work/shared/docs/cost-model.md:
 *
 * mode `spikesim` (SpikeSim ELA, exactly): PE_l = ceil(Cin/X)·ceil(Cout/X),
 * a PE has k_hw² crossbars (one hardware kernel size for every layer),
 * tiles = ceil(ΣPE/P), E = T·E_cycle·Σ cycles_l, A = tiles·A_tile + input
 * buffers of every layer + membranes of the first five layers,
 * L = PE_cycle·T·(Σ_{l<last} floor(0.75·Cout_l·hout_l²) + Cout_last·hout_last²).
 *
 * mode `neuronas` (the studio's default): columns = Cout·ceil(w/c)·s
 * (s = 2 for differential signed weights), crossbars used =
 * k_l²·ceil(Cin/X)·ceil(cols/X), PE_l = ceil(used / k_hw²), cycles_l =
 * ceil(cols/X)·ceil(Cin/X)·hout², per-cycle energy with the layer's own k_l²
 * crossbar reads and crossbar + ADC energy scaled by the input spike rate
 * r_l; membranes of every layer.
 *
 * Units out: mm², µJ, ms (internally µm², pJ, ns).
 */
import type { Layer } from '../layers.ts';
import { walkLayers, type Architecture, type LayerSink } from '../arch/architecture.ts';
import { SPIKESIM_MEMBRANE_LAYERS, validateHardware, type HardwareConfig } from './hardware.ts';

/** Totals of one network: everything a constraint check needs. */
export interface CostTotals {
  tiles: number;
  /** PEs used: Σ_l PE_l */
  pes: number;
  /** crossbars allocated: ΣPE_l · k_hw² */
  crossbars: number;
  /** weight count Σ k²·Cin·Cout (NeuroNAS's "parameters") */
  params: number;
  /** weights·weightBits + Σ Cout·hout²·membraneBits */
  memoryBits: number;
  areaMm2: number;
  /** energy of one inference (T timesteps), µJ */
  energyUJ: number;
  /** latency of one inference, ms */
  latencyMs: number;
}

export function createTotals(): CostTotals {
  return { tiles: 0, pes: 0, crossbars: 0, params: 0, memoryBits: 0, areaMm2: 0, energyUJ: 0, latencyMs: 0 };
}

/**
 * A layer list packed into typed arrays (struct of arrays) with the
 * hardware-independent products precomputed. `n` layers are valid; the
 * arrays may be longer (capacity) when reused through `prepareLayersInto`.
 */
export interface PreparedLayers {
  n: number;
  cin: Float64Array;
  cout: Float64Array;
  /** k² */
  k2: Float64Array;
  /** hout² */
  hout2: Float64Array;
  /** Cin·hin²: input activations buffered */
  cinHin2: Float64Array;
  /** Cout·hout²: neurons (membranes, outputs) */
  coutHout2: Float64Array;
  /** k²·Cin·Cout */
  weights: Float64Array;
}

function allocPrepared(capacity: number): PreparedLayers {
  return {
    n: 0,
    cin: new Float64Array(capacity),
    cout: new Float64Array(capacity),
    k2: new Float64Array(capacity),
    hout2: new Float64Array(capacity),
    cinHin2: new Float64Array(capacity),
    coutHout2: new Float64Array(capacity),
    weights: new Float64Array(capacity),
  };
}

/**
 * Packs `layers` into `target` when it has room, else into a new, larger
 * PreparedLayers; returns the one written. Layers must be valid (see
 * validate.ts); nothing is checked here.
 */
export function prepareLayersInto(layers: readonly Layer[], target: PreparedLayers | null): PreparedLayers {
  const n = layers.length;
  const p = target !== null && target.cin.length >= n ? target : allocPrepared(Math.max(n, target ? target.cin.length * 2 : n));
  for (let i = 0; i < n; i++) {
    const l = layers[i];
    writeRow(p, i, l.cin, l.cout, l.k, l.hin, l.hout);
  }
  p.n = n;
  return p;
}

function writeRow(p: PreparedLayers, i: number, cin: number, cout: number, k: number, hin: number, hout: number): void {
  const k2 = k * k;
  const hout2 = hout * hout;
  p.cin[i] = cin;
  p.cout[i] = cout;
  p.k2[i] = k2;
  p.hout2[i] = hout2;
  p.cinHin2[i] = cin * hin * hin;
  p.coutHout2[i] = cout * hout2;
  p.weights[i] = k2 * cin * cout;
}

/** The PreparedLayers `appendRow` writes to (a module slot, so the walk's sink is one function made once). */
let packing: PreparedLayers = allocPrepared(32);

const appendRow: LayerSink = (_kind, cin, cout, k, hin, hout) => {
  let p = packing;
  if (p.n === p.cin.length) {
    const grown = allocPrepared(2 * p.cin.length);
    for (const key of PREPARED_ARRAYS) grown[key].set(p[key]);
    grown.n = p.n;
    p = packing = grown;
  }
  writeRow(p, p.n++, cin, cout, k, hin, hout);
};

const PREPARED_ARRAYS = ['cin', 'cout', 'k2', 'hout2', 'cinHin2', 'coutHout2', 'weights'] as const;

/**
 * `prepareLayersInto(layerList(arch), target)` without the layer list: the
 * walk's rows go straight into the typed arrays, so costing an architecture
 * allocates nothing once `target` is large enough.
 */
export function prepareArchitectureInto(arch: Architecture, target: PreparedLayers | null): PreparedLayers {
  packing = target ?? allocPrepared(32);
  packing.n = 0;
  walkLayers(arch, appendRow);
  return packing;
}

/** Packs a (valid) layer list into typed arrays for `estimateTotals`. */
export function prepareLayers(layers: readonly Layer[]): PreparedLayers {
  return prepareLayersInto(layers, allocPrepared(layers.length));
}

/** Per-hardware constants, computed once so the per-layer loop is a few multiplies. */
export interface CompiledHardware {
  readonly hw: Readonly<HardwareConfig>;
  readonly spikesim: boolean;
  /** X */
  readonly xbar: number;
  /** k_hw²: crossbars per PE */
  readonly kHw2: number;
  /** P */
  readonly pesPerTile: number;
  readonly timesteps: number;
  readonly weightBits: number;
  readonly cellBits: number;
  /** 1 (offset) or 2 (differential) */
  readonly signedFactor: number;
  /** crossbar columns per output channel for the hardware's weight bits (1 in spikesim mode) */
  readonly slices: number;
  /** ADC groups per crossbar: X / colsPerAdc (SpikeSim's X/8) */
  readonly groups: number;
  /** spikesim: energy per PE cycle E_cycle, pJ */
  readonly eCycle: number;
  /** neuronas: activity-independent energy per PE cycle (H-tree, memory fetch, neuron, MUX, subtractor, buffers), pJ */
  readonly eFixed: number;
  /** neuronas: crossbar-read energy per PE cycle per kernel tap at rate 1: groups·e_xbar, pJ */
  readonly eXbarTap: number;
  /** neuronas: ADC energy per PE cycle at rate 1: groups²·e_adc, pJ */
  readonly eAdc: number;
  /** energy of one crossbar read at this crossbar size, pJ */
  readonly eXbarRead: number;
  /** area of one crossbar at this crossbar size, µm² */
  readonly aXbar: number;
  /** area of one PE, µm² */
  readonly aPe: number;
  /** area of one tile, µm² */
  readonly aTile: number;
  /** area of one stored activation or membrane, µm² */
  readonly aCell: number;
  /** PE cycle, ns */
  readonly peCycleNs: number;
  readonly pipelineFraction: number;
  readonly membraneBits: number;
  /** layers whose membranes occupy area: 5 in spikesim mode, all in neuronas mode */
  readonly membraneLayers: number;
}

/** Crossbar columns one output channel takes at `weightBits` (1 in spikesim mode). */
export function columnsPerChannel(c: CompiledHardware, weightBits: number): number {
  return c.spikesim ? 1 : Math.ceil(weightBits / c.cellBits) * c.signedFactor;
}

/** Validates `hw` (throws CostInputError) and precomputes its constants. */
export function compileHardware(hw: HardwareConfig): CompiledHardware {
  const h = Object.freeze(validateHardware(hw));
  const X = h.xbar;
  const k2 = h.kernel * h.kernel;
  const g = X / h.colsPerAdc;
  const spikesim = h.mode === 'spikesim';
  // SpikeSim's per-crossbar constants are for one size (64×64) and it never
  // rescales them; the extended mode scales them with the cell count.
  const xbarScale = spikesim ? 1 : (X / h.xbarRef) ** 2;
  const eXbarRead = h.eXbarReadPj * xbarScale;
  const aXbar = h.aXbarUm2 * xbarScale;
  // SpikeSim, in its own order of operations:
  //   PE_ar = k*k*xbar_ar + (xbar_size/8)*(ADC+MUX)
  //   PE_cycle_energy = Htree + mem_fetch + neuron + xbar_size/8*PE_ar + (xbar_size/8)*16*Sub + (xbar_size/8)*Temp_Buff + Tile_buff
  const ePe = k2 * eXbarRead + g * (h.eAdcPj + h.eMuxPj);
  const eCycle = h.eHtreePj + h.eMemFetchPj + h.eNeuronPj + g * ePe + g * h.subOpsPerAdc * h.eSubPj + g * h.eTempBufferPj + h.eTileBufferPj;
  const eFixed = h.eHtreePj + h.eMemFetchPj + h.eNeuronPj + g * g * h.eMuxPj + g * h.subOpsPerAdc * h.eSubPj + g * h.eTempBufferPj + h.eTileBufferPj;
  //   PE_ar = k*k*xbar_ar + (xbar_size/8)*(ADC+MUX)
  //   Tile_ar_ov = (xbar_size/8)*Sub + Temp_Buff + Tile_buff + pe_per_tile*PE_ar + Htree
  const aPe = k2 * aXbar + g * (h.aAdcUm2 + h.aMuxUm2);
  const aTile = g * h.aSubUm2 + h.aTempBufferUm2 + h.aTileBufferUm2 + h.pesPerTile * aPe + h.aHtreeUm2;
  const signedFactor = h.signedScheme === 'differential' ? 2 : 1;
  const compiled: CompiledHardware = {
    hw: h,
    spikesim,
    xbar: X,
    kHw2: k2,
    pesPerTile: h.pesPerTile,
    timesteps: h.timesteps,
    weightBits: h.weightBits,
    cellBits: h.cellBits,
    signedFactor,
    slices: spikesim ? 1 : Math.ceil(h.weightBits / h.cellBits) * signedFactor,
    groups: g,
    eCycle,
    eFixed,
    eXbarTap: g * eXbarRead,
    eXbarRead,
    aXbar,
    eAdc: g * g * h.eAdcPj,
    aPe,
    aTile,
    aCell: h.aBufferCellUm2,
    peCycleNs: (h.peCycleClocks * 1000) / h.clockMhz,
    pipelineFraction: h.pipelineFraction,
    membraneBits: h.membraneBits,
    membraneLayers: spikesim ? SPIKESIM_MEMBRANE_LAYERS : Number.MAX_SAFE_INTEGER,
  };
  return Object.freeze(compiled);
}

function totalsSpikesim(p: PreparedLayers, c: CompiledHardware, T: number, weightBits: number, out: CostTotals): CostTotals {
  const X = c.xbar;
  const f = c.pipelineFraction;
  const n = p.n;
  const last = n - 1;
  const { cin, cout, hout2, cinHin2, coutHout2, weights } = p;
  let pes = 0;
  let cycles = 0;
  let steps = 0;
  let params = 0;
  let inputs = 0;
  let neurons = 0;
  let membranesArea = 0;
  for (let i = 0; i < n; i++) {
    const pe = Math.ceil(cin[i] / X) * Math.ceil(cout[i] / X);
    pes += pe;
    cycles += pe * hout2[i];
    const nOut = coutHout2[i];
    steps += i === last ? nOut : Math.floor(f * nOut);
    neurons += nOut;
    if (i < SPIKESIM_MEMBRANE_LAYERS) membranesArea += nOut;
    inputs += cinHin2[i];
    params += weights[i];
  }
  const tiles = Math.ceil(pes / c.pesPerTile);
  out.tiles = tiles;
  out.pes = pes;
  out.crossbars = pes * c.kHw2;
  out.params = params;
  out.memoryBits = params * weightBits + neurons * c.membraneBits;
  out.areaMm2 = (tiles * c.aTile + c.aCell * (inputs + membranesArea)) / 1e6;
  out.energyUJ = (c.eCycle * cycles * T) / 1e6;
  out.latencyMs = (c.peCycleNs * steps * T) / 1e6;
  return out;
}

function totalsNeuronas(p: PreparedLayers, c: CompiledHardware, T: number, weightBits: number, slices: number, out: CostTotals, rates: Float64Array | undefined): CostTotals {
  const X = c.xbar;
  const kHw2 = c.kHw2;
  const f = c.pipelineFraction;
  const eFixed = c.eFixed;
  const eXbarTap = c.eXbarTap;
  const eAdc = c.eAdc;
  const n = p.n;
  const last = n - 1;
  const { cin, cout, k2, hout2, cinHin2, coutHout2, weights } = p;
  let pes = 0;
  let ePerStep = 0;
  let steps = 0;
  let params = 0;
  let inputs = 0;
  let neurons = 0;
  for (let i = 0; i < n; i++) {
    const rowBlocks = Math.ceil(cin[i] / X);
    const colBlocks = Math.ceil((cout[i] * slices) / X);
    const kk = k2[i];
    pes += Math.ceil((kk * rowBlocks * colBlocks) / kHw2);
    const r = rates === undefined ? 1 : rates[i];
    ePerStep += rowBlocks * colBlocks * hout2[i] * (eFixed + r * (eXbarTap * kk + eAdc));
    const nOut = coutHout2[i];
    steps += i === last ? nOut : Math.floor(f * nOut);
    neurons += nOut;
    inputs += cinHin2[i];
    params += weights[i];
  }
  const tiles = Math.ceil(pes / c.pesPerTile);
  out.tiles = tiles;
  out.pes = pes;
  out.crossbars = pes * kHw2;
  out.params = params;
  out.memoryBits = params * weightBits + neurons * c.membraneBits;
  out.areaMm2 = (tiles * c.aTile + c.aCell * (inputs + neurons)) / 1e6;
  out.energyUJ = (ePerStep * T) / 1e6;
  out.latencyMs = (c.peCycleNs * steps * T) / 1e6;
  return out;
}

function checkRates(p: PreparedLayers, rates: Float64Array | undefined): void {
  if (rates !== undefined && rates.length < p.n) throw new RangeError(`input rates: ${rates.length} given for ${p.n} layers`);
}

/**
 * Totals of a prepared network on compiled hardware, written into `out` (and
 * returned). No allocation. `inputRates[i]` ∈ [0, 1] is the input spike rate
 * of layer i (mode `neuronas` only; default 1, the worst case).
 */
export function estimateTotals(prepared: PreparedLayers, hw: CompiledHardware, out: CostTotals, inputRates?: Float64Array): CostTotals {
  if (hw.spikesim) return totalsSpikesim(prepared, hw, hw.timesteps, hw.weightBits, out);
  checkRates(prepared, inputRates);
  return totalsNeuronas(prepared, hw, hw.timesteps, hw.weightBits, hw.slices, out, inputRates);
}

/**
 * Like `estimateTotals` with timesteps and weight bits given explicitly
 * (an architecture's own T and w override the hardware's).
 */
export function estimateTotalsWith(prepared: PreparedLayers, hw: CompiledHardware, timesteps: number, weightBits: number, out: CostTotals, inputRates?: Float64Array): CostTotals {
  if (hw.spikesim) return totalsSpikesim(prepared, hw, timesteps, weightBits, out);
  checkRates(prepared, inputRates);
  return totalsNeuronas(prepared, hw, timesteps, weightBits, columnsPerChannel(hw, weightBits), out, inputRates);
}

let scratch: PreparedLayers | null = null;

/**
 * Totals of an architecture: its layer list (`layerList`) with the
 * architecture's own timesteps and weight bits overriding the hardware's.
 * Allocation-light: the layer list is built, the packing reuses a scratch
 * buffer.
 */
export function estimateArchitecture(arch: Architecture, hw: CompiledHardware, out: CostTotals, inputRates?: Float64Array): CostTotals {
  scratch = prepareArchitectureInto(arch, scratch);
  return estimateTotalsWith(scratch, hw, arch.timesteps, arch.weightBits, out, inputRates);
}

/** Convenience for non-hot callers: totals of a (valid) layer list. */
export function estimateLayers(layers: readonly Layer[], hw: HardwareConfig | CompiledHardware, inputRates?: ArrayLike<number>): CostTotals {
  const c = 'eCycle' in hw ? hw : compileHardware(hw);
  const rates = inputRates === undefined ? undefined : Float64Array.from(inputRates);
  return estimateTotals(prepareLayers(layers), c, createTotals(), rates);
}
