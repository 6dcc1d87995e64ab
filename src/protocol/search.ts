/**
 * The search's messages between the page and the costing worker, which runs
 * searches too (src/workers/search-host.ts): the request, the batches of
 * updates the worker streams while a search runs, and its summary.
 *
 * A search of the page's inputs starts from the candidates the worker had
 * already sampled and costed for the page; rows the page does not hold yet
 * (a costing it had stopped, or a worker that had to start afresh) arrive
 * as `candidates` updates, and so do the candidates a search adds itself
 * (evolution's children), appended after the sampled set. Everything else
 * is per-candidate search state, by candidate index: the page keeps it
 * beside its one set of results.
 *
 * Updates travel in batches, at most one every SEARCH_BATCH_MS, so however
 * fast scores arrive the page handles a few messages per frame.
 */
import type { Columns } from '../core/metrics.ts';
import type { ProxyKnobs } from '../core/calibration/plan.ts';
import type { KnownResults, SearchEvent, SearchSettings, SearchTimings } from '../core/search/pipeline.ts';

/** The longest an update waits in the worker before its batch goes to the page. */
export const SEARCH_BATCH_MS = 16;

export interface SearchRequest {
  /** increasing id chosen by the client; batches and the summary carry it back */
  searchId: number;
  settings: SearchSettings;
  /** training images per candidate */
  trainSamples: number;
  /** inputs in the training-free score's batch */
  scoreBatch: number;
  /** the gradient and early-training proxies' knobs, used when the settings rank by one of them (default: the parameter table's) */
  proxyKnobs?: ProxyKnobs;
  /** rows [0, have) of the sampled set the page already holds: the worker sends only the rest */
  have: number;
  /** results a previous run of these settings already has (a resumed search): not computed again (Maps clone as they are) */
  known?: KnownResults;
}

/** Where the search runs its scorers and trainer: the backend they chose, how many score, and how many train at once. */
export interface SearchPoolInfo {
  backend: string;
  reason: string;
  softwareGpu: boolean;
  renderer?: string;
  /** workers scoring (the scorers and the trainer; all of them train once scoring is over) */
  scorers: number;
  /** candidates training at once: one per pair of those workers (a candidate trains on two), one more when odd */
  trainers: number;
}

/**
 * The pipeline's events as they are (core/search/pipeline.ts), but for `costed`, whose records become counts (the
 * page has their costs in its results already), and the worker's own news.
 */
export type SearchUpdate =
  | Exclude<SearchEvent, { type: 'costed' }>
  /** the training workers are ready: the search proper starts */
  | ({ type: 'pool' } & SearchPoolInfo)
  /**
   * Rows the page lacks: of the sampled set, or added by the search after it (one Float64Array of `count` values
   * per metric, transferred); `sampled` is the size of the sampled set.
   */
  | { type: 'candidates'; start: number; count: number; columns: Columns; genomes: string[]; sampled: number }
  /** candidates the search examined (drew or made), and how many of them a budget rejected before any scoring */
  | { type: 'costed'; count: number; rejected: number }
  /** a training worker crashed or ended; it was replaced and what it had not finished is done again */
  | { type: 'worker-crashed'; message: string };

export interface SearchBatch {
  searchId: number;
  updates: SearchUpdate[];
}

export interface SearchSummary {
  searchId: number;
  /** false when the search was stopped */
  completed: boolean;
  timings: SearchTimings;
  /** batches the search sent: they travel on another port than this summary, which may overtake them */
  batches: number;
}

/** The buffers of a batch, for comlink.transfer. */
export function batchTransferables(batch: SearchBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const u of batch.updates) if (u.type === 'candidates') for (const col of Object.values(u.columns)) out.push(col.buffer as ArrayBuffer);
  return out;
}
