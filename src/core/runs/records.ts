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
import type { Evaluation, SearchSettings, TrainedRecord, TrainFailure } from '../search/pipeline.ts';
import { RUN_RECORD_SCHEMA, type StoredRunChunk, type StoredRunHeader } from './header.ts';

export { RUN_RECORD_SCHEMA, defaultRunName, cleanRunName, MAX_RUN_NAME, type StoredCounts, type StoredRunChunk, type StoredRunHeader, type StoredRunStatus } from './header.ts';

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
    ...(run.evaluations ? { evaluations: run.evaluations.map((e) => ({ ...e })) } : {}),
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
  /** in the order they finished; none when no chunk recorded any */
  evaluations?: Evaluation[];
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
  const evaluations: Evaluation[] = [];
  for (const c of ordered) {
    if (c.evaluations) evaluations.push(...c.evaluations);
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
  return {
    columns,
    genomes: genomes.slice(0, whole),
    count: whole,
    scores,
    trained,
    failures: [...failures.values()].sort((a, b) => a.index - b.index),
    ...(evaluations.length ? { evaluations: evaluations.filter((e) => e.index < whole) } : {}),
  };
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
      ...(folded.evaluations ? { evaluations: folded.evaluations } : {}),
    },
    header.settings.budgets,
  );
  return { ...run, budgetsFrom: 'search' };
}

