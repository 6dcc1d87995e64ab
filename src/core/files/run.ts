/**
 * The run file (`neuronas-run`, JSON): the settings, every candidate with
 * its costs, feasibility and score, the trained results and the front, plus
 * the page's inputs so an import restores its knobs. One shape for a costed
 * set from the page (source `costing`, scores null) and for a search (source
 * `search`, from the pipeline's SearchRun). Keys are snake_case like the
 * cost report's; a candidate carries the fields the search command prints
 * (genome, params, memory_bits, area_mm2, latency_ms, energy_uJ, feasible,
 * score).
 *
 * The schema below is the format's one definition: the writer's JSON types
 * are read off it, and importing a run validates everything with it before
 * anything is used (format and version, shapes, finite numbers, genomes that
 * parse and do not repeat, indices that point at candidates, feasibility that
 * matches the costs and budgets), naming every problem by its JSON path; a
 * file with any problem is refused whole. The page's knobs inside go through
 * the parameter table (`parseParamText`), the hardware through the cost
 * model's HARDWARE_SCHEMA, the budgets through BUDGETS' file keys.
 */
import { check, custom, nullish, optional, pipe, rawCheck, safeParse, transform, type InferOutput } from 'valibot';
import { OPS } from '../arch/cell.ts';
import { CELL_TYPES, type SearchSpace } from '../arch/sampler.ts';
import { isPlainObject } from '../cost/errors.ts';
import { HARDWARE_SCHEMA, fieldProblem, hardwareJson, type HardwareJson } from '../cost/hardware.ts';
import { budgetViolation } from '../feasibility.ts';
import { DEFAULT_AXES, EDITABLE_HARDWARE_FIELDS, canonicalInputs, hardwareEditProblem, hardwareEditsFromJson, isAxisMetric, type HardwareEdits, type StudioInputs } from '../inputs.ts';
import { METRICS, type Columns, type Metric } from '../metrics.ts';
import { PARAMS, PARAM_KEYS, defaultParams, parseParamText, type ParamDef, type ParamKey, type ParamValues } from '../params.ts';
import { RANK_PROXIES, STRATEGIES, trainedFront, type CandidateRecord, type CostFigures, type Evaluation, type SearchCounts, type SearchRun, type SearchSettings, type SearchTimings, type Strategy, type TrainFailure, type TrainedRecord } from '../search/pipeline.ts';
import { BUDGETS, HARDWARE_KNOBS, searchSettingsFromParams, type Budgets } from '../settings.ts';
import { EPOCH_SCHEMA, STUDIO_VERSION, epochFromJson, epochJson, finiteOrNull } from './document.ts';
import { Problems, bool, describeValue, issuePaths, genomeText, list, num, obj, oneOf, pathTo, plainObject, recordOf, str } from './schema.ts';

export const RUN_FORMAT = 'neuronas-run';
export const RUN_FORMAT_VERSION = 1;

/** Largest run file read (a 20 000-candidate search is about 6 MB). */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_RUN_CANDIDATES = 250_000;

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
  /** candidates the search chose but could not train (absent in files from before it was written: none) */
  failures?: TrainFailure[];
  /**
   * Whose budgets `settings.budgets` are, by which feasibility, violations and the front are judged: the search's
   * own (the command line), or those on the page's screen when the file was exported (a page's budgets move after
   * its candidates are costed, and re-judge them). Absent in a file written before the field: such a file is
   * judged by the search's budgets, and is written again without it, as it was read.
   */
  budgetsFrom?: BudgetsFrom;
  /**
   * Every candidate scored or trained, in the order they finished, with when (the file writes each one's time on
   * the candidate, `scored_at_ms`, and on the trained entry, `trained_at_ms`). Absent where the run did not record
   * them: a file written before they were, a costed set, a run merged from shards (each shard has its own clock).
   */
  evaluations?: Evaluation[];
}

export const BUDGETS_FROM = ['search', 'export'] as const;
export type BudgetsFrom = (typeof BUDGETS_FROM)[number];

/** The run file's words for `budgets_from` (its `note`). */
export function budgetsNote(from: BudgetsFrom): string {
  return from === 'export'
    ? 'feasible, violation, trained[].feasible and front are judged by settings.budgets: the budgets on screen when this file was exported'
    : 'feasible, violation, trained[].feasible and front are judged by settings.budgets: the budgets the search ran under';
}

// ---------------------------------------------------------------- the run as JSON: its schema

const FIGURE_ENTRIES = {
  params: num({ min: 0, integer: true }),
  memory_bits: num({ min: 0 }),
  area_mm2: num({ min: 0 }),
  latency_ms: num({ min: 0 }),
  energy_uJ: num({ min: 0 }),
  tiles: num({ min: 0, integer: true }),
  crossbars: num({ min: 0, integer: true }),
};
const FIGURE_KEYS = Object.keys(FIGURE_ENTRIES) as (keyof typeof FIGURE_ENTRIES)[];
const FIGURES_SCHEMA = obj(FIGURE_ENTRIES);

/** How a run file writes a score of −∞ (a singular kernel). */
export const SINGULAR_SCORE = '-Infinity';

/** A score as a file holds it: a number, '-Infinity', or null for never scored (NaN reads as not scored too). */
export function scoreJson(score: number | null): number | null | typeof SINGULAR_SCORE {
  return score === null ? null : score === -Infinity ? SINGULAR_SCORE : finiteOrNull(score);
}

/** Reads a file's score (see scoreJson). */
export const SCORE_SCHEMA = pipe(
  custom<number | null | typeof SINGULAR_SCORE>(
    (x) => x === null || x === SINGULAR_SCORE || (typeof x === 'number' && Number.isFinite(x)),
    (issue) => `expected a finite number, "${SINGULAR_SCORE}" or null, got ${describeValue(issue.input)}`,
  ),
  transform((x): number | null => (x === SINGULAR_SCORE ? -Infinity : x)),
);

export const CANDIDATE_SCHEMA = obj({
  /** position in sampling order */
  index: num({ integer: true }),
  genome: genomeText(),
  ...FIGURE_ENTRIES,
  pes: optional(num({ min: 0, integer: true, nullable: true }), null),
  feasible: bool(),
  /** Σ over broken budgets of (value / budget − 1); 0 when feasible */
  violation: num({ min: 0 }),
  // A singular kernel scores −∞ (log|det K| of det 0), which JSON cannot hold: written '-Infinity', while null
  // keeps meaning "never scored".
  score: SCORE_SCHEMA,
  /** when it was scored, ms after the search started (absent in files from before it was written; null: not scored) */
  scored_at_ms: optional(num({ min: 0, nullable: true })),
});

export const TRAINED_SCHEMA = obj({
  index: num({ min: 0, integer: true }),
  genome: str(),
  accuracy_float: num({ min: 0, max: 1 }),
  accuracy_quantized: num({ min: 0, max: 1 }),
  /** input spike rate of each weight layer, in layer-list order */
  spike_rates: list(num({ min: 0, max: 1 }), { max: 4096 }),
  epochs: list(EPOCH_SCHEMA, { max: 100_000 }),
  backend: str(),
  samples_per_second: num({ min: 0 }),
  /** costs re-estimated with the measured spike rates */
  measured: FIGURES_SCHEMA,
  feasible: bool(),
  /** when its training ended, ms after the search started (absent in files from before it was written) */
  trained_at_ms: optional(num({ min: 0, nullable: true })),
});

const RANGE_SCHEMA = pipe(
  obj({ min: num({ min: 1, integer: true }), max: num({ min: 1, integer: true }), step: num({ min: 1, integer: true }) }),
  check((r) => r.min <= r.max, (issue) => `min ${(issue.input as { min: number }).min} is above max ${(issue.input as { max: number }).max}`),
);
const WHOLE_LIST_SCHEMA = list(num({ min: 1, integer: true }), { max: 64, nonEmpty: true });

const SPACE_SCHEMA = obj({
  ops: list(
    oneOf(OPS, (x) => `${describeValue(x)} is not an operation (${OPS.join(', ')})`),
    { max: OPS.length, nonEmpty: true },
  ),
  // Files written before backward cells could be searched have none: their cells were forward.
  cell_type: optional(oneOf(CELL_TYPES, (x) => `${describeValue(x)} is not a cell type (${CELL_TYPES.join(', ')})`), 'forward'),
  require_direct_edge: bool(),
  shared_cell: bool(),
  channels: RANGE_SCHEMA,
  hidden: WHOLE_LIST_SCHEMA,
  timesteps: RANGE_SCHEMA,
  weight_bits: WHOLE_LIST_SCHEMA,
  input: obj({ size: num({ min: 4, integer: true }), channels: num({ min: 1, integer: true }) }),
  classes: num({ min: 2, integer: true }),
});

/** Each budget under its file key (BUDGETS' `file`, e.g. max_area_mm2); null: no limit. */
const BUDGETS_SCHEMA = obj(Object.fromEntries(BUDGETS.map((b) => [b.file, num({ min: 0, nullable: true })])));

export const SETTINGS_SCHEMA = obj({
  strategy: oneOf([...STRATEGIES, null], (x) => `${describeValue(x)} is not a strategy (${STRATEGIES.join(', ')}) or null`),
  // Searches written before the ranking could be chosen ranked by SNASNet's score.
  rank_by: optional(oneOf(RANK_PROXIES, (x) => `${describeValue(x)} is not a ranking proxy (${RANK_PROXIES.join(', ')})`), 'snasnet'),
  samples: num({ min: 0, integer: true }),
  seed: num({ integer: true }),
  top_k: num({ min: 0, integer: true }),
  epochs: num({ min: 0, integer: true }),
  dataset: str({ nullable: true }),
  budgets: BUDGETS_SCHEMA,
  space: SPACE_SCHEMA,
  hardware: HARDWARE_SCHEMA,
});

export type CostFiguresJson = InferOutput<typeof FIGURES_SCHEMA>;
/** A candidate as a file holds it (as read, a score of '-Infinity' is −∞). */
export type CandidateJson = Omit<InferOutput<typeof CANDIDATE_SCHEMA>, 'score'> & { score: number | null | typeof SINGULAR_SCORE };
export type TrainedJson = InferOutput<typeof TRAINED_SCHEMA>;
export type BudgetsJson = InferOutput<typeof BUDGETS_SCHEMA>;
export type SpaceJson = InferOutput<typeof SPACE_SCHEMA>;
export type RunSettingsJson = InferOutput<typeof SETTINGS_SCHEMA>;

export interface InputsJson {
  /** every knob of the parameter table, by its name there */
  params: Record<string, unknown>;
  /** edited constants, each under its field's file key (HARDWARE_FIELDS) */
  hardware_edits: Partial<HardwareJson>;
  axes: { x: string; y: string };
}

/** A knob's JSON value as the text the parameter table parses; null when it has the wrong type for the knob. */
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

/** The page's inputs as written: every knob is read by the parameter table (parseParamText), so the table stays each knob's one rule. */
const INPUTS_SCHEMA = nullish(
  pipe(
    obj({
      params: pipe(
        plainObject(),
        rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          for (const key of PARAM_KEYS) {
            if (!Object.prototype.hasOwnProperty.call(dataset.value, key)) continue;
            const value = dataset.value[key];
            const text = paramTextOf(PARAMS[key] as ParamDef, value);
            const problem = text === null ? `${describeValue(value)} is not a value of ${PARAMS[key].label}` : parseParamText(key, text).problem;
            if (problem) addIssue({ message: problem, path: pathTo(key) });
          }
        }),
      ),
      hardware_edits: pipe(
        plainObject(),
        rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          for (const [key, value] of Object.entries(dataset.value)) {
            const problem = hardwareEditProblem(key, value);
            if (problem) addIssue({ message: problem, path: pathTo(key) });
          }
        }),
      ),
      axes: pipe(
        plainObject(),
        check(
          (a) => isAxisMetric(a.x) && isAxisMetric(a.y) && a.x !== a.y,
          (issue) => {
            const a = issue.input as Record<string, unknown>;
            return `expected two different chart metrics, got ${describeValue(a.x)} and ${describeValue(a.y)}`;
          },
        ),
      ),
    }),
    transform((json) => {
      // Every value was checked above; a knob the file lacks keeps its default, and is named in a warning.
      const params = defaultParams() as Record<ParamKey, unknown>;
      const missing: string[] = [];
      for (const key of PARAM_KEYS) {
        if (Object.prototype.hasOwnProperty.call(json.params, key)) params[key] = parseParamText(key, paramTextOf(PARAMS[key] as ParamDef, json.params[key])!).value;
        else if (!(PARAMS[key] as ParamDef).optionalInFiles) missing.push(key);
      }
      const unknown = Object.keys(json.params).filter((k) => !(PARAM_KEYS as readonly string[]).includes(k));
      const warnings: string[] = [];
      if (missing.length) warnings.push(`The file sets no ${missing.join(', ')}; used the defaults.`);
      if (unknown.length) warnings.push(`Ignored settings this studio does not know: ${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? ', …' : ''}.`);
      const axes = { x: json.axes.x as Metric, y: json.axes.y as Metric };
      return { inputs: canonicalInputs({ params: params as ParamValues, hwEdits: hardwareEditsFromJson(json.hardware_edits as Record<string, number | string>), axes }), warnings };
    }),
  ),
  null,
);

/** Everything of a run file after its format and version (which decide that this schema reads it). */
const RUN_BODY_SCHEMA = obj({
  studio_version: str(),
  exported_at: str(),
  source: oneOf(['costing', 'search'], (x) => `expected "costing" or "search", got ${describeValue(x)}`),
  inputs: INPUTS_SCHEMA,
  settings: SETTINGS_SCHEMA,
  candidates: list(CANDIDATE_SCHEMA, { max: MAX_RUN_CANDIDATES }),
  trained: list(TRAINED_SCHEMA, { max: MAX_RUN_CANDIDATES }),
  /** indices of trained candidates */
  front: list(num({ min: 0, integer: true }), { max: MAX_RUN_CANDIDATES }),
  timings: nullish(recordOf(num({ min: 0 })), null),
  counts: nullish(recordOf(num({ min: 0, integer: true })), null),
  /** a search stopped before its end (absent in files from before it was written: false) */
  stopped: optional(bool(), false),
  /** candidates the search chose but could not train, with why (absent in files from before it was written: none) */
  failures: optional(list(obj({ index: num({ min: 0, integer: true }), genome: str(), message: str() }), { max: MAX_RUN_CANDIDATES }), []),
  /** whose budgets settings.budgets are (absent in files from before it was written: the search's) */
  budgets_from: optional(oneOf(BUDGETS_FROM, (x) => `expected "search" or "export", got ${describeValue(x)}`)),
  /** budgets_from in words (read, not trusted: budgets_from decides) */
  note: optional(str()),
});

type RunBody = InferOutput<typeof RUN_BODY_SCHEMA>;

export interface RunDocument extends Omit<RunBody, 'inputs' | 'settings' | 'stopped' | 'budgets_from' | 'candidates' | 'failures'> {
  failures?: RunBody['failures'];
  format: typeof RUN_FORMAT;
  candidates: CandidateJson[];
  format_version: number;
  inputs: InputsJson | null;
  /** the schema reads the hardware into memory; the file holds it under the file keys */
  settings: Omit<RunSettingsJson, 'hardware'> & { hardware: HardwareJson };
  stopped?: boolean;
  budgets_from?: BudgetsFrom;
}

/**
 * The rules between parts of the file, each judged only where the parts it
 * reads passed their own schemas: candidates in sampling order, no genome
 * twice, feasibility that matches the costs and the budgets, trained entries
 * that are candidates, a front of trained candidates.
 */
const RUN_REFERENCES = rawCheck<RunBody>(({ dataset, addIssue }) => {
  const { passed, opened } = issuePaths(dataset.issues);
  // A file without a problem so far (the common case) skips the per-field questions.
  const whole = !dataset.issues;
  // Where a part failed, it holds what was read of it; every use below asks first whether that part passed.
  const doc = dataset.value as RunBody;
  const problem = (message: string, ...keys: (string | number)[]) => addIssue({ message, path: pathTo(...keys) });
  const budgets = passed('settings', 'budgets') ? budgetsFromJson(doc.settings.budgets) : null;
  if (opened('candidates')) {
    const seen = new Map<string, number>();
    const candidates = doc.candidates;
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      if (c.index !== i && (whole || passed('candidates', i, 'index'))) problem(`is ${c.index}; candidates are listed in sampling order, so it must be ${i}`, 'candidates', i, 'index');
      if (whole || passed('candidates', i, 'genome')) {
        const first = seen.get(c.genome);
        if (first !== undefined) problem(`${describeValue(c.genome)} repeats candidates[${first}]`, 'candidates', i, 'genome');
        else seen.set(c.genome, i);
      }
      if (budgets && (whole || (passed('candidates', i, 'feasible') && FIGURE_KEYS.every((k) => passed('candidates', i, k))))) {
        if ((budgetViolation(figuresFromJson(c), budgets) === 0) !== c.feasible) problem(`is ${c.feasible}, but its costs are ${c.feasible ? 'over' : 'within'} the run's budgets`, 'candidates', i, 'feasible');
      }
    }
  }
  if (passed('candidates') && opened('trained')) {
    doc.trained.forEach((t, i) => {
      if (!passed('trained', i, 'index')) return;
      if (t.index >= doc.candidates.length) problem(`${t.index} is not a candidate (there are ${doc.candidates.length})`, 'trained', i, 'index');
      else if (passed('trained', i, 'genome') && doc.candidates[t.index].genome !== t.genome) problem(`is not the genome of candidates[${t.index}]`, 'trained', i, 'genome');
    });
  }
  if (passed('trained') && opened('front')) {
    const trained = new Set(doc.trained.map((t) => t.index));
    doc.front.forEach((n, i) => {
      if (passed('front', i) && !trained.has(n)) problem(`${n} is not a trained candidate`, 'front', i);
    });
  }
});

const RUN_SCHEMA = pipe(RUN_BODY_SCHEMA, RUN_REFERENCES, transform(fromRunBody));

// ---------------------------------------------------------------- JSON ↔ memory

/** The CostFigures field of each metric (PEs are not one: a candidate keeps them beside its costs). */
export const FIGURE_OF_METRIC: Readonly<Record<Exclude<Metric, 'pes'>, keyof CostFigures>> = {
  params: 'params',
  memoryBits: 'memoryBits',
  areaMm2: 'areaMm2',
  energyUJ: 'energyUJ',
  latencyMs: 'latencyMs',
  tiles: 'tiles',
  crossbars: 'crossbars',
};

export function figuresJson(c: CostFigures): CostFiguresJson {
  return { params: c.params, memory_bits: c.memoryBits, area_mm2: c.areaMm2, latency_ms: c.latencyMs, energy_uJ: c.energyUJ, tiles: c.tiles, crossbars: c.crossbars };
}

function figuresFromJson(j: CostFiguresJson): CostFigures {
  return { params: j.params, memoryBits: j.memory_bits, areaMm2: j.area_mm2, latencyMs: j.latency_ms, energyUJ: j.energy_uJ, tiles: j.tiles, crossbars: j.crossbars };
}

/** Each budget under its file key; null where there is no limit. */
export function budgetsJson(budgets: Budgets): BudgetsJson {
  const out: BudgetsJson = {};
  for (const b of BUDGETS) out[b.file] = finiteOrNull(budgets[b.key]);
  return out;
}

function budgetsFromJson(j: BudgetsJson): Budgets {
  const out = {} as Budgets;
  for (const b of BUDGETS) out[b.key] = j[b.file] ?? Infinity;
  return out;
}

export function spaceJson(s: SearchSpace): SpaceJson {
  return {
    ops: [...s.ops],
    cell_type: s.cellType,
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

function spaceFromJson(j: SpaceJson): SearchSpace {
  return {
    ops: j.ops,
    cellType: j.cell_type,
    requireDirectEdge: j.require_direct_edge,
    sharedCell: j.shared_cell,
    channels: j.channels,
    hidden: j.hidden,
    timesteps: j.timesteps,
    weightBits: j.weight_bits,
    input: j.input,
    classes: j.classes,
  };
}

/** The file's (snake_case) names of a search's timings and counts, which are camelCase in memory. */
const TIMING_FILE_KEYS: Readonly<Record<keyof SearchTimings, string>> = { costMs: 'cost_ms', scoreMs: 'score_ms', trainMs: 'train_ms', totalMs: 'total_ms' };
const COUNT_FILE_KEYS: Readonly<Record<keyof SearchCounts, string>> = {
  sampled: 'sampled',
  feasible: 'feasible',
  rejectedBeforeScoring: 'rejected_before_scoring',
  scored: 'scored',
  trained: 'trained',
};

function toFileKeys<K extends string>(values: Readonly<Record<K, number>>, keys: Readonly<Record<K, string>>): Record<string, number> {
  return Object.fromEntries((Object.keys(keys) as K[]).map((k) => [keys[k], values[k]]));
}

/** A file's timings or counts in memory; one a file lacks reads as 0 (files have always written them all). */
function fromFileKeys<K extends string>(json: Readonly<Record<string, number>>, keys: Readonly<Record<K, string>>): Record<K, number> {
  return Object.fromEntries((Object.keys(keys) as K[]).map((k) => [k, json[keys[k]] ?? 0])) as Record<K, number>;
}

/** A search's timings as files write them (cost_ms, score_ms, train_ms, total_ms). */
export function timingsJson(t: SearchTimings): Record<string, number> {
  return toFileKeys(t, TIMING_FILE_KEYS);
}

export function timingsFromJson(j: Readonly<Record<string, number>>): SearchTimings {
  return fromFileKeys(j, TIMING_FILE_KEYS);
}

function fromRunBody(doc: RunBody): { run: RunData; warnings: string[] } {
  const s = doc.settings;
  return {
    warnings: doc.inputs?.warnings ?? [],
    run: {
      source: doc.source,
      // The ranking of the settings is the one the run used; a file from before the knob ranked by SNASNet's score.
      inputs: doc.inputs ? { ...doc.inputs.inputs, params: { ...doc.inputs.inputs.params, rankBy: s.rank_by } } : null,
      settings: { strategy: s.strategy, rankBy: s.rank_by, samples: s.samples, seed: s.seed, space: spaceFromJson(s.space), hardware: s.hardware, budgets: budgetsFromJson(s.budgets), topK: s.top_k, epochs: s.epochs, dataset: s.dataset },
      candidates: doc.candidates.map((c) => ({ index: c.index, genome: c.genome, costs: figuresFromJson(c), pes: c.pes, feasible: c.feasible, violation: c.violation, score: c.score })),
      trained: doc.trained.map((t) => ({
        index: t.index,
        genome: t.genome,
        result: { accuracyFloat: t.accuracy_float, accuracyQuantized: t.accuracy_quantized, spikeRates: t.spike_rates, epochs: t.epochs.map(epochFromJson), backend: t.backend, samplesPerSecond: t.samples_per_second },
        measuredCosts: figuresFromJson(t.measured),
        feasible: t.feasible,
      })),
      front: doc.front,
      timings: doc.timings ? fromFileKeys(doc.timings, TIMING_FILE_KEYS) : null,
      counts: doc.counts ? fromFileKeys(doc.counts, COUNT_FILE_KEYS) : null,
      stopped: doc.stopped,
      ...(doc.failures.length ? { failures: doc.failures.map((f) => ({ ...f })) } : {}),
      ...(doc.budgets_from ? { budgetsFrom: doc.budgets_from } : {}),
      ...evaluationsFromJson(doc.candidates, doc.trained),
    },
  };
}

/** The evaluations of a file's candidates and trained entries that carry a time, in the order they finished; none when none does. */
function evaluationsFromJson(candidates: readonly { index: number; scored_at_ms?: number | null }[], trained: readonly { index: number; trained_at_ms?: number | null }[]): { evaluations?: Evaluation[] } {
  const out: Evaluation[] = [];
  for (const c of candidates) if (typeof c.scored_at_ms === 'number') out.push({ index: c.index, stage: 'score', atMs: c.scored_at_ms });
  for (const t of trained) if (typeof t.trained_at_ms === 'number') out.push({ index: t.index, stage: 'train', atMs: t.trained_at_ms });
  if (out.length === 0) return {};
  // A stable sort: on equal times, scoring before training, then by index (the order written).
  return { evaluations: out.sort((a, b) => a.atMs - b.atMs) };
}

/** Each candidate's time of a stage, by index, from a run's evaluations. */
function evaluationTimes(evaluations: readonly Evaluation[] | undefined, stage: Evaluation['stage']): Map<number, number> | null {
  if (!evaluations) return null;
  const out = new Map<number, number>();
  for (const e of evaluations) if (e.stage === stage && Number.isFinite(e.atMs)) out.set(e.index, e.atMs);
  return out;
}

// ---------------------------------------------------------------- writing

/** The settings of the page's costing for these inputs (no strategy, nothing trained). Throws CostInputError on bad hardware edits. */
export function costingSettings(inputs: StudioInputs): RunSettings {
  return { ...searchSettingsFromParams(inputs.params, inputs.hwEdits), strategy: null, topK: 0, epochs: 0, dataset: null };
}

export function inputsJson(inputs: StudioInputs): InputsJson {
  const c = canonicalInputs(inputs);
  const params: Record<string, unknown> = {};
  for (const k of PARAM_KEYS) params[k] = Array.isArray(c.params[k]) ? [...(c.params[k] as unknown[])] : c.params[k];
  return { params, hardware_edits: hardwareJson(c.hwEdits), axes: { ...c.axes } };
}

/** A run's settings as the file writes them (budgets and hardware under their file keys). */
export function settingsJson(s: RunSettings): RunDocument['settings'] {
  const budgets = budgetsJson(s.budgets);
  return {
    strategy: s.strategy,
    rank_by: s.rankBy,
    samples: s.samples,
    seed: s.seed,
    top_k: s.topK,
    epochs: s.epochs,
    dataset: s.dataset,
    budgets,
    space: spaceJson(s.space),
    hardware: hardwareJson(s.hardware),
  };
}

export function candidateJson(c: RunCandidate): CandidateJson {
  return {
    index: c.index,
    genome: c.genome,
    ...figuresJson(c.costs),
    pes: c.pes,
    feasible: c.feasible,
    violation: c.violation,
    score: scoreJson(c.score),
  };
}

export function trainedJson(t: TrainedRecord): TrainedJson {
  return {
    index: t.index,
    genome: t.genome,
    accuracy_float: t.result.accuracyFloat,
    accuracy_quantized: t.result.accuracyQuantized,
    spike_rates: [...t.result.spikeRates],
    epochs: t.result.epochs.map(epochJson),
    backend: t.result.backend,
    samples_per_second: t.result.samplesPerSecond,
    measured: figuresJson(t.measuredCosts),
    feasible: t.feasible,
  };
}

export function toRunDocument(run: RunData, exportedAt: Date = new Date()): RunDocument {
  // Evaluation times go on each candidate and trained entry, and only in a run that recorded them.
  const scoredAt = evaluationTimes(run.evaluations, 'score');
  const trainedAt = evaluationTimes(run.evaluations, 'train');
  return {
    format: RUN_FORMAT,
    format_version: RUN_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    exported_at: exportedAt.toISOString(),
    source: run.source,
    inputs: run.inputs ? inputsJson(run.inputs) : null,
    settings: settingsJson(run.settings),
    candidates: scoredAt ? run.candidates.map((c) => ({ ...candidateJson(c), scored_at_ms: scoredAt.get(c.index) ?? null })) : run.candidates.map(candidateJson),
    trained: trainedAt ? run.trained.map((t) => ({ ...trainedJson(t), trained_at_ms: trainedAt.get(t.index) ?? null })) : run.trained.map(trainedJson),
    front: [...run.front],
    timings: run.timings ? toFileKeys(run.timings, TIMING_FILE_KEYS) : null,
    counts: run.counts ? toFileKeys(run.counts, COUNT_FILE_KEYS) : null,
    stopped: run.stopped,
    ...(run.failures?.length ? { failures: run.failures.map((f) => ({ index: f.index, genome: f.genome, message: f.message })) } : {}),
    ...(run.budgetsFrom ? { budgets_from: run.budgetsFrom, note: budgetsNote(run.budgetsFrom) } : {}),
  };
}

export function runJson(run: RunData, exportedAt?: Date): string {
  return JSON.stringify(toRunDocument(run, exportedAt), null, 1);
}

/** A search (finished or stopped) as a run, with the page inputs that started it when known. */
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
    ...(run.failures.length ? { failures: run.failures.map((f) => ({ ...f })) } : {}),
    budgetsFrom: 'search',
    ...(run.evaluations ? { evaluations: run.evaluations.map((e) => ({ ...e })) } : {}),
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
  failures?: readonly TrainFailure[];
  /** the candidates scored and trained, in the order they finished, when the page recorded them */
  evaluations?: readonly Evaluation[];
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
    ...(shown.failures?.length ? { failures: shown.failures.map((f) => ({ ...f })) } : {}),
    budgetsFrom: 'export',
    ...(shown.evaluations ? { evaluations: shown.evaluations.map((e) => ({ ...e })) } : {}),
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

// ---------------------------------------------------------------- reading

export type RunImport = { ok: true; run: RunData; warnings: string[] } | { ok: false; problems: string[] };

/** Validates a parsed run document; on any problem, returns them all and no run. */
export function readRunDocument(doc: unknown): RunImport {
  // The header decides which schema reads the rest, so it is checked alone first.
  if (!isPlainObject(doc)) return { ok: false, problems: [`The file is not a run: expected a JSON object, got ${describeValue(doc)}.`] };
  if (doc.format !== RUN_FORMAT) {
    return { ok: false, problems: [`The file is not a NeuroNAS Studio run: its "format" is ${describeValue(doc.format)}, not "${RUN_FORMAT}".`] };
  }
  if (doc.format_version !== RUN_FORMAT_VERSION) {
    const newer = typeof doc.format_version === 'number' && doc.format_version > RUN_FORMAT_VERSION;
    return {
      ok: false,
      problems: [
        newer
          ? `The run was written by a newer studio (run format ${doc.format_version}); this one reads format ${RUN_FORMAT_VERSION}.`
          : `The run's format_version ${describeValue(doc.format_version)} is not one this studio reads (${RUN_FORMAT_VERSION}).`,
      ],
    };
  }
  const r = safeParse(RUN_SCHEMA, doc);
  if (r.success) return { ok: true, ...r.output };
  const p = new Problems();
  p.addIssues(r.issues);
  return { ok: false, problems: p.summary() };
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
  set('cellType', s.space.cellType);
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
      ['rankBy', s.rankBy],
      ['topK', s.topK],
      ['epochs', s.epochs],
      ['dataset', s.dataset],
    ];
    for (const [key, value] of searchKnobs) if ((PARAM_KEYS as readonly string[]).includes(key) && value !== null) set(key as ParamKey, value);
  }
  const hwEdits: HardwareEdits = {};
  for (const f of EDITABLE_HARDWARE_FIELDS) {
    if (fieldProblem(f, s.hardware[f.key]) === null) hwEdits[f.key] = s.hardware[f.key];
  }
  return { inputs: canonicalInputs({ params: params as ParamValues, hwEdits, axes: { ...DEFAULT_AXES } }), problems };
}
