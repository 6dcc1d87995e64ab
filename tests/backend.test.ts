/**
 * Backend choice in Node: wasm (single thread) and cpu; `auto` picks by a
 * measured probe, reports every probe, and falls back (saying so) when a
 * requested backend cannot start.
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type Probe } from '../src/tf/backend.ts';
import { initNodeBackend, nodeWasmDir } from '../src/tf/backend-node.ts';

describe('initBackend in Node', () => {
  it('auto probes wasm and cpu and keeps the faster', async () => {
    const c = await initNodeBackend('auto');
    expect(c.probes.map((p) => p.name)).toEqual(['wasm', 'cpu']);
    for (const p of c.probes) {
      expect(p.error).toBeUndefined();
      expect(p.ms).toBeGreaterThan(0);
    }
    const fastest = c.probes.reduce((a, b) => (b.ms! < a.ms! ? b : a));
    expect(c.backend).toBe(fastest.name);
    expect(tf.getBackend()).toBe(c.backend);
    expect(c.reason).toMatch(/fastest on the probe \(wasm [0-9.]+ ms, cpu [0-9.]+ ms\)/);
    expect(c.softwareGpu).toBe(false);
    // The probe leaves nothing behind.
    expect(tf.memory().numTensors).toBe(0);
  });

  it('honours an explicit choice and runs single-threaded wasm', async () => {
    const cpu = await initNodeBackend('cpu');
    expect(cpu.backend).toBe('cpu');
    expect(cpu.reason).toBe('cpu as requested');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initNodeBackend('wasm');
    expect(wasm.backend).toBe('wasm');
    expect(wasm.wasmThreads).toBe(1);
    expect(tf.getBackend()).toBe('wasm');
    // It computes: a 2×2 matrix product on wasm.
    const y = tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]));
    expect(Array.from(await y.data())).toEqual([19, 22, 43, 50]);
  });

  it('falls back from a GPU backend Node does not have, and says why', async () => {
    const c = await initNodeBackend('webgl');
    expect(['wasm', 'cpu']).toContain(c.backend);
    expect(c.reason).toMatch(/^webgl was requested but failed \(webgl is not available here\); fastest on the probe/);
  });

  it('chooses by the measurement, not by the name', async () => {
    // A probe that is slow on wasm and fast on cpu: auto must pick cpu.
    const slowOnWasm: Probe = {
      setup() {
        const x = tf.ones([4]);
        return {
          step: () => {
            if (tf.getBackend() === 'wasm') {
              const until = performance.now() + 30;
              while (performance.now() < until) {
                // busy wait: a backend that is 30 ms slower
              }
            }
            return tf.add(x, 1);
          },
          dispose: () => x.dispose(),
        };
      },
    };
    const c = await initBackend('auto', { wasmPaths: nodeWasmDir(), probe: slowOnWasm, probeReps: 2 });
    expect(c.backend).toBe('cpu');
    expect(c.probes.find((p) => p.name === 'wasm')!.ms).toBeGreaterThanOrEqual(30);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown preference', async () => {
    await expect(initNodeBackend('tpu' as never)).rejects.toThrow(/unknown backend 'tpu'/);
  });
});
