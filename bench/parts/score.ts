/**
 * `npm run bench -- --only score`: training-free score throughput — how
 * many candidates of the studio's default search space (DEFAULT_SEARCH_SPACE:
 * C 8–64, T 2–8, hidden 64–256, NeuroNAS ops) are scored per second at
 * batch 64 on MNIST, in Node on the wasm backend (single thread).
 *
 * Candidates are scored in sampling order (seed 1) until 12 are done or 120 s
 * have passed (at least 3); the figure is candidates / total wall time, each
 * candidate's time covering model build, forward pass, kernel and
 * log-determinant (the batch is made once, as the search does). The
 * default architecture's own time and the per-candidate times are listed so
 * the figure can be read against network size.
 */
import * as tf from '@tensorflow/tfjs-core';
import { formatGenome, DEFAULT_ARCHITECTURE } from '../../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../../src/core/arch/sampler.ts';
import { layerList } from '../../src/core/arch/architecture.ts';
import { initNodeBackend } from '../../src/tf/backend-node.ts';
import { loadDatasetNode } from '../../src/tf/data-node.ts';
import { scoreArchitecture, scoreBatch, resolveKernelPath } from '../../src/tf/score.ts';

const BATCH = 64;
const MAX_CANDIDATES = 12;
const MIN_CANDIDATES = 3;
const BUDGET_MS = 120_000;

function round(x: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

function macs(genome: ReturnType<typeof sampleArchitectures>[number]): number {
  // Multiply-accumulates of one timestep of one input (weights × output positions), times T.
  return layerList(genome).reduce((a, l) => a + l.cin * l.cout * l.k * l.k * l.hout * l.hout, 0) * genome.timesteps;
}

export async function benchScore(): Promise<Record<string, unknown>> {
  tf.env().set('PROD', true);
  const choice = await initNodeBackend('wasm');
  const ds = await loadDatasetNode('mnist');
  const x = scoreBatch(ds, BATCH, 1);
  try {
    // Warm-up (kernel registration, wasm code paths) on a small net, not timed.
    await scoreArchitecture(sampleArchitectures({ ...DEFAULT_SEARCH_SPACE, channels: { min: 8, max: 8, step: 8 }, timesteps: { min: 2, max: 2, step: 1 } }, 1, 99)[0], x);
    const def = await scoreArchitecture(DEFAULT_ARCHITECTURE, x);
    const archs = sampleArchitectures(DEFAULT_SEARCH_SPACE, MAX_CANDIDATES, 1);
    const per: { genome: string; ms: number; score: number | null; gmacs: number }[] = [];
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (const a of archs) {
      if (per.length >= MIN_CANDIDATES && performance.now() - t0 > BUDGET_MS) break;
      const r = await scoreArchitecture(a, x);
      per.push({ genome: formatGenome(a), ms: round(r.ms, 1), score: Number.isFinite(r.score) ? round(r.score, 4) : null, gmacs: round((macs(a) * BATCH) / 1e9, 2) });
    }
    const totalMs = performance.now() - t0;
    return {
      backend: choice.backend,
      wasm_threads: choice.wasmThreads ?? null,
      kernel_path: resolveKernelPath(),
      batch: BATCH,
      dataset: 'mnist',
      space: 'DEFAULT_SEARCH_SPACE (seed 1, sampling order)',
      candidates: per.length,
      candidates_per_s: round((per.length * 1000) / totalMs, 4),
      mean_ms_per_candidate: round(totalMs / per.length, 1),
      default_architecture: { genome: formatGenome(DEFAULT_ARCHITECTURE), ms: round(def.ms, 1), candidates_per_s: round(1000 / def.ms, 3), score: round(def.score, 4) },
      tensors_leaked: tf.memory().numTensors - before,
      per_candidate: per,
    };
  } finally {
    x.dispose();
  }
}
