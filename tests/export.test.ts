/** Run JSON, candidate CSV and architecture JSON: round trips with real numbers, and corrupt files refused with named problems. */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { layerList } from '../src/core/arch/architecture.ts';
import { formatGenome, parseGenome } from '../src/core/arch/genome.ts';
import { sampleArchitectures } from '../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../src/core/cost/estimator.ts';
import { architectureDocument } from '../src/core/files/architecture.ts';
import { ARCHITECTURE_DOCUMENT_SCHEMA } from '../src/core/files/architecture-schema.ts';
import { STUDIO_VERSION } from '../src/core/files/document.ts';
import {
  RUN_FORMAT_VERSION,
  candidatesFromColumns,
  columnsFromCandidates,
  costingSettings,
  inputsFromSettings,
  parseRunJson,
  runDataFromScreen,
  runDataFromSearch,
  runJson,
  toRunDocument,
  type RunData,
} from '../src/core/files/run.ts';
import { candidatesCsv, csvField, metricHeader } from '../src/core/files/run-csv.ts';
import { defaultInputs, type StudioInputs } from '../src/core/inputs.ts';
import { METRICS, allocateColumns } from '../src/core/metrics.ts';
import { PARAMS } from '../src/core/params.ts';
import { runSearch, SearchCancelled, type Evaluators, type TrainResult } from '../src/core/search/pipeline.ts';
import packageJson from '../package.json' with { type: 'json' };

const version = packageJson.version;

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '\n' || ch === '\r' || ch === '"') {
      throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length) throw new Error('the last record does not end in CRLF');
  return rows;
}

function editedInputs(): StudioInputs {
  const inputs = defaultInputs();
  inputs.params.samples = 300;
  inputs.params.seed = 11;
  inputs.params.maxAreaMm2 = 8;
  inputs.params.xbar = 128;
  inputs.hwEdits = { eAdcPj: 2.5, pesPerTile: 16 };
  inputs.axes = { x: 'params', y: 'latencyMs' };
  return inputs;
}

/** The page's costed set for the inputs, computed as the costing worker does. */
function costedRun(inputs: StudioInputs): RunData {
  const settings = costingSettings(inputs);
  const archs = sampleArchitectures(settings.space, settings.samples, settings.seed);
  const hw = compileHardware(settings.hardware);
  const columns = allocateColumns(archs.length);
  const t = createTotals();
  const genomes: string[] = [];
  archs.forEach((a, i) => {
    estimateArchitecture(a, hw, t);
    for (const m of METRICS) columns[m][i] = t[m];
    genomes.push(formatGenome(a));
  });
  return {
    source: 'costing',
    inputs,
    settings,
    candidates: candidatesFromColumns({ columns, genomes, count: archs.length }, settings.budgets),
    trained: [],
    front: [],
    timings: null,
    counts: null,
    stopped: false,
    budgetsFrom: 'export',
  };
}

/** A deterministic stand-in for the scorer and trainer, so the pipeline itself produces the run. */
const evaluators: Evaluators = {
  async score(genomes, _signal, onScore) {
    genomes.forEach((g, i) => onScore(i, -([...g].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 10007, 7) / 100)));
  },
  async train(genome, epochs): Promise<TrainResult> {
    const layers = layerList(parseGenome(genome));
    return {
      accuracyFloat: 0.9 + (genome.length % 7) / 100,
      accuracyQuantized: 0.88 + (genome.length % 5) / 100,
      spikeRates: layers.map((_, i) => 0.05 + ((i * 37) % 50) / 100),
      epochs: Array.from({ length: epochs }, (_, e) => ({ epoch: e + 1, loss: 2 / (e + 1), trainAccuracy: 0.5 + e / 10, testAccuracy: 0.45 + e / 10 })),
      backend: 'cpu',
      samplesPerSecond: 1234.5,
    };
  },
};

describe('run JSON', () => {
  it('round-trips a costed set of the page exactly', () => {
    const run = costedRun(editedInputs());
    expect(run.candidates.length).toBe(300);
    expect(run.candidates.some((c) => c.feasible) && run.candidates.some((c) => !c.feasible)).toBe(true);
    const text = runJson(run, new Date('2025-01-02T03:04:05Z'));
    const doc = JSON.parse(text);
    expect(doc).toMatchObject({ format: 'neuronas-run', format_version: RUN_FORMAT_VERSION, studio_version: version, exported_at: '2025-01-02T03:04:05.000Z', source: 'costing' });
    expect(doc.settings.budgets).toEqual({ max_params: 600000, max_area_mm2: 8, max_latency_ms: 50, max_energy_uJ: 50 });
    expect(doc.candidates[0]).toEqual({
      index: 0,
      genome: run.candidates[0].genome,
      params: run.candidates[0].costs.params,
      memory_bits: run.candidates[0].costs.memoryBits,
      area_mm2: run.candidates[0].costs.areaMm2,
      latency_ms: run.candidates[0].costs.latencyMs,
      energy_uJ: run.candidates[0].costs.energyUJ,
      tiles: run.candidates[0].costs.tiles,
      crossbars: run.candidates[0].costs.crossbars,
      pes: run.candidates[0].pes,
      feasible: run.candidates[0].feasible,
      violation: run.candidates[0].violation,
      score: null,
    });
    const back = parseRunJson(text);
    expect(back).toEqual({ ok: true, run, warnings: [] });
  });

  it('keeps a score of −∞ (a singular kernel) apart from never scored: written "-Infinity", read back as −∞', () => {
    const run = costedRun(editedInputs());
    run.candidates[1].score = -Infinity;
    run.candidates[2].score = -51.25;
    const text = runJson(run, new Date('2025-01-02T03:04:05Z'));
    expect(JSON.parse(text).candidates.slice(0, 3).map((c: { score: unknown }) => c.score)).toEqual([null, '-Infinity', -51.25]);
    const back = parseRunJson(text);
    expect(back.ok && back.run.candidates.slice(0, 3).map((c) => c.score)).toEqual([null, -Infinity, -51.25]);
    // Any other text is still refused.
    const bad = JSON.parse(text);
    bad.candidates[1].score = 'Infinity';
    expect(parseRunJson(JSON.stringify(bad)).ok).toBe(false);
  });

  it('round-trips a finished search from the pipeline, with trained results and the front', async () => {
    const inputs = editedInputs();
    inputs.params.maxAreaMm2 = PARAMS.maxAreaMm2.max; // no limit
    const base = costingSettings(inputs);
    const search = await runSearch({ ...base, strategy: 'neuronas', samples: 200, topK: 3, epochs: 2, dataset: 'mnist' }, evaluators);
    expect(search.trained).toHaveLength(3);
    expect(search.front.length).toBeGreaterThan(0);
    const run = runDataFromSearch(search, inputs);
    const back = parseRunJson(runJson(run));
    if (!back.ok) throw new Error(back.problems.join('\n'));
    expect(back.run).toEqual(run);
    expect(back.run.settings.budgets.maxAreaMm2).toBe(Infinity);
    expect(back.run.candidates.filter((c) => c.score !== null).length).toBe(search.counts.scored);
  });

  it('round-trips a stopped search as stopped, with what had finished', async () => {
    const inputs = editedInputs();
    const base = costingSettings(inputs);
    const ac = new AbortController();
    let trainedOnce = false;
    const stopping: Evaluators = {
      ...evaluators,
      async train(genome, epochs, signal, onProgress) {
        const r = await evaluators.train(genome, epochs, signal, onProgress);
        if (trainedOnce) ac.abort();
        trainedOnce = true;
        return r;
      },
    };
    const e = await runSearch({ ...base, strategy: 'neuronas', samples: 200, topK: 3, epochs: 2, dataset: 'mnist' }, stopping, () => {}, ac.signal).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SearchCancelled);
    const partial = (e as SearchCancelled).partial!;
    // The second training finished as the stop came: it is kept; the third never ran.
    expect(partial.trained).toHaveLength(2);
    const run = runDataFromSearch(partial, inputs);
    const doc = JSON.parse(runJson(run));
    expect(doc.stopped).toBe(true);
    const back = parseRunJson(JSON.stringify(doc));
    if (!back.ok) throw new Error(back.problems.join('\n'));
    expect(back.run).toEqual(run);
    expect(back.run.stopped).toBe(true);
    // A file from before the flag existed reads as a finished run; a flag that is not a boolean is refused.
    delete doc.stopped;
    const old = parseRunJson(JSON.stringify(doc));
    expect(old.ok && old.run.stopped).toBe(false);
    const bad = parseRunJson(JSON.stringify({ ...doc, stopped: 'yes' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/stopped: expected true or false, got "yes"/);
  });

  it('judges a search shown on a page by the budgets on screen at export, and says so in the file', async () => {
    const inputs = editedInputs();
    inputs.params.maxAreaMm2 = PARAMS.maxAreaMm2.max; // the search ran with no area limit
    const settings = { ...costingSettings(inputs), strategy: 'neuronas' as const, samples: 200, topK: 3, epochs: 1, dataset: 'mnist' };
    const search = await runSearch(settings, evaluators);
    // The page's columns of the same candidates, with the search's scores beside them.
    const columns = allocateColumns(search.candidates.length);
    const scores = new Float64Array(search.candidates.length).fill(NaN);
    const hw = compileHardware(settings.hardware);
    const t = createTotals();
    for (const c of search.candidates) {
      estimateArchitecture(parseGenome(c.genome), hw, t);
      for (const m of METRICS) columns[m][c.index] = t[m];
      if (c.score !== null) scores[c.index] = c.score;
    }
    // On screen now: an area budget between the trained candidates' areas, so it rules some of them out.
    const areas = search.trained.map((r) => r.measuredCosts.areaMm2).sort((a, b) => a - b);
    const screen = { ...settings.budgets, maxAreaMm2: (areas[0] + areas[areas.length - 1]) / 2 };
    expect(areas[0]).toBeLessThan(areas[areas.length - 1]);
    const run = runDataFromScreen(
      {
        inputs,
        settings,
        candidates: { columns, genomes: search.candidates.map((c) => c.genome), count: search.candidates.length, scores },
        trained: search.trained,
        timings: search.timings,
        counts: { sampled: search.counts.sampled, rejectedBeforeScoring: search.counts.rejectedBeforeScoring, scored: search.counts.scored, trained: search.counts.trained },
        stopped: false,
      },
      screen,
    );
    expect(run.settings.budgets).toEqual(screen);
    expect(run.budgetsFrom).toBe('export');
    for (const c of run.candidates) expect(c.feasible).toBe(c.costs.areaMm2 <= screen.maxAreaMm2 && c.violation === 0);
    expect(run.counts!.feasible).toBe(run.candidates.filter((c) => c.feasible).length);
    expect(run.counts!.feasible).toBeLessThan(search.counts.feasible);
    expect(run.trained.map((r) => r.feasible)).toEqual(search.trained.map((r) => r.measuredCosts.areaMm2 <= screen.maxAreaMm2));
    expect(run.trained.some((r) => !r.feasible)).toBe(true);
    for (const i of run.front) expect(run.trained.find((r) => r.index === i)!.feasible).toBe(true);
    expect(run.candidates.filter((c) => c.score !== null)).toHaveLength(search.counts.scored);
    const doc = JSON.parse(runJson(run));
    expect(doc.budgets_from).toBe('export');
    expect(doc.note).toMatch(/judged by settings\.budgets: the budgets on screen when this file was exported/);
    const back = parseRunJson(JSON.stringify(doc));
    if (!back.ok) throw new Error(back.problems.join('\n'));
    expect(back.run).toEqual(run);
    // A command-line run says its budgets are the search's; a file from before the field is written again without it.
    expect(JSON.parse(runJson(runDataFromSearch(search, inputs))).budgets_from).toBe('search');
    delete doc.budgets_from;
    delete doc.note;
    const old = parseRunJson(JSON.stringify(doc));
    if (!old.ok) throw new Error(old.problems.join('\n'));
    expect(old.run.budgetsFrom).toBeUndefined();
    expect(JSON.parse(runJson(old.run))).not.toHaveProperty('budgets_from');
    const bad = parseRunJson(JSON.stringify({ ...doc, budgets_from: 'screen' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join('\n')).toMatch(/budgets_from: expected "search" or "export", got "screen"/);
  });

  it('keeps settings that cannot be expressed in JSON (no-limit budgets) and NaN-free epochs', async () => {
    const run = costedRun(editedInputs());
    run.settings.budgets.maxEnergyUJ = Infinity;
    const doc = toRunDocument(run);
    expect(doc.settings.budgets.max_energy_uJ).toBeNull();
    expect(JSON.stringify(doc)).not.toMatch(/NaN|Infinity/);
  });

  it('derives page inputs from the settings of a run made elsewhere', () => {
    const inputs = editedInputs();
    const { inputs: derived, problems } = inputsFromSettings(costingSettings(inputs));
    expect(problems).toEqual([]);
    expect(derived.params).toEqual(inputs.params);
    expect(derived.hwEdits).toEqual(inputs.hwEdits);
    // A search's own knobs come along where the table has them.
    const search = inputsFromSettings({ ...costingSettings(inputs), strategy: 'snasnet', topK: 5, epochs: 3, dataset: 'fashion-mnist' });
    expect(search.problems).toEqual([]);
    expect(search.inputs.params).toMatchObject({ strategy: 'snasnet', topK: 5, epochs: 3, dataset: 'fashion-mnist', seed: 11 });
  });
});

describe('candidate CSV', () => {
  it('quotes fields as RFC 4180 requires', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(parseCsv(['x', csvField('a,"b"\r\nc'), 'z'].join(',') + '\r\n')).toEqual([['x', 'a,"b"\r\nc', 'z']]);
  });

  it('reads back to the same numbers, with a header of labels and units', async () => {
    const inputs = editedInputs();
    const search = await runSearch({ ...costingSettings(inputs), strategy: 'neuronas', samples: 150, topK: 2, epochs: 1, dataset: 'mnist' }, evaluators);
    const run = runDataFromSearch(search, inputs);
    const rows = parseCsv(candidatesCsv(run));
    const [header, ...body] = rows;
    expect(header).toEqual([
      'Index',
      'Genome',
      'Parameters',
      'Memory (bits)',
      'Area (mm²)',
      'Energy (µJ)',
      'Latency (ms)',
      'Tiles',
      'PEs',
      'Crossbars',
      'Feasible',
      'Over budget',
      'Violation',
      'Score',
      'Accuracy, float',
      'Accuracy, quantized',
      'Energy, measured (µJ)',
      'Feasible, measured',
    ]);
    expect(header.slice(2, 10)).toEqual(METRICS.map(metricHeader));
    expect(body).toHaveLength(run.candidates.length);
    const col = (name: string) => header.indexOf(name);
    for (const [i, c] of run.candidates.entries()) {
      const r = body[i];
      expect(r).toHaveLength(header.length);
      expect(Number(r[col('Index')])).toBe(c.index);
      expect(r[col('Genome')]).toBe(c.genome);
      expect(Number(r[col('Parameters')])).toBe(c.costs.params);
      expect(Number(r[col('Memory (bits)')])).toBe(c.costs.memoryBits);
      expect(Number(r[col('Area (mm²)')])).toBe(c.costs.areaMm2);
      expect(Number(r[col('Energy (µJ)')])).toBe(c.costs.energyUJ);
      expect(Number(r[col('Latency (ms)')])).toBe(c.costs.latencyMs);
      expect(Number(r[col('Tiles')])).toBe(c.costs.tiles);
      expect(r[col('PEs')]).toBe(''); // a SearchRun does not carry PEs
      expect(Number(r[col('Crossbars')])).toBe(c.costs.crossbars);
      expect(r[col('Feasible')]).toBe(c.feasible ? 'yes' : 'no');
      expect(r[col('Over budget')] === '').toBe(c.feasible);
      expect(Number(r[col('Violation')])).toBe(c.violation);
      expect(r[col('Score')]).toBe(c.score === null ? '' : String(c.score));
      const t = run.trained.find((x) => x.index === c.index);
      expect(r[col('Accuracy, quantized')]).toBe(t ? String(t.result.accuracyQuantized) : '');
    }
    expect(body.filter((r) => r[col('Accuracy, float')] !== '')).toHaveLength(2);
  });

  it('names the broken budgets of an infeasible candidate', () => {
    const run = costedRun(editedInputs());
    const rows = parseCsv(candidatesCsv(run));
    const over = rows[0].indexOf('Over budget');
    const bad = run.candidates.findIndex((c) => !c.feasible && c.costs.areaMm2 > 8);
    expect(rows[bad + 1][over]).toMatch(/area/);
    expect(rows[0]).not.toContain('Accuracy, float');
  });
});

describe('run import refuses corrupt files, naming the problem', () => {
  const good = () => JSON.parse(runJson(costedRun(editedInputs())));
  const cases: [string, (d: Record<string, any>) => unknown, RegExp][] = [
    ['not an object', () => [1, 2], /expected a JSON object, got an array/],
    ['another format', (d) => ({ ...d, format: 'something-else' }), /"format" is "something-else", not "neuronas-run"/],
    ['a newer version', (d) => ({ ...d, format_version: 2 }), /newer studio \(run format 2\)/],
    ['no version', (d) => ({ ...d, format_version: undefined }), /format_version nothing/],
    ['a cost that is not a number', (d) => (d.candidates[3].area_mm2 = 'abc', d), /candidates\[3\]\.area_mm2: expected a finite number, got "abc"/],
    ['a missing cost', (d) => (d.candidates[5].energy_uJ = null, d), /candidates\[5\]\.energy_uJ: expected a finite number, got null/],
    ['a negative cost', (d) => (d.candidates[5].latency_ms = -1, d), /candidates\[5\]\.latency_ms: -1 is outside 0–∞/],
    ['a genome that does not parse', (d) => (d.candidates[7].genome = 'c16-h128-t4-w8-000000', d), /candidates\[7\]\.genome: cell 1 \(000000\) is not a valid cell/],
    ['a repeated genome', (d) => (d.candidates[8].genome = d.candidates[2].genome, d), /candidates\[8\]\.genome: .* repeats candidates\[2\]/],
    ['an index out of order', (d) => (d.candidates[4].index = 40, d), /candidates\[4\]\.index: is 40/],
    ['feasibility that contradicts the costs', (d) => (d.candidates[0].feasible = !d.candidates[0].feasible, d), /candidates\[0\]\.feasible: is (true|false), but its costs are/],
    ['a bad budget', (d) => (d.settings.budgets.max_area_mm2 = -3, d), /settings\.budgets\.max_area_mm2: -3 is outside/],
    ['bad hardware', (d) => (d.settings.hardware.xbar = 100, d), /settings\.hardware\.xbar: 100 is not one of 32, 64, 128, 256/],
    ['an unknown operation', (d) => (d.settings.space.ops = ['zero', 'conv5x5'], d), /settings\.space\.ops\[1\]: "conv5x5" is not an operation/],
    ['a bad page input', (d) => (d.inputs.params.samples = 1e9, d), /inputs\.params\.samples: Samples: 1000000000 is outside 10–20000/],
    ['a bad hardware edit', (d) => (d.inputs.hardware_edits.xbar = 64, d), /inputs\.hardware_edits\.xbar: xbar is set by its own control/],
    ['a trained index that is no candidate', (d) => (d.trained = [{ index: 9999 }], d), /trained\[0\]\.index: 9999 is not a candidate/],
    ['a front that is not trained', (d) => (d.front = [1], d), /front\[0\]: 1 is not a trained candidate/],
    ['candidates that are not a list', (d) => (d.candidates = {}, d), /candidates: expected an array, got an object/],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, () => {
      const r = parseRunJson(JSON.stringify(mutate(good())));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.join('\n')).toMatch(message);
    });
  }

  it('lists every problem of the hardware, not only the first', () => {
    const d = good();
    d.settings.hardware.xbar = 100;
    d.settings.hardware.kernel = 'a';
    d.settings.hardware.clock_mhz = 0;
    const r = parseRunJson(JSON.stringify(d));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        'settings.hardware.xbar: 100 is not one of 32, 64, 128, 256',
        'settings.hardware.kernel: expected a whole number from 1 to 15, got "a"',
        'settings.hardware.clock_mhz: 0 is out of range: expected a number greater than 0 and at most 100000',
      ]);
  });

  it('refuses numbers JSON turns into Infinity, and a candidate that is not an object', () => {
    const d = good();
    d.candidates[2] = [1, 2];
    const text = JSON.stringify(d).replace(`"area_mm2":${d.candidates[1].area_mm2},`, '"area_mm2":1e999,');
    const r = parseRunJson(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(['candidates[1].area_mm2: expected a finite number, got Infinity', 'candidates[2]: expected an object, got an array']);
  });

  it('names a missing field with what it should hold, and still judges the fields that are there', () => {
    const d = good();
    delete d.candidates[6].memory_bits;
    d.candidates[6].score = 'high';
    d.candidates[9].feasible = !d.candidates[9].feasible;
    d.candidates[9].pes = 2.5;
    const r = parseRunJson(JSON.stringify(d));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toContain('candidates[6].memory_bits: expected a finite number, got nothing');
      expect(r.problems).toContain('candidates[6].score: expected a finite number, "-Infinity" or null, got "high"');
      expect(r.problems).toContain('candidates[9].pes: 2.5 is not a whole number');
      expect(r.problems.join('\n')).toMatch(/candidates\[9\]\.feasible: is (true|false), but its costs are/);
      expect(r.problems).toHaveLength(4);
    }
  });

  it('refuses text that is not JSON, and lists at most twenty problems', () => {
    const r = parseRunJson('{"format": "neuronas-run", ');
    expect(r.ok || r.problems[0]).toMatch(/^The file is not JSON/);
    const d = good();
    for (const c of d.candidates) c.params = -1;
    const many = parseRunJson(JSON.stringify(d));
    expect(many.ok).toBe(false);
    if (!many.ok) {
      expect(many.problems).toHaveLength(21);
      expect(many.problems[20]).toBe('… and 280 more problems');
    }
  });

  it('reads a file from an older studio without some knobs, and warns', () => {
    const d = good();
    delete d.inputs.params.sharedCell;
    d.inputs.params.futureKnob = 3;
    const r = parseRunJson(JSON.stringify(d));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.warnings).toEqual(['The file sets no sharedCell; used the defaults.', 'Ignored settings this studio does not know: futureKnob.']);
      expect(r.run.inputs!.params.sharedCell).toBe(true);
    }
  });
});

describe('page columns from a run', () => {
  it('fills the typed-array columns the views read', () => {
    const run = costedRun(editedInputs());
    const columns = allocateColumns(run.candidates.length);
    columnsFromCandidates(run.candidates, columns);
    expect(Array.from(columns.areaMm2)).toEqual(run.candidates.map((c) => c.costs.areaMm2));
    expect(Array.from(columns.pes)).toEqual(run.candidates.map((c) => c.pes));
  });
});

describe('architecture JSON', () => {
  const hardware = costingSettings(defaultInputs()).hardware;

  it('holds the genome, the cells spelled out, the layer list and the full report', () => {
    const genome = 'c16-h128-t4-w8-301203-331000';
    const doc = architectureDocument(genome, hardware, null, new Date(0));
    const arch = parseGenome(genome);
    expect(doc).toMatchObject({ format: 'neuronas-architecture', format_version: 1, studio_version: STUDIO_VERSION, genome, training: null });
    expect(doc.layers).toEqual(layerList(arch));
    expect(doc.architecture.shared_cell).toBe(false);
    expect(doc.architecture.cells[0]).toEqual({
      digits: '301203',
      liveNodes: [0, 1, 2, 3],
      edges: [
        { direction: 'forward', from: 0, to: 1, op: 'conv3x3', active: true },
        { direction: 'forward', from: 0, to: 3, op: 'skip', active: true },
        { direction: 'forward', from: 1, to: 2, op: 'conv1x1', active: true },
        { direction: 'forward', from: 2, to: 3, op: 'conv3x3', active: true },
      ],
    });
    // 331000: 0→1 conv3x3, 0→2 conv3x3, 0→3 skip; nodes 1 and 2 reach nothing, so they are pruned.
    expect(doc.architecture.cells[1].liveNodes).toEqual([0, 3]);
    expect(doc.architecture.cells[1].edges.filter((e) => !e.active).map((e) => `${e.from}${e.to}`)).toEqual(['01', '02']);
    const t = estimateArchitecture(arch, compileHardware(hardware), createTotals());
    expect(doc.cost.params).toBe(t.params);
    expect(doc.cost.energy_uJ).toBe(t.energyUJ);
    expect(doc.layers.reduce((s, l) => s + l.k * l.k * l.cin * l.cout, 0)).toBe(t.params);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('is what its schema describes: the written document reads back equal, its layers as the estimate input takes them', () => {
    const genome = 'c16-h128-t4-w8-301203-331000';
    const layers = layerList(parseGenome(genome));
    const training = { epochs: [{ epoch: 1, loss: NaN, trainAccuracy: 0.9, testAccuracy: 0.88 }], spikeRates: layers.map(() => 0.3), accuracyFloat: 0.9, accuracyQuantized: 0.89 };
    for (const doc of [architectureDocument(genome, hardware, null, new Date(0)), architectureDocument(genome, hardware, training, new Date(0))]) {
      const written = JSON.parse(JSON.stringify(doc));
      const back = v.safeParse(ARCHITECTURE_DOCUMENT_SCHEMA, written);
      if (!back.success) throw new Error(back.issues.map((i) => i.message).join('\n'));
      expect(back.output).toEqual(written);
    }
    const broken = JSON.parse(JSON.stringify(architectureDocument(genome, hardware)));
    broken.layers[1].hout = broken.layers[1].hin + 1;
    broken.architecture.cells[0].edges[0].op = 'conv5x5';
    const r = v.safeParse(ARCHITECTURE_DOCUMENT_SCHEMA, broken);
    expect(r.success).toBe(false);
    expect(r.issues!.map((i) => `${v.getDotPath(i)}: ${i.message}`)).toEqual([
      'architecture.cells.0.edges.0.op: "conv5x5" is not an operation (zero, skip, conv1x1, conv3x3, avgpool3x3)',
      `layers.1.hout: ${broken.layers[1].hout} is larger than hin ${broken.layers[1].hin}`,
    ]);
  });

  it('costs energy with the measured spike rates when training gave them', () => {
    const genome = 'c16-h128-t4-w8-301203';
    const layers = layerList(parseGenome(genome));
    const training = { epochs: [{ epoch: 1, loss: 0.4, trainAccuracy: 0.9, testAccuracy: 0.88 }], spikeRates: layers.map(() => 0.2), accuracyFloat: 0.9, accuracyQuantized: 0.89 };
    const measured = architectureDocument(genome, hardware, training);
    const worst = architectureDocument(genome, hardware);
    expect(measured.cost.energy_uJ).toBeLessThan(worst.cost.energy_uJ);
    expect(measured.training).toEqual({ accuracy_float: 0.9, accuracy_quantized: 0.89, spike_rates: layers.map(() => 0.2), epochs: [{ epoch: 1, loss: 0.4, train_accuracy: 0.9, test_accuracy: 0.88 }] });
    const wrong = architectureDocument(genome, hardware, { ...training, spikeRates: [0.1] });
    expect(wrong.cost.energy_uJ).toBe(worst.cost.energy_uJ);
    expect(wrong.cost.notes.join(' ')).toMatch(/measured spike rates not used: 1 rates for 10 layers/);
  });
});
