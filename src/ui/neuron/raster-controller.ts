/**
 * The page's end of the neuron view's spike raster: asks a training worker
 * of its own (spawned on the first request, so a page that never looks at a
 * raster never starts one) for one layer's spikes, latest request wins.
 *
 * A raster is one forward pass, which cannot be cancelled part-way; aborting
 * it would end the worker (src/ui/workers/bridge.ts) and the next request
 * would pay for a fresh one (tfjs and the data set loaded again). So a
 * request made while one runs waits for it and replaces any other waiting
 * one; an answer that has been superseded is dropped.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { SpikeRasterRequest, SpikeRasterResult } from '../../protocol/training.ts';
import { TrainingClient } from '../../worker-host/training-client.ts';

export interface RasterState {
  phase: 'idle' | 'running' | 'done' | 'error';
  /** the request of the result (or error) shown */
  request: SpikeRasterRequest | null;
  result: SpikeRasterResult | null;
  error: string | null;
}

export interface RasterSource {
  spikeRaster(request: SpikeRasterRequest): Promise<SpikeRasterResult>;
}

export function createRasterController(source: () => RasterSource) {
  const store = createStore<RasterState>()(() => ({ phase: 'idle', request: null, result: null, error: null }));
  let running = false;
  let waiting: SpikeRasterRequest | null = null;

  async function pump(): Promise<void> {
    running = true;
    try {
      while (waiting) {
        const request = waiting;
        waiting = null;
        try {
          const result = await source().spikeRaster(request);
          if (!waiting) store.setState({ phase: 'done', request, result, error: null });
        } catch (e) {
          // The last result stays on screen beside the message, so nothing shown is lost.
          if (!waiting) store.setState({ phase: 'error', request, error: e instanceof Error ? e.message : String(e) });
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    store,
    /** Asks for a raster; the answer to the latest request is the one shown. */
    request(request: SpikeRasterRequest): void {
      waiting = request;
      store.setState({ phase: 'running' });
      if (!running) void pump();
    },
  };
}

export type RasterController = ReturnType<typeof createRasterController>;

let shared: RasterController | null = null;

/** The page's raster controller; its training worker is spawned by the first request. */
export function pageRasterController(): RasterController {
  if (!shared) {
    let client: TrainingClient | null = null;
    shared = createRasterController(() => (client ??= new TrainingClient()));
  }
  return shared;
}

export function useRaster<T>(controller: RasterController, selector: (s: RasterState) => T): T {
  return useStore(controller.store, selector);
}
