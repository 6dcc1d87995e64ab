/**
 * `npm run bench -- --only score`: the training-free score's time per
 * candidate at batch 64 on MNIST, in Node on the wasm backend (one thread).
 *
 *   genomes           six fixed genomes of the default space (the default
 *                     genome and the first five of DEFAULT_SEARCH_SPACE's
 *                     seed-1 samples, from small to wide), each scored in the
 *                     packed form (bit-packed LIF spikes, event-driven convs
 *                     where faster, the popcount Gram in wasm) and as it ran
 *                     before the spike kernels (0/1 floats, dense convs, the
 *                     Gram counted in JS), in the same run: ms of each (median of
 *                     3 warm runs; float: 1 warm run), their ratio, and
 *                     whether the scores are equal to the last bit (they
 *                     must be);
 *   pytorch           the bar: a PyTorch scorer doing the same (forward over
 *                     T, Hamming kernel of the LIF spikes, log-determinant)
 *                     took 407 ms for the default genome on this machine
 *                     (issue 11), the figure the packed form is set against;
 *   sampled           candidates per second over DEFAULT_SEARCH_SPACE's
 *                     samples in order (seed 1), 12 or 60 s, as a search
 *                     scores them (packed form).
 * Each time covers model build, forward, kernel and log-determinant (the
 * batch is made once, as the search does).
 */
import * as tf from '@tensorflow/tfjs-core';
import { formatGenome, DEFAULT_ARCHITECTURE, parseGenome } from '../../src/core/arch/genome.ts';
import { DEFAULT_SEARCH_SPACE, sampleArchitectures } from '../../src/core/arch/sampler.ts';
import { layerList, type Architecture } from '../../src/core/arch/architecture.ts';
import { initNodeBackend } from '../../src/tf/backend-node.ts';
import { loadDatasetNode } from '../../src/cli/data-node.ts';
import { scoreArchitecture, scoreBatch, type SpikeForm } from '../../src/tf/score.ts';
import { setSparsePolicy } from '../../src/tf/sparse-choice.ts';

const BATCH = 64;
const SAMPLED = 12;
const SAMPLED_BUDGET_MS = 60_000;
/** PyTorch's time for the default genome at batch 64, one thread, on this machine (issue 11). */
const PYTORCH_DEFAULT_MS = 407;

/** The default genome and the first five seed-1 samples of the default space. */
export const SCORE_GENOMES = [
  formatGenome(DEFAULT_ARCHITECTURE),
  'c8-h64-t8-w8-222332',
  'c56-h256-t5-w8-021311',
  'c16-h64-t6-w8-223100',
  'c8-h64-t2-w8-321132',
  'c16-h128-t2-w8-331133',
];

function round(x: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function gmacs(a: Architecture): number {
  // Multiply-accumulates of the batch: weights × output positions × T.
  return (layerList(a).reduce((s, l) => s + l.cin * l.cout * l.k * l.k * l.hout * l.hout, 0) * a.timesteps * BATCH) / 1e9;
}

export async function benchScore(): Promise<Record<string, unknown>> {
  tf.env().set('PROD', true);
  const choice = await initNodeBackend('wasm');
  const ds = await loadDatasetNode('mnist');
  const x = scoreBatch(ds, BATCH, 1);
  try {
    // 'float' with the spike kernels off is the score as it ran before them (dense convs, the Gram in JS).
    const timed = async (a: Architecture, spikeForm: SpikeForm, runs: number) => {
      setSparsePolicy(spikeForm === 'float' ? 'never' : 'auto');
      try {
        await scoreArchitecture(a, x, { spikeForm }); // warm: wasm tier-up, first use of each kernel shape
        const r = [];
        for (let i = 0; i < runs; i++) r.push(await scoreArchitecture(a, x, { spikeForm }));
        return { ms: median(r.map((q) => q.ms)), score: r[0].score, rate: r[0].meanRate };
      } finally {
        setSparsePolicy('auto');
      }
    };
    const before = tf.memory().numTensors;
    const genomes: { genome: string; gmacs: number; spike_rate: number; packed_ms: number; float_ms: number; speedup: number; same_score: boolean; score: number }[] = [];
    for (const g of SCORE_GENOMES) {
      const a = parseGenome(g);
      const packed = await timed(a, 'packed', 3);
      const float = await timed(a, 'float', 1);
      genomes.push({
        genome: g,
        gmacs: round(gmacs(a), 2),
        spike_rate: round(packed.rate, 4),
        packed_ms: round(packed.ms),
        float_ms: round(float.ms),
        speedup: round(float.ms / packed.ms, 2),
        same_score: Object.is(packed.score, float.score),
        score: round(packed.score, 4),
      });
    }
    const mean = (k: 'packed_ms' | 'float_ms') => genomes.reduce((s, r) => s + r[k], 0) / genomes.length;
    const def = genomes[0];

    const archs = sampleArchitectures(DEFAULT_SEARCH_SPACE, SAMPLED, 1);
    const t0 = performance.now();
    let sampled = 0;
    for (const a of archs) {
      if (sampled >= 3 && performance.now() - t0 > SAMPLED_BUDGET_MS) break;
      await scoreArchitecture(a, x);
      sampled++;
    }
    const sampledMs = performance.now() - t0;
    return {
      backend: choice.backend,
      wasm_threads: choice.wasmThreads ?? null,
      batch: BATCH,
      dataset: 'mnist',
      mean_packed_ms_per_candidate: round(mean('packed_ms')),
      mean_float_ms_per_candidate: round(mean('float_ms')),
      speedup_packed_over_float: round(mean('float_ms') / mean('packed_ms'), 2),
      all_scores_equal: genomes.every((r) => r.same_score),
      default_architecture: { genome: def.genome, packed_ms: def.packed_ms, float_ms: def.float_ms, pytorch_ms: PYTORCH_DEFAULT_MS, times_pytorch: round(PYTORCH_DEFAULT_MS / def.packed_ms, 2) },
      genomes,
      sampled: { space: 'DEFAULT_SEARCH_SPACE (seed 1, sampling order)', candidates: sampled, candidates_per_s: round((sampled * 1000) / sampledMs, 3) },
      tensors_leaked: tf.memory().numTensors - before,
    };
  } finally {
    x.dispose();
  }
}
