/**
 * The records of a kept run that a running search writes (see records.ts for
 * the whole story): the header and the chunk, and the run's default name.
 * Apart from records.ts so the page's recorder does not load the run-file
 * reader (core/files/run.ts) before a run is opened or migrated.
 */
import type { Columns } from '../metrics.ts';
import type { StudioInputs } from '../inputs.ts';
import type { Evaluation, SearchSettings, SearchTimings, TrainedRecord, TrainFailure } from '../search/pipeline.ts';

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
  /** candidates scored and trained since the last chunk, in the order they finished (the search-over-time plot) */
  evaluations?: Evaluation[];
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
