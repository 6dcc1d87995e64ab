/**
 * The input of `neuronas estimate`: one network as a JSON object, either a
 * layer list or a genome, with optional hardware overrides and per-layer
 * input spike rates:
 *
 *   {"layers":[{"kind":"conv","cin":3,"cout":64,"k":3,"hin":32,"hout":32}, …],
 *    "hardware":{"mode":"spikesim","xbar":64}, "input_rates":[1, 0.2, …]}
 *   {"architecture":"c16-h128-t4-w8-301203", "hardware":{…}}
 *
 * Its fields are the cost model's own schemas (HARDWARE_SCHEMA, LAYERS_SCHEMA,
 * inputRatesSchema); this adds the rules between them. A problem is thrown
 * as a CostInputError naming the field (`layers[2].hout`).
 */
import { optional, pipe, rawTransform, safeParse, unknown } from 'valibot';
import { layerList, type Architecture } from '../arch/architecture.ts';
import { parseGenome } from '../arch/genome.ts';
import { HARDWARE_SCHEMA, hardwareJson, type HardwareConfig } from '../cost/hardware.ts';
import { LAYERS_SCHEMA, inputRatesSchema } from '../cost/validate.ts';
import type { Layer } from '../layers.ts';
import { addIssuesAt, describeValue, genomeText, obj, parseOrThrow, pathTo, type Schema } from './schema.ts';

export const ESTIMATE_INPUT_KEYS = ['layers', 'architecture', 'hardware', 'input_rates'] as const;

export type EstimateInput = { hardware: HardwareConfig; inputRates: Float64Array | undefined } & ({ layers: Layer[]; architecture?: undefined } | { architecture: Architecture; layers?: undefined });

export const ESTIMATE_INPUT_SCHEMA: Schema<EstimateInput> = pipe(
  obj(
    {
      hardware: HARDWARE_SCHEMA,
      layers: optional(LAYERS_SCHEMA),
      architecture: optional(genomeText((x) => `expected a genome string like "c16-h128-t4-w8-301203", got ${describeValue(x)}`)),
      // judged below, against the network's layer count
      input_rates: optional(unknown()),
    },
    {
      strict: true,
      say: (x) => `expected a JSON object with "layers" or "architecture", got ${describeValue(x)}`,
      first: (o, problem) => {
        if (o.layers !== undefined && o.architecture !== undefined) problem('architecture', 'give either "layers" or "architecture", not both');
      },
    },
  ),
  // Runs once every field passed its own schema.
  rawTransform(({ dataset: { value: given }, addIssue, NEVER }) => {
    if (given.layers === undefined && given.architecture === undefined) {
      addIssue({ message: 'missing (give "layers", an array of layers, or "architecture", a genome)', path: pathTo('layers') });
      return NEVER;
    }
    let broken = false;
    const architecture = given.architecture === undefined ? undefined : parseGenome(given.architecture);
    const layerCount = architecture ? layerList(architecture).length : given.layers!.length;
    let inputRates: Float64Array | undefined;
    if (given.input_rates !== undefined) {
      const rates = safeParse(inputRatesSchema(layerCount), given.input_rates);
      if (rates.success) inputRates = rates.output;
      else {
        addIssuesAt(addIssue, rates.issues, 'input_rates');
        broken = true;
      }
    }
    if (architecture) {
      // The architecture's own T and w replace the hardware's, so they must be valid hardware values too.
      const own = safeParse(HARDWARE_SCHEMA, hardwareJson({ ...given.hardware, timesteps: architecture.timesteps, weightBits: architecture.weightBits }));
      if (!own.success) {
        addIssuesAt(addIssue, own.issues, 'architecture');
        broken = true;
      }
    }
    if (broken) return NEVER;
    return architecture ? { hardware: given.hardware, inputRates, architecture } : { hardware: given.hardware, inputRates, layers: given.layers! };
  }),
);

/** Reads one `estimate` input object; throws CostInputError naming the field (`input` for the whole). */
export function readEstimateInput(json: unknown): EstimateInput {
  return parseOrThrow(ESTIMATE_INPUT_SCHEMA, json, '', 'input');
}
