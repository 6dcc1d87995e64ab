import { describe, expect, it } from 'vitest';
import { PARAMS, PARAM_KEYS, budgetLimit, clampNumber, defaultParams, formatParamText, normalizeParams, parseParamText, readNumberEntry, type NumberParam, type ParamDef } from '../src/core/params.ts';
import { BUDGETS, HARDWARE_KNOBS, budgetsFromParams, hardwareFromParams, searchSettingsFromParams, searchSpaceFromParams } from '../src/core/settings.ts';
import { METRICS } from '../src/core/metrics.ts';
import { compileSpace } from '../src/core/arch/sampler.ts';

describe('parameter table', () => {
  it('has unique URL keys and command-line names, and defaults inside their ranges', () => {
    const urls = PARAM_KEYS.map((k) => PARAMS[k].url);
    const clis = PARAM_KEYS.map((k) => (PARAMS[k] as ParamDef).cli).filter((c) => c !== undefined);
    expect(new Set(urls).size).toBe(urls.length);
    expect(new Set(clis).size).toBe(clis.length);
    // Every knob a command reads has an option; the neuron view's knobs and the page's layout are the page's alone.
    for (const key of PARAM_KEYS) expect((PARAMS[key] as ParamDef).cli === undefined, key).toBe(PARAMS[key].group === 'neuron' || PARAMS[key].group === 'view');
    for (const key of PARAM_KEYS) {
      const d = PARAMS[key] as ParamDef;
      expect(d.help.length, key).toBeGreaterThan(10);
      if (d.type === 'number') {
        expect(d.default, key).toBeGreaterThanOrEqual(d.min);
        expect(d.default, key).toBeLessThanOrEqual(d.max);
        expect(clampNumber(d, d.default), key).toBe(d.default);
      }
      if (d.type === 'choice') expect(d.options as readonly unknown[]).toContain(d.default);
      if (d.type === 'set') for (const v of d.default) expect(d.options as readonly unknown[]).toContain(v);
    }
  });

  it('round-trips every default through its text form', () => {
    const v = defaultParams();
    for (const key of PARAM_KEYS) expect(parseParamText(key, formatParamText(key, v[key])), key).toEqual({ value: v[key] });
  });

  it('clamps out-of-range numbers and says so', () => {
    expect(parseParamText('samples', '99999999')).toEqual({ value: 20000, problem: expect.stringMatching(/outside 10–20000/) });
    expect(parseParamText('samples', '-5').value).toBe(10);
    expect(parseParamText('samples', '250.4').value).toBe(250);
    expect(parseParamText('samples', 'abc')).toEqual({ value: 4000, problem: expect.stringMatching(/not a number/) });
    expect(parseParamText('maxAreaMm2', '12.345')).toEqual({ value: 12.35 });
    expect(parseParamText('maxAreaMm2', 'none').value).toBe(PARAMS.maxAreaMm2.max);
  });

  it('validates choices, sets and flags', () => {
    expect(parseParamText('xbar', '128')).toEqual({ value: 128 });
    expect(parseParamText('xbar', '100').problem).toMatch(/not one of 32, 64, 128, 256/);
    expect(parseParamText('ops', 'conv3x3,skip,zero')).toEqual({ value: ['zero', 'skip', 'conv3x3'] });
    expect(parseParamText('ops', 'conv3x3,bogus')).toEqual({ value: ['conv3x3'], problem: expect.stringMatching(/ignored bogus/) });
    expect(parseParamText('ops', '').value).toEqual(PARAMS.ops.default);
    expect(parseParamText('requireDirectEdge', '0')).toEqual({ value: false });
    expect(parseParamText('requireDirectEdge', 'maybe').problem).toMatch(/true\/false/);
  });

  it('treats the top of a budget slider as no limit', () => {
    const v = { ...defaultParams(), maxEnergyUJ: PARAMS.maxEnergyUJ.max };
    expect(budgetLimit(PARAMS.maxEnergyUJ, v.maxEnergyUJ)).toBe(Infinity);
    expect(budgetsFromParams(v).maxEnergyUJ).toBe(Infinity);
    expect(budgetsFromParams(v).maxParams).toBe(PARAMS.maxParams.default);
  });

  it('reads every budget and hardware rule off the table', () => {
    // Every knob of the budget group is a budget, in table order, with a cost column, a file key and a name of its own.
    expect(BUDGETS.map((b) => b.key)).toEqual(PARAM_KEYS.filter((k) => PARAMS[k].group === 'budget'));
    expect(BUDGETS.map((b) => b.bit)).toEqual(BUDGETS.map((_, i) => 1 << i));
    for (const b of BUDGETS) expect(METRICS as readonly string[]).toContain(b.metric);
    expect(new Set(BUDGETS.map((b) => b.file)).size).toBe(BUDGETS.length);
    expect(new Set(BUDGETS.map((b) => b.name)).size).toBe(BUDGETS.length);
    expect(BUDGETS.find((b) => b.key === 'maxParams')).toMatchObject({ metric: 'params', file: 'max_params', name: 'parameters' });
    // The hardware knobs set their fields; edits apply underneath them.
    expect(HARDWARE_KNOBS.map((k) => k.field)).toEqual(['preset', 'mode', 'xbar', 'cellBits']);
    const v = { ...defaultParams(), costMode: 'spikesim' as const, xbar: 128, cellBits: 4 };
    expect(hardwareFromParams(v, { eAdcPj: 3, xbar: 32 })).toMatchObject({ mode: 'spikesim', xbar: 128, cellBits: 4, eAdcPj: 3 });
    const s = searchSettingsFromParams({ ...v, maxAreaMm2: PARAMS.maxAreaMm2.max, topK: 5 });
    expect(s).toMatchObject({ strategy: 'neuronas', samples: 4000, seed: 1, topK: 5, epochs: 2, dataset: 'mnist' });
    expect(s.budgets).toEqual({ maxParams: 600000, maxAreaMm2: Infinity, maxLatencyMs: 50, maxEnergyUJ: 50 });
    expect(s.hardware.xbar).toBe(128);
  });

  it('turns knob values into a search space the sampler accepts', () => {
    const v = normalizeParams({ ...defaultParams(), channelsMin: 48, channelsMax: 16 });
    expect(v.channelsMax).toBe(48);
    const c = compileSpace(searchSpaceFromParams(defaultParams()));
    expect(c.channels).toEqual([8, 16, 24, 32, 40, 48, 56, 64]);
    expect(c.timesteps).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('reading a typed number (readNumberEntry)', () => {
  const area = PARAMS.maxAreaMm2;
  const samples = PARAMS.samples;

  it('takes what a person writes for a number, grouping and "none" included', () => {
    expect(readNumberEntry(samples, '3000')).toEqual({ value: 3000 });
    expect(readNumberEntry(samples, ' 3 000 ')).toEqual({ value: 3000 });
    expect(readNumberEntry(samples, '3_000')).toEqual({ value: 3000 });
    expect(readNumberEntry(samples, '3,000')).toEqual({ value: 3000 });
    expect(readNumberEntry(samples, '1e3')).toEqual({ value: 1000 });
    expect(readNumberEntry(PARAMS.maxParams, '1,250,000')).toEqual({ value: 1_250_000 });
    expect(readNumberEntry(area, '2.5')).toEqual({ value: 2.5 });
    expect(readNumberEntry(area, '.75')).toEqual({ value: 0.75 });
    expect(readNumberEntry(area, '12.34')).toEqual({ value: 12.34 });
    for (const none of ['none', 'None', 'no limit', 'inf', '∞']) expect(readNumberEntry(area, none), none).toEqual({ value: area.max });
    expect(budgetLimit(area, readNumberEntry(area, 'none').value!)).toBe(Infinity);
  });

  it('gives a problem, never a replaced value, for garbage', () => {
    expect(readNumberEntry(area, 'abc')).toEqual({ problem: "'abc' is not a number." });
    expect(readNumberEntry(area, '')).toEqual({ problem: 'Type a number, or none for no limit.' });
    expect(readNumberEntry(samples, '   ')).toEqual({ problem: 'Type a number.' });
    expect(readNumberEntry(samples, 'none')).toEqual({ problem: "'none' is not a number." });
    expect(readNumberEntry(samples, '0x10').problem).toBe("'0x10' is not a number.");
    expect(readNumberEntry(samples, 'Infinity').problem).toBe("'Infinity' is not a number.");
    expect(readNumberEntry(samples, '12abc').problem).toBe("'12abc' is not a number.");
    expect(readNumberEntry(samples, '1e999').problem).toBe("'1e999' is too large to be a number here.");
    expect(readNumberEntry(samples, 'x'.repeat(100)).problem).toBe(`'${'x'.repeat(24)}…' is not a number.`);
  });

  it('refuses a decimal comma instead of reading it as grouping', () => {
    expect(readNumberEntry(area, '2,5')).toEqual({ problem: "'2,5' is not a number (write decimals with a point: 2.5)." });
    expect(readNumberEntry(samples, '1,00')).toEqual({ problem: "'1,00' is not a number (write decimals with a point: 1.00)." });
  });

  it('refuses values out of range, not whole, or finer than the step, naming the limit', () => {
    expect(readNumberEntry(area, '-5')).toEqual({ problem: '-5 is below the least, 0.5 mm².' });
    expect(readNumberEntry(area, '0')).toEqual({ problem: '0 is below the least, 0.5 mm².' });
    expect(readNumberEntry(area, '5000')).toEqual({ problem: '5000 is above the most, 1000 mm²; for no limit, type none.' });
    expect(readNumberEntry(samples, '5')).toEqual({ problem: '5 is below the least, 10 architectures.' });
    expect(readNumberEntry(samples, '99999')).toEqual({ problem: '99999 is above the most, 20000 architectures.' });
    expect(readNumberEntry(PARAMS.topK, '2.5')).toEqual({ problem: '2.5 is not a whole number.' });
    expect(readNumberEntry(area, '1.234')).toEqual({ problem: '1.234 is finer than the steps of 0.01 mm².' });
    expect(readNumberEntry(PARAMS.seed, '-1')).toEqual({ problem: '-1 is below the least, 0.' });
  });

  it('accepts exactly the values of every number knob of the table that the knob can hold', () => {
    for (const key of PARAM_KEYS) {
      const d = PARAMS[key] as ParamDef;
      if (d.type !== 'number') continue;
      const n = d as NumberParam;
      for (const v of [n.min, n.default, n.max]) expect(readNumberEntry(n, String(v)), key).toEqual({ value: v });
      expect(readNumberEntry(n, String(n.min - n.step)).problem, key).toMatch(/below the least/);
      expect(readNumberEntry(n, String(n.max + n.step)).problem, key).toMatch(/above the most/);
    }
  });
});
