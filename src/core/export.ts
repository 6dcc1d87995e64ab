/**
 * What leaves the studio as a file, and what comes back in.
 *
 * - A run (`neuronas-run`, JSON): the settings, every candidate with its
 *   costs, feasibility and score, the trained results and the front, plus
 *   the page's inputs so an import restores its knobs. One shape for a costed
 *   set from the page (source `costing`, scores null) and for a finished
 *   search (source `search`, from the pipeline's SearchRun). Keys are
 *   snake_case like the cost report's; a candidate carries the fields the
 *   search command prints (genome, params, memory_bits, area_mm2,
 *   latency_ms, energy_uJ, feasible, score).
 * - The candidate table (CSV, RFC 4180): one row per candidate, headed by
 *   the metrics' labels and units.
 * - One architecture (`neuronas-architecture`, JSON): its genome, its cells
 *   spelled out, its layer list and its full cost report.
 *
 * Importing a run validates everything before anything is used (format and
 * version, shapes, finite numbers, genomes that parse, indices that point at
 * candidates, feasibility that matches the costs and budgets) and names
 * every problem by its JSON path; a file with any problem is refused whole.
 */
// Node's ESM loader (the CLI, Playwright) reads JSON modules only with the type attribute and a default import.
import packageJson from '../../package.json' with { type: 'json' };
import { layerList, type Architecture } from './arch/architecture.ts';
import { OPS, type Op } from './arch/cell.ts';
import { describeCell, type CellDescription } from './arch/describe.ts';
import { GenomeError, parseGenome } from './arch/genome.ts';
import type { SearchSpace } from './arch/sampler.ts';
import { CostInputError } from './cost/errors.ts';
import { resolveHardware, type HardwareConfig, type HardwareKey } from './cost/hardware.ts';
import { buildArchitectureReport, type CostReport } from './cost/report.ts';
import { BUDGETS, brokenBudgetNames, budgetViolation } from './feasibility.ts';
import { DEFAULT_AXES, canonicalInputs, hardwareEditProblem, isAxisMetric, type HardwareEdits, type StudioInputs } from './inputs.ts';
import type { Layer } from './layers.ts';
import { METRICS, METRIC_INFO, type Columns, type Metric } from './metrics.ts';
import { PARAMS, PARAM_KEYS, defaultParams, parseParamText, type ParamDef, type ParamKey, type ParamValues } from './params.ts';
import { STRATEGIES, trainedFront, type SearchSettings, type CandidateRecord, type CostFigures, type SearchCounts, type SearchRun, type SearchTimings, type Strategy, type TrainEpoch, type TrainedRecord } from './search/pipeline.ts';
import { HARDWARE_KNOBS, searchSettingsFromParams, type Budgets } from './settings.ts';

export const STUDIO_VERSION: string = packageJson.version;
export const RUN_FORMAT = 'neuronas-run';
export const RUN_FORMAT_VERSION = 1;
export const ARCHITECTURE_FORMAT = 'neuronas-architecture';
export const ARCHITECTURE_FORMAT_VERSION = 1;

/** Largest run file read (a 20 000-candidate search is about 6 MB). */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_RUN_CANDIDATES = 250_000;
/** Problems listed before the rest are only counted. */
const MAX_LISTED_PROBLEMS = 20;

// ---------------------------------------------------------------- the run in memory

/** A search's settings, or a costed set's (no strategy, no dataset, nothing trained). */
export type RunSettings = Omit<SearchSettings, 'strategy' | 'dataset'> & { strategy: Strategy | null; dataset: string | null };

/** A candidate as the pipeline records it, with its PE count where the producer knew it. */
export type RunCandidate = CandidateRecord & { pes: number | null };

export interface RunData {
  source: 'costing' | 'search';
  /** the page's inputs that produced the run; null when it came from elsewhere (the command line) */
  inputs: StudioInputs | null;
  settings: RunSettings;
  candidates: RunCandidate[];
  trained: TrainedRecord[];
  /** indices into candidates */
  front: number[];
  timings: SearchTimings | null;
  counts: SearchCounts | null;
  /** a search stopped before its end: what had finished (scores so far, trained so far) */
  stopped: boolean;
  /**
   * Whose budgets `settings.budgets` are, by which feasibility, violations and the front are judged: the search's
   * own (the command line), or those on the page's screen when the file was exported (a page's budgets move after
   * its candidates are costed, and re-judge them).
   */
  budgetsFrom: BudgetsFrom;
}

export type BudgetsFrom = 'search' | 'export';

/** The run file's words for `budgets_from` (its `note`). */
export function budgetsNote(from: BudgetsFrom): string {
  return from === 'export'
    ? 'feasible, violation, trained[].feasible and front are judged by settings.budgets: the budgets on screen when this file was exported'
    : 'feasible, violation, trained[].feasible and front are judged by settings.budgets: the budgets the search ran under';
}

// ---------------------------------------------------------------- the run as JSON

export interface CostFiguresJson {
  params: number;
  memory_bits: number;
  area_mm2: number;
  latency_ms: number;
  energy_uJ: number;
  tiles: number;
  crossbars: number;
}

export interface CandidateJson extends CostFiguresJson {
  index: number;
  genome: string;
  pes: number | null;
  feasible: boolean;
  /** Σ over broken budgets of (value / budget − 1); 0 when feasible */
  violation: number;
  score: number | null;
}

export interface EpochJson {
  epoch: number;
  loss: number | null;
  train_accuracy: number | null;
  test_accuracy: number | null;
}

export interface TrainedJson {
  index: number;
  genome: string;
  accuracy_float: number;
  accuracy_quantized: number;
  /** input spike rate of each weight layer, in layer-list order */
  spike_rates: number[];
  epochs: EpochJson[];
  backend: string;
  samples_per_second: number;
  /** costs re-estimated with the measured spike rates */
  measured: CostFiguresJson;
  feasible: boolean;
}

/** Each budget under its file key (BUDGETS' `file`, e.g. max_area_mm2); null: no limit. */
export type BudgetsJson = Record<string, number | null>;

export interface SpaceJson {
  ops: Op[];
  require_direct_edge: boolean;
  shared_cell: boolean;
  channels: { min: number; max: number; step: number };
  hidden: number[];
  timesteps: { min: number; max: number; step: number };
  weight_bits: number[];
  input: { size: number; channels: number };
  classes: number;
}

export interface RunSettingsJson {
  strategy: Strategy | null;
  samples: number;
  seed: number;
  top_k: number;
  epochs: number;
  dataset: string | null;
  budgets: BudgetsJson;
  space: SpaceJson;
  hardware: HardwareConfig;
}

export interface InputsJson {
  /** every knob of the parameter table, by its name there */
  params: Record<string, unknown>;
  hardware_edits: Record<string, number | string>;
  axes: { x: string; y: string };
}

export interface RunDocument {
  format: typeof RUN_FORMAT;
  format_version: number;
  studio_version: string;
  exported_at: string;
  source: RunData['source'];
  inputs: InputsJson | null;
  settings: RunSettingsJson;
  candidates: CandidateJson[];
  trained: TrainedJson[];
  front: number[];
  timings: Record<string, number> | null;
  counts: Record<string, number> | null;
  /** true for a search stopped before its end (absent in files from before it was written: false) */
  stopped?: boolean;
  /** whose budgets settings.budgets are (absent in files from before it was written: the search's) */
  budgets_from?: BudgetsFrom;
  /** budgets_from in words */
  note?: string;
}


/** The CostFigures field of each metric (PEs are not one: a candidate keeps them beside its costs). */
const FIGURE_OF_METRIC: Readonly<Record<Exclude<Metric, 'pes'>, keyof CostFigures>> = {
  params: 'params',
  memoryBits: 'memoryBits',
  areaMm2: 'areaMm2',
  energyUJ: 'energyUJ',
  latencyMs: 'latencyMs',
  tiles: 'tiles',
  crossbars: 'crossbars',
};

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function figuresJson(c: CostFigures): CostFiguresJson {
  return { params: c.params, memory_bits: c.memoryBits, area_mm2: c.areaMm2, latency_ms: c.latencyMs, energy_uJ: c.energyUJ, tiles: c.tiles, crossbars: c.crossbars };
}

function figuresFromJson(j: CostFiguresJson): CostFigures {
  return { params: j.params, memoryBits: j.memory_bits, areaMm2: j.area_mm2, latencyMs: j.latency_ms, energyUJ: j.energy_uJ, tiles: j.tiles, crossbars: j.crossbars };
}

function spaceJson(s: SearchSpace): SpaceJson {
  return {
    ops: [...s.ops],
    require_direct_edge: s.requireDirectEdge,
    shared_cell: s.sharedCell,
    channels: { ...s.channels },
    hidden: [...s.hidden],
    timesteps: { ...s.timesteps },
    weight_bits: [...s.weightBits],
    input: { size: s.input.size, channels: s.input.channels },
    classes: s.classes,
  };
}

/** The settings of the page's costing for these inputs (no strategy, nothing trained). Throws CostInputError on bad hardware edits. */
export function costingSettings(inputs: StudioInputs): RunSettings {
  return { ...searchSettingsFromParams(inputs.params, inputs.hwEdits), strategy: null, topK: 0, epochs: 0, dataset: null };
}

export function inputsJson(inputs: StudioInputs): InputsJson {
  const c = canonicalInputs(inputs);
  const params: Record<string, unknown> = {};
  for (const k of PARAM_KEYS) params[k] = Array.isArray(c.params[k]) ? [...(c.params[k] as unknown[])] : c.params[k];
  return { params, hardware_edits: { ...(c.hwEdits as Record<string, number | string>) }, axes: { ...c.axes } };
}

export function toRunDocument(run: RunData, exportedAt: Date = new Date()): RunDocument {
  const s = run.settings;
  const budgets: BudgetsJson = {};
  for (const b of BUDGETS) budgets[b.file] = finiteOrNull(s.budgets[b.key]);
  return {
    format: RUN_FORMAT,
    format_version: RUN_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    exported_at: exportedAt.toISOString(),
    source: run.source,
    inputs: run.inputs ? inputsJson(run.inputs) : null,
    settings: {
      strategy: s.strategy,
      samples: s.samples,
      seed: s.seed,
      top_k: s.topK,
      epochs: s.epochs,
      dataset: s.dataset,
      budgets,
      space: spaceJson(s.space),
      hardware: { ...s.hardware },
    },
    candidates: run.candidates.map((c) => ({
      index: c.index,
      genome: c.genome,
      ...figuresJson(c.costs),
      pes: c.pes,
      feasible: c.feasible,
      violation: c.violation,
      score: c.score === null ? null : finiteOrNull(c.score),
    })),
    trained: run.trained.map((t) => ({
      index: t.index,
      genome: t.genome,
      accuracy_float: t.result.accuracyFloat,
      accuracy_quantized: t.result.accuracyQuantized,
      spike_rates: [...t.result.spikeRates],
      epochs: t.result.epochs.map((e) => ({ epoch: e.epoch, loss: finiteOrNull(e.loss), train_accuracy: finiteOrNull(e.trainAccuracy), test_accuracy: finiteOrNull(e.testAccuracy) })),
      backend: t.result.backend,
      samples_per_second: t.result.samplesPerSecond,
      measured: figuresJson(t.measuredCosts),
      feasible: t.feasible,
    })),
    front: [...run.front],
    timings: run.timings ? { ...run.timings } : null,
    counts: run.counts ? { ...run.counts } : null,
    stopped: run.stopped,
    budgets_from: run.budgetsFrom,
    note: budgetsNote(run.budgetsFrom),
  };
}

export function runJson(run: RunData, exportedAt?: Date): string {
  return JSON.stringify(toRunDocument(run, exportedAt), null, 1);
}

/** A finished search as a run (the lead's SearchRun), with the page inputs that started it when known. */
export function runDataFromSearch(run: SearchRun, inputs: StudioInputs | null = null, pes: ArrayLike<number> | null = null): RunData {
  return {
    source: 'search',
    inputs,
    settings: { ...run.settings },
    candidates: run.candidates.map((c) => ({ ...c, costs: { ...c.costs }, pes: pes ? pes[c.index] : null })),
    trained: run.trained,
    front: run.front,
    timings: run.timings,
    counts: run.counts,
    stopped: run.stopped,
    budgetsFrom: 'search',
  };
}

/** A search as a page shows it: the results' columns with the search's scores, its trained candidates and tallies. */
export interface ShownSearch {
  /** the page's inputs (their budget knobs: those on screen) */
  inputs: StudioInputs | null;
  /** the search's settings (their budgets are replaced by the screen's) */
  settings: SearchSettings;
  candidates: CostedColumns;
  trained: readonly TrainedRecord[];
  timings: SearchTimings;
  counts: Omit<SearchCounts, 'feasible'>;
  stopped: boolean;
}

/**
 * A search shown on a page as a run, judged by the budgets on screen now
 * (`budgets`): every candidate's feasibility and violation, each trained
 * candidate's feasibility by its measured costs, and the front.
 */
export function runDataFromScreen(shown: ShownSearch, budgets: Budgets): RunData {
  const candidates = candidatesFromColumns(shown.candidates, budgets);
  const trained = shown.trained.map((t) => ({ ...t, feasible: budgetViolation(t.measuredCosts, budgets) === 0 }));
  return {
    source: 'search',
    inputs: shown.inputs,
    settings: { ...shown.settings, budgets },
    candidates,
    trained,
    front: trainedFront(trained, budgets),
    timings: { ...shown.timings },
    counts: { ...shown.counts, feasible: candidates.reduce((n, c) => n + (c.feasible ? 1 : 0), 0) },
    stopped: shown.stopped,
    budgetsFrom: 'export',
  };
}

export interface CostedColumns {
  columns: Columns;
  genomes: readonly string[];
  count: number;
  /** training-free scores where known (NaN: not scored) */
  scores?: ArrayLike<number> | null;
}

/** Candidate records from the page's typed-array columns, judged against `budgets`. */
export function candidatesFromColumns(set: CostedColumns, budgets: Budgets): RunCandidate[] {
  const out: RunCandidate[] = new Array(set.count);
  const c = set.columns;
  for (let i = 0; i < set.count; i++) {
    const costs: CostFigures = {
      params: c.params[i],
      memoryBits: c.memoryBits[i],
      areaMm2: c.areaMm2[i],
      latencyMs: c.latencyMs[i],
      energyUJ: c.energyUJ[i],
      tiles: c.tiles[i],
      crossbars: c.crossbars[i],
    };
    const violation = budgetViolation(costs, budgets);
    const score = set.scores ? set.scores[i] : NaN;
    out[i] = { index: i, genome: set.genomes[i], costs, pes: c.pes[i], feasible: violation === 0, violation, score: Number.isNaN(score) ? null : score };
  }
  return out;
}

/** Typed-array columns of a run's candidates, for the page's views. */
export function columnsFromCandidates(candidates: readonly RunCandidate[], columns: Columns): void {
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    for (const m of METRICS) columns[m][i] = m === 'pes' ? (c.pes ?? NaN) : c.costs[FIGURE_OF_METRIC[m]];
  }
}

// ---------------------------------------------------------------- CSV

/** Quotes a field when RFC 4180 requires it (comma, quote, CR or LF), doubling inner quotes. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '' : String(v);
}

export function metricHeader(m: Metric): string {
  const info = METRIC_INFO[m];
  return info.unit ? `${info.label} (${info.unit})` : info.label;
}

/**
 * The candidate table: header from the metric labels and units, one row per
 * candidate, numbers at full precision (they read back exactly), empty
 * fields where a value does not exist. Lines end in CRLF (RFC 4180).
 */
export function candidatesCsv(run: RunData): string {
  const trained = new Map(run.trained.map((t) => [t.index, t]));
  const withTraining = run.trained.length > 0;
  const header = ['Index', 'Genome', ...METRICS.map(metricHeader), 'Feasible', 'Over budget', 'Violation', 'Score'];
  if (withTraining) header.push('Accuracy, float', 'Accuracy, quantized', 'Energy, measured (µJ)', 'Feasible, measured');
  const lines = [header.map(csvField).join(',')];
  for (const c of run.candidates) {
    const row = [String(c.index), c.genome];
    for (const m of METRICS) row.push(csvNumber(m === 'pes' ? c.pes : c.costs[FIGURE_OF_METRIC[m]]));
    row.push(c.feasible ? 'yes' : 'no', brokenBudgetNames(c.costs, run.settings.budgets).join('; '), csvNumber(c.violation), csvNumber(c.score));
    if (withTraining) {
      const t = trained.get(c.index);
      row.push(csvNumber(t?.result.accuracyFloat), csvNumber(t?.result.accuracyQuantized), csvNumber(t?.measuredCosts.energyUJ), t ? (t.feasible ? 'yes' : 'no') : '');
    }
    lines.push(row.map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- one architecture

/** What training measured, as the detail view shows it (a pipeline TrainResult fits). */
export interface TrainingView {
  epochs: readonly TrainEpoch[];
  /** input spike rate of each weight layer, in layer-list order */
  spikeRates: readonly number[];
  accuracyFloat: number;
  accuracyQuantized: number;
}

export interface ArchitectureJson {
  channels: number;
  hidden: number;
  timesteps: number;
  weight_bits: number;
  input: { size: number; channels: number };
  classes: number;
  /** one cell used at both stages */
  shared_cell: boolean;
  /** stage 1 (C channels) and stage 2 (2C channels) */
  cells: [CellDescription, CellDescription];
}

export interface ArchitectureDocument {
  format: typeof ARCHITECTURE_FORMAT;
  format_version: number;
  studio_version: string;
  exported_at: string;
  genome: string;
  architecture: ArchitectureJson;
  layers: Layer[];
  /** the full report: per layer, per component, KPIs, utilisation, memory, the hardware used, notes */
  cost: CostReport;
  training: { accuracy_float: number; accuracy_quantized: number; spike_rates: number[]; epochs: EpochJson[] } | null;
}

export function architectureJson(a: Architecture): ArchitectureJson {
  const c1 = describeCell(a.cells[0]);
  const c2 = describeCell(a.cells[1]);
  return {
    channels: a.channels,
    hidden: a.hidden,
    timesteps: a.timesteps,
    weight_bits: a.weightBits,
    input: { size: a.input.size, channels: a.input.channels },
    classes: a.classes,
    shared_cell: c1.digits === c2.digits,
    cells: [c1, c2],
  };
}

/**
 * The spike rates a report may use: one per layer, each in [0, 1]. Anything
 * else (a training run of another layer list) is not used, and the caller
 * is told why.
 */
export function usableSpikeRates(rates: readonly number[] | undefined, layerCount: number): { rates: number[] | undefined; note: string | null } {
  if (!rates || rates.length === 0) return { rates: undefined, note: null };
  if (rates.length !== layerCount) return { rates: undefined, note: `measured spike rates not used: ${rates.length} rates for ${layerCount} layers` };
  if (rates.some((r) => !(r >= 0 && r <= 1))) return { rates: undefined, note: 'measured spike rates not used: a rate is outside [0, 1]' };
  return { rates: [...rates], note: null };
}

/** Parses the genome and builds its layer list and full report (with measured spike rates when training gave them). */
export function architectureDocument(genome: string, hardware: HardwareConfig, training: TrainingView | null = null, exportedAt: Date = new Date()): ArchitectureDocument {
  const arch = parseGenome(genome);
  const layers = layerList(arch);
  const { rates, note } = usableSpikeRates(training?.spikeRates, layers.length);
  const cost = buildArchitectureReport(arch, hardware, { inputRates: rates, notes: note ? [note] : [] });
  return {
    format: ARCHITECTURE_FORMAT,
    format_version: ARCHITECTURE_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    exported_at: exportedAt.toISOString(),
    genome,
    architecture: architectureJson(arch),
    layers,
    cost,
    training: training
      ? {
          accuracy_float: training.accuracyFloat,
          accuracy_quantized: training.accuracyQuantized,
          spike_rates: [...training.spikeRates],
          epochs: training.epochs.map((e) => ({ epoch: e.epoch, loss: finiteOrNull(e.loss), train_accuracy: finiteOrNull(e.trainAccuracy), test_accuracy: finiteOrNull(e.testAccuracy) })),
        }
      : null,
  };
}

// ---------------------------------------------------------------- import

export type RunImport = { ok: true; run: RunData; warnings: string[] } | { ok: false; problems: string[] };

class Problems {
  readonly list: string[] = [];
  private extra = 0;
  add(path: string, message: string): void {
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push(path ? `${path}: ${message}` : message);
    else this.extra++;
  }
  get count(): number {
    return this.list.length + this.extra;
  }
  summary(): string[] {
    return this.extra ? [...this.list, `… and ${this.extra} more problem${this.extra > 1 ? 's' : ''}`] : this.list;
  }
}

type Json = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
  nullable?: boolean;
}

/** A finite number obeying the rule, or null (nullable and null given), or undefined after recording the problem. */
function readNumber(p: Problems, path: string, v: unknown, rule: NumberRule = {}): number | null | undefined {
  if (v === null && rule.nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    p.add(path, `expected ${rule.integer ? 'a whole number' : 'a finite number'}${rule.nullable ? ' or null' : ''}, got ${describe(v)}`);
    return undefined;
  }
  if (rule.integer && !Number.isInteger(v)) {
    p.add(path, `${v} is not a whole number`);
    return undefined;
  }
  if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
    p.add(path, `${v} is outside ${rule.min ?? '−∞'}–${rule.max ?? '∞'}`);
    return undefined;
  }
  return v;
}

function readString(p: Problems, path: string, v: unknown, nullable = false): string | null | undefined {
  if (v === null && nullable) return null;
  if (typeof v !== 'string') {
    p.add(path, `expected a string${nullable ? ' or null' : ''}, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

function readBoolean(p: Problems, path: string, v: unknown): boolean | undefined {
  if (typeof v !== 'boolean') {
    p.add(path, `expected true or false, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

function readArray(p: Problems, path: string, v: unknown, max = Infinity): unknown[] | undefined {
  if (!Array.isArray(v)) {
    p.add(path, `expected an array, got ${describe(v)}`);
    return undefined;
  }
  if (v.length > max) {
    p.add(path, `holds ${v.length} entries; at most ${max} are read`);
    return undefined;
  }
  return v;
}

function readObject(p: Problems, path: string, v: unknown): Json | undefined {
  if (!isObject(v)) {
    p.add(path, `expected an object, got ${describe(v)}`);
    return undefined;
  }
  return v;
}

const FIGURE_RULES: readonly [keyof CostFiguresJson, NumberRule][] = [
  ['params', { min: 0, integer: true }],
  ['memory_bits', { min: 0 }],
  ['area_mm2', { min: 0 }],
  ['latency_ms', { min: 0 }],
  ['energy_uJ', { min: 0 }],
  ['tiles', { min: 0, integer: true }],
  ['crossbars', { min: 0, integer: true }],
];

function readFigures(p: Problems, path: string, o: Json): CostFigures | undefined {
  const out = {} as Record<string, number>;
  let ok = true;
  for (const [key, rule] of FIGURE_RULES) {
    const v = readNumber(p, `${path}.${key}`, o[key], rule);
    if (v === undefined || v === null) ok = false;
    else out[key] = v;
  }
  return ok ? figuresFromJson(out as unknown as CostFiguresJson) : undefined;
}

function readRange(p: Problems, path: string, v: unknown): { min: number; max: number; step: number } | undefined {
  const o = readObject(p, path, v);
  if (!o) return undefined;
  const min = readNumber(p, `${path}.min`, o.min, { min: 1, integer: true });
  const max = readNumber(p, `${path}.max`, o.max, { min: 1, integer: true });
  const step = readNumber(p, `${path}.step`, o.step, { min: 1, integer: true });
  if (min == null || max == null || step == null) return undefined;
  if (min > max) {
    p.add(path, `min ${min} is above max ${max}`);
    return undefined;
  }
  return { min, max, step };
}

function readWholeList(p: Problems, path: string, v: unknown): number[] | undefined {
  const a = readArray(p, path, v, 64);
  if (!a) return undefined;
  if (a.length === 0) {
    p.add(path, 'is empty');
    return undefined;
  }
  const out: number[] = [];
  a.forEach((x, i) => {
    const n = readNumber(p, `${path}[${i}]`, x, { min: 1, integer: true });
    if (n != null) out.push(n);
  });
  return out.length === a.length ? out : undefined;
}

function readSpace(p: Problems, path: string, v: unknown): SearchSpace | undefined {
  const o = readObject(p, path, v);
  if (!o) return undefined;
  const opsRaw = readArray(p, `${path}.ops`, o.ops, OPS.length);
  const ops: Op[] = [];
  opsRaw?.forEach((x, i) => {
    if (typeof x === 'string' && (OPS as readonly string[]).includes(x)) ops.push(x as Op);
    else p.add(`${path}.ops[${i}]`, `${describe(x)} is not an operation (${OPS.join(', ')})`);
  });
  if (opsRaw && opsRaw.length === 0) p.add(`${path}.ops`, 'is empty');
  const requireDirectEdge = readBoolean(p, `${path}.require_direct_edge`, o.require_direct_edge);
  const sharedCell = readBoolean(p, `${path}.shared_cell`, o.shared_cell);
  const channels = readRange(p, `${path}.channels`, o.channels);
  const timesteps = readRange(p, `${path}.timesteps`, o.timesteps);
  const hidden = readWholeList(p, `${path}.hidden`, o.hidden);
  const weightBits = readWholeList(p, `${path}.weight_bits`, o.weight_bits);
  const input = readObject(p, `${path}.input`, o.input);
  const size = input ? readNumber(p, `${path}.input.size`, input.size, { min: 4, integer: true }) : undefined;
  const inChannels = input ? readNumber(p, `${path}.input.channels`, input.channels, { min: 1, integer: true }) : undefined;
  const classes = readNumber(p, `${path}.classes`, o.classes, { min: 2, integer: true });
  if (!opsRaw || ops.length !== opsRaw.length || ops.length === 0 || requireDirectEdge === undefined || sharedCell === undefined) return undefined;
  if (!channels || !timesteps || !hidden || !weightBits || size == null || inChannels == null || classes == null) return undefined;
  return { ops, requireDirectEdge, sharedCell, channels, hidden, timesteps, weightBits, input: { size, channels: inChannels }, classes };
}

function readBudgets(p: Problems, path: string, v: unknown): Budgets | undefined {
  const o = readObject(p, path, v);
  if (!o) return undefined;
  const out = {} as Budgets;
  let ok = true;
  for (const b of BUDGETS) {
    const n = readNumber(p, `${path}.${b.file}`, o[b.file], { min: 0, nullable: true });
    if (n === undefined) ok = false;
    else out[b.key] = n === null ? Infinity : n;
  }
  return ok ? out : undefined;
}

function readSettings(p: Problems, v: unknown): RunSettings | undefined {
  const o = readObject(p, 'settings', v);
  if (!o) return undefined;
  let strategy: Strategy | null | undefined = null;
  if (o.strategy !== null) {
    if (typeof o.strategy === 'string' && (STRATEGIES as readonly string[]).includes(o.strategy)) strategy = o.strategy as Strategy;
    else {
      p.add('settings.strategy', `${describe(o.strategy)} is not a strategy (${STRATEGIES.join(', ')}) or null`);
      strategy = undefined;
    }
  }
  const samples = readNumber(p, 'settings.samples', o.samples, { min: 0, integer: true });
  const seed = readNumber(p, 'settings.seed', o.seed, { integer: true });
  const topK = readNumber(p, 'settings.top_k', o.top_k, { min: 0, integer: true });
  const epochs = readNumber(p, 'settings.epochs', o.epochs, { min: 0, integer: true });
  const dataset = readString(p, 'settings.dataset', o.dataset, true);
  const budgets = readBudgets(p, 'settings.budgets', o.budgets);
  const space = readSpace(p, 'settings.space', o.space);
  let hardware: HardwareConfig | undefined;
  try {
    hardware = resolveHardware(o.hardware, 'settings.hardware');
  } catch (e) {
    if (!(e instanceof CostInputError)) throw e;
    p.add('', e.message);
  }
  if (strategy === undefined || samples == null || seed == null || topK == null || epochs == null || dataset === undefined || !budgets || !space || !hardware) return undefined;
  return { strategy, samples, seed, space, hardware, budgets, topK, epochs, dataset };
}

/** A JSON value of a knob as the text the table parses. */
function paramTextOf(d: ParamDef, v: unknown): string | null {
  switch (d.type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? String(v) : null;
    case 'flag':
      return typeof v === 'boolean' ? (v ? '1' : '0') : null;
    case 'choice':
      return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
    case 'set':
      return Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number') ? v.join(',') : null;
  }
}

function readInputs(p: Problems, warnings: string[], v: unknown): StudioInputs | null | undefined {
  if (v === null) return null;
  const o = readObject(p, 'inputs', v);
  if (!o) return undefined;
  const paramsJson = readObject(p, 'inputs.params', o.params);
  const editsJson = readObject(p, 'inputs.hardware_edits', o.hardware_edits);
  const axesJson = readObject(p, 'inputs.axes', o.axes);
  if (!paramsJson || !editsJson || !axesJson) return undefined;
  const params = defaultParams() as Record<ParamKey, unknown>;
  const missing: string[] = [];
  const before = p.count;
  for (const key of PARAM_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(paramsJson, key)) {
      missing.push(key);
      continue;
    }
    const d = PARAMS[key] as ParamDef;
    const text = paramTextOf(d, paramsJson[key]);
    const parsed = text === null ? null : parseParamText(key, text);
    if (parsed === null || parsed.problem) {
      p.add(`inputs.params.${key}`, parsed?.problem ?? `${describe(paramsJson[key])} is not a value of ${d.label}`);
      continue;
    }
    params[key] = parsed.value;
  }
  if (missing.length) warnings.push(`The file sets no ${missing.join(', ')}; used the defaults.`);
  const unknown = Object.keys(paramsJson).filter((k) => !(PARAM_KEYS as readonly string[]).includes(k));
  if (unknown.length) warnings.push(`Ignored settings this studio does not know: ${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? ', …' : ''}.`);
  const hwEdits: HardwareEdits = {};
  for (const [key, value] of Object.entries(editsJson)) {
    const problem = hardwareEditProblem(key, value);
    if (problem) p.add(`inputs.hardware_edits.${key}`, problem);
    else hwEdits[key as HardwareKey] = value as number | string;
  }
  let axes = { ...DEFAULT_AXES };
  if (!isAxisMetric(axesJson.x) || !isAxisMetric(axesJson.y) || axesJson.x === axesJson.y) p.add('inputs.axes', `expected two different chart metrics, got ${describe(axesJson.x)} and ${describe(axesJson.y)}`);
  else axes = { x: axesJson.x, y: axesJson.y };
  if (p.count !== before) return undefined;
  return canonicalInputs({ params: params as ParamValues, hwEdits, axes });
}

function readCandidates(p: Problems, v: unknown, budgets: Budgets | undefined): RunCandidate[] | undefined {
  const list = readArray(p, 'candidates', v, MAX_RUN_CANDIDATES);
  if (!list) return undefined;
  const out: RunCandidate[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const path = `candidates[${i}]`;
    const o = readObject(p, path, list[i]);
    if (!o) continue;
    const index = readNumber(p, `${path}.index`, o.index, { integer: true });
    if (index != null && index !== i) p.add(`${path}.index`, `is ${index}; candidates are listed in sampling order, so it must be ${i}`);
    const genome = readString(p, `${path}.genome`, o.genome);
    if (typeof genome === 'string') {
      try {
        parseGenome(genome);
        const first = seen.get(genome);
        if (first !== undefined) p.add(`${path}.genome`, `${describe(genome)} repeats candidates[${first}]`);
        else seen.set(genome, i);
      } catch (e) {
        if (!(e instanceof GenomeError)) throw e;
        p.add(`${path}.genome`, e.message);
      }
    }
    const costs = readFigures(p, path, o);
    const pes = readNumber(p, `${path}.pes`, o.pes ?? null, { min: 0, integer: true, nullable: true });
    const feasible = readBoolean(p, `${path}.feasible`, o.feasible);
    const violation = readNumber(p, `${path}.violation`, o.violation, { min: 0 });
    const score = readNumber(p, `${path}.score`, o.score, { nullable: true });
    if (costs && budgets && feasible !== undefined && (budgetViolation(costs, budgets) === 0) !== feasible) {
      p.add(`${path}.feasible`, `is ${feasible}, but its costs are ${feasible ? 'over' : 'within'} the run's budgets`);
    }
    if (index == null || typeof genome !== 'string' || !costs || pes === undefined || feasible === undefined || violation == null || score === undefined) continue;
    out.push({ index, genome, costs, pes, feasible, violation, score });
  }
  return out.length === list.length ? out : undefined;
}

function readEpochs(p: Problems, path: string, v: unknown): TrainEpoch[] | undefined {
  const list = readArray(p, path, v, 100_000);
  if (!list) return undefined;
  const out: TrainEpoch[] = [];
  list.forEach((x, i) => {
    const o = readObject(p, `${path}[${i}]`, x);
    if (!o) return;
    const epoch = readNumber(p, `${path}[${i}].epoch`, o.epoch, { min: 0, integer: true });
    const loss = readNumber(p, `${path}[${i}].loss`, o.loss, { nullable: true });
    const train = readNumber(p, `${path}[${i}].train_accuracy`, o.train_accuracy, { min: 0, max: 1, nullable: true });
    const test = readNumber(p, `${path}[${i}].test_accuracy`, o.test_accuracy, { min: 0, max: 1, nullable: true });
    if (epoch == null || loss === undefined || train === undefined || test === undefined) return;
    out.push({ epoch, loss: loss ?? NaN, trainAccuracy: train ?? NaN, testAccuracy: test ?? NaN });
  });
  return out.length === list.length ? out : undefined;
}

function readTrained(p: Problems, v: unknown, candidates: RunCandidate[] | undefined): TrainedRecord[] | undefined {
  const list = readArray(p, 'trained', v, MAX_RUN_CANDIDATES);
  if (!list) return undefined;
  const out: TrainedRecord[] = [];
  list.forEach((x, i) => {
    const path = `trained[${i}]`;
    const o = readObject(p, path, x);
    if (!o) return;
    const index = readNumber(p, `${path}.index`, o.index, { min: 0, integer: true });
    const genome = readString(p, `${path}.genome`, o.genome);
    if (index != null && candidates) {
      if (index >= candidates.length) p.add(`${path}.index`, `${index} is not a candidate (there are ${candidates.length})`);
      else if (typeof genome === 'string' && candidates[index].genome !== genome) p.add(`${path}.genome`, `is not the genome of candidates[${index}]`);
    }
    const accuracyFloat = readNumber(p, `${path}.accuracy_float`, o.accuracy_float, { min: 0, max: 1 });
    const accuracyQuantized = readNumber(p, `${path}.accuracy_quantized`, o.accuracy_quantized, { min: 0, max: 1 });
    const ratesRaw = readArray(p, `${path}.spike_rates`, o.spike_rates, 4096);
    const spikeRates: number[] = [];
    ratesRaw?.forEach((r, j) => {
      const n = readNumber(p, `${path}.spike_rates[${j}]`, r, { min: 0, max: 1 });
      if (n != null) spikeRates.push(n);
    });
    const epochs = readEpochs(p, `${path}.epochs`, o.epochs);
    const backend = readString(p, `${path}.backend`, o.backend);
    const samplesPerSecond = readNumber(p, `${path}.samples_per_second`, o.samples_per_second, { min: 0 });
    const measuredJson = readObject(p, `${path}.measured`, o.measured);
    const measured = measuredJson ? readFigures(p, `${path}.measured`, measuredJson) : undefined;
    const feasible = readBoolean(p, `${path}.feasible`, o.feasible);
    if (index == null || typeof genome !== 'string' || accuracyFloat == null || accuracyQuantized == null || !ratesRaw || spikeRates.length !== ratesRaw.length) return;
    if (!epochs || typeof backend !== 'string' || samplesPerSecond == null || !measured || feasible === undefined) return;
    out.push({ index, genome, result: { accuracyFloat, accuracyQuantized, spikeRates, epochs, backend, samplesPerSecond }, measuredCosts: measured, feasible });
  });
  return out.length === list.length ? out : undefined;
}

function readIndexList(p: Problems, path: string, v: unknown, valid: (i: number) => string | null): number[] | undefined {
  const list = readArray(p, path, v, MAX_RUN_CANDIDATES);
  if (!list) return undefined;
  const out: number[] = [];
  list.forEach((x, i) => {
    const n = readNumber(p, `${path}[${i}]`, x, { min: 0, integer: true });
    if (n == null) return;
    const problem = valid(n);
    if (problem) p.add(`${path}[${i}]`, problem);
    else out.push(n);
  });
  return out.length === list.length ? out : undefined;
}

function readNumberRecord(p: Problems, path: string, v: unknown, integer: boolean): Record<string, number> | null | undefined {
  if (v === null || v === undefined) return null;
  const o = readObject(p, path, v);
  if (!o) return undefined;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(o)) {
    const n = readNumber(p, `${path}.${k}`, x, { min: 0, integer });
    if (n != null) out[k] = n;
  }
  return Object.keys(out).length === Object.keys(o).length ? out : undefined;
}

/** Validates a parsed run document; on any problem, returns them all and no run. */
export function readRunDocument(doc: unknown): RunImport {
  const p = new Problems();
  const warnings: string[] = [];
  if (!isObject(doc)) return { ok: false, problems: [`The file is not a run: expected a JSON object, got ${describe(doc)}.`] };
  if (doc.format !== RUN_FORMAT) {
    return { ok: false, problems: [`The file is not a NeuroNAS Studio run: its "format" is ${describe(doc.format)}, not "${RUN_FORMAT}".`] };
  }
  if (doc.format_version !== RUN_FORMAT_VERSION) {
    const newer = typeof doc.format_version === 'number' && doc.format_version > RUN_FORMAT_VERSION;
    return {
      ok: false,
      problems: [
        newer
          ? `The run was written by a newer studio (run format ${doc.format_version}); this one reads format ${RUN_FORMAT_VERSION}.`
          : `The run's format_version ${describe(doc.format_version)} is not one this studio reads (${RUN_FORMAT_VERSION}).`,
      ],
    };
  }
  readString(p, 'studio_version', doc.studio_version);
  readString(p, 'exported_at', doc.exported_at);
  if (doc.source !== 'costing' && doc.source !== 'search') p.add('source', `expected "costing" or "search", got ${describe(doc.source)}`);
  const inputs = readInputs(p, warnings, doc.inputs ?? null);
  const settings = readSettings(p, doc.settings);
  const candidates = readCandidates(p, doc.candidates, settings?.budgets);
  const trained = readTrained(p, doc.trained, candidates);
  const trainedIndices = new Set(trained?.map((t) => t.index));
  const front = readIndexList(p, 'front', doc.front, (i) => (trained && !trainedIndices.has(i) ? `${i} is not a trained candidate` : null));
  const timings = readNumberRecord(p, 'timings', doc.timings, false);
  const counts = readNumberRecord(p, 'counts', doc.counts, true);
  if (doc.stopped !== undefined && typeof doc.stopped !== 'boolean') p.add('stopped', `expected true or false, got ${describe(doc.stopped)}`);
  if (doc.budgets_from !== undefined && doc.budgets_from !== 'search' && doc.budgets_from !== 'export') p.add('budgets_from', `expected "search" or "export", got ${describe(doc.budgets_from)}`);
  if (p.count > 0 || inputs === undefined || !settings || !candidates || !trained || !front || timings === undefined || counts === undefined) {
    return { ok: false, problems: p.count ? p.summary() : ['The run is incomplete.'] };
  }
  return {
    ok: true,
    warnings,
    run: {
      source: doc.source as RunData['source'],
      inputs,
      settings,
      candidates,
      trained,
      front,
      timings: timings as SearchTimings | null,
      counts: counts as SearchCounts | null,
      stopped: doc.stopped === true,
      budgetsFrom: doc.budgets_from === 'export' ? 'export' : 'search',
    },
  };
}

/** Parses and validates a run file's text. */
export function parseRunJson(text: string): RunImport {
  if (text.length > MAX_RUN_FILE_BYTES) return { ok: false, problems: [`The file is ${Math.round(text.length / 1048576)} MB; a run file is read up to ${MAX_RUN_FILE_BYTES / 1048576} MB.`] };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`The file is not JSON: ${e instanceof Error ? e.message : String(e)}.`] };
  }
  return readRunDocument(doc);
}

/**
 * The page's inputs that best reproduce a run made elsewhere (the command
 * line): every knob the settings determine, clamped through the table, the
 * hardware's non-knob constants as edits. What the table cannot express is
 * reported.
 */
export function inputsFromSettings(s: RunSettings): { inputs: StudioInputs; problems: string[] } {
  const problems: string[] = [];
  const params = defaultParams() as Record<ParamKey, unknown>;
  const set = (key: ParamKey, value: unknown) => {
    const d = PARAMS[key] as ParamDef;
    const text = paramTextOf(d, value);
    if (text === null) return;
    const parsed = parseParamText(key, text);
    if (parsed.problem) problems.push(parsed.problem);
    params[key] = parsed.value;
  };
  set('samples', s.samples);
  set('seed', s.seed);
  set('ops', [...s.space.ops]);
  set('requireDirectEdge', s.space.requireDirectEdge);
  set('sharedCell', s.space.sharedCell);
  set('channelsMin', s.space.channels.min);
  set('channelsMax', s.space.channels.max);
  set('channelsStep', s.space.channels.step);
  set('hidden', [...s.space.hidden]);
  set('timestepsMin', s.space.timesteps.min);
  set('timestepsMax', s.space.timesteps.max);
  set('weightBits', [...s.space.weightBits]);
  for (const { key, field } of HARDWARE_KNOBS) set(key, s.hardware[field]);
  for (const b of BUDGETS) set(b.key, Number.isFinite(s.budgets[b.key]) ? s.budgets[b.key] : b.param.max);
  // A search's own knobs, by name where the table has them; a costed set has none (no strategy, nothing trained).
  if (s.strategy !== null) {
    const searchKnobs: [string, unknown][] = [
      ['strategy', s.strategy],
      ['topK', s.topK],
      ['epochs', s.epochs],
      ['dataset', s.dataset],
    ];
    for (const [key, value] of searchKnobs) if ((PARAM_KEYS as readonly string[]).includes(key) && value !== null) set(key as ParamKey, value);
  }
  const hwEdits: HardwareEdits = {};
  for (const key of Object.keys(s.hardware) as HardwareKey[]) {
    if (hardwareEditProblem(key, s.hardware[key]) === null) hwEdits[key] = s.hardware[key];
  }
  return { inputs: canonicalInputs({ params: params as ParamValues, hwEdits, axes: { ...DEFAULT_AXES } }), problems };
}
