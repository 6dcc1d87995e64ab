/**
 * Validation of cost-model input coming from outside (CLI JSON, UI forms):
 * layer lists and per-layer input spike rates. The hot path
 * (`estimateTotals`) trusts its input; everything untrusted passes here first.
 * Errors are CostInputError naming the field, e.g. `layers[2].hout`.
 */
import type { Layer, LayerKind } from '../layers.ts';
import { CostInputError, describeValue, isPlainObject, unknownFieldDetail } from './errors.ts';

export { CostInputError } from './errors.ts';

export const LAYER_KINDS: readonly LayerKind[] = Object.freeze(['conv', 'fc']);

/** Limits that keep every integer the estimator forms (e.g. Cout·hout², weights) well inside 2^53. */
export const LAYER_LIMITS = Object.freeze({ channels: 1 << 20, kernel: 31, size: 16384 });

/** Documentation of the layer fields, for `--help` and the UI. */
export const LAYER_FIELDS: readonly { key: string; help: string }[] = Object.freeze([
  { key: 'kind', help: '"conv" or "fc" (required)' },
  { key: 'cin', help: `input channels (fc: input features), whole number 1..${LAYER_LIMITS.channels} (required)` },
  { key: 'cout', help: `output channels (fc: output features), whole number 1..${LAYER_LIMITS.channels} (required)` },
  { key: 'k', help: `kernel size k (k×k), whole number 1..${LAYER_LIMITS.kernel} (required for conv; fc: 1, may be omitted)` },
  { key: 'hin', help: `input map height = width, 1..${LAYER_LIMITS.size} (required for conv; fc: 1, may be omitted)` },
  { key: 'hout', help: 'output map size the neurons fire on (after a pooling inside the block), 1..hin (required for conv; fc: 1, may be omitted)' },
  { key: 'name', help: 'label shown in reports (optional string)' },
]);

const LAYER_KEYS = LAYER_FIELDS.map((f) => f.key);

function intField(o: Record<string, unknown>, key: string, path: string, min: number, max: number, fcDefault?: number): number {
  const v = o[key];
  if (v === undefined) {
    if (fcDefault !== undefined) return fcDefault;
    throw new CostInputError(`${path}.${key}`, 'missing (a whole number is required)');
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CostInputError(`${path}.${key}`, `expected a whole number, got ${describeValue(v)}`);
  if (!Number.isInteger(v)) throw new CostInputError(`${path}.${key}`, `${v} is not a whole number`);
  if (v < min) throw new CostInputError(`${path}.${key}`, v < 0 ? `${v} is negative` : `${v} is less than ${min}`);
  if (v > max) throw new CostInputError(`${path}.${key}`, `${v} is larger than the limit ${max}`);
  return v;
}

/** Validates one layer from JSON; `path` names it in errors (e.g. `layers[2]`). */
export function validateLayer(json: unknown, path: string): Layer {
  if (!isPlainObject(json)) throw new CostInputError(path, `expected a layer object like {"kind":"conv","cin":3,"cout":16,"k":3,"hin":28,"hout":28}, got ${describeValue(json)}`);
  for (const key of Object.keys(json)) {
    if (!LAYER_KEYS.includes(key)) throw new CostInputError(`${path}.${key}`, unknownFieldDetail(key, LAYER_KEYS));
  }
  const kind = json.kind;
  if (kind === undefined) throw new CostInputError(`${path}.kind`, 'missing ("conv" or "fc")');
  if (typeof kind !== 'string' || !(LAYER_KINDS as readonly string[]).includes(kind)) {
    throw new CostInputError(`${path}.kind`, `${describeValue(kind)} is not a known layer kind ("conv" or "fc")`);
  }
  const cin = intField(json, 'cin', path, 1, LAYER_LIMITS.channels);
  const cout = intField(json, 'cout', path, 1, LAYER_LIMITS.channels);
  let k: number;
  let hin: number;
  let hout: number;
  if (kind === 'fc') {
    k = intField(json, 'k', path, 1, LAYER_LIMITS.kernel, 1);
    hin = intField(json, 'hin', path, 1, LAYER_LIMITS.size, 1);
    hout = intField(json, 'hout', path, 1, LAYER_LIMITS.size, 1);
    if (k !== 1) throw new CostInputError(`${path}.k`, `an fc layer has k = 1, got ${k}`);
    if (hin !== 1) throw new CostInputError(`${path}.hin`, `an fc layer has hin = 1, got ${hin}`);
    if (hout !== 1) throw new CostInputError(`${path}.hout`, `an fc layer has hout = 1, got ${hout}`);
  } else {
    k = intField(json, 'k', path, 1, LAYER_LIMITS.kernel);
    hin = intField(json, 'hin', path, 1, LAYER_LIMITS.size);
    hout = intField(json, 'hout', path, 1, LAYER_LIMITS.size);
    if (hout > hin) throw new CostInputError(`${path}.hout`, `${hout} is larger than hin ${hin}`);
  }
  const layer: Layer = { kind: kind as LayerKind, cin, cout, k, hin, hout };
  if (json.name !== undefined) {
    if (typeof json.name !== 'string') throw new CostInputError(`${path}.name`, `expected a string, got ${describeValue(json.name)}`);
    layer.name = json.name;
  }
  return layer;
}

/** Validates a JSON layer list (non-empty array of layers). */
export function validateLayers(json: unknown, path = 'layers'): Layer[] {
  if (json === undefined) throw new CostInputError(path, 'missing (an array of layers)');
  if (!Array.isArray(json)) throw new CostInputError(path, `expected an array of layers, got ${describeValue(json)}`);
  if (json.length === 0) throw new CostInputError(path, 'the network has no layer (at least one is needed)');
  const out = new Array<Layer>(json.length);
  for (let i = 0; i < json.length; i++) out[i] = validateLayer(json[i], `${path}[${i}]`);
  return out;
}

/** Checks an already typed layer list (e.g. built in the UI); throws CostInputError. */
export function checkLayers(layers: readonly Layer[], path = 'layers'): void {
  validateLayers(layers.map(stripUndefined), path);
}

function stripUndefined(l: Layer): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(l)) if (v !== undefined) o[k] = v;
  return o;
}

/**
 * Validates per-layer input spike rates: one number in [0, 1] per layer.
 * Returns them packed for `estimateTotals`.
 */
export function validateInputRates(json: unknown, layerCount: number, path = 'input_rates'): Float64Array {
  if (!Array.isArray(json) && !(json instanceof Float64Array)) throw new CostInputError(path, `expected an array of ${layerCount} spike rates in [0, 1], got ${describeValue(json)}`);
  const arr = json as ArrayLike<unknown>;
  if (arr.length !== layerCount) throw new CostInputError(path, `has ${arr.length} rates but the network has ${layerCount} layers`);
  const out = new Float64Array(layerCount);
  for (let i = 0; i < layerCount; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new CostInputError(`${path}[${i}]`, `expected a spike rate in [0, 1], got ${describeValue(v)}`);
    if (v < 0 || v > 1) throw new CostInputError(`${path}[${i}]`, `${v} is outside [0, 1]`);
    out[i] = v;
  }
  return out;
}
