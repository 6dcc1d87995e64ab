/**
 * The scoring pool (src/worker-host/training-evaluators.ts) over real
 * training engines in this process: candidates go to the scorers a few at a
 * time, fewer as the queue empties, and each one's `wanted` is asked as its
 * turn comes, so a budget moved meanwhile keeps it from ever reaching a scorer.
 */
import { describe, expect, it } from 'vitest';
import { createNodeEngine, engineEndpoint } from '../src/cli/engine-node.ts';
import { trainingEvaluators, type TrainingEndpoint } from '../src/worker-host/training-evaluators.ts';

const GENOMES = ['c4-h16-t2-w8-301203', 'c4-h16-t2-w8-311113', 'c8-h16-t2-w8-301203', 'c4-h16-t2-w8-301103', 'c4-h16-t2-w8-201203', 'c8-h16-t2-w8-311113', 'c4-h16-t2-w8-301303', 'c4-h16-t2-w8-101203'];

describe('scoring pool', () => {
  it('asks whether each candidate is still wanted as its turn comes, and never sends one that is not', async () => {
    const engine = createNodeEngine();
    await engine.init({ backend: 'wasm' });
    const endpoint = engineEndpoint(engine);
    const sent: string[] = [];
    const watched: TrainingEndpoint = {
      score: (request, onItem, signal) => {
        sent.push(...request.genomes);
        return endpoint.score(request, onItem, signal);
      },
      train: endpoint.train,
    };
    const pool = trainingEvaluators([watched], [watched], { dataset: 'mnist', seed: 2, scoreBatch: 8, trainSamples: 100, chunk: 2 });
    const scored = new Map<number, number>();
    const asked: number[] = [];
    // After the first chunk's scores arrive, every candidate from index 4 on is no longer wanted.
    await pool.score(
      GENOMES,
      new AbortController().signal,
      (i, s) => scored.set(i, s),
      (i) => {
        asked.push(i);
        return !(scored.size >= 2 && i >= 4);
      },
    );
    expect(asked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sent).toEqual(GENOMES.slice(0, 4));
    expect([...scored.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const s of scored.values()) expect(Number.isFinite(s)).toBe(true);

    // Without `wanted`, every candidate is scored, with the same scores.
    const all = new Map<number, number>();
    await pool.score(GENOMES, new AbortController().signal, (i, s) => all.set(i, s));
    expect(all.size).toBe(GENOMES.length);
    for (const [i, s] of scored) expect(all.get(i)).toBe(s);
  });

  it('hands out smaller chunks as the queue empties, single genomes at its end, so the scorers end together', async () => {
    // Two engines (each numbers its own jobs) on this process's one wasm backend.
    const engines = [createNodeEngine(), createNodeEngine()];
    for (const e of engines) await e.init({ backend: 'wasm' });
    const sizes: number[] = [];
    const scorers = engines.map((engine): TrainingEndpoint => {
      const endpoint = engineEndpoint(engine);
      return {
        score: (request, onItem, signal) => {
          sizes.push(request.genomes.length);
          return endpoint.score(request, onItem, signal);
        },
        train: endpoint.train,
      };
    });
    const genomes = [...GENOMES, ...GENOMES];
    const pool = trainingEvaluators(scorers, scorers, { dataset: 'mnist', seed: 2, scoreBatch: 8, trainSamples: 100, chunk: 4 });
    const scored = new Map<number, number>();
    await pool.score(genomes, new AbortController().signal, (i, s) => scored.set(i, s));
    // 16 genomes on 2 scorers: a chunk is at most a quarter of what is left (half a share each), at most 4, at least 1.
    expect(sizes).toEqual([4, 3, 2, 1, 1, 1, 1, 1, 1, 1]);
    expect(scored.size).toBe(genomes.length);
    for (let i = 0; i < GENOMES.length; i++) expect(scored.get(i + GENOMES.length), genomes[i]).toBe(scored.get(i));
  });
});
