/** `neuronas estimate`: runEstimate with a fake io, plus one real spawn. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeIO, type FakeIO } from './cli-io.ts';
import { runEstimate } from '../src/cli/estimate.ts';
import { HARDWARE_FIELDS } from '../src/core/cost/hardware.ts';
import { LAYER_FIELDS } from '../src/core/cost/validate.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../src/core/arch/sampler.ts';
import { formatGenome, parseGenome } from '../src/core/arch/genome.ts';
import { layerList } from '../src/core/arch/architecture.ts';

const layerCount = (genome: string): number => layerList(parseGenome(genome)).length;


const VGG_SPIKESIM = JSON.stringify({
  layers: [
    { kind: 'conv', cin: 3, cout: 64, k: 3, hin: 32, hout: 32 },
    { kind: 'conv', cin: 64, cout: 64, k: 3, hin: 32, hout: 16 },
    { kind: 'conv', cin: 64, cout: 128, k: 3, hin: 16, hout: 16 },
    { kind: 'conv', cin: 128, cout: 128, k: 3, hin: 16, hout: 8 },
    { kind: 'conv', cin: 128, cout: 256, k: 3, hin: 8, hout: 8 },
    { kind: 'conv', cin: 256, cout: 256, k: 3, hin: 8, hout: 8 },
    { kind: 'conv', cin: 256, cout: 256, k: 3, hin: 8, hout: 4 },
  ],
  hardware: { mode: 'spikesim', xbar: 64, timesteps: 5 },
});

async function run(argv: string[], io: FakeIO): Promise<number> {
  return runEstimate(argv, io);
}

describe('neuronas estimate', () => {
  it('costs a layer list from stdin: the JSON report with the required keys', async () => {
    const io = fakeIO(VGG_SPIKESIM);
    expect(await run(['-'], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    const r = JSON.parse(io.stdout.join(''));
    for (const key of ['tiles', 'pes', 'crossbars', 'params', 'memory_bits', 'area_mm2', 'energy_uJ', 'latency_ms', 'layers', 'breakdown', 'kpis', 'mode', 'hardware', 'notes']) {
      expect(r).toHaveProperty(key);
    }
    expect(r.mode).toBe('spikesim');
    expect(r.tiles).toBe(6);
    expect(r.energy_uJ).toBeCloseTo(15.90693402624, 10);
    expect(r.latency_ms).toBeCloseTo(62.83264, 10);
    expect(r.layers).toHaveLength(7);
    expect(Object.keys(r.breakdown.energy_uJ)).toEqual(['crossbar_array', 'adc', 'multiplexers', 'accumulation', 'buffers', 'interconnect', 'neurons']);
    expect(r.hardware.xbar).toBe(64);
  });

  it('reads a FILE; the default mode is neuronas and says activity was assumed', async () => {
    const io = fakeIO('', { 'net.json': JSON.stringify({ layers: [{ kind: 'conv', cin: 1, cout: 8, k: 3, hin: 28, hout: 28 }, { kind: 'fc', cin: 8, cout: 10 }] }) });
    expect(await run(['net.json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join(''));
    expect(r.mode).toBe('neuronas');
    expect(r.notes).toContain('activity assumed 1 (worst case): no input spike-rate measurement was given');
  });

  it('costs an architecture genome with input rates', async () => {
    const io = fakeIO(JSON.stringify({ architecture: 'c16-h128-t4-w8-301203', hardware: { xbar: 128 } }));
    expect(await run(['-'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join(''));
    expect(r.hardware.timesteps).toBe(4);
    expect(r.layers[0].name).toBe('stem');
    const n = r.layers.length;
    const io2 = fakeIO(JSON.stringify({ architecture: 'c16-h128-t4-w8-301203', input_rates: Array(n).fill(0.25) }));
    expect(await run(['-'], io2)).toBe(0);
    const r2 = JSON.parse(io2.stdout.join(''));
    expect(r2.notes.some((s: string) => s.includes('activity assumed'))).toBe(false);
    expect(r2.layers.every((l: { input_rate: number }) => l.input_rate === 0.25)).toBe(true);
  });

  const bad: [string, string][] = [
    ['{"layers":[', 'input: malformed JSON'],
    ['[]', 'input: expected a JSON object with "layers" or "architecture", got an array'],
    ['{"hardware":{}}', 'layers: missing'],
    ['{"layers":[{"kind":"conv","cin":3,"cout":8,"k":3,"hin":8,"hout":8},{"kind":"conv","cin":8,"cout":8,"k":3,"hin":8,"hout":8},{"kind":"conv","cin":8,"cout":8,"k":3,"hin":32,"hout":40}]}', 'layers[2].hout: 40 is larger than hin 32'],
    ['{"layers":[{"kind":"conv","cin":-3,"cout":8,"k":3,"hin":8,"hout":8}]}', 'layers[0].cin: -3 is negative'],
    ['{"layers":[{"kind":"conv","cin":3,"cout":8.5,"k":3,"hin":8,"hout":8}]}', 'layers[0].cout: 8.5 is not a whole number'],
    ['{"layers":[{"kind":"conv","cin":3,"cout":8,"hin":8,"hout":8}]}', 'layers[0].k: missing'],
    ['{"layers":[{"kind":"lstm","cin":3,"cout":8}]}', 'layers[0].kind: "lstm" is not a known layer kind'],
    ['{"layers":[{"kind":"fc","cin":3,"cout":8}],"hardware":{"preset":"x"}}', 'hardware.preset: "x" is not a known preset'],
    ['{"layers":[{"kind":"fc","cin":3,"cout":8}],"hardware":{"xbar_size":64}}', 'hardware.xbar_size: unknown field'],
    ['{"layers":[{"kind":"fc","cin":3,"cout":8}],"hardwre":{}}', 'hardwre: unknown field (did you mean "hardware"?)'],
    ['{"layers":[{"kind":"fc","cin":3,"cout":8}],"input_rates":[2]}', 'input_rates[0]: 2 is outside [0, 1]'],
    ['{"architecture":"c16-h128-t4-w8-3012"}', "architecture: genome part '3012': a cell is 6 digits"],
    ['{"architecture":"c16-h128-t4-w8-301203","layers":[]}', 'architecture: give either "layers" or "architecture", not both'],
  ];
  for (const [input, message] of bad) {
    it(`exits 2 with one line: ${message}`, async () => {
      const io = fakeIO(input);
      expect(await run(['-'], io)).toBe(2);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0].startsWith(message)).toBe(true);
      expect(io.stderr[0]).not.toContain('\n');
      expect(io.stderr[0]).not.toMatch(/at .*\.ts:\d+/);
    });
  }

  it('usage errors exit 2', async () => {
    let io = fakeIO();
    expect(await run([], io)).toBe(2);
    expect(io.stderr[0]).toContain('give a FILE');
    io = fakeIO();
    expect(await run(['--fast', '-'], io)).toBe(2);
    expect(io.stderr[0]).toContain("unknown option '--fast'");
    io = fakeIO();
    expect(await run(['missing.json'], io)).toBe(2);
    expect(io.stderr).toEqual(['estimate: cannot read missing.json (ENOENT)']);
  });

  it('--jsonl: one report per line; blank lines skipped', async () => {
    const lines = [
      JSON.stringify({ layers: [{ kind: 'fc', cin: 64, cout: 10 }] }),
      '',
      JSON.stringify({ architecture: 'c8-h64-t2-w8-301203', hardware: { mode: 'spikesim' } }),
      VGG_SPIKESIM,
    ].join('\n');
    const io = fakeIO(lines + '\n');
    expect(await run(['--jsonl', '-'], io)).toBe(0);
    expect(io.stdout).toHaveLength(3);
    const reports = io.stdout.map((s) => JSON.parse(s));
    expect(reports.map((r) => r.mode)).toEqual(['neuronas', 'spikesim', 'spikesim']);
    expect(io.stdout.every((s) => !s.includes('\n'))).toBe(true);
  });

  it('--jsonl: a bad line exits 2 naming its line number, with no report printed', async () => {
    const lines = [JSON.stringify({ layers: [{ kind: 'fc', cin: 64, cout: 10 }] }), '{"layers":[{"kind":"fc","cin":0,"cout":10}]}'].join('\n');
    const io = fakeIO(lines);
    expect(await run(['--jsonl', '-'], io)).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual(['line 2: layers[0].cin: 0 is less than 1']);
  });

  it('--totals: per line, the headline figures of the full report, whichever path the line takes', async () => {
    const genomes = ['c8-h64-t2-w8-301203', 'c16-h128-t4-w8-301203', 'c8-h64-t2-w4-222332', 'c24-h64-t6-w8-331133'];
    const lines = [
      // the fast path: a genome, with the same hardware on many lines
      ...genomes.map((g) => JSON.stringify({ architecture: g })),
      ...genomes.map((g) => JSON.stringify({ architecture: g, hardware: { mode: 'spikesim', xbar: 128 } })),
      ...genomes.map((g) => JSON.stringify({ hardware: { mode: 'neuronas' }, architecture: g })),
      // the full path: rates, layer lists
      JSON.stringify({ architecture: genomes[1], input_rates: [1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2] }),
      JSON.stringify({ layers: [{ kind: 'fc', cin: 64, cout: 10 }] }),
      VGG_SPIKESIM,
    ];
    const full = fakeIO(lines.join('\n'));
    expect(await run(['--jsonl', '-'], full)).toBe(0);
    const io = fakeIO(lines.join('\n') + '\n');
    expect(await run(['--totals', '-'], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    const out = io.stdout.join('\n').split('\n').map((s) => JSON.parse(s) as Record<string, unknown>);
    expect(out).toHaveLength(lines.length);
    const keys = ['mode', 'tiles', 'pes', 'crossbars', 'params', 'memory_bits', 'memory_bytes', 'area_mm2', 'energy_uJ', 'latency_ms'];
    for (const [i, report] of full.stdout.map((s) => JSON.parse(s) as Record<string, unknown>).entries()) {
      expect(Object.keys(out[i]), lines[i]).toEqual(keys);
      for (const k of keys) expect(out[i][k], `${lines[i]} ${k}`).toBe(report[k]);
    }
    expect(out[0].energy_uJ).not.toBe(out[lines.length - 3].energy_uJ);
  });

  it('--totals: megabytes of output in whole lines, in input order, over more line shapes than it keeps at hand', async () => {
    // Six hardware shapes in turn: more than the few the coster matches in place, so its keyed shapes serve too.
    const shapes = [undefined, { xbar: 128 }, { mode: 'spikesim' }, { xbar: 256 }, { cols_per_adc: 4 }, { mode: 'neuronas', xbar: 64 }];
    const archs = sampleArchitectures(DEFAULT_SEARCH_SPACE, 6000, 11);
    const lines = archs.map((a, i) => JSON.stringify(shapes[i % 6] ? { architecture: formatGenome(a), hardware: shapes[i % 6] } : { architecture: formatGenome(a) }));
    const io = fakeIO(lines.join('\n'));
    expect(await run(['--totals', '-'], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    // Over a megabyte: more than one write, each of whole lines.
    expect(io.stdout.length).toBeGreaterThan(1);
    const out = io.stdout.flatMap((chunk) => chunk.split('\n').map((s) => JSON.parse(s) as Record<string, unknown>));
    expect(out).toHaveLength(lines.length);
    // Every 97th line against its full report (--jsonl), so order and shape are checked across the whole run.
    const picked = lines.filter((_, i) => i % 97 === 0);
    const full = fakeIO(picked.join('\n'));
    expect(await run(['--jsonl', '-'], full)).toBe(0);
    for (const [j, s] of full.stdout.entries()) {
      const report = JSON.parse(s) as Record<string, unknown>;
      for (const k of ['mode', 'tiles', 'crossbars', 'params', 'area_mm2', 'energy_uJ', 'latency_ms']) expect(out[j * 97][k], `${picked[j]} ${k}`).toBe(report[k]);
    }
  });

  it('--totals: a bad line exits 2 with the same message as --jsonl, and prints nothing', async () => {
    for (const bad of [
      '{"architecture":"c8-h64-t2-w8-300000"}',
      '{"architecture":"c8-h64-t2-w8-301203","hardware":{"xbar":65}}',
      '{"architecture":"c8-h64-t2-w8-301203","hardware":{"mode":"fast"}}',
      '{"architecture":"c8-h64-t2-w8-301203","hardware":3}',
      '{"architecture":7}',
      '[1]',
      '{"architecture":"c8-h64-t2-w8-301203"',
    ]) {
      const lines = [JSON.stringify({ architecture: 'c8-h64-t2-w8-301203' }), bad].join('\n');
      const jsonl = fakeIO(lines);
      expect(await run(['--jsonl', '-'], jsonl), bad).toBe(2);
      const io = fakeIO(lines);
      expect(await run(['--totals', '-'], io), bad).toBe(2);
      expect(io.stdout).toEqual([]);
      expect(io.stderr, bad).toEqual(jsonl.stderr);
      expect(io.stderr[0]).toMatch(/^line 2: /);
    }
  });

  it('--totals: each line, byte for byte, the headline keys of its --jsonl report, over varied lines', async () => {
    // 1,000 lines: thousands of fractional numbers, enough that some share a slot of the writer's number texts.
    const hardware = [undefined, { xbar: 128 }, { mode: 'spikesim' }, { mode: 'spikesim', xbar: 256, timesteps: 3 }, { cols_per_adc: 4 }, { weight_bits: 4 }, { cell_bits: 1 }, {}];
    const backward = (cell: string) => `${cell}${cell.slice(3)}${cell.slice(0, 3)}`;
    const lines = sampleArchitectures(DEFAULT_SEARCH_SPACE, 1000, 23).map((a, i) => {
      const g = formatGenome(a);
      const hw = hardware[i % hardware.length];
      switch (i % 10) {
        case 0: return JSON.stringify({ architecture: g });
        case 1: return ` \t${JSON.stringify({ architecture: g, hardware: hw })}\r`; // blanks around, CRLF
        case 2: return JSON.stringify({ hardware: hw, architecture: g }); // the genome last
        case 3: return `{ "architecture" : "${g}" , "hardware" : ${JSON.stringify(hw ?? {})} }`;
        case 4: return JSON.stringify({ architecture: g.replace(/-(\d{6})/, '-i32x3-n100-$1'), hardware: hw });
        case 5: return JSON.stringify({ architecture: `${g}-${backward(g.slice(-6))}`, hardware: hw }); // two cells, the second with backward edges
        case 6: return JSON.stringify({ architecture: ` ${g} ` }); // blanks inside the genome's string
        case 7: return JSON.stringify({ architecture: g, hardware: hw }).replace('-', '\\u002d'); // an escape in the genome
        case 8: return JSON.stringify({ architecture: g.replace(/^(c\d+)-(h\d+)-(t\d+)-(w\d+)/, '$4-$3-$2-$1'), hardware: hw }); // dimensions in another order
        default: return JSON.stringify({ architecture: g, hardware: hw, input_rates: new Array(layerCount(g)).fill(0.25) });
      }
    });
    const text = lines.join('\n');
    const full = fakeIO(text);
    expect(await run(['--jsonl', '-'], full)).toBe(0);
    const io = fakeIO(text);
    expect(await run(['--totals', '-'], io)).toBe(0);
    const out = io.stdout.join('\n').split('\n');
    expect(out).toHaveLength(lines.length);
    const keys = ['mode', 'tiles', 'pes', 'crossbars', 'params', 'memory_bits', 'memory_bytes', 'area_mm2', 'energy_uJ', 'latency_ms'];
    for (const [i, s] of full.stdout.entries()) {
      const report = JSON.parse(s) as Record<string, unknown>;
      expect(out[i], lines[i]).toBe(JSON.stringify(Object.fromEntries(keys.map((k) => [k, report[k]]))));
    }
    expect(new Set(out).size).toBeGreaterThan(lines.length * 0.9);
  });

  it('--totals: a genome that is not valid JSON text is refused as --jsonl refuses it, after lines of the same shape', async () => {
    // A raw tab (a control character) inside the genome's string: JSON.parse refuses the line; the fast path must not trim it away.
    for (const bad of ['{"architecture":"\tc8-h64-t2-w8-301203"}', '{"architecture":"c8-h64-t2-w8-301203\u0001"}']) {
      const lines = [JSON.stringify({ architecture: 'c8-h64-t2-w8-301203' }), JSON.stringify({ architecture: 'c16-h64-t2-w8-301203' }), bad].join('\n');
      const jsonl = fakeIO(lines);
      expect(await run(['--jsonl', '-'], jsonl), bad).toBe(2);
      const io = fakeIO(lines);
      expect(await run(['--totals', '-'], io), bad).toBe(2);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toEqual(jsonl.stderr);
      expect(io.stderr[0]).toMatch(/^line 3: input: malformed JSON/);
    }
  });

  it('--help documents every hardware and layer field with its default', async () => {
    const io = fakeIO();
    expect(await run(['--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    for (const f of HARDWARE_FIELDS) expect(help).toMatch(new RegExp(`\\n  ${f.file} +default `));
    for (const f of LAYER_FIELDS) expect(help).toContain(`  ${f.key}`);
    expect(help).toContain('input_rates');
    expect(help).toContain('default 64 cells; one of 32, 64, 128, 256');
  });
});

describe('real process', () => {
  const main = 'src/cli/main.ts';
  it.skipIf(!existsSync(main))('npx tsx src/cli/main.ts estimate - (one spawn)', () => {
    const ok = spawnSync('npx', ['tsx', main, 'estimate', '-'], { input: VGG_SPIKESIM, encoding: 'utf8', timeout: 60_000 });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const r = JSON.parse(ok.stdout);
    expect(r.tiles).toBe(6);
    expect(r.energy_uJ).toBeCloseTo(15.90693402624, 10);
  });
});
