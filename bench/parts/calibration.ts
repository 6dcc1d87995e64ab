/**
 * `npm run bench -- --only calibration`: how well each proxy predicts
 * trained accuracy, measured: exactly `neuronas calibrate` with the sizes
 * below (wasm, one thread), its progress streamed to stderr, and each
 * proxy's Kendall τ-b and Spearman ρ against float and quantized accuracy
 * with bootstrap 95 % intervals in the JSON.
 *
 * Data set: NEURONAS_BENCH_CALIBRATION_DATASET (mnist, the default, or
 * fashion-mnist). Further `neuronas calibrate` options may be appended with
 * NEURONAS_BENCH_CALIBRATION_ARGS (e.g. "--candidates 30"). With
 * NEURONAS_BENCH_CALIBRATION_OUT=path the whole calibration document (the
 * `--json` output, format neuronas-calibration) is also written there, so a
 * bench run can be kept (docs/calibration/) without running it twice.
 *
 * The size, for about 15 minutes on this project's 2-core machine: the
 * default space under the default budgets, 16 candidates (one per parameter
 * stratum), 1 epoch on 1 000 training images, tested on 1 000 images, 3
 * candidates trained again with a second seed. First chosen from the page's
 * fitted timings (src/core/search/estimate.ts), then measured: on MNIST the
 * run took 893 s (proxies 252 s, about 16 s a candidate, mostly the early-
 * training steps; training 640 s including the 3 second seeds, 5 s to 107 s
 * a candidate by size). The accuracy spread must exceed its noise, and does,
 * but not by much: 8-bit accuracies 57–86 %, spread (SD over candidates)
 * 7.6 points against a noise of 5.2 (binomial SE 1.3 on 1 000 test images,
 * seed-to-seed SD 5.1 after so short a training), `spread_to_noise` 1.45
 * (docs/calibration/). The seed noise, not the test set, dominates, so more
 * training images would help the accuracies most, but 2 000 would double
 * the training time; more candidates narrow the τ intervals (about ±0.3 at
 * 16) at about 55 s each.
 */
import { writeFile } from 'node:fs/promises';
import { runCalibrate } from '../../src/cli/calibrate.ts';
import type { CalibrationDocument } from '../../src/core/calibration/document.ts';

const SIZE = ['--candidates', '16', '--epochs', '1', '--train-samples', '1000', '--test-samples', '1000', '--seed-repeats', '3', '--early-held-out', '300', '--seed', '1'];

const round = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

export async function benchCalibration(): Promise<Record<string, unknown>> {
  const dataset = process.env.NEURONAS_BENCH_CALIBRATION_DATASET ?? 'mnist';
  const extra = (process.env.NEURONAS_BENCH_CALIBRATION_ARGS ?? '').split(/\s+/).filter(Boolean);
  const argv = ['--dataset', dataset, ...SIZE, ...extra, '--backend', 'wasm', '--json', '--progress'];
  const out: string[] = [];
  const errors: string[] = [];
  const t0 = performance.now();
  const code = await runCalibrate(argv, {
    out: (s) => out.push(s),
    // Progress as it happens: a calibration takes many minutes.
    err: (s) => {
      errors.push(s);
      process.stderr.write(s.endsWith('\n') ? s : s + '\n');
    },
    readStdin: async () => '',
    readFile: async () => '',
  });
  if (code !== 0) return { command: `neuronas calibrate ${argv.join(' ')}`, error: errors.join(' ') || `exit ${code}` };
  const doc = JSON.parse(out.join('')) as CalibrationDocument;
  const keepAt = process.env.NEURONAS_BENCH_CALIBRATION_OUT;
  if (keepAt) await writeFile(keepAt, JSON.stringify(doc, null, 1) + '\n');
  const st = doc.statistics;
  const proxies: Record<string, unknown> = {};
  for (const p of doc.proxies) {
    const of = (target: 'float' | 'quantized') => {
      const c = st.correlations.find((x) => x.proxy === p.name && x.target === target)!;
      return { n: c.n, kendall_tau: round(c.kendall_tau), kendall_tau_ci: c.kendall_tau_ci.map((v) => round(v)), spearman_rho: round(c.spearman_rho), spearman_rho_ci: c.spearman_rho_ci.map((v) => round(v)), top3_overlap: c.top_k_overlap };
    };
    const ms = doc.candidates.map((c) => c.proxy_ms[p.name]).filter((v): v is number => v !== undefined);
    proxies[p.name] = { direction: p.direction, quantized: of('quantized'), float: of('float'), ms_per_candidate: ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : 0 };
  }
  const n = st.noise;
  return {
    command: `neuronas calibrate ${argv.join(' ')}`,
    dataset: doc.dataset,
    backend: doc.backend,
    candidates: doc.candidates.length,
    pool: { sampled: doc.pool.sampled, feasible: doc.pool.feasible, params_range: [doc.pool.strata[0].low, doc.pool.strata[doc.pool.strata.length - 1].high] },
    proxies,
    noise: {
      test_samples: n.test_samples,
      binomial_se_quantized: round(n.binomial_se_quantized, 4),
      seed_sd_quantized: round(n.seed_sd_quantized, 4),
      seed_pairs: n.seed_pairs.map((p) => ({ genome: p.genome, accuracy_quantized: p.accuracy_quantized })),
      spread_quantized: round(n.spread_quantized, 4),
      spread_to_noise_quantized: round(n.spread_to_noise_quantized, 2),
      spread_to_noise_float: round(n.spread_to_noise_float, 2),
    },
    accuracy_quantized_range: [round(Math.min(...doc.candidates.map((c) => c.accuracy_quantized ?? Infinity))), round(Math.max(...doc.candidates.map((c) => c.accuracy_quantized ?? -Infinity)))],
    ranking: st.ranking.map((r) => ({ target: r.target, best: r.best, best_tau: round(r.best_tau), best_tau_ci: r.best_tau_ci.map((v) => round(v)), reliable: r.reliable, clearly_best: r.clearly_best, not_separated_from: r.not_separated_from })),
    recommendation: doc.recommendation,
    timings_s: { proxies: Math.round(doc.timings.proxies_s), training: Math.round(doc.timings.training_s), total: Math.round(doc.timings.total_s) },
    wall_seconds: Math.round((performance.now() - t0) / 1000),
  };
}
