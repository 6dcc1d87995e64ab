/**
 * Hardware configurations of the crossbar-mapping cost model, as data.
 *
 * A `HardwareConfig` is a flat record of named constants. Its keys are the
 * JSON names (snake_case) used in CLI input, reports and saved UI presets, so
 * there is one spelling everywhere. `HARDWARE_FIELDS` describes every field
 * (unit, help, valid range, source); the CLI's `--help` and the UI's preset
 * editor are generated from it, and `resolveHardware` validates against it.
 *
 * Sources: "SpikeSim ELA" is `ela_spikesim.py` of SpikeSim (Yale Intelligent
 * Computing Lab; 65 nm CMOS, RRAM crossbars), whose constants come from
 * DNN+NeuroSim. See /work/shared/docs/cost-model.md for the formulas.
 */
import { nullish, optional, pipe, safeParse, transform } from 'valibot';
import { describeValue } from './errors.ts';
import { num, obj, oneOf, parseOrThrow, type Schema } from '../files/schema.ts';

export { CostInputError } from './errors.ts';

/** `spikesim`: reproduce SpikeSim's ELA numbers. `neuronas`: the studio's extended model (default). */
export type CostMode = 'spikesim' | 'neuronas';
export const COST_MODES: readonly CostMode[] = Object.freeze(['neuronas', 'spikesim']);

/**
 * How signed weights are stored (mode `neuronas`).
 * `offset`: w + 2^(w−1) is stored (unsigned), the offset is removed digitally
 * by the subtractor; no extra cells. `differential`: a positive and a negative
 * column per weight slice; twice the columns.
 */
export type SignedScheme = 'offset' | 'differential';
export const SIGNED_SCHEMES: readonly SignedScheme[] = Object.freeze(['offset', 'differential']);

export interface HardwareConfig {
  /** name of the preset these constants started from (informational once resolved) */
  preset: string;
  mode: CostMode;

  // --- mapping -------------------------------------------------------------
  /** crossbar rows = columns, cells */
  xbar: number;
  /** hardware kernel size k: a PE holds k·k crossbars */
  kernel: number;
  pes_per_tile: number;
  /** columns sharing one ADC through a multiplexer */
  cols_per_adc: number;
  /** crossbar size at which the per-crossbar read energy and area were characterised */
  xbar_ref: number;

  // --- precision -----------------------------------------------------------
  weight_bits: number;
  cell_bits: number;
  signed_scheme: SignedScheme;
  membrane_bits: number;

  // --- timing --------------------------------------------------------------
  timesteps: number;
  clock_mhz: number;
  pe_cycle_clocks: number;
  pipeline_fraction: number;

  // --- energy per use, pJ --------------------------------------------------
  e_xbar_read_pj: number;
  e_adc_pj: number;
  e_mux_pj: number;
  e_sub_pj: number;
  sub_ops_per_adc: number;
  e_temp_buffer_pj: number;
  e_tile_buffer_pj: number;
  e_htree_pj: number;
  e_mem_fetch_pj: number;
  e_neuron_pj: number;

  // --- area, µm² -----------------------------------------------------------
  a_xbar_um2: number;
  a_adc_um2: number;
  a_mux_um2: number;
  a_sub_um2: number;
  a_temp_buffer_um2: number;
  a_tile_buffer_um2: number;
  a_htree_um2: number;
  a_buffer_cell_um2: number;
}

export type HardwareKey = keyof HardwareConfig;

/** SpikeSim counts neuron membranes of the first five layers only; mode `spikesim` keeps that. */
export const SPIKESIM_MEMBRANE_LAYERS = 5;

export const DEFAULT_PRESET = 'spikesim-65nm-rram';

const SPIKESIM = 'SpikeSim ELA (ela_spikesim.py), 65 nm RRAM';

/**
 * `spikesim-65nm-rram`: SpikeSim's ELA constants for RRAM crossbars at 65 nm.
 * The product forms (19.64 · 8, 0.7391 · 64 · 128, ...) are written as
 * SpikeSim writes them so they can be checked against the source.
 */
const SPIKESIM_65NM_RRAM: HardwareConfig = Object.freeze({
  preset: 'spikesim-65nm-rram',
  mode: 'neuronas',
  xbar: 64,
  kernel: 3,
  pes_per_tile: 8,
  cols_per_adc: 8,
  xbar_ref: 64,
  weight_bits: 8,
  cell_bits: 2,
  signed_scheme: 'offset',
  membrane_bits: 16,
  timesteps: 5,
  clock_mhz: 250,
  pe_cycle_clocks: 26,
  pipeline_fraction: 0.75,
  e_xbar_read_pj: 1.76423,
  e_adc_pj: 2.03084,
  e_mux_pj: 0.094245,
  e_sub_pj: 1.15e-6,
  sub_ops_per_adc: 16,
  e_temp_buffer_pj: 0.2,
  e_tile_buffer_pj: 397,
  e_htree_pj: 19.64 * 8,
  e_mem_fetch_pj: 4.64,
  e_neuron_pj: 1.274 * 4,
  a_xbar_um2: 26.2144,
  a_adc_um2: 693.633,
  a_mux_um2: 45.9,
  a_sub_um2: 13411.41498,
  a_temp_buffer_um2: 484.643999,
  a_tile_buffer_um2: 0.7391 * 64 * 128,
  a_htree_um2: 216830 * 2,
  a_buffer_cell_um2: 0.7391 * 22,
} satisfies HardwareConfig);

export const HARDWARE_PRESETS: Readonly<Record<string, HardwareConfig>> = Object.freeze({
  [SPIKESIM_65NM_RRAM.preset]: SPIKESIM_65NM_RRAM,
});

export const PRESET_NAMES: readonly string[] = Object.freeze(Object.keys(HARDWARE_PRESETS));

export const DEFAULT_HARDWARE: HardwareConfig = SPIKESIM_65NM_RRAM;

export type FieldGroup = 'model' | 'mapping' | 'precision' | 'timing' | 'energy' | 'area';

/** Describes one hardware field: how to show it, edit it and validate it. */
export interface HardwareField {
  key: HardwareKey;
  group: FieldGroup;
  /** `int`: whole number; `number`: finite real; `enum`: one of `allowed` */
  type: 'int' | 'number' | 'enum';
  unit: string;
  help: string;
  /** where the default value comes from */
  source: string;
  min?: number;
  /** true: value must be strictly greater than min */
  minExclusive?: boolean;
  max?: number;
  allowed?: readonly (string | number)[];
}

const E_MAX = 1e9;
const A_MAX = 1e12;

export const HARDWARE_FIELDS: readonly HardwareField[] = Object.freeze([
  // model
  { key: 'preset', group: 'model', type: 'enum', unit: '', allowed: PRESET_NAMES, source: "studio's choice",
    help: 'preset the constants start from; any other field given overrides the preset' },
  { key: 'mode', group: 'model', type: 'enum', unit: '', allowed: COST_MODES, source: "studio's choice: the studio's extended model is the default",
    help: 'spikesim: reproduce SpikeSim ELA exactly (one weight per cell, one kernel size, no activity scaling, membranes of the first 5 layers); neuronas: bit slicing, per-layer kernels, activity-aware energy, membranes of every layer' },
  // mapping
  { key: 'xbar', group: 'mapping', type: 'int', unit: 'cells', allowed: [32, 64, 128, 256], source: SPIKESIM + ' (xbar_size)',
    help: 'crossbar size X: rows = columns; input channels on rows, output columns on columns' },
  { key: 'kernel', group: 'mapping', type: 'int', unit: '', min: 1, max: 15, source: SPIKESIM + ' (kernel_size)',
    help: 'hardware kernel k: a PE holds k·k crossbars (one per kernel tap); spikesim mode uses it for every layer' },
  { key: 'pes_per_tile', group: 'mapping', type: 'int', unit: 'PEs', min: 1, max: 1024, source: SPIKESIM + ' (pe_per_tile)',
    help: 'processing elements per tile; layers share tiles' },
  { key: 'cols_per_adc', group: 'mapping', type: 'int', unit: 'columns', min: 1, max: 32, source: SPIKESIM + ' (the X/8 factors)',
    help: 'crossbar columns sharing one ADC through a multiplexer; X/cols_per_adc ADCs per crossbar group' },
  { key: 'xbar_ref', group: 'mapping', type: 'int', unit: 'cells', allowed: [32, 64, 128, 256], source: SPIKESIM + ' (a_xbar = 64·64 cells · 0.0064 µm²)',
    help: 'crossbar size the per-crossbar read energy and area were measured at; neuronas mode scales both by (xbar / xbar_ref)², since a read drives every cell and the array area is cells × cell area' },
  // precision
  { key: 'weight_bits', group: 'precision', type: 'int', unit: 'bits', min: 1, max: 32, source: 'NeuroNAS (8-bit weights)',
    help: "weight precision w (neuronas mode: ceil(w/cell_bits) columns per weight; an architecture's own weight bits override it)" },
  { key: 'cell_bits', group: 'precision', type: 'int', unit: 'bits', min: 1, max: 8, source: "studio's choice: 2-bit multi-level RRAM cells, NeuroSim's bit-slicing convention",
    help: 'bits stored per cell c (neuronas mode)' },
  { key: 'signed_scheme', group: 'precision', type: 'enum', unit: '', allowed: SIGNED_SCHEMES, source: "studio's choice: offset needs no extra cells",
    help: 'signed weights (neuronas mode): offset = store w + 2^(w-1), offset removed by the subtractor, no extra cells; differential = positive and negative columns, twice the columns' },
  { key: 'membrane_bits', group: 'precision', type: 'int', unit: 'bits', min: 1, max: 64, source: "studio's choice: 16-bit fixed-point membrane potential, enough for 8-bit weights summed over wide fan-in",
    help: 'bits of one neuron membrane state, for the memory footprint' },
  // timing
  { key: 'timesteps', group: 'timing', type: 'int', unit: 'timesteps', min: 1, max: 4096, source: SPIKESIM + ' (time_steps of its VGG9 example)',
    help: "SNN timesteps T per inference; energy and latency scale linearly with T (an architecture's own timesteps override it)" },
  { key: 'clock_mhz', group: 'timing', type: 'number', unit: 'MHz', min: 0, minExclusive: true, max: 100000, source: SPIKESIM + ' (clk_freq)',
    help: 'clock frequency' },
  { key: 'pe_cycle_clocks', group: 'timing', type: 'int', unit: 'clock cycles', min: 1, max: 100000, source: SPIKESIM + ' (PE_cycle = 26 · 1000/clk_freq)',
    help: 'clock cycles per PE cycle (one crossbar evaluation with its ADC sweep); PE cycle = pe_cycle_clocks · 1000 / clock_mhz ns' },
  { key: 'pipeline_fraction', group: 'timing', type: 'number', unit: 'fraction', min: 0, max: 1, source: SPIKESIM + ' (cp = 0.75)',
    help: "a layer starts once this fraction of the previous layer's outputs exist" },
  // energy
  { key: 'e_xbar_read_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (xbar_ar, rram)',
    help: 'energy of one crossbar read (at xbar_ref × xbar_ref; neuronas mode rescales it by (xbar/xbar_ref)² and by the input spike rate)' },
  { key: 'e_adc_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (ADC)',
    help: 'energy of one ADC conversion; scales with input spike rate in neuronas mode' },
  { key: 'e_mux_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (MUX)',
    help: 'energy of one multiplexer switch' },
  { key: 'e_sub_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Sub)',
    help: 'energy of one shift/subtract operation' },
  { key: 'sub_ops_per_adc', group: 'energy', type: 'int', unit: 'operations', min: 0, max: 4096, source: SPIKESIM + ' (the factor 16 in (X/8)·16·Sub)',
    help: 'shift/subtract operations per ADC group per PE cycle' },
  { key: 'e_temp_buffer_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Temp_Buff)',
    help: 'energy of one temporary (PE output) buffer access, one per ADC group per PE cycle' },
  { key: 'e_tile_buffer_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Tile_buff)',
    help: 'energy of the tile buffer per PE cycle' },
  { key: 'e_htree_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Htree = 19.64 · 8)',
    help: 'energy of the H-tree interconnect per PE cycle' },
  { key: 'e_mem_fetch_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (mem_fetch)',
    help: 'energy of one memory fetch per PE cycle' },
  { key: 'e_neuron_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (neuron = 1.274 · 4)',
    help: 'energy of the LIF neuron update per PE cycle' },
  // area
  { key: 'a_xbar_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (xbar_ar, rram; = 64·64 · 0.0064 µm² cells)',
    help: 'area of one crossbar at xbar_ref × xbar_ref (neuronas mode rescales it by (xbar/xbar_ref)²)' },
  { key: 'a_adc_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (ADC)',
    help: 'area of one ADC' },
  { key: 'a_mux_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (MUX)',
    help: 'area of one multiplexer' },
  { key: 'a_sub_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Sub)',
    help: 'area of the shift/subtract unit per ADC group of a tile' },
  { key: 'a_temp_buffer_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Temp_Buff)',
    help: 'area of the temporary buffer of a tile' },
  { key: 'a_tile_buffer_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Tile_buff = 0.7391 · 64 · 128)',
    help: 'area of the tile buffer' },
  { key: 'a_htree_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Htree = 216830 · 2)',
    help: 'area of the H-tree interconnect of a tile' },
  { key: 'a_buffer_cell_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (0.7391 · 22)',
    help: 'area of one stored activation or membrane (input buffers, neuron membranes)' },
] satisfies HardwareField[]);

/** One-line description of a field's valid values, e.g. `a whole number from 1 to 1024`. */
export function describeRange(f: HardwareField): string {
  if (f.allowed) return `one of ${f.allowed.join(', ')}`;
  const what = f.type === 'int' ? 'a whole number' : 'a number';
  if (f.min !== undefined && f.max !== undefined) {
    return f.minExclusive ? `${what} greater than ${f.min} and at most ${f.max}` : `${what} from ${f.min} to ${f.max}`;
  }
  if (f.min !== undefined) return `${what} ${f.minExclusive ? 'greater than' : 'at least'} ${f.min}`;
  if (f.max !== undefined) return `${what} at most ${f.max}`;
  return what;
}

/** The wording of a field's problems: `48 is not one of 32, 64, 128, 256`, `0 is out of range: expected a whole number from 1 to 4096`. */
function fieldMessages(f: HardwareField) {
  const range = describeRange(f);
  return {
    type: (x: unknown) => `expected ${range}, got ${describeValue(x)}`,
    allowed: (x: number) => `${x} is not ${range}`,
    range: (x: number) => `${x} is out of range: expected ${range}`,
  };
}

/** The schema of one field, from its descriptor (the descriptor is the rule; this only reads it). */
function fieldSchema(f: HardwareField): Schema<number | string> {
  const say = fieldMessages(f);
  if (f.type === 'enum') {
    const allowed = f.allowed as readonly string[];
    const notOne = f.key === 'preset' ? (x: unknown) => `${describeValue(x)} is not a known preset; known: ${allowed.join(', ')}` : (x: unknown) => `${describeValue(x)} is not ${describeRange(f)}`;
    return oneOf(allowed, (x) => (typeof x === 'string' ? notOne(x) : say.type(x)));
  }
  return num({ integer: f.type === 'int', min: f.min, minExclusive: f.minExclusive, max: f.max, allowed: f.allowed as readonly number[] | undefined }, say);
}

const FIELD_SCHEMAS: ReadonlyMap<HardwareField, Schema<number | string>> = new Map(HARDWARE_FIELDS.map((f) => [f, fieldSchema(f)]));

/** Checks one value against its field descriptor; returns the problem or null. */
export function fieldProblem(f: HardwareField, v: unknown): string | null {
  const r = safeParse(FIELD_SCHEMAS.get(f) ?? fieldSchema(f), v);
  return r.success ? null : r.issues[0].message;
}

/**
 * A JSON hardware description: start from `preset` (default
 * `spikesim-65nm-rram`) and apply every other given field as an override.
 * `undefined`/`null` gives the default preset; fields whose value is
 * `undefined` count as absent. A complete config (e.g. a UI-edited copy of a
 * preset) round-trips unchanged. Unknown fields are refused, named with the
 * closest known one.
 */
export const HARDWARE_SCHEMA: Schema<HardwareConfig> = nullish(
  pipe(
    obj(Object.fromEntries(HARDWARE_FIELDS.map((f) => [f.key, optional(FIELD_SCHEMAS.get(f)!)])), {
      strict: true,
      say: (x) => `expected an object of hardware fields, got ${describeValue(x)}`,
    }),
    transform((fields): HardwareConfig => {
      const hw = { ...HARDWARE_PRESETS[(fields.preset as string | undefined) ?? DEFAULT_PRESET] } as Record<string, unknown>;
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) hw[key] = value;
      return hw as unknown as HardwareConfig;
    }),
  ),
  () => ({ ...DEFAULT_HARDWARE }),
);

/**
 * Resolves a JSON hardware description (HARDWARE_SCHEMA). Throws
 * CostInputError naming the field (`${path}.xbar`) on unknown preset,
 * unknown field, wrong type or out-of-range value.
 */
export function resolveHardware(json: unknown, path = 'hardware'): HardwareConfig {
  return parseOrThrow(HARDWARE_SCHEMA, json, path);
}

/** Re-validates an already typed config (e.g. edited in the UI); throws CostInputError. */
export function validateHardware(hw: HardwareConfig, path = 'hardware'): HardwareConfig {
  return resolveHardware(hw, path);
}

/** Default value of a field in the default preset, as text for help screens. */
export function defaultValueText(key: HardwareKey): string {
  return String(DEFAULT_HARDWARE[key]);
}
