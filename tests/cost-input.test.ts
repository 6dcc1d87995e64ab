/** Hardware presets and descriptor table, resolveHardware, layer validation. */
import { describe, expect, it } from 'vitest';
import { CostInputError } from '../src/core/cost/errors.ts';
import {
  DEFAULT_HARDWARE,
  HARDWARE_FIELDS,
  HARDWARE_PRESETS,
  PRESET_NAMES,
  hardwareFieldOfFile,
  hardwareJson,
  hardwareWith,
  resolveHardware,
  type HardwareConfig,
} from '../src/core/cost/hardware.ts';
import { checkLayers, validateInputRates, validateLayers } from '../src/core/cost/validate.ts';

function errorOf(f: () => unknown): CostInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof CostInputError) return e;
    throw e;
  }
  throw new Error('expected a CostInputError');
}

describe('hardware presets and descriptors', () => {
  it('the first preset is spikesim-65nm-rram with SpikeSim constants', () => {
    expect(PRESET_NAMES[0]).toBe('spikesim-65nm-rram');
    const p = HARDWARE_PRESETS['spikesim-65nm-rram'];
    expect(p).toBe(DEFAULT_HARDWARE);
    expect(Object.isFrozen(p)).toBe(true);
    expect([p.xbar, p.kernel, p.pesPerTile, p.timesteps, p.clockMhz, p.peCycleClocks]).toEqual([64, 3, 8, 5, 250, 26]);
    expect([p.weightBits, p.cellBits, p.signedScheme, p.membraneBits, p.mode]).toEqual([8, 2, 'offset', 16, 'neuronas']);
    expect(p.eHtreePj).toBe(157.12);
    expect(p.eNeuronPj).toBe(5.096);
    expect(p.aTileBufferUm2).toBeCloseTo(6054.7072, 9);
    expect(p.aBufferCellUm2).toBeCloseTo(16.2602, 12);
  });

  it('every config field has exactly one descriptor, and every preset passes its own validation', () => {
    const keys = HARDWARE_FIELDS.map((f) => f.key).sort();
    expect(keys).toEqual(Object.keys(DEFAULT_HARDWARE).sort());
    for (const f of HARDWARE_FIELDS) {
      expect(f.help.length).toBeGreaterThan(5);
      expect(f.source.length).toBeGreaterThan(5);
      if (f.type === 'enum') expect(f.allowed?.length).toBeGreaterThan(0);
    }
    for (const p of Object.values(HARDWARE_PRESETS)) expect(resolveHardware(hardwareJson(p))).toEqual(p);
  });

  it('keys are camelCase in memory and snake_case in files, each unique, one pair per field', () => {
    const files = HARDWARE_FIELDS.map((f) => f.file);
    expect(new Set(files).size).toBe(files.length);
    for (const f of HARDWARE_FIELDS) {
      expect(f.key).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      expect(f.file).toMatch(/^[a-z][a-z0-9_]*$/);
      // The same constant under both spellings: the file key with its underscores dropped and the next letter raised.
      expect(f.file.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).toBe(f.key);
      expect(hardwareFieldOfFile(f.file)).toBe(f);
    }
    expect(hardwareFieldOfFile('eAdcPj')).toBeUndefined();
  });

  it('hardwareJson writes a config under the file keys, in table order, and reads back to the same config', () => {
    const hw: HardwareConfig = { ...DEFAULT_HARDWARE, xbar: 128, cellBits: 4, eAdcPj: 2.5, signedScheme: 'differential' };
    const json = hardwareJson(hw);
    expect(Object.keys(json)).toEqual(HARDWARE_FIELDS.map((f) => f.file));
    expect(json).toMatchObject({ xbar: 128, cell_bits: 4, e_adc_pj: 2.5, signed_scheme: 'differential', pes_per_tile: 8, a_buffer_cell_um2: DEFAULT_HARDWARE.aBufferCellUm2 });
    expect(resolveHardware(json)).toEqual(hw);
    // Some fields (a user's edits) give only those fields.
    expect(hardwareJson({ eAdcPj: 3, pesPerTile: undefined })).toEqual({ e_adc_pj: 3 });
  });

  it('hardwareWith applies fields given in memory, and names a bad one as files do', () => {
    expect(hardwareWith({ cellBits: 1, clockMhz: 100 })).toEqual({ ...DEFAULT_HARDWARE, cellBits: 1, clockMhz: 100 });
    const e = errorOf(() => hardwareWith({ clockMhz: 0 }));
    expect(e.field).toBe('hardware.clock_mhz');
    expect(e.message).toMatch(/^hardware\.clock_mhz: 0 is out of range/);
    // A file key where a key in memory belongs would be dropped silently by hardwareJson: it is refused instead.
    expect(errorOf(() => hardwareWith({ e_adc_pj: 3 } as never)).message).toBe('hardware.e_adc_pj: not a field of a config in memory (that is its file key; in memory it is eAdcPj)');
  });
});

describe('resolveHardware', () => {
  it('defaults to the default preset; overrides apply', () => {
    expect(resolveHardware(undefined)).toEqual(DEFAULT_HARDWARE);
    expect(resolveHardware({})).toEqual(DEFAULT_HARDWARE);
    const hw = resolveHardware({ mode: 'spikesim', xbar: 128, timesteps: 10, e_adc_pj: 3 });
    expect([hw.mode, hw.xbar, hw.timesteps, hw.eAdcPj, hw.kernel]).toEqual(['spikesim', 128, 10, 3, 3]);
    expect(resolveHardware({ preset: 'spikesim-65nm-rram' }).preset).toBe('spikesim-65nm-rram');
  });

  it('fields set to undefined count as absent (JS callers spreading optional edits)', () => {
    expect(resolveHardware({ preset: undefined, xbar: undefined, timesteps: 7 })).toEqual({ ...DEFAULT_HARDWARE, timesteps: 7 });
  });

  it('a full edited copy round-trips', () => {
    const copy: HardwareConfig = { ...DEFAULT_HARDWARE, aAdcUm2: 500, signedScheme: 'differential' };
    expect(resolveHardware(hardwareJson(copy))).toEqual(copy);
  });

  it('reads only the file keys: a key spelled as in memory is an unknown field', () => {
    const e = errorOf(() => resolveHardware({ eAdcPj: 3 }));
    expect(e.field).toBe('hardware.eAdcPj');
    expect(e.message).toMatch(/^hardware\.eAdcPj: unknown field/);
  });

  const cases: [unknown, string, string][] = [
    [{ preset: 'tsmc-3nm' }, 'hardware.preset', 'hardware.preset: "tsmc-3nm" is not a known preset; known: spikesim-65nm-rram'],
    [{ xbr: 64 }, 'hardware.xbr', 'hardware.xbr: unknown field (did you mean "xbar"?)'],
    [{ frobnicate: 1 }, 'hardware.frobnicate', 'hardware.frobnicate: unknown field (known: '],
    [{ xbar: '64' }, 'hardware.xbar', 'hardware.xbar: expected one of 32, 64, 128, 256, got "64"'],
    [{ xbar: 48 }, 'hardware.xbar', 'hardware.xbar: 48 is not one of 32, 64, 128, 256'],
    [{ timesteps: 2.5 }, 'hardware.timesteps', 'hardware.timesteps: 2.5 is not a whole number'],
    [{ timesteps: 0 }, 'hardware.timesteps', 'hardware.timesteps: 0 is out of range: expected a whole number from 1 to 4096'],
    [{ clock_mhz: 0 }, 'hardware.clock_mhz', 'hardware.clock_mhz: 0 is out of range'],
    [{ e_adc_pj: -1 }, 'hardware.e_adc_pj', 'hardware.e_adc_pj: -1 is out of range'],
    [{ mode: 'fast' }, 'hardware.mode', 'hardware.mode: "fast" is not one of neuronas, spikesim'],
    [{ signed_scheme: 2 }, 'hardware.signed_scheme', 'hardware.signed_scheme: expected one of offset, differential, got 2'],
    [{ pipeline_fraction: 1.5 }, 'hardware.pipeline_fraction', 'hardware.pipeline_fraction: 1.5 is out of range'],
    [[1, 2], 'hardware', 'hardware: expected an object of hardware fields, got an array'],
  ];
  for (const [json, field, message] of cases) {
    it(`rejects ${JSON.stringify(json)} naming ${field}`, () => {
      const e = errorOf(() => resolveHardware(json));
      expect(e.field).toBe(field);
      expect(e.message.startsWith(message)).toBe(true);
      expect(e.message).not.toContain('\n');
    });
  }
});

describe('layer validation', () => {
  const ok = [
    { kind: 'conv', cin: 3, cout: 16, k: 3, hin: 32, hout: 32 },
    { kind: 'conv', cin: 16, cout: 32, k: 3, hin: 32, hout: 16, name: 'down' },
    { kind: 'fc', cin: 512, cout: 10 },
  ];

  it('accepts valid layers; fc fields default to 1', () => {
    const layers = validateLayers(ok);
    expect(layers[2]).toEqual({ kind: 'fc', cin: 512, cout: 10, k: 1, hin: 1, hout: 1 });
    expect(layers[1].name).toBe('down');
    expect(() => checkLayers(layers)).not.toThrow();
  });

  const bad = (i: number, patch: Record<string, unknown>) => ok.map((l, j) => (j === i ? { ...l, ...patch } : l));
  const cases: [unknown, string][] = [
    [bad(2, { kind: 'conv', k: 3, hin: 32, hout: 40 }), 'layers[2].hout: 40 is larger than hin 32'],
    [bad(0, { cin: -3 }), 'layers[0].cin: -3 is negative'],
    [bad(0, { cout: 0 }), 'layers[0].cout: 0 is less than 1'],
    [bad(1, { k: 2.5 }), 'layers[1].k: 2.5 is not a whole number'],
    [bad(1, { hin: undefined }), 'layers[1].hin: missing (a whole number is required)'],
    [bad(1, { kind: 'pool' }), 'layers[1].kind: "pool" is not a known layer kind ("conv" or "fc")'],
    [bad(0, { cin: '3' }), 'layers[0].cin: expected a whole number, got "3"'],
    [bad(2, { k: 3 }), 'layers[2].k: an fc layer has k = 1, got 3'],
    [bad(0, { stride: 2 }), 'layers[0].stride: unknown field'],
    [[], 'layers: the network has no layer (at least one is needed)'],
    [{}, 'layers: expected an array of layers, got an object'],
    [[7], 'layers[0]: expected a layer object'],
  ];
  for (const [json, message] of cases) {
    it(`rejects: ${message}`, () => {
      const e = errorOf(() => validateLayers(json));
      expect(e.message.startsWith(message)).toBe(true);
    });
  }

  it('input rates', () => {
    expect(Array.from(validateInputRates([0, 0.5, 1], 3))).toEqual([0, 0.5, 1]);
    expect(errorOf(() => validateInputRates([0, -0.1, 1], 3)).message).toBe('input_rates[1]: -0.1 is outside [0, 1]');
    expect(errorOf(() => validateInputRates('x', 3)).field).toBe('input_rates');
  });
});
