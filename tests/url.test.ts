/** The share link: encoding, round trips over random states, and links that are damaged or hostile. */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { makeRng } from '../src/core/arch/sampler.ts';
import { HARDWARE_PRESETS } from '../src/core/cost/hardware.ts';
import { DEFAULT_AXES, EDITABLE_HARDWARE_FIELDS, canonicalInputs, defaultInputs, type StudioInputs } from '../src/core/inputs.ts';
import { AXIS_METRICS } from '../src/core/metrics.ts';
import { PARAMS, PARAM_KEYS, clampNumber, defaultParams, normalizeParams, type ParamDef, type ParamValues } from '../src/core/params.ts';
import {
  CONSTANT_PREFIX,
  LINK_DICTIONARY_V1,
  MAX_INFLATED_BYTES,
  MAX_LINK_CHARS,
  RESERVED_LINK_KEYS,
  decodeInputs,
  encodeInputs,
  shortNumber,
} from '../src/core/url.ts';

type Rng = ReturnType<typeof makeRng>;
const int = (rng: Rng, lo: number, hi: number) => uniformInt(rng, lo, hi);
const unit = (rng: Rng) => int(rng, 0, 2 ** 30) / 2 ** 30;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, 0, xs.length - 1)];

function randomParam(rng: Rng, d: ParamDef): unknown {
  switch (d.type) {
    case 'number': {
      const r = unit(rng);
      const raw = d.scale === 'log' ? Math.exp(Math.log(d.min) + r * (Math.log(d.max) - Math.log(d.min))) : d.min + r * (d.max - d.min);
      return clampNumber(d, int(rng, 0, 9) === 0 ? pick(rng, [d.min, d.max, d.default]) : raw);
    }
    case 'choice':
      return pick(rng, d.options);
    case 'set': {
      const chosen = d.options.filter(() => int(rng, 0, 1) === 1);
      return chosen.length ? chosen : [pick(rng, d.options)];
    }
    case 'flag':
      return int(rng, 0, 1) === 1;
  }
}

function randomInputs(rng: Rng): StudioInputs {
  const params = defaultParams() as Record<string, unknown>;
  for (const key of PARAM_KEYS) if (int(rng, 0, 2) > 0) params[key] = randomParam(rng, PARAMS[key] as ParamDef);
  const hwEdits: StudioInputs['hwEdits'] = {};
  for (const f of EDITABLE_HARDWARE_FIELDS) {
    if (int(rng, 0, 3) !== 0) continue;
    if (f.allowed) hwEdits[f.key] = pick(rng, f.allowed);
    else if (f.type === 'int') hwEdits[f.key] = int(rng, f.min ?? 0, Math.min(f.max ?? 1e6, 1e6));
    else {
      const lo = f.min ?? 0;
      const hi = Math.min(f.max ?? 1e9, 1e9);
      const v = lo + unit(rng) * (hi - lo) * (int(rng, 0, 1) ? 1 : 1e-6);
      hwEdits[f.key] = f.minExclusive && v <= lo ? lo + 1 : v;
    }
  }
  const x = pick(rng, AXIS_METRICS);
  const y = pick(rng, AXIS_METRICS.filter((m) => m !== x));
  return { params: normalizeParams(params as ParamValues), hwEdits, axes: int(rng, 0, 2) ? { x, y } : { ...DEFAULT_AXES } };
}

describe('share link encoding', () => {
  it('writes nothing for the default state and decodes nothing to the defaults', () => {
    expect(encodeInputs(defaultInputs())).toBe('');
    expect(decodeInputs('')).toEqual({ inputs: defaultInputs(), problems: [], fellBack: false, compressed: false, run: false });
    expect(decodeInputs('#')).toEqual({ inputs: defaultInputs(), problems: [], fellBack: false, compressed: false, run: false });
  });

  it('writes only what differs from the defaults, under the table\'s short keys', () => {
    const inputs = defaultInputs();
    inputs.params.samples = 8000;
    inputs.params.seed = 42;
    inputs.params.maxParams = 1_000_000;
    inputs.axes = { x: 'params', y: 'latencyMs' };
    inputs.hwEdits.eAdcPj = 2.5;
    // Short enough to stay readable (and editable by hand): written plain.
    expect(encodeInputs(inputs)).toBe('v=1&n=8e3&s=42&bp=1e6&ax=params.latencyMs&c.e_adc_pj=2.5');
    expect(decodeInputs('#v=1&n=8e3&s=42&bp=1e6&ax=params.latencyMs&c.e_adc_pj=2.5')).toEqual({ inputs, problems: [], fellBack: false, compressed: false, run: false });
  });

  it('drops hardware edits equal to the preset\'s own value', () => {
    const inputs = defaultInputs();
    inputs.hwEdits.eAdcPj = HARDWARE_PRESETS['spikesim-65nm-rram'].eAdcPj;
    expect(encodeInputs(inputs)).toBe('');
  });

  it('writes numbers in their shortest exact form', () => {
    for (const v of [600000, 4e6, 15, 0.5, 12.34, 2147483647, 1e-6, 1.15e-6, 216830 * 2, 0.7391 * 22, 19.64 * 8]) {
      expect(Number(shortNumber(v))).toBe(v);
      expect(shortNumber(v).length).toBeLessThanOrEqual(String(v).length);
    }
    expect(shortNumber(600000)).toBe('6e5');
    expect(shortNumber(1.15e-6)).toBe('1.15e-6');
  });

  it('compresses once that is shorter, and reads both forms', () => {
    const inputs = randomInputs(makeRng(3));
    for (const f of EDITABLE_HARDWARE_FIELDS.slice(0, 12)) if (!f.allowed && f.type === 'number') inputs.hwEdits[f.key] = ((f.min ?? 0) + Math.min(f.max ?? 10, 10)) / 3.7;
    const plain = encodeInputs(inputs, { form: 'plain' });
    const compressed = encodeInputs(inputs, { form: 'compressed' });
    expect(compressed.length).toBeLessThan(plain.length);
    expect(encodeInputs(inputs)).toBe(compressed);
    expect(compressed).toMatch(/^v=1&z=[A-Za-z0-9_-]+$/);
    const want = canonicalInputs(inputs);
    expect(decodeInputs(plain)).toMatchObject({ inputs: want, problems: [], compressed: false });
    expect(decodeInputs(compressed)).toMatchObject({ inputs: want, problems: [], compressed: true });
  });

  it('keeps link keys apart: table keys are short, unique and never reserved', () => {
    const keys = PARAM_KEYS.map((k) => PARAMS[k].url as string);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) {
      expect(k).toMatch(/^[a-z][a-z0-9]{0,4}$/);
      expect(RESERVED_LINK_KEYS).not.toContain(k);
      expect(k.startsWith(CONSTANT_PREFIX)).toBe(false);
    }
  });

  it('pins the v1 compression dictionary (compressed v1 links depend on its exact bytes)', () => {
    expect(createHash('sha256').update(LINK_DICTIONARY_V1).digest('hex').slice(0, 16)).toBe('2b59ba73c4381dc0');
    // A link made when this format was written still opens (whatever fflate's encoder writes in future versions).
    const golden = 'v=1&z=ywN61sAAaIqtOcQREL-DSKAsUA4paGHhCIxjeMgb6ZkCAA';
    expect(decodeInputs(golden).problems).toEqual([]);
    expect(decodeInputs(golden).inputs.hwEdits).toEqual({ eAdcPj: 2.5 });
    expect(decodeInputs(golden).inputs.params.samples).toBe(12000);
  });
});

describe('share link round trips', () => {
  it('decodes 2000 random valid states to themselves, in both forms', () => {
    const rng = makeRng(20240701);
    for (let i = 0; i < 2000; i++) {
      const inputs = randomInputs(rng);
      const want = canonicalInputs(inputs);
      for (const form of ['plain', 'compressed', 'auto'] as const) {
        const link = encodeInputs(inputs, { form });
        const back = decodeInputs(`#${link}`);
        if (back.problems.length || JSON.stringify(back.inputs) !== JSON.stringify(want)) {
          expect({ link, problems: back.problems, inputs: back.inputs }).toEqual({ link, problems: [], inputs: want });
        }
        expect(link.length).toBeLessThan(MAX_LINK_CHARS);
      }
    }
  });

  it('never grows on re-encoding (decode ∘ encode is a fixed point)', () => {
    const rng = makeRng(7);
    for (let i = 0; i < 200; i++) {
      const link = encodeInputs(randomInputs(rng));
      expect(encodeInputs(decodeInputs(link).inputs)).toBe(link);
    }
  });
});

describe('classroom links (hidden panels)', () => {
  it('carries the hidden panels in the table order, and an empty list is the default page', () => {
    const inputs = { ...defaultInputs(), params: { ...defaultParams(), hidePanels: ['neuron', 'budgets'] as ParamValues['hidePanels'] } };
    const fragment = encodeInputs(inputs);
    expect(fragment).toBe('v=1&hide=neuron,budgets');
    const d = decodeInputs(`#${fragment}`);
    expect(d.problems).toEqual([]);
    // Read back in the table's order.
    expect(d.inputs.params.hidePanels).toEqual(['budgets', 'neuron']);
    expect(encodeInputs(defaultInputs())).toBe('');
    const empty = decodeInputs('#v=1&hide=');
    expect(empty.problems).toEqual([]);
    expect(empty.inputs.params.hidePanels).toEqual([]);
  });

  it('ignores a panel it does not know, and says so', () => {
    const d = decodeInputs('#v=1&hide=space,blackboard');
    expect(d.inputs.params.hidePanels).toEqual(['space']);
    expect(d.problems).toEqual(['Hide in this link: ignored blackboard']);
    expect(PARAMS.hidePanels.group).toBe('view');
  });
});

describe('damaged and hostile links', () => {
  const defaults = defaultInputs();

  function expectFallback(fragment: string, message: RegExp) {
    const d = decodeInputs(fragment);
    expect(d.inputs).toEqual(defaults);
    expect(d.fellBack).toBe(true);
    expect(d.problems.join(' ')).toMatch(message);
    return d;
  }

  it('rejects an unknown or future format version', () => {
    expectFallback('#v=2&n=8000', /newer studio \(link format 2\)/);
    expectFallback('#v=abc&n=8000', /format version 'abc' is not one this studio reads/);
    expectFallback('#v=&n=8000', /format version '' is not one/);
  });

  it('rejects bad base64 and bad DEFLATE in the compressed form', () => {
    expectFallback('#v=1&z=%%%', /percent-encoding is broken|not valid base64url/);
    expectFallback('#v=1&z=abc$def', /not valid base64url/);
    expectFallback('#v=1&z=A', /not valid base64url/);
    expectFallback('#v=1&z=', /empty/);
    expectFallback('#v=1&z=AAAAAAAAAAAA', /do not decompress/);
    const valid = encodeInputs({ ...defaults, params: { ...defaults.params, samples: 8000 } }, { form: 'compressed' });
    expectFallback(`#${valid.slice(0, -5)}`, /damaged|not valid base64url/);
  });

  it('rejects a compression bomb without inflating it', () => {
    const bomb = deflateRawSync(Buffer.alloc(1 << 20, 'a'), { level: 9 }).toString('base64url');
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    const t0 = performance.now();
    expectFallback(`#v=1&z=${bomb}`, new RegExp(`expand past ${MAX_INFLATED_BYTES} bytes`));
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('rejects a 100 kB link at once, and a link of too many entries', () => {
    const huge = '#v=1&' + 'n=1&'.repeat(25_000);
    expect(huge.length).toBeGreaterThan(100_000);
    const t0 = performance.now();
    expectFallback(huge, /at most 4096/);
    expect(performance.now() - t0).toBeLessThan(20);
    expectFallback('#v=1&' + Array.from({ length: 200 }, (_, i) => `k${i}=1`).join('&'), /holds 201 settings; a studio link holds at most 128/);
  });

  it('clamps huge values through the table: a link never asks for an oversized run', () => {
    const d = decodeInputs('#v=1&n=1e12&s=-4&tmin=400&cmax=99999');
    expect(d.fellBack).toBe(false);
    expect(d.inputs.params.samples).toBe(PARAMS.samples.max);
    expect(d.inputs.params.seed).toBe(0);
    expect(d.inputs.params.timestepsMin).toBe(PARAMS.timestepsMin.max);
    expect(d.inputs.params.timestepsMax).toBe(PARAMS.timestepsMin.max); // ordered after the minimum moved
    expect(d.inputs.params.channelsMax).toBe(PARAMS.channelsMax.max);
    expect(d.problems).toHaveLength(4);
    expect(d.problems[0]).toMatch(/Samples: 1000000000000 is outside 10–20000.*; using 20000/);
    for (const bad of ['Infinity', 'NaN', '1e999', '0x10', ' ', '--1']) {
      const r = decodeInputs(`#v=1&n=${encodeURIComponent(bad)}`);
      expect(r.inputs.params.samples, bad).toBeLessThanOrEqual(PARAMS.samples.max);
      expect(r.inputs.params.samples, bad).toBeGreaterThanOrEqual(PARAMS.samples.min);
    }
  });

  it('carries a shared search as run=1, in both forms, and starts nothing from a bad or unusable one', () => {
    const inputs = defaultInputs();
    inputs.params.samples = 30;
    expect(encodeInputs(inputs, { run: true })).toBe('v=1&n=30&run=1');
    expect(encodeInputs(defaultInputs(), { run: true })).toBe('v=1&run=1');
    expect(decodeInputs('#v=1&n=30&run=1')).toMatchObject({ run: true, problems: [] });
    expect(decodeInputs('#v=1&run=1')).toMatchObject({ run: true, problems: [], inputs: defaultInputs() });
    const packed = decodeInputs(`#${encodeInputs(inputs, { run: true, form: 'compressed' })}`);
    expect(packed).toMatchObject({ run: true, compressed: true, problems: [] });
    expect(packed.inputs.params.samples).toBe(30);
    expect(decodeInputs('#v=1&n=30').run).toBe(false);
    const odd = decodeInputs('#v=1&n=30&run=yes');
    expect(odd.run).toBe(false);
    expect(odd.problems).toEqual(["Ignored run='yes': a link that starts its search says run=1."]);
    // A damaged link falls back to the defaults and never starts a search, whatever else it says.
    expect(decodeInputs('#v=7&run=1')).toMatchObject({ fellBack: true, run: false });
    expect(decodeInputs('#v=1&z=!!!&run=1')).toMatchObject({ fellBack: true, run: false });
  });

  it('keeps the good settings of a partly bad link and names every bad one', () => {
    const d = decodeInputs('#v=1&n=8000&wat=1&x=100&ops=zero,fly&de=maybe&ax=params.params&c.e_adc_pj=-1&c.xbar=128&c.nope=1&c.signed_scheme=sideways&n=9000&garbage');
    expect(d.fellBack).toBe(false);
    expect(d.inputs.params.samples).toBe(8000);
    expect(d.inputs.params.xbar).toBe(PARAMS.xbar.default);
    expect(d.inputs.params.ops).toEqual(['zero']);
    expect(d.inputs.params.requireDirectEdge).toBe(true);
    expect(d.inputs.axes).toEqual(DEFAULT_AXES);
    expect(d.inputs.hwEdits).toEqual({});
    const text = d.problems.join('\n');
    for (const m of [/unknown setting 'wat'/, /Crossbar size: '100' is not one of/, /Operations: ignored fly/, /Direct edge.*'maybe'/, /name one metric twice/, /e_adc_pj.*out of range/, /xbar is set by its own control/, /nope.*not a hardware constant/, /signed_scheme/, /'n' is given twice/, /'garbage': it is not a setting/]) {
      expect(text).toMatch(m);
    }
  });

  it('shortens and sanitises what it echoes from a hostile link', () => {
    const long = 'x'.repeat(3000);
    const d = decodeInputs(`#v=1&n=${long}&${long}=1&ax=%E2%80%AE${long}`);
    for (const p of d.problems) expect(p.length).toBeLessThan(200);
    expect(d.problems.join('')).not.toMatch(/\u202e/);
    expect(d.inputs.params.samples).toBe(PARAMS.samples.default);
  });

  it('treats a link without a version as version 1, and says so', () => {
    const d = decodeInputs('#n=300');
    expect(d.inputs.params.samples).toBe(300);
    expect(d.problems).toEqual(['The link names no format version; read it as version 1.']);
  });

  it('is not fooled by prototype keys', () => {
    const d = decodeInputs('#v=1&__proto__=1&constructor=1&c.__proto__=1&c.toString=2');
    expect(d.inputs).toEqual(defaults);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(d.problems).toHaveLength(4);
    expect(d.fellBack).toBe(true);
  });

  it('survives random garbage', () => {
    const rng = makeRng(99);
    const alphabet = 'v=1&z%#.,c_-abcxyz0123456789AZ+/';
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = int(rng, 0, 80);
      for (let j = 0; j < n; j++) s += alphabet[int(rng, 0, alphabet.length - 1)];
      const d = decodeInputs(s);
      expect(d.inputs.params.samples).toBeLessThanOrEqual(PARAMS.samples.max);
      expect(canonicalInputs(d.inputs)).toEqual(d.inputs);
    }
  });
});
