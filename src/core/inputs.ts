/**
 * The studio's inputs: everything a user sets on the page and nothing it
 * computes. The share link (url.ts) and exported runs (files/run.ts) carry
 * exactly this, so opening either restores the page's knobs.
 *
 *   params    every knob of the parameter table (params.ts)
 *   hwEdits   constants of the hardware preset the user edited
 *   axes      the two cost metrics on the scatter
 */
import { HARDWARE_FIELDS, HARDWARE_PRESETS, fieldProblem, hardwareFieldOfFile, type HardwareField, type HardwareKey } from './cost/hardware.ts';
import { AXIS_METRICS, type Metric } from './metrics.ts';
import { PARAM_KEYS, defaultParams, normalizeParams, type ParamValues } from './params.ts';
import { HARDWARE_KNOBS } from './settings.ts';

export type HardwareEdits = Partial<Record<HardwareKey, number | string>>;

export interface Axes {
  x: Metric;
  y: Metric;
}

export interface StudioInputs {
  params: ParamValues;
  hwEdits: HardwareEdits;
  axes: Axes;
}

export const DEFAULT_AXES: Readonly<Axes> = Object.freeze({ x: 'areaMm2', y: 'energyUJ' });

/** Hardware fields set by the knobs of the parameter table rather than by the constants editor. */
export const KNOB_FIELDS: readonly HardwareKey[] = Object.freeze(HARDWARE_KNOBS.map((k) => k.field));
/** Hardware fields every sampled architecture sets for itself (its own T and weight bits override the preset's). */
export const PER_ARCHITECTURE_FIELDS: readonly HardwareKey[] = Object.freeze(['timesteps', 'weightBits']);

/** The constants a user may edit on top of a preset. */
export const EDITABLE_HARDWARE_FIELDS: readonly HardwareField[] = Object.freeze(
  HARDWARE_FIELDS.filter((f) => !KNOB_FIELDS.includes(f.key) && !PER_ARCHITECTURE_FIELDS.includes(f.key)),
);
const EDITABLE_BY_FILE: ReadonlyMap<string, HardwareField> = new Map(EDITABLE_HARDWARE_FIELDS.map((f) => [f.file, f]));

/** The editable constant a link or file names `file` (`e_adc_pj`), if there is one. */
export function editableHardwareField(file: string): HardwareField | undefined {
  return EDITABLE_BY_FILE.get(file);
}

export function defaultInputs(): StudioInputs {
  return { params: defaultParams(), hwEdits: {}, axes: { ...DEFAULT_AXES } };
}

export function isAxisMetric(v: unknown): v is Metric {
  return typeof v === 'string' && (AXIS_METRICS as readonly string[]).includes(v);
}

/** Why an edit that a link or file writes as `file: value` is unusable, or null. */
export function hardwareEditProblem(file: string, value: unknown): string | null {
  const f = EDITABLE_BY_FILE.get(file);
  if (!f) {
    const other = hardwareFieldOfFile(file);
    if (other && (KNOB_FIELDS.includes(other.key) || PER_ARCHITECTURE_FIELDS.includes(other.key))) {
      return `${file} is set by its own control, not as an edited constant`;
    }
    return `${file} is not a hardware constant`;
  }
  return fieldProblem(f, value);
}

/** Edits read from a file (each already passed hardwareEditProblem), keyed in memory; keys that are no editable constant are dropped. */
export function hardwareEditsFromJson(json: Readonly<Record<string, number | string>>): HardwareEdits {
  const edits: HardwareEdits = {};
  for (const [file, value] of Object.entries(json)) {
    const f = EDITABLE_BY_FILE.get(file);
    if (f) edits[f.key] = value;
  }
  return edits;
}

/**
 * The one spelling of a set of inputs: params normalized (ranges ordered),
 * edits that equal the preset's own value dropped, axes distinct. Two input
 * sets that behave the same are equal after this.
 */
export function canonicalInputs(inputs: StudioInputs): StudioInputs {
  const params = normalizeParams(inputs.params);
  const preset = HARDWARE_PRESETS[params.preset];
  const hwEdits: HardwareEdits = {};
  for (const f of EDITABLE_HARDWARE_FIELDS) {
    const v = inputs.hwEdits[f.key];
    if (v !== undefined && (!preset || preset[f.key] !== v)) hwEdits[f.key] = v;
  }
  const axes = inputs.axes.x === inputs.axes.y ? { ...DEFAULT_AXES } : { x: inputs.axes.x, y: inputs.axes.y };
  return { params, hwEdits, axes };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

export function paramsEqual(a: ParamValues, b: ParamValues): boolean {
  return PARAM_KEYS.every((k) => sameValue(a[k], b[k]));
}

export function inputsEqual(a: StudioInputs, b: StudioInputs): boolean {
  const ka = Object.keys(a.hwEdits) as HardwareKey[];
  const kb = Object.keys(b.hwEdits) as HardwareKey[];
  return (
    paramsEqual(a.params, b.params) &&
    a.axes.x === b.axes.x &&
    a.axes.y === b.axes.y &&
    ka.length === kb.length &&
    ka.every((k) => a.hwEdits[k] === b.hwEdits[k])
  );
}
