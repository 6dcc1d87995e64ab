/**
 * The costing worker's protocol: the one interface both ends import. The
 * worker (src/workers/costing.worker.ts) exposes a `CostingApi` through
 * comlink; the page wraps the proxy in an abortable client
 * (src/ui/costing/client.ts). The same worker runs the page's searches on
 * the candidates it costed (messages in search.ts).
 *
 * A job samples `samples` architectures from `space` with `seed`, costs each
 * on `hardware`, and streams the results as column chunks through the
 * `onChunk` callback (a comlink.proxy). Columns are Float64Arrays whose
 * buffers are transferred, not copied. A newer job supersedes an older one:
 * the worker stops the older between chunks.
 */
import type { SearchSpace } from '../core/arch/sampler.ts';
import type { HardwareConfig } from '../core/cost/hardware.ts';
import { METRICS, type Columns } from '../core/metrics.ts';
import type { Budgets } from '../core/settings.ts';
import type { SearchBatch, SearchRequest, SearchSummary } from './search.ts';
import type { CalibrationMessage, CalibrationRequest, CalibrationResult } from './calibration.ts';
import type { DatasetUpload } from './training.ts';
import type { CostingTestHooks } from './test-hooks.ts';

export const DEFAULT_CHUNK_SIZE = 500;

export interface CostingRequest {
  /** increasing id chosen by the client; chunks and results carry it back */
  jobId: number;
  space: SearchSpace;
  samples: number;
  seed: number;
  /** a resolved hardware config (validated again in the worker) */
  hardware: HardwareConfig;
  /** candidates per streamed chunk (default DEFAULT_CHUNK_SIZE) */
  chunkSize?: number;
}

export interface CostingChunk {
  jobId: number;
  /** index of the chunk's first candidate in the job */
  start: number;
  /** candidates in this chunk */
  count: number;
  /** candidates the job aims for: allocate this much on first sight */
  target: number;
  /** one Float64Array of `count` values per metric (transferred) */
  columns: Columns;
  /** genome of each candidate (formatGenome) */
  genomes: string[];
}

export interface CostingTimings {
  /** sampling (drawing and de-duplicating architectures), ms, worker clock */
  sampleMs: number;
  /** costing (layer lists and the estimator), ms */
  costMs: number;
  /** whole job inside the worker, including streaming the chunks out, ms */
  totalMs: number;
  /** the architectures came from the previous job (only the hardware changed) */
  reusedSamples: boolean;
}

export interface CostingResult {
  jobId: number;
  /** candidates delivered (≤ target; fewer only when the space ran out of distinct architectures) */
  count: number;
  target: number;
  /** false when a newer job or a cancel stopped it; its chunks should be dropped */
  completed: boolean;
  timings: CostingTimings;
  /** spike rates were not measured: energy assumes every input spikes (rate 1) */
  assumedRate1: boolean;
}

/** What `comlink.expose` publishes in the worker. */
export interface CostingApi {
  run(request: CostingRequest, onChunk: (chunk: CostingChunk) => void | Promise<void>): Promise<CostingResult>;
  /** Stops a job between chunks; unknown or finished ids are ignored. */
  cancel(jobId: number): void;
  /**
   * Runs a search on the sampled set of its settings (costing what it does
   * not hold yet), its scorers and trainer in training workers of its own;
   * streams batches of updates. Resolves when it ends or is stopped.
   */
  search(request: SearchRequest, onBatch: (batch: SearchBatch) => void | Promise<void>): Promise<SearchSummary>;
  /** Stops a search; unknown or finished ids are ignored. */
  cancelSearch(searchId: number): void;
  /** The budgets on the page now (the running search drops queued candidates they rule out). */
  setBudgets(budgets: Budgets): void;
  /** A user's data set for searches that name it (handed on to the training workers). */
  provideDataset(upload: DatasetUpload): void;
  /**
   * Runs a calibration ("How good is the score?", protocol/calibration.ts) on the search's training workers,
   * stopping any search first; streams its events. Resolves with its document when it ends or is stopped.
   */
  calibrate(request: CalibrationRequest, onMessage: (m: CalibrationMessage) => void | Promise<void>): Promise<CalibrationResult>;
  /** Ends a calibration with what finished (its call resolves, marked stopped); unknown ids are ignored. */
  stopCalibration(calibrationId: number): void;
  /** Test builds only (undefined otherwise): protocol/test-hooks.ts. */
  test?: CostingTestHooks;
}

/** The buffers of a chunk, for comlink.transfer. */
export function chunkTransferables(chunk: CostingChunk): ArrayBuffer[] {
  return METRICS.map((m) => chunk.columns[m].buffer as ArrayBuffer);
}

