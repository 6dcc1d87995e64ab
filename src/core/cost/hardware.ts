/**
 * Hardware configurations of the crossbar-mapping cost model, as data.
 *
 * A `HardwareConfig` is a flat record of named constants, camelCase in
 * memory like the other core types. Files and links spell each field in
 * snake_case (`e_adc_pj`): the `estimate` input and report, run files, the
 * share link's `c.<field>` entries, the CLI's help and the constants table of
 * the page. `HARDWARE_FIELDS` describes every field once (its key in memory,
 * its key in files, unit, help, valid range, source); the CLI's `--help` and
 * the UI's preset editor are generated from it, `HARDWARE_SCHEMA` reads a
 * file's hardware into a config and `hardwareJson` writes one back, both
 * through that table, so the two spellings cannot drift apart.
 *
 * Sources: "SpikeSim ELA" is `ela_spikesim.py` of SpikeSim (Yale Intelligent
 * Computing Lab; 65 nm CMOS, RRAM crossbars), whose constants come from
 * DNN+NeuroSim. See /work/shared/docs/cost-model.md for the formulas.
 */
import { nullish, optional, pipe, safeParse, transform } from 'valibot';
import { CostInputError, describeValue } from './errors.ts';
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
  pesPerTile: number;
  /** columns sharing one ADC through a multiplexer */
  colsPerAdc: number;
  /** crossbar size at which the per-crossbar read energy and area were characterised */
  xbarRef: number;

  // --- precision -----------------------------------------------------------
  weightBits: number;
  cellBits: number;
  signedScheme: SignedScheme;
  membraneBits: number;

  // --- timing --------------------------------------------------------------
  timesteps: number;
  clockMhz: number;
  peCycleClocks: number;
  pipelineFraction: number;

  // --- energy per use, pJ --------------------------------------------------
  eXbarReadPj: number;
  eAdcPj: number;
  eMuxPj: number;
  eSubPj: number;
  subOpsPerAdc: number;
  eTempBufferPj: number;
  eTileBufferPj: number;
  eHtreePj: number;
  eMemFetchPj: number;
  eNeuronPj: number;

  // --- area, µm² -----------------------------------------------------------
  aXbarUm2: number;
  aAdcUm2: number;
  aMuxUm2: number;
  aSubUm2: number;
  aTempBufferUm2: number;
  aTileBufferUm2: number;
  aHtreeUm2: number;
  aBufferCellUm2: number;
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
  pesPerTile: 8,
  colsPerAdc: 8,
  xbarRef: 64,
  weightBits: 8,
  cellBits: 2,
  signedScheme: 'offset',
  membraneBits: 16,
  timesteps: 5,
  clockMhz: 250,
  peCycleClocks: 26,
  pipelineFraction: 0.75,
  eXbarReadPj: 1.76423,
  eAdcPj: 2.03084,
  eMuxPj: 0.094245,
  eSubPj: 1.15e-6,
  subOpsPerAdc: 16,
  eTempBufferPj: 0.2,
  eTileBufferPj: 397,
  eHtreePj: 19.64 * 8,
  eMemFetchPj: 4.64,
  eNeuronPj: 1.274 * 4,
  aXbarUm2: 26.2144,
  aAdcUm2: 693.633,
  aMuxUm2: 45.9,
  aSubUm2: 13411.41498,
  aTempBufferUm2: 484.643999,
  aTileBufferUm2: 0.7391 * 64 * 128,
  aHtreeUm2: 216830 * 2,
  aBufferCellUm2: 0.7391 * 22,
} satisfies HardwareConfig);

export const HARDWARE_PRESETS: Readonly<Record<string, HardwareConfig>> = Object.freeze({
  [SPIKESIM_65NM_RRAM.preset]: SPIKESIM_65NM_RRAM,
});

export const PRESET_NAMES: readonly string[] = Object.freeze(Object.keys(HARDWARE_PRESETS));

export const DEFAULT_HARDWARE: HardwareConfig = SPIKESIM_65NM_RRAM;

export type FieldGroup = 'model' | 'mapping' | 'precision' | 'timing' | 'energy' | 'area';

/** Describes one hardware field: how to show it, edit it and validate it. */
export interface HardwareField {
  /** its key in a HardwareConfig */
  key: HardwareKey;
  /** its key in files and links (snake_case; never change one: files and links already written use it) */
  file: string;
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

const FIELD_TABLE = [
  // model
  { key: 'preset', file: 'preset', group: 'model', type: 'enum', unit: '', allowed: PRESET_NAMES, source: "studio's choice",
    help: 'preset the constants start from; any other field given overrides the preset' },
  { key: 'mode', file: 'mode', group: 'model', type: 'enum', unit: '', allowed: COST_MODES, source: "studio's choice: the studio's extended model is the default",
    help: 'spikesim: reproduce SpikeSim ELA exactly (one weight per cell, one kernel size, no activity scaling, membranes of the first 5 layers); neuronas: bit slicing, per-layer kernels, activity-aware energy, membranes of every layer' },
  // mapping
  { key: 'xbar', file: 'xbar', group: 'mapping', type: 'int', unit: 'cells', allowed: [32, 64, 128, 256], source: SPIKESIM + ' (xbar_size)',
    help: 'crossbar size X: rows = columns; input channels on rows, output columns on columns' },
  { key: 'kernel', file: 'kernel', group: 'mapping', type: 'int', unit: '', min: 1, max: 15, source: SPIKESIM + ' (kernel_size)',
    help: 'hardware kernel k: a PE holds k·k crossbars (one per kernel tap); spikesim mode uses it for every layer' },
  { key: 'pesPerTile', file: 'pes_per_tile', group: 'mapping', type: 'int', unit: 'PEs', min: 1, max: 1024, source: SPIKESIM + ' (pe_per_tile)',
    help: 'processing elements per tile; layers share tiles' },
  { key: 'colsPerAdc', file: 'cols_per_adc', group: 'mapping', type: 'int', unit: 'columns', min: 1, max: 32, source: SPIKESIM + ' (the X/8 factors)',
    help: 'crossbar columns sharing one ADC through a multiplexer; X/cols_per_adc ADCs per crossbar group' },
  { key: 'xbarRef', file: 'xbar_ref', group: 'mapping', type: 'int', unit: 'cells', allowed: [32, 64, 128, 256], source: SPIKESIM + ' (a_xbar = 64·64 cells · 0.0064 µm²)',
    help: 'crossbar size the per-crossbar read energy and area were measured at; neuronas mode scales both by (xbar / xbar_ref)², since a read drives every cell and the array area is cells × cell area' },
  // precision
  { key: 'weightBits', file: 'weight_bits', group: 'precision', type: 'int', unit: 'bits', min: 1, max: 32, source: 'NeuroNAS (8-bit weights)',
    help: "weight precision w (neuronas mode: ceil(w/cell_bits) columns per weight; an architecture's own weight bits override it)" },
  { key: 'cellBits', file: 'cell_bits', group: 'precision', type: 'int', unit: 'bits', min: 1, max: 8, source: "studio's choice: 2-bit multi-level RRAM cells, NeuroSim's bit-slicing convention",
    help: 'bits stored per cell c (neuronas mode)' },
  { key: 'signedScheme', file: 'signed_scheme', group: 'precision', type: 'enum', unit: '', allowed: SIGNED_SCHEMES, source: "studio's choice: offset needs no extra cells",
    help: 'signed weights (neuronas mode): offset = store w + 2^(w-1), offset removed by the subtractor, no extra cells; differential = positive and negative columns, twice the columns' },
  { key: 'membraneBits', file: 'membrane_bits', group: 'precision', type: 'int', unit: 'bits', min: 1, max: 64, source: "studio's choice: 16-bit fixed-point membrane potential, enough for 8-bit weights summed over wide fan-in",
    help: 'bits of one neuron membrane state, for the memory footprint' },
  // timing
  { key: 'timesteps', file: 'timesteps', group: 'timing', type: 'int', unit: 'timesteps', min: 1, max: 4096, source: SPIKESIM + ' (time_steps of its VGG9 example)',
    help: "SNN timesteps T per inference; energy and latency scale linearly with T (an architecture's own timesteps override it)" },
  { key: 'clockMhz', file: 'clock_mhz', group: 'timing', type: 'number', unit: 'MHz', min: 0, minExclusive: true, max: 100000, source: SPIKESIM + ' (clk_freq)',
    help: 'clock frequency' },
  { key: 'peCycleClocks', file: 'pe_cycle_clocks', group: 'timing', type: 'int', unit: 'clock cycles', min: 1, max: 100000, source: SPIKESIM + ' (PE_cycle = 26 · 1000/clk_freq)',
    help: 'clock cycles per PE cycle (one crossbar evaluation with its ADC sweep); PE cycle = pe_cycle_clocks · 1000 / clock_mhz ns' },
  { key: 'pipelineFraction', file: 'pipeline_fraction', group: 'timing', type: 'number', unit: 'fraction', min: 0, max: 1, source: SPIKESIM + ' (cp = 0.75)',
    help: "a layer starts once this fraction of the previous layer's outputs exist" },
  // energy
  { key: 'eXbarReadPj', file: 'e_xbar_read_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (xbar_ar, rram)',
    help: 'energy of one crossbar read (at xbar_ref × xbar_ref; neuronas mode rescales it by (xbar/xbar_ref)² and by the input spike rate)' },
  { key: 'eAdcPj', file: 'e_adc_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (ADC)',
    help: 'energy of one ADC conversion; scales with input spike rate in neuronas mode' },
  { key: 'eMuxPj', file: 'e_mux_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (MUX)',
    help: 'energy of one multiplexer switch' },
  { key: 'eSubPj', file: 'e_sub_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Sub)',
    help: 'energy of one shift/subtract operation' },
  { key: 'subOpsPerAdc', file: 'sub_ops_per_adc', group: 'energy', type: 'int', unit: 'operations', min: 0, max: 4096, source: SPIKESIM + ' (the factor 16 in (X/8)·16·Sub)',
    help: 'shift/subtract operations per ADC group per PE cycle' },
  { key: 'eTempBufferPj', file: 'e_temp_buffer_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Temp_Buff)',
    help: 'energy of one temporary (PE output) buffer access, one per ADC group per PE cycle' },
  { key: 'eTileBufferPj', file: 'e_tile_buffer_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Tile_buff)',
    help: 'energy of the tile buffer per PE cycle' },
  { key: 'eHtreePj', file: 'e_htree_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (Htree = 19.64 · 8)',
    help: 'energy of the H-tree interconnect per PE cycle' },
  { key: 'eMemFetchPj', file: 'e_mem_fetch_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (mem_fetch)',
    help: 'energy of one memory fetch per PE cycle' },
  { key: 'eNeuronPj', file: 'e_neuron_pj', group: 'energy', type: 'number', unit: 'pJ', min: 0, max: E_MAX, source: SPIKESIM + ' (neuron = 1.274 · 4)',
    help: 'energy of the LIF neuron update per PE cycle' },
  // area
  { key: 'aXbarUm2', file: 'a_xbar_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (xbar_ar, rram; = 64·64 · 0.0064 µm² cells)',
    help: 'area of one crossbar at xbar_ref × xbar_ref (neuronas mode rescales it by (xbar/xbar_ref)²)' },
  { key: 'aAdcUm2', file: 'a_adc_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (ADC)',
    help: 'area of one ADC' },
  { key: 'aMuxUm2', file: 'a_mux_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (MUX)',
    help: 'area of one multiplexer' },
  { key: 'aSubUm2', file: 'a_sub_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Sub)',
    help: 'area of the shift/subtract unit per ADC group of a tile' },
  { key: 'aTempBufferUm2', file: 'a_temp_buffer_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Temp_Buff)',
    help: 'area of the temporary buffer of a tile' },
  { key: 'aTileBufferUm2', file: 'a_tile_buffer_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Tile_buff = 0.7391 · 64 · 128)',
    help: 'area of the tile buffer' },
  { key: 'aHtreeUm2', file: 'a_htree_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (Htree = 216830 · 2)',
    help: 'area of the H-tree interconnect of a tile' },
  { key: 'aBufferCellUm2', file: 'a_buffer_cell_um2', group: 'area', type: 'number', unit: 'µm²', min: 0, max: A_MAX, source: SPIKESIM + ' (0.7391 · 22)',
    help: 'area of one stored activation or membrane (input buffers, neuron membranes)' },
] as const satisfies readonly HardwareField[];

export const HARDWARE_FIELDS: readonly HardwareField[] = Object.freeze(FIELD_TABLE);

/** A hardware config as files and links spell it: each field under its `file` key (read off the table). */
export type HardwareJson = { -readonly [F in (typeof FIELD_TABLE)[number] as F['file']]: HardwareConfig[F['key']] };

const FIELD_BY_FILE: ReadonlyMap<string, HardwareField> = new Map(HARDWARE_FIELDS.map((f) => [f.file, f]));
const FIELD_BY_KEY: ReadonlyMap<string, HardwareField> = new Map(HARDWARE_FIELDS.map((f) => [f.key, f]));

/** The field a file or link calls `file` (`e_adc_pj`), if there is one. */
export function hardwareFieldOfFile(file: string): HardwareField | undefined {
  return FIELD_BY_FILE.get(file);
}

/**
 * A config (or some of its fields, like a user's edits) as files spell it,
 * in table order; fields that are undefined are left out.
 */
export function hardwareJson(hw: HardwareConfig): HardwareJson;
export function hardwareJson(hw: Partial<Record<HardwareKey, number | string>>): Partial<HardwareJson>;
export function hardwareJson(hw: Partial<Record<HardwareKey, number | string>>): Partial<HardwareJson> {
  const out: Record<string, number | string> = {};
  for (const f of HARDWARE_FIELDS) {
    const v = hw[f.key];
    if (v !== undefined) out[f.file] = v;
  }
  return out as Partial<HardwareJson>;
}

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
 * A JSON hardware description, keyed by the fields' `file` names: start from
 * `preset` (default `spikesim-65nm-rram`) and apply every other given field
 * as an override; the result is a HardwareConfig (keys in memory).
 * `undefined`/`null` gives the default preset; fields whose value is
 * `undefined` count as absent. A complete config as written (hardwareJson)
 * reads back unchanged. Unknown fields are refused, named with the closest
 * known one.
 */
export const HARDWARE_SCHEMA: Schema<HardwareConfig> = nullish(
  pipe(
    obj(Object.fromEntries(HARDWARE_FIELDS.map((f) => [f.file, optional(FIELD_SCHEMAS.get(f)!)])), {
      strict: true,
      say: (x) => `expected an object of hardware fields, got ${describeValue(x)}`,
    }),
    transform((fields): HardwareConfig => {
      const hw = { ...HARDWARE_PRESETS[(fields.preset as string | undefined) ?? DEFAULT_PRESET] } as Record<HardwareKey, unknown>;
      for (const f of HARDWARE_FIELDS) if (fields[f.file] !== undefined) hw[f.key] = fields[f.file];
      return hw as HardwareConfig;
    }),
  ),
  // valibot reads the default through the schema: no fields, so the default preset.
  () => ({}),
);

/**
 * Resolves a JSON hardware description (HARDWARE_SCHEMA). Throws
 * CostInputError naming the field as files do (`${path}.e_adc_pj`) on
 * unknown preset, unknown field, wrong type or out-of-range value.
 */
export function resolveHardware(json: unknown, path = 'hardware'): HardwareConfig {
  return parseOrThrow(HARDWARE_SCHEMA, json, path);
}

/**
 * A preset with fields set in memory (the page's knobs and edits), checked by
 * the same schema as a file's; a problem is named by the field's file key,
 * the name the page and the command line show. Throws CostInputError.
 */
export function hardwareWith(fields: Partial<Record<HardwareKey, number | string>>, path = 'hardware'): HardwareConfig {
  // hardwareJson writes table fields only; a key it would drop (a file key passed as if in memory) is a caller's mistake, said here.
  for (const key of Object.keys(fields)) {
    if (!FIELD_BY_KEY.has(key)) throw new CostInputError(`${path}.${key}`, `not a field of a config in memory${FIELD_BY_FILE.has(key) ? ` (that is its file key; in memory it is ${FIELD_BY_FILE.get(key)!.key})` : ''}`);
  }
  return resolveHardware(hardwareJson(fields), path);
}

/** Re-validates an already typed config (e.g. edited in the UI); throws CostInputError. */
export function validateHardware(hw: HardwareConfig, path = 'hardware'): HardwareConfig {
  return hardwareWith(hw, path);
}

/** Default value of a field in the default preset, as text for help screens. */
export function defaultValueText(key: HardwareKey): string {
  return String(DEFAULT_HARDWARE[key]);
}
