/**
 * The CostingApi object the worker exposes, built around a CostingEngine.
 * Separate from the worker entry so tests can expose it on a MessagePort.
 */
import * as Comlink from 'comlink';
import { CostingEngine } from './costing-engine.ts';
import { chunkTransferables, type CostingApi, type CostingChunk } from '../protocol/costing.ts';

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

export function createCostingApi(engine = new CostingEngine(), pause = createPause()): CostingApi {
  return {
    async run(request, onChunk) {
      try {
        return await engine.run(request, {
          // Not awaited: the page's acknowledgement would cost a round trip per chunk while its main thread renders.
          emit: (chunk: CostingChunk) => {
            void Promise.resolve(onChunk(Comlink.transfer(chunk, chunkTransferables(chunk)))).catch(() => {});
          },
          pause,
          now: () => performance.now(),
        });
      } finally {
        // The callback arrived as a comlink proxy: close its port once the job is over.
        (onChunk as unknown as Partial<Comlink.Remote<unknown>>)[Comlink.releaseProxy]?.();
      }
    },
    cancel(jobId) {
      engine.cancel(jobId);
    },
    crashForTest() {
      setTimeout(() => {
        throw new Error('simulated crash of the costing worker');
      });
    },
  };
}
