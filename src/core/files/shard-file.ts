/**
 * The shard file (`neuronas-shard`, JSON Lines): one shard's part of a
 * search sharded over a cluster's array job, written one line per event as
 * it happens, and the merge of shard files into one run document (run.ts's
 * format, the one the studio imports).
 *
 * Line 1 is the header: the phase (`search`: cost and score; `train`: train
 * the selected top k), the shard (0-based index of count), the run's settings
 * as the run file writes them, and what else decides the results
 * (`evaluation`: score batch, training images, the backend that computed
 * them). Every later line is one record:
 *
 *   {"type":"costed", …a run candidate without its score}   (search)
 *   {"type":"scored","index":7,"score":123.4}               (search; null: could not be scored)
 *   {"type":"trained", …a run's trained entry}              (train)
 *   {"type":"failed","index":7,"genome":"…","message":"…"}  (train)
 *   {"type":"done","timings":{…}}                           (the shard finished)
 *
 * A shard killed mid-write leaves a last line without its newline: reading
 * drops it (only the unfinished record is lost) and says how many bytes are
 * whole, so a rerun cuts the torn tail and appends. A damaged line anywhere
 * else is a problem, named by file and line.
 */
import { safeParse, type InferOutput } from 'valibot';
import { isPlainObject } from '../cost/errors.ts';
import { selectForTraining, trainedFront, type SearchCounts, type SearchSettings, type SearchTimings } from '../search/pipeline.ts';
import { CANDIDATE_SCHEMA, SCORE_SCHEMA, SINGULAR_SCORE, scoreJson, SETTINGS_SCHEMA, TRAINED_SCHEMA, readRunDocument, timingsFromJson, RUN_FORMAT, RUN_FORMAT_VERSION, type CandidateJson, type RunData, type RunDocument, type TrainedJson } from './run.ts';
import { STUDIO_VERSION } from './document.ts';
import { Problems, describeValue, issuePath, num, obj, oneOf, str } from './schema.ts';

export const SHARD_FORMAT = 'neuronas-shard';
export const SHARD_FORMAT_VERSION = 1;
export const SHARD_PHASES = ['search', 'train'] as const;
export type ShardPhase = (typeof SHARD_PHASES)[number];

/** Shard `index` (0-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

export const shardName = (s: ShardSpec): string => `${s.index}/${s.count}`;

/** Besides the settings, what decides a shard's scores and trainings: shards merged together must agree on it. */
export interface EvaluationJson {
  score_batch: number;
  train_samples: number;
  /** the tfjs backend that computed the scores and trainings (scores differ in their last bits between backends) */
  backend: string;
}

export interface ShardHeader {
  format: typeof SHARD_FORMAT;
  format_version: number;
  studio_version: string;
  phase: ShardPhase;
  shard: ShardSpec;
  settings: RunDocument['settings'];
  evaluation: EvaluationJson;
  /** search: candidates the whole search samples; this shard costs (and scores) those it owns */
  candidates: number;
  /** the candidates this shard owns, by index, in the order it works on them */
  owned: number[];
  /** train: the whole selection, in training order (every train shard holds the same) */
  selected?: number[];
}

export type CostedRecord = { type: 'costed' } & Omit<CandidateJson, 'score'>;
export type ScoredRecord = { type: 'scored'; index: number; score: number | null | typeof SINGULAR_SCORE };
export type TrainedLine = { type: 'trained' } & TrainedJson;
export type FailedRecord = { type: 'failed'; index: number; genome: string; message: string };
/** timings under the run file's keys (cost_ms, score_ms, train_ms, total_ms) */
export type DoneRecord = { type: 'done'; timings: Record<string, number> };
export type ShardRecord = CostedRecord | ScoredRecord | TrainedLine | FailedRecord | DoneRecord;

/** One line of a shard file, with its newline. */
export function shardLine(x: ShardHeader | ShardRecord): string {
  return JSON.stringify(x) + '\n';
}

// ---------------------------------------------------------------- reading

const HEADER_SCHEMA = obj({
  format: oneOf([SHARD_FORMAT], (x) => `expected "${SHARD_FORMAT}", got ${describeValue(x)}`),
  format_version: oneOf([SHARD_FORMAT_VERSION], (x) => `expected ${SHARD_FORMAT_VERSION} (the shard format this studio reads), got ${describeValue(x)}`),
  studio_version: str(),
  phase: oneOf(SHARD_PHASES, (x) => `expected "search" or "train", got ${describeValue(x)}`),
  shard: obj({ index: num({ min: 0, integer: true }), count: num({ min: 1, integer: true }) }),
  settings: SETTINGS_SCHEMA,
  evaluation: obj({ score_batch: num({ min: 1, integer: true }), train_samples: num({ min: 0, integer: true }), backend: str() }),
  candidates: num({ min: 0, integer: true }),
});
const INDEX = num({ min: 0, integer: true });
const SCORED_SCHEMA = obj({ index: INDEX, score: SCORE_SCHEMA });
const FAILED_SCHEMA = obj({ index: INDEX, genome: str(), message: str() });
const DONE_SCHEMA = obj({ timings: obj({ cost_ms: num({ min: 0 }), score_ms: num({ min: 0 }), train_ms: num({ min: 0 }), total_ms: num({ min: 0 }) }) });

/** A shard file as read: its header and what its records say, last record of an index winning. */
export interface ShardFile {
  /** where it came from (a file name), for messages */
  name: string;
  header: ShardHeader;
  costed: Map<number, CandidateJson>;
  scores: Map<number, number | null>;
  trained: Map<number, TrainedJson>;
  failed: Map<number, FailedRecord>;
  done: DoneRecord | null;
  /** the last line was cut off (the shard was killed while writing it) and is ignored */
  torn: boolean;
  /** UTF-8 bytes of the whole lines: a rerun cuts the file here before appending */
  wholeBytes: number;
}

export type ShardRead = { ok: true; file: ShardFile } | { ok: false; problems: string[] };

/** Reads a shard file's text; a torn last line is dropped, anything else wrong is a problem naming its line. */
export function readShardText(name: string, text: string): ShardRead {
  const end = text.lastIndexOf('\n') + 1;
  const torn = end < text.length;
  const lines = text.slice(0, end).split('\n');
  lines.pop();
  const problems = new Problems();
  const at = (line: number) => `${name} line ${line}`;
  if (lines.length === 0) return { ok: false, problems: [`${name}: ${torn ? 'its header was cut off before it was written whole' : 'the file is empty'}; run the shard again`] };
  const parse = (i: number): unknown => {
    try {
      return JSON.parse(lines[i]);
    } catch (e) {
      problems.add(at(i + 1), `not JSON (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  };
  const first = parse(0);
  if (first === undefined) return { ok: false, problems: problems.summary() };
  if (!isPlainObject(first) || first.format !== SHARD_FORMAT) return { ok: false, problems: [`${name}: not a NeuroNAS shard file (its first line has no "format": "${SHARD_FORMAT}")`] };
  const h = safeParse(HEADER_SCHEMA, first);
  if (!h.success) {
    for (const issue of h.issues) problems.add(`${at(1)}: ${issuePath(issue, 'header')}`, issue.message);
    return { ok: false, problems: problems.summary() };
  }
  const owned = first.owned;
  const selected = first.selected;
  const indexList = (x: unknown) => Array.isArray(x) && x.every((n) => Number.isInteger(n) && n >= 0);
  if (!indexList(owned)) problems.add(`${at(1)}: header.owned`, 'expected a list of candidate indices');
  if (h.output.phase === 'train' && !indexList(selected)) problems.add(`${at(1)}: header.selected`, 'expected a list of candidate indices');
  if (h.output.shard.index >= h.output.shard.count) problems.add(`${at(1)}: header.shard`, `index ${h.output.shard.index} is not below the count ${h.output.shard.count} (shards are numbered from 0)`);
  const header = { ...h.output, settings: first.settings, owned, ...(selected ? { selected } : {}) } as ShardHeader;
  const file: ShardFile = { name, header, costed: new Map(), scores: new Map(), trained: new Map(), failed: new Map(), done: null, torn, wholeBytes: new TextEncoder().encode(text.slice(0, end)).length };
  const expected = header.phase === 'search' ? ['costed', 'scored', 'done'] : ['trained', 'failed', 'done'];
  for (let i = 1; i < lines.length; i++) {
    const r = parse(i);
    if (r === undefined) continue;
    const type = isPlainObject(r) ? r.type : undefined;
    if (typeof type !== 'string' || !expected.includes(type)) {
      problems.add(at(i + 1), `expected a record of type ${expected.join(', ')} (a ${header.phase} shard), got ${describeValue(type)}`);
      continue;
    }
    const record = r as Record<string, unknown>;
    const read = <T>(schema: Parameters<typeof safeParse>[0], use: (x: T) => void, input: unknown = record) => {
      const p = safeParse(schema, input);
      if (p.success) use(p.output as T);
      else for (const issue of p.issues) problems.add(`${at(i + 1)}: ${issuePath(issue, '', type)}`, issue.message);
    };
    if (type === 'costed') read<CandidateJson>(CANDIDATE_SCHEMA, (c) => file.costed.set(c.index, c), { ...record, score: null });
    else if (type === 'scored') read<InferOutput<typeof SCORED_SCHEMA>>(SCORED_SCHEMA, (s) => file.scores.set(s.index, s.score));
    else if (type === 'trained') read<TrainedJson>(TRAINED_SCHEMA, (t) => file.trained.set(t.index, t));
    else if (type === 'failed') read<InferOutput<typeof FAILED_SCHEMA>>(FAILED_SCHEMA, (f) => file.failed.set(f.index, { type: 'failed', ...f }));
    else read<InferOutput<typeof DONE_SCHEMA>>(DONE_SCHEMA, (d) => (file.done = { type: 'done', timings: d.timings }));
  }
  if (problems.list.length) return { ok: false, problems: problems.summary() };
  return { ok: true, file };
}

// ---------------------------------------------------------------- comparing headers

/** The first place two JSON values differ, as `path: a against b`; null when equal. */
export function jsonDifference(a: unknown, b: unknown, path = ''): string | null {
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = jsonDifference(a[k], b[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
    return null;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = jsonDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  return JSON.stringify(a) === JSON.stringify(b) ? null : `${path || 'value'}: ${JSON.stringify(a) ?? 'nothing'} against ${JSON.stringify(b) ?? 'nothing'}`;
}

/** What a rerun of a shard must agree on with the file it resumes (everything but the versions that wrote them). */
export function resumeProblem(existing: ShardHeader, now: ShardHeader): string | null {
  const pick = (h: ShardHeader) => ({ phase: h.phase, shard: h.shard, settings: h.settings, evaluation: h.evaluation, candidates: h.candidates, owned: h.owned, selected: h.selected });
  const d = jsonDifference(pick(existing), pick(now));
  return d && `it was started with other settings (${d}); remove it to start this shard afresh, or rerun it with the settings it was started with`;
}

// ---------------------------------------------------------------- merging

export type MergeResult = { ok: true; run: RunData; warnings: string[] } | { ok: false; problems: string[] };

/** Checks one phase's files: one count, every shard once, every one finished. */
function checkPhase(files: readonly ShardFile[], phase: ShardPhase, problems: string[]): void {
  const counts = new Set(files.map((f) => f.header.shard.count));
  if (counts.size > 1) {
    problems.push(`the ${phase} shards were split different ways: ${files.map((f) => `${f.name} is ${shardName(f.header.shard)}`).join(', ')}`);
    return;
  }
  const count = files[0].header.shard.count;
  const byIndex = new Map<number, ShardFile>();
  for (const f of files) {
    const other = byIndex.get(f.header.shard.index);
    if (other) problems.push(`${phase} shard ${shardName(f.header.shard)} is given twice: ${other.name} and ${f.name}`);
    else byIndex.set(f.header.shard.index, f);
  }
  const missing = [...Array(count).keys()].filter((i) => !byIndex.has(i));
  if (missing.length) problems.push(`${phase} shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (${files.length} of ${count} given)`);
  for (const f of files) {
    if (f.done) continue;
    const finished = phase === 'search' ? `${f.header.owned.filter((i) => f.scores.has(i)).length} scored` : `${f.trained.size + f.failed.size} of ${f.header.owned.length} trained`;
    problems.push(`${phase} shard ${shardName(f.header.shard)} (${f.name}) has not finished (${f.costed.size} costed, ${finished}); run it again: it resumes where it stopped`);
  }
}

/** Where one shard file stands: what a page shows for a sharded run still in flight. */
export interface ShardStanding {
  name: string;
  phase: ShardPhase;
  shard: string;
  /** candidates this shard costed (a search shard) */
  costed: number;
  /** candidates it scored (search) or trained and failed (train) */
  evaluated: number;
  /** candidates it owns: all it may score (search), the ones it trains (train) */
  owned: number;
  done: boolean;
  /** its last line was cut off (the shard was stopped while writing) */
  torn: boolean;
}

/** The shards of each phase present, by index, and the indices missing from each phase's array. */
export interface ShardProgress {
  phase: ShardPhase;
  count: number;
  shards: ShardStanding[];
  missing: number[];
}

/** Per phase (search first), each shard's standing and the shards not given: a run still in flight, or one incomplete. */
export function shardProgress(files: readonly ShardFile[]): ShardProgress[] {
  const out: ShardProgress[] = [];
  for (const phase of SHARD_PHASES) {
    const own = files.filter((f) => f.header.phase === phase).sort((a, b) => a.header.shard.index - b.header.shard.index);
    if (own.length === 0) continue;
    const count = Math.max(...own.map((f) => f.header.shard.count));
    const given = new Set(own.map((f) => f.header.shard.index));
    out.push({
      phase,
      count,
      shards: own.map((f) => ({
        name: f.name,
        phase,
        shard: shardName(f.header.shard),
        costed: f.costed.size,
        evaluated: phase === 'search' ? f.header.owned.filter((i) => f.scores.has(i)).length : f.trained.size + f.failed.size,
        owned: f.header.owned.length,
        done: f.done !== null,
        torn: f.torn,
      })),
      missing: [...Array(count).keys()].filter((i) => !given.has(i)),
    });
  }
  return out;
}

function sumTimings(files: readonly ShardFile[]): SearchTimings {
  const t: SearchTimings = { costMs: 0, scoreMs: 0, trainMs: 0, totalMs: 0 };
  for (const f of files) {
    if (!f.done) continue;
    const own = timingsFromJson(f.done.timings);
    for (const k of Object.keys(t) as (keyof SearchTimings)[]) t[k] += own[k];
  }
  return t;
}

/**
 * Merges shard files into one run: the search shards give every candidate
 * with its costs and score; train shards, when given, the trained top k.
 * The result is the run one machine would have written for the same settings
 * (timings are the shards' summed compute time, not wall time). Refused whole,
 * with every reason, when the shards disagree on settings, overlap, leave
 * candidates out, or have not finished.
 */
export function mergeShards(files: readonly ShardFile[]): MergeResult {
  const problems: string[] = [];
  const search = files.filter((f) => f.header.phase === 'search');
  const train = files.filter((f) => f.header.phase === 'train');
  if (search.length === 0) return { ok: false, problems: ['no search shard given: a merge needs every search shard (and, for the trained top k, every train shard)'] };
  const ref = search[0];
  for (const f of files.slice(1)) {
    const d = jsonDifference(f.header.settings, ref.header.settings);
    if (d) problems.push(`${f.name} and ${ref.name} are shards of different searches: settings.${d}`);
    // A train shard does not score: it must agree with the search on what decides its trainings only.
    const same = f.header.phase === ref.header.phase;
    const pick = (h: ShardHeader) => (same ? h.evaluation : { train_samples: h.evaluation.train_samples, backend: h.evaluation.backend });
    const e = jsonDifference(pick(f.header), pick(ref.header));
    if (e) problems.push(`${f.name} and ${ref.name} were evaluated differently, so their results do not merge into one run: evaluation.${e}`);
  }
  if (problems.length) return { ok: false, problems };
  checkPhase(search, 'search', problems);
  if (train.length) checkPhase(train, 'train', problems);
  if (problems.length) return { ok: false, problems };

  const total = ref.header.candidates;
  const candidates: (CandidateJson | undefined)[] = new Array(total);
  const owner: (string | undefined)[] = new Array(total);
  for (const f of search) {
    for (const [index, c] of f.costed) {
      if (index >= total) {
        problems.push(`${f.name}: candidate ${index} is beyond the search's ${total} candidates`);
        continue;
      }
      if (owner[index] !== undefined) {
        problems.push(`candidate ${index} is in two shards: ${owner[index]} and ${f.name}`);
        continue;
      }
      owner[index] = f.name;
      candidates[index] = { ...c, score: f.scores.has(index) ? scoreJson(f.scores.get(index)!) : null };
    }
  }
  const absent = [...Array(total).keys()].filter((i) => candidates[i] === undefined);
  if (absent.length) problems.push(`${absent.length} candidate${absent.length > 1 ? 's are' : ' is'} in no shard (first: ${absent.slice(0, 5).join(', ')})`);
  if (problems.length) return { ok: false, problems };

  const doc = (trained: TrainedJson[]): RunDocument => ({
    format: RUN_FORMAT,
    format_version: RUN_FORMAT_VERSION,
    studio_version: STUDIO_VERSION,
    exported_at: new Date().toISOString(),
    source: 'search',
    inputs: null,
    settings: ref.header.settings,
    candidates: candidates as CandidateJson[],
    trained,
    front: [],
    timings: null,
    counts: null,
    stopped: false,
    budgets_from: 'search',
  });
  // The run format's own reader judges the merged candidates (order, genomes, feasibility against the budgets).
  const scored = readRunDocument(doc([]));
  if (!scored.ok) return { ok: false, problems: scored.problems.map((p) => `the merged shards: ${p}`) };
  const warnings: string[] = [];
  let trainedJson: TrainedJson[] = [];
  const settings = scored.run.settings;
  if (train.length) {
    if (settings.strategy === null || settings.strategy === 'evolution') return { ok: false, problems: [`a ${settings.strategy ?? 'costing'} run has no train shards`] };
    const selection = selectForTraining(settings as SearchSettings, scored.run.candidates);
    for (const f of train) {
      const d = jsonDifference(selection, f.header.selected);
      if (d) problems.push(`${f.name} trained another selection than these search shards' scores make (${d}): it was started from another merged run`);
    }
    const trainedBy = new Map<number, TrainedJson>();
    for (const f of train) {
      for (const [i, t] of f.trained) trainedBy.set(i, t);
      for (const [i, fail] of f.failed) if (!f.trained.has(i)) warnings.push(`candidate ${i} (${fail.genome}) could not be trained: ${fail.message}`);
    }
    const untouched = selection.filter((i) => !trainedBy.has(i) && !train.some((f) => f.failed.has(i)));
    if (untouched.length) problems.push(`selected candidate${untouched.length > 1 ? 's' : ''} ${untouched.join(', ')} ${untouched.length > 1 ? 'are' : 'is'} in no train shard`);
    if (problems.length) return { ok: false, problems };
    // In the order one machine trains them: the selection's.
    trainedJson = selection.filter((i) => trainedBy.has(i)).map((i) => trainedBy.get(i)!);
  } else if (settings.topK > 0 && settings.strategy !== null) {
    warnings.push(`nothing trained yet: train the top ${settings.topK} with \`neuronas train-top --run RUN --shard I/N\`, then merge the search and train shards together`);
  }
  const whole = trainedJson.length ? readRunDocument(doc(trainedJson)) : scored;
  if (!whole.ok) return { ok: false, problems: whole.problems.map((p) => `the merged shards: ${p}`) };
  const run = whole.run;
  const counts: SearchCounts = {
    sampled: run.candidates.length,
    feasible: run.candidates.filter((c) => c.feasible).length,
    rejectedBeforeScoring: run.candidates.filter((c) => !c.feasible && c.score === null).length,
    scored: run.candidates.filter((c) => c.score !== null).length,
    trained: run.trained.length,
  };
  return { ok: true, warnings, run: { ...run, front: trainedFront(run.trained, run.settings.budgets), counts, timings: sumTimings(files) } };
}
