/**
 * The CostingApi object the worker exposes, built around a CostingEngine and
 * a SearchHost. Separate from the worker entry so tests can expose it on a
 * MessagePort.
 */
import * as Comlink from 'comlink';
import { CostingEngine } from './costing-engine.ts';
import { SearchHost, type SearchPool } from './search-host.ts';
import { CalibrationHost } from './calibration-host.ts';
import { chunkTransferables, type CostingApi, type CostingChunk } from '../protocol/costing.ts';
import type { CostingTestHooks } from '../protocol/test-hooks.ts';
import { batchTransferables, type SearchBatch } from '../protocol/search.ts';

/** A macrotask yield (no 4 ms timer clamp): lets cancel and newer run messages in between chunks. */
export function createPause(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
}

function release(callback: unknown): void {
  // The callback arrived as a comlink proxy: close its port once the call is over.
  (callback as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
}

export interface CostingApiOptions {
  engine?: CostingEngine;
  pause?: () => Promise<void>;
  /** the search's training workers (default: none; a search then fails with a clear message) */
  createPool?: () => SearchPool;
  /** a test build's hooks (src/workers/test-hooks.ts), given the search host */
  testHooks?: (host: SearchHost) => CostingTestHooks;
}

function noPool(): SearchPool {
  throw new Error('this costing worker has no training workers to search with');
}

export function createCostingApi({ engine = new CostingEngine(), pause = createPause(), createPool = noPool, testHooks }: CostingApiOptions = {}): CostingApi {
  const now = () => performance.now();
  const host = new SearchHost(engine, createPool, { pause, now });
  const calibration = new CalibrationHost(() => host.sharedPool());
  return {
    async run(request, onChunk) {
      try {
        return await engine.run(request, {
          // Not awaited: the page's acknowledgement would cost a round trip per chunk while its main thread renders.
          emit: (chunk: CostingChunk) => {
            void Promise.resolve(onChunk(Comlink.transfer(chunk, chunkTransferables(chunk)))).catch(() => {});
          },
          pause,
          now,
        });
      } finally {
        release(onChunk);
      }
    },
    cancel(jobId) {
      engine.cancel(jobId);
    },
    async search(request, onBatch) {
      // One job on the training workers at a time: a search ends a calibration (with what it finished).
      calibration.stopAny();
      try {
        return await host.search(request, (batch: SearchBatch) => {
          // Not awaited either: batches go out as they are made.
          void Promise.resolve(onBatch(Comlink.transfer(batch, batchTransferables(batch)))).catch(() => {});
        });
      } finally {
        release(onBatch);
      }
    },
    async calibrate(request, onMessage) {
      host.stopAny();
      try {
        return await calibration.calibrate(request, (m) => {
          void Promise.resolve(onMessage(m)).catch(() => {});
        });
      } finally {
        release(onMessage);
      }
    },
    stopCalibration(calibrationId) {
      calibration.stop(calibrationId);
    },
    cancelSearch(searchId) {
      host.cancel(searchId);
    },
    setBudgets(budgets) {
      host.setBudgets(budgets);
    },
    provideDataset(upload) {
      host.provideDataset(upload);
    },
    test: testHooks?.(host),
  };
}
