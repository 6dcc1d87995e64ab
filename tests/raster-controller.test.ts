/** The neuron view's raster requests (src/ui/neuron/raster-controller.ts): latest wins, nothing shown is lost on an error. */
import { describe, expect, it } from 'vitest';
import { createRasterController } from '../src/ui/neuron/raster-controller.ts';
import type { SpikeRasterRequest, SpikeRasterResult } from '../src/protocol/training.ts';

/** A source whose calls finish when the test says so. */
function scriptedSource() {
  const calls: { request: SpikeRasterRequest; resolve(r: SpikeRasterResult): void; reject(e: Error): void }[] = [];
  return {
    calls,
    spikeRaster: (request: SpikeRasterRequest) => new Promise<SpikeRasterResult>((resolve, reject) => calls.push({ request, resolve, reject })),
  };
}

const req = (i: number): SpikeRasterRequest => ({ genome: 'c4-h16-t2-w8-301203', dataset: 'mnist', images: [0, i], seed: 1 });
const res = (i: number) => ({ genome: 'c4-h16-t2-w8-301203', layer: `answer ${i}` }) as unknown as SpikeRasterResult;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('raster controller', () => {
  it('runs one request at a time; of those made meanwhile only the latest runs, and a superseded answer is dropped', async () => {
    const src = scriptedSource();
    let made = 0;
    const c = createRasterController(() => {
      made++;
      return src;
    });
    expect(c.store.getState().phase).toBe('idle');
    c.request(req(1));
    c.request(req(2));
    c.request(req(3));
    await settle();
    expect(src.calls.map((x) => x.request.images[1])).toEqual([1]);
    expect(c.store.getState().phase).toBe('running');
    src.calls[0].resolve(res(1));
    await settle();
    // Request 1 was superseded before it answered: not shown; request 3 runs, request 2 never does.
    expect(c.store.getState().result).toBeNull();
    expect(src.calls.map((x) => x.request.images[1])).toEqual([1, 3]);
    src.calls[1].resolve(res(3));
    await settle();
    expect(c.store.getState()).toMatchObject({ phase: 'done', error: null, request: req(3) });
    expect(c.store.getState().result!.layer).toBe('answer 3');
    expect(made).toBe(2);
  });

  it('shows a failure beside the last result', async () => {
    const src = scriptedSource();
    const c = createRasterController(() => src);
    c.request(req(1));
    await settle();
    src.calls[0].resolve(res(1));
    await settle();
    c.request(req(5000));
    await settle();
    src.calls[1].reject(new Error("test image 5000 is not one of mnist's 2000 test images (0–1999)"));
    await settle();
    expect(c.store.getState()).toMatchObject({ phase: 'error', error: "test image 5000 is not one of mnist's 2000 test images (0–1999)" });
    expect(c.store.getState().result!.layer).toBe('answer 1');
    // And the next request still runs.
    c.request(req(2));
    await settle();
    expect(src.calls).toHaveLength(3);
  });
});
