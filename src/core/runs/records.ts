/**
 * Runs kept in the browser (IndexedDB, src/ui/runs/run-db.ts): the shapes of
 * their records and the pure rules around them, free of any storage API so
 * they are tested in Node.
 *
 * A run is a header (what the list shows: name, status, dates, counts; the
 * settings and inputs that started it) and a sequence of chunks, each what
 * arrived since the previous write: new candidate rows (costs and genomes),
 * scores, trained records (with their curves), failures. A running search
 * appends a small chunk at most once a second, never rewriting what is
 * written; reading a run folds its chunks in order (a later value for the
 * same candidate wins, so a resumed search may write a result again).
 *
 * Schema versions: every header carries `schema`. Version 1 kept a run as one
 * record holding the whole run file (the Export format, RunDocument): simple,
 * but a running search would rewrite all of it on each write. Version 2 is
 * header + chunks. `migrateRunRecord` turns any older record into the current
 * shape (a v1 record becomes a v2 header and one chunk); a record of a newer
 * version than this studio knows is refused with a message, never altered.
 */
import { allocateColumns, METRICS, type Columns } from '../metrics.ts';
import { readRunDocument, runDataFromScreen, type RunData, type RunDocument } from '../files/run.ts';
import type { StudioInputs } from '../inputs.ts';
import type { SearchSettings, SearchTimings, TrainedRecord, TrainFailure } from '../search/pipeline.ts';

export const RUN_RECORD_SCHEMA = 2;

export type StoredRunStatus = 'running' | 'done' | 'stopped' | 'error';

export interface StoredCounts {
  costed: number;
  rejected: number;
  scored: number;
  trained: number;
  failed: number;
}

/** A run's header: one small record, rewritten on each write. */
export interface StoredRunHeader {
  schema: typeof RUN_RECORD_SCHEMA;
  id: string;
  name: string;
  /** ms since the epoch */
  createdAt: number;
  updatedAt: number;
  /** `running` while a search writes it; a header still `running` when a page opens was cut off (a reload, a crash) */
  status: StoredRunStatus;
  /** the page's inputs that started the search (they restore the knobs, and say whether a link's search is this one) */
  inputs: StudioInputs | null;
  settings: SearchSettings;
  /** rows of the sampled set (the search may add rows after it) */
  sampled: number;
  counts: StoredCounts;
  /** the search's timings once it ended; null before */
  timings: SearchTimings | null;
  /** chunks written (the next one's seq) */
  chunks: number;
}

/** What arrived between two writes. Typed arrays are stored as they are (IndexedDB clones them). */
export interface StoredRunChunk {
  runId: string;
  seq: number;
  rows?: { start: number; genomes: string[]; columns: Columns };
  scores?: { index: Int32Array; score: Float64Array };
  trained?: TrainedRecord[];
  failures?: TrainFailure[];
}

/** A version-1 record: the whole run as its run file (RunDocument), under the run's id. */
export interface StoredRunV1 {
  schema: 1;
  id: string;
  name: string;
  createdAt: number;
  document: RunDocument;
}

export type Migrated = { ok: true; header: StoredRunHeader; chunks: StoredRunChunk[] } | { ok: false; problem: string };

/** Any stored header, of any version, in the current shape (with the chunks a migration made; none when it was current). */
export function migrateRunRecord(record: unknown): Migrated {
  const r = record as { schema?: unknown; id?: unknown; name?: unknown };
  const label = typeof r?.name === 'string' ? `"${r.name}"` : 'A kept run';
  if (r?.schema === RUN_RECORD_SCHEMA) return { ok: true, header: record as StoredRunHeader, chunks: [] };
  if (r?.schema === 1) return fromV1(record as StoredRunV1);
  if (typeof r?.schema === 'number' && r.schema > RUN_RECORD_SCHEMA) {
    return { ok: false, problem: `${label} was kept by a newer studio (record version ${r.schema}); this one reads up to ${RUN_RECORD_SCHEMA}.` };
  }
  return { ok: false, problem: `${label} is not a run record this studio knows (version ${String(r?.schema)}).` };
}

function fromV1(v1: StoredRunV1): Migrated {
  const read = readRunDocument(v1.document);
  if (!read.ok) return { ok: false, problem: `"${v1.name}" (kept as version 1) cannot be read: ${read.problems.slice(0, 3).join('; ')}` };
  const run = read.run;
  if (run.source !== 'search' || run.settings.strategy === null) return { ok: false, problem: `"${v1.name}" (kept as version 1) is a costed set, not a search.` };
  const settings: SearchSettings = { ...run.settings, strategy: run.settings.strategy, dataset: run.settings.dataset ?? '' };
  const n = run.candidates.length;
  const header: StoredRunHeader = {
    schema: RUN_RECORD_SCHEMA,
    id: v1.id,
    name: v1.name,
    createdAt: v1.createdAt,
    updatedAt: v1.createdAt,
    status: run.stopped ? 'stopped' : 'done',
    inputs: run.inputs,
    settings,
    sampled: run.counts?.sampled ?? n,
    counts: {
      costed: run.counts?.sampled ?? n,
      rejected: run.counts?.rejectedBeforeScoring ?? 0,
      scored: run.candidates.filter((c) => c.score !== null).length,
      trained: run.trained.length,
      failed: run.failures?.length ?? 0,
    },
    timings: run.timings,
    chunks: 1,
  };
  return { ok: true, header, chunks: [chunkOfRun(v1.id, 0, run)] };
}

/** A whole run as one chunk (a migrated record, a run kept from a file). */
export function chunkOfRun(runId: string, seq: number, run: RunData): StoredRunChunk {
  const n = run.candidates.length;
  const columns = allocateColumns(n);
  for (const c of run.candidates) {
    columns.params[c.index] = c.costs.params;
    columns.memoryBits[c.index] = c.costs.memoryBits;
    columns.areaMm2[c.index] = c.costs.areaMm2;
    columns.latencyMs[c.index] = c.costs.latencyMs;
    columns.energyUJ[c.index] = c.costs.energyUJ;
    columns.tiles[c.index] = c.costs.tiles;
    columns.crossbars[c.index] = c.costs.crossbars;
    columns.pes[c.index] = c.pes ?? NaN;
  }
  const scored = run.candidates.filter((c) => c.score !== null);
  return {
    runId,
    seq,
    rows: { start: 0, genomes: run.candidates.map((c) => c.genome), columns },
    scores: { index: Int32Array.from(scored, (c) => c.index), score: Float64Array.from(scored, (c) => c.score as number) },
    trained: run.trained,
    failures: run.failures ?? [],
  };
}

/** A kept run folded from its chunks: the columns, genomes and per-candidate results, as a page holds a search. */
export interface FoldedRun {
  columns: Columns;
  genomes: string[];
  count: number;
  /** NaN where never scored */
  scores: Float64Array;
  trained: Map<number, TrainedRecord>;
  failures: TrainFailure[];
}

/** Folds chunks (in seq order) into the run they wrote; a later value for a candidate replaces an earlier one. */
export function foldChunks(chunks: readonly StoredRunChunk[]): FoldedRun {
  const ordered = [...chunks].sort((a, b) => a.seq - b.seq);
  let count = 0;
  for (const c of ordered) if (c.rows) count = Math.max(count, c.rows.start + c.rows.genomes.length);
  const columns = allocateColumns(count);
  const genomes = new Array<string>(count);
  const scores = new Float64Array(count).fill(NaN);
  const trained = new Map<number, TrainedRecord>();
  const failures = new Map<number, TrainFailure>();
  for (const c of ordered) {
    if (c.rows) {
      for (const m of METRICS) columns[m].set(c.rows.columns[m].subarray(0, c.rows.genomes.length), c.rows.start);
      c.rows.genomes.forEach((g, k) => (genomes[c.rows!.start + k] = g));
    }
    if (c.scores) for (let k = 0; k < c.scores.index.length; k++) if (c.scores.index[k] < count) scores[c.scores.index[k]] = c.scores.score[k];
    for (const t of c.trained ?? []) {
      trained.set(t.index, t);
      failures.delete(t.index);
    }
    for (const f of c.failures ?? []) if (!trained.has(f.index)) failures.set(f.index, f);
  }
  // Rows never written (a write lost to a full disk) cannot be shown: the run ends before the first gap.
  let whole = 0;
  while (whole < count && genomes[whole] !== undefined) whole++;
  return { columns, genomes: genomes.slice(0, whole), count: whole, scores, trained, failures: [...failures.values()].sort((a, b) => a.index - b.index) };
}

/** A kept run as a run document (the Export writer's RunData), judged by its own search's budgets. */
export function runDataOfStored(header: StoredRunHeader, folded: FoldedRun): RunData {
  const trained = [...folded.trained.values()].filter((t) => t.index < folded.count).sort((a, b) => a.index - b.index);
  const run = runDataFromScreen(
    {
      inputs: header.inputs,
      settings: header.settings,
      candidates: { columns: folded.columns, genomes: folded.genomes, count: folded.count, scores: folded.scores },
      trained,
      timings: header.timings ?? { costMs: 0, scoreMs: 0, trainMs: 0, totalMs: 0 },
      counts: { sampled: header.counts.costed, rejectedBeforeScoring: header.counts.rejected, scored: header.counts.scored, trained: trained.length },
      stopped: header.status !== 'done',
      failures: folded.failures.filter((f) => f.index < folded.count),
    },
    header.settings.budgets,
  );
  return { ...run, budgetsFrom: 'search' };
}

/** A default name for a run: its strategy, size and seed, and when it started. */
export function defaultRunName(settings: Pick<SearchSettings, 'strategy' | 'samples' | 'seed'>, at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return `${settings.strategy} · ${settings.samples} samples · seed ${settings.seed} · ${when}`;
}

/** Names a user gives are trimmed and kept short; an empty one keeps the old name. */
export const MAX_RUN_NAME = 120;
export function cleanRunName(name: string, previous: string): string {
  const t = name.replace(/\s+/g, ' ').trim().slice(0, MAX_RUN_NAME);
  return t || previous;
}
