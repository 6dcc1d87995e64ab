/**
 * Validation of cost-model input coming from outside (CLI JSON, UI forms):
 * layer lists and per-layer input spike rates. The hot path
 * (`estimateTotals`) trusts its input; everything untrusted passes here first.
 * Errors are CostInputError naming the field, e.g. `layers[2].hout`.
 */
import type { Layer, LayerKind } from '../layers.ts';
import { array, check, custom, optional, pipe, rawTransform, transform } from 'valibot';
import { describeValue } from './errors.ts';
import { list, num, obj, oneOf, parseOrThrow, pathTo, str, type Schema } from '../files/schema.ts';

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

const MISSING_WHOLE = 'missing (a whole number is required)';

/** A whole-number layer field in [min, max], worded as the estimate input always was (`-3 is negative`, `0 is less than 1`). */
function wholeField(min: number, max: number): Schema<number> {
  return num(
    { integer: true, min, max },
    {
      type: (x) => (x === undefined ? MISSING_WHOLE : `expected a whole number, got ${describeValue(x)}`),
      range: (x) => (x < min ? (x < 0 ? `${x} is negative` : `${x} is less than ${min}`) : `${x} is larger than the limit ${max}`),
    },
  );
}

const SIZE_FIELDS = ['k', 'hin', 'hout'] as const;

/**
 * One layer. Its fields are checked alone first; then the rules that tie
 * them to the kind: a conv layer needs k, hin and hout with hout ≤ hin; an
 * fc layer has them all 1 (and may omit them).
 */
export const LAYER_SCHEMA: Schema<Layer> = pipe(
  obj(
    {
    kind: oneOf(LAYER_KINDS, (x) => (x === undefined ? 'missing ("conv" or "fc")' : `${describeValue(x)} is not a known layer kind ("conv" or "fc")`)),
    cin: wholeField(1, LAYER_LIMITS.channels),
    cout: wholeField(1, LAYER_LIMITS.channels),
    k: optional(wholeField(1, LAYER_LIMITS.kernel)),
    hin: optional(wholeField(1, LAYER_LIMITS.size)),
    hout: optional(wholeField(1, LAYER_LIMITS.size)),
    name: optional(str()),
    },
    { strict: true, say: (x) => `expected a layer object like {"kind":"conv","cin":3,"cout":16,"k":3,"hin":28,"hout":28}, got ${describeValue(x)}` },
  ),
  rawTransform(({ dataset: { value: l }, addIssue, NEVER }) => {
    let problem = false;
    for (const key of SIZE_FIELDS) {
      if (l.kind === 'fc' && l[key] !== undefined && l[key] !== 1) addIssue({ message: `an fc layer has ${key} = 1, got ${l[key]}`, path: pathTo(key) });
      else if (l.kind === 'conv' && l[key] === undefined) addIssue({ message: MISSING_WHOLE, path: pathTo(key) });
      else continue;
      problem = true;
    }
    if (!problem && l.hout! > l.hin!) addIssue({ message: `${l.hout} is larger than hin ${l.hin}`, path: pathTo('hout') });
    if (problem || l.hout! > l.hin!) return NEVER;
    const layer: Layer = { kind: l.kind, cin: l.cin, cout: l.cout, k: l.k ?? 1, hin: l.hin ?? 1, hout: l.hout ?? 1 };
    if (l.name !== undefined) layer.name = l.name;
    return layer;
  }),
);

/** A network: a non-empty array of layers. */
export const LAYERS_SCHEMA: Schema<Layer[]> = list(LAYER_SCHEMA, {
  nonEmpty: true,
  say: { type: (x) => (x === undefined ? 'missing (an array of layers)' : `expected an array of layers, got ${describeValue(x)}`), empty: 'the network has no layer (at least one is needed)' },
});

/** Validates one layer from JSON; `path` names it in errors (e.g. `layers[2]`). */
export function validateLayer(json: unknown, path: string): Layer {
  return parseOrThrow(LAYER_SCHEMA, json, path);
}

/** Validates a JSON layer list (non-empty array of layers). */
export function validateLayers(json: unknown, path = 'layers'): Layer[] {
  return parseOrThrow(LAYERS_SCHEMA, json, path);
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

/** Per-layer input spike rates of a network of `layerCount` layers: one number in [0, 1] per layer, packed for `estimateTotals`. */
export function inputRatesSchema(layerCount: number): Schema<Float64Array> {
  return pipe(
    custom<ArrayLike<unknown>>((x) => Array.isArray(x) || x instanceof Float64Array, (issue) => `expected an array of ${layerCount} spike rates in [0, 1], got ${describeValue(issue.input)}`),
    check((a) => a.length === layerCount, (issue) => `has ${(issue.input as ArrayLike<unknown>).length} rates but the network has ${layerCount} layers`),
    transform((a) => Array.from(a)),
    array(
      num({ min: 0, max: 1 }, { type: (x) => `expected a spike rate in [0, 1], got ${describeValue(x)}`, range: (x) => `${x} is outside [0, 1]` }),
    ),
    transform((rates) => Float64Array.from(rates)),
  );
}

/**
 * Validates per-layer input spike rates: one number in [0, 1] per layer.
 * Returns them packed for `estimateTotals`.
 */
export function validateInputRates(json: unknown, layerCount: number, path = 'input_rates'): Float64Array {
  return parseOrThrow(inputRatesSchema(layerCount), json, path);
}
