/**
 * Keeps the page's searches in IndexedDB (run-db.ts) as their results
 * arrive: the search controller hands it every update; it gathers them and
 * writes what arrived at most once every WRITE_EVERY_MS, and at the end, as
 * one small chunk plus the header (never the whole run again). Writes are
 * chained (one at a time, in order) and never awaited by the page.
 *
 * A full quota (QuotaExceededError) stops the keeping of that run with a
 * clear message; the run stays on screen, in memory, and Export still
 * writes it. Any other storage failure says so the same way.
 */
import { METRICS, type Columns } from '../../core/metrics.ts';
import { defaultRunName, RUN_RECORD_SCHEMA, type StoredRunChunk, type StoredRunHeader, type StoredRunStatus } from '../../core/runs/header.ts';
import type { StudioInputs } from '../../core/inputs.ts';
import type { Evaluation, SearchSettings, SearchTimings, TrainedRecord, TrainFailure } from '../../core/search/pipeline.ts';
import type { SearchUpdate } from '../../protocol/search.ts';
import type { SearchModel } from '../search/model.ts';
import { isQuotaError } from './quota.ts';
import { runsStore } from './runs-store.ts';

/** The longest what arrived waits before it is written. */
export const WRITE_EVERY_MS = 1000;

export interface RecordingStart {
  settings: SearchSettings;
  inputs: StudioInputs | null;
  /** rows [0, count) the page holds at the start (the worker will not send them) */
  rows: { columns: Columns; genomes: readonly string[]; count: number };
  /** the search's live model (its counts go into each header write) */
  model: SearchModel;
  /** the kept run this search continues (a resume); a new run when absent */
  resume?: StoredRunHeader;
}

export interface RunRecorder {
  begin(start: RecordingStart): void;
  update(u: SearchUpdate): void;
  end(status: Exclude<StoredRunStatus, 'running'>, timings: SearchTimings | null): void;
}

function newRunId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Rows [start, start + count) of columns as their own arrays (a view would clone its whole buffer into the store). */
function rowsOf(columns: Columns, genomes: readonly string[], start: number, count: number): StoredRunChunk['rows'] {
  const out = {} as Columns;
  for (const m of METRICS) out[m] = columns[m].slice(start, start + count);
  return { start, genomes: genomes.slice(start, start + count), columns: out };
}

/** The storage code loads with the first write (the page starts without it). */
const runDb = () => import('./run-db.ts');

export const QUOTA_MESSAGE =
  "The browser's storage for this site is full, so this run is no longer being kept: it stays on screen and Export still saves it as JSON. Delete kept runs under Past runs to make room for the next one.";

export function createRunRecorder(now: () => number = () => Date.now()): RunRecorder {
  interface Recording {
    header: StoredRunHeader;
    model: SearchModel;
    rows: NonNullable<StoredRunChunk['rows']>[];
    scoreIndex: number[];
    scoreValue: number[];
    trained: TrainedRecord[];
    failures: TrainFailure[];
    evaluations: Evaluation[];
    timer: ReturnType<typeof setTimeout> | null;
    /** the write chain: each write starts when the previous one settled */
    writing: Promise<void>;
    /** keeping stopped (full quota, a storage failure): later updates are dropped */
    lost: boolean;
  }
  let rec: Recording | null = null;

  const fail = (r: Recording, e: unknown): void => {
    r.lost = true;
    if (r.timer !== null) clearTimeout(r.timer);
    const message = isQuotaError(e) ? QUOTA_MESSAGE : `This run could not be kept in the browser's storage (${e instanceof Error ? e.message : String(e)}): it stays on screen and Export still saves it.`;
    runsStore.getState().setProblem(message, isQuotaError(e) ? 'quota' : 'storage');
  };

  /** Writes what arrived since the last write (chained after it). */
  const flush = (r: Recording, status: StoredRunStatus, timings: SearchTimings | null): Promise<void> => {
    if (r.timer !== null) clearTimeout(r.timer);
    r.timer = null;
    if (r.lost) return r.writing;
    const has = r.rows.length || r.scoreIndex.length || r.trained.length || r.failures.length;
    const rows = r.rows;
    const chunk: StoredRunChunk | null = has
      ? {
          runId: r.header.id,
          seq: r.header.chunks,
          // Several row updates in one chunk would need several starts: the first goes as `rows`, the rest as chunks of their own below.
          ...(rows.length ? { rows: rows[0] } : {}),
          ...(r.scoreIndex.length ? { scores: { index: Int32Array.from(r.scoreIndex), score: Float64Array.from(r.scoreValue) } } : {}),
          ...(r.trained.length ? { trained: r.trained } : {}),
          ...(r.failures.length ? { failures: r.failures } : {}),
          ...(r.evaluations.length ? { evaluations: r.evaluations } : {}),
        }
      : null;
    const extra: StoredRunChunk[] = rows.slice(1).map((rw, k) => ({ runId: r.header.id, seq: r.header.chunks + 1 + k, rows: rw }));
    const m = r.model.counts;
    r.header = {
      ...r.header,
      status,
      updatedAt: now(),
      counts: { costed: m.costed, rejected: m.rejected, scored: m.scored, trained: m.trained, failed: m.failed },
      timings: timings ?? r.header.timings,
      chunks: r.header.chunks + (chunk ? 1 : 0) + extra.length,
    };
    const header = r.header;
    r.rows = [];
    r.scoreIndex = [];
    r.scoreValue = [];
    r.trained = [];
    r.failures = [];
    r.evaluations = [];
    r.writing = r.writing.then(async () => {
      if (r.lost) return;
      try {
        const { appendChunk } = await runDb();
        for (const c of extra) await appendChunk(header, c);
        await appendChunk(header, chunk);
        runsStore.getState().written(header);
      } catch (e) {
        fail(r, e);
      }
    });
    return r.writing;
  };

  const schedule = (r: Recording): void => {
    if (r.timer === null && !r.lost) r.timer = setTimeout(() => void flush(r, 'running', null), WRITE_EVERY_MS);
  };

  return {
    begin(start) {
      // A search superseded by this one (a new Start) ended without a word: it is kept as stopped.
      if (rec && rec.header.status === 'running') void flush(rec, 'stopped', null);
      const t = now();
      const header: StoredRunHeader = start.resume
        ? { ...start.resume, status: 'running', updatedAt: t }
        : {
            schema: RUN_RECORD_SCHEMA,
            id: newRunId(),
            name: defaultRunName(start.settings, new Date(t)),
            createdAt: t,
            updatedAt: t,
            status: 'running',
            inputs: start.inputs,
            settings: start.settings,
            sampled: start.settings.samples,
            counts: { costed: 0, rejected: 0, scored: 0, trained: 0, failed: 0 },
            timings: null,
            chunks: 0,
          };
      const first = !start.resume && start.rows.count > 0 ? { runId: header.id, seq: 0, rows: rowsOf(start.rows.columns, start.rows.genomes, 0, start.rows.count) } : null;
      if (first) header.chunks = 1;
      const r: Recording = { header, model: start.model, rows: [], scoreIndex: [], scoreValue: [], trained: [], failures: [], evaluations: [], timer: null, writing: Promise.resolve(), lost: false };
      rec = r;
      runsStore.getState().began(header);
      r.writing = runDb()
        .then(({ createRun }) => createRun(header, first))
        .then(
        () => runsStore.getState().written(header),
        (e) => fail(r, e),
      );
    },
    update(u) {
      const r = rec;
      if (!r || r.lost) return;
      switch (u.type) {
        case 'candidates':
          r.rows.push({ start: u.start, genomes: u.genomes, columns: u.columns });
          break;
        case 'scored':
          r.scoreIndex.push(u.index);
          r.scoreValue.push(u.score);
          if (u.atMs !== undefined) r.evaluations.push({ index: u.index, stage: 'score', atMs: u.atMs });
          break;
        case 'trained':
          r.trained.push(u.record);
          if (u.atMs !== undefined) r.evaluations.push({ index: u.record.index, stage: 'train', atMs: u.atMs });
          break;
        case 'train-failed':
          r.failures.push({ index: u.index, genome: u.genome, message: u.message });
          break;
        case 'costed':
        case 'dropped':
          break;
        default:
          return;
      }
      schedule(r);
    },
    end(status, timings) {
      const r = rec;
      if (!r) return;
      void flush(r, status, timings);
    },
  };
}
