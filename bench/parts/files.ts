/**
 * Benchmark of the run file import: a 20 000-candidate run (the page's
 * largest costed set, about 6 MB) is written once, then read back with
 * `parseRunJson` (JSON.parse, then the whole validation) several times; the
 * median is reported, with JSON.parse alone beside it to show what the
 * validation adds.
 */
import { formatGenome } from '../../src/core/arch/genome.ts';
import { sampleArchitectures } from '../../src/core/arch/sampler.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../../src/core/cost/estimator.ts';
import { candidatesFromColumns, costingSettings, parseRunJson, runJson, type RunData } from '../../src/core/files/run.ts';
import { defaultInputs } from '../../src/core/inputs.ts';
import { METRICS, allocateColumns } from '../../src/core/metrics.ts';

const CANDIDATES = 20_000;
const REPEATS = 11;

/** The page's costed set of the default inputs at 20 000 samples, every candidate scored (as after a search's scoring). */
function largeRun(): RunData {
  const inputs = defaultInputs();
  inputs.params.samples = CANDIDATES;
  const settings = costingSettings(inputs);
  const archs = sampleArchitectures(settings.space, settings.samples, settings.seed);
  const hw = compileHardware(settings.hardware);
  const columns = allocateColumns(archs.length);
  const totals = createTotals();
  const genomes = archs.map((a, i) => {
    estimateArchitecture(a, hw, totals);
    for (const m of METRICS) columns[m][i] = totals[m];
    return formatGenome(a);
  });
  const scores = Float64Array.from(archs, (_, i) => 40 + ((i * 7919) % 3000) / 100);
  const candidates = candidatesFromColumns({ columns, genomes, count: archs.length, scores }, settings.budgets);
  return { source: 'costing', inputs, settings, candidates, trained: [], front: [], timings: null, counts: null, stopped: false, budgetsFrom: 'export' };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchFiles(): Promise<Record<string, unknown>> {
  const text = runJson(largeRun());
  const parseMs: number[] = [];
  const importMs: number[] = [];
  let ok = true;
  // One untimed pass warms the JIT.
  ok &&= parseRunJson(text).ok;
  for (let r = 0; r < REPEATS; r++) {
    let t = performance.now();
    JSON.parse(text);
    parseMs.push(performance.now() - t);
    t = performance.now();
    ok &&= parseRunJson(text).ok;
    importMs.push(performance.now() - t);
  }
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    run_candidates: CANDIDATES,
    run_file_mb: round1(text.length / 1048576),
    json_parse_ms: round1(median(parseMs)),
    run_import_ms: round1(median(importMs)),
    run_import_ms_min: round1(Math.min(...importMs)),
    repeats: REPEATS,
    imported: ok,
  };
}
