/**
 * Timings of costing jobs, exposed for the bench and the end-to-end tests:
 * `window.__neuronasTimings.jobs` lists every completed job, and each one is
 * also a `performance.measure` named `neuronas:costing-job`.
 */
import type { CostingTimings } from '../../protocol/costing.ts';

export interface JobTiming extends CostingTimings {
  jobId: number;
  samples: number;
  count: number;
  /** request to last chunk committed on the page, ms */
  wallMs: number;
  /** performance.now() when the request was sent */
  start: number;
}

export interface NeuronasTimings {
  jobs: JobTiming[];
}

declare global {
  interface Window {
    __neuronasTimings?: NeuronasTimings;
  }
}

export function recordJobTiming(t: JobTiming): void {
  const w = window;
  w.__neuronasTimings ??= { jobs: [] };
  w.__neuronasTimings.jobs.push(t);
  performance.measure('neuronas:costing-job', { start: t.start, duration: t.wallMs, detail: t });
}
