/**
 * The hardware config the page costs with: a preset from the cost module,
 * with the parameter-table knobs (cost model, crossbar size, bits per cell)
 * and the user's edited constants applied on top.
 */
import { CostInputError } from '../../core/cost/errors.ts';
import { HARDWARE_PRESETS, type HardwareConfig, type HardwareKey } from '../../core/cost/hardware.ts';
import { hardwareFromParams } from '../../core/settings.ts';
import type { ParamValues } from '../../core/params.ts';
import type { HardwareEdits } from '../../core/inputs.ts';

export { KNOB_FIELDS, PER_ARCHITECTURE_FIELDS, type HardwareEdits } from '../../core/inputs.ts';

export type HardwareResolution = { config: HardwareConfig; error: null } | { config: null; error: CostInputError };

export function studioHardware(params: ParamValues, edits: HardwareEdits): HardwareResolution {
  try {
    return { config: hardwareFromParams(params, edits), error: null };
  } catch (e) {
    if (e instanceof CostInputError) return { config: null, error: e };
    throw e;
  }
}

/** The preset's own value of a field, for showing what an edit changed. */
export function presetValue(preset: string, key: HardwareKey): number | string | undefined {
  return HARDWARE_PRESETS[preset]?.[key];
}
