/**
 * A training client over a real worker thread of the command line's pool: a
 * search hands one AbortSignal to every chunk it scores, and a chunk's call
 * leaves no listener on it (the scores' items can arrive after the call's
 * result on Node's threads, and the wait for them listened for an abort that
 * never came, once per such chunk, for the whole search).
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { openThreadPool } from '../src/cli/thread-pool.ts';

describe('training client on a worker thread', () => {
  it('leaves no abort listener on the signal after 40 scoring calls', async () => {
    const pool = await openThreadPool(1, 'wasm');
    try {
      const signal = new AbortController().signal;
      let items = 0;
      for (let i = 0; i < 40; i++) await pool.clients[0].score({ dataset: 'mnist', seed: 1, batch: 8, genomes: ['c4-h16-t2-w8-301203'] }, () => items++, signal);
      expect(items).toBe(40);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    } finally {
      pool.dispose();
    }
  }, 60_000);
});
