/**
 * One calibration: how well each proxy predicts trained accuracy on a data
 * set and search space (pure orchestration; the network-running proxies and
 * the trainer are injected, as the search pipeline's evaluators are, so the
 * command line runs them in-process and a page can run them in workers).
 *
 *   sample `samples` candidates (the search's seeded stream) → cost each →
 *   keep the feasible → pick `candidates` of them, one per quantile stratum
 *   of the parameter count → every proxy on each (same seed) → train each
 *   (same seed; float and quantized test accuracy) → train a few again with
 *   the next seed → statistics (core/calibration/report.ts).
 *
 * Events stream as each step finishes; a stop (signal) ends the run with
 * what had finished, marked stopped.
 */
import { CandidateStream, compileSpace, type SearchSpace } from '../arch/sampler.ts';
import type { Architecture } from '../arch/architecture.ts';
import { compileHardware, createTotals, estimateArchitecture } from '../cost/estimator.ts';
import type { HardwareConfig } from '../cost/hardware.ts';
import { budgetViolation } from '../feasibility.ts';
import type { Budgets } from '../settings.ts';
import type { CostFigures } from '../search/pipeline.ts';
import { spreadPositions, stratifiedPick, type ProxyImageOptions, type Stratum } from './plan.ts';
import { PROXIES, costProxies, type ProxyDef, type ProxyName } from './proxies.ts';
import { calibrationStatistics, type CalibrationStatistics, type SeedPair } from './report.ts';

export interface CalibrationSettings {
  dataset: string;
  space: SearchSpace;
  hardware: HardwareConfig;
  budgets: Budgets;
  /** candidates sampled and costed: the pool the feasible ones are stratified from */
  samples: number;
  /** candidates scored and trained */
  candidates: number;
  epochs: number;
  trainSamples: number;
  testSamples: number;
  seed: number;
  proxies: readonly ProxyName[];
  /** candidates trained a second time, with seed + 1 */
  seedRepeats: number;
  bootstrapResamples: number;
  /** what the network-running proxies read (the evaluators were built with this plan; recorded with the run) */
  proxyImages: ProxyImageOptions;
}

export interface ProxyResult {
  values: Partial<Record<ProxyName, number>>;
  ms: Partial<Record<ProxyName, number>>;
  errors: Partial<Record<ProxyName, string>>;
}

export interface TrainedAccuracy {
  accuracyFloat: number;
  accuracyQuantized: number;
  seconds: number;
}

export interface CalibrationEvaluators {
  /** the network-running proxies among `names` of one candidate (the cost proxies are computed here) */
  proxies(arch: Architecture, genome: string, names: readonly ProxyName[]): Promise<ProxyResult>;
  /** trains one candidate with `seed` and tests it on the calibration's test images */
  train(genome: string, seed: number, signal: AbortSignal): Promise<TrainedAccuracy>;
}

export interface CalibrationCandidate {
  /** position in the calibration (cheapest stratum first) */
  index: number;
  genome: string;
  /** its parameter-count stratum, 0-based */
  stratum: number;
  costs: CostFigures;
  proxies: Partial<Record<ProxyName, number>>;
  proxy_ms: Partial<Record<ProxyName, number>>;
  proxy_errors: Partial<Record<ProxyName, string>>;
  /** NaN until trained, or when it could not be */
  accuracy_float: number;
  accuracy_quantized: number;
  train_seconds: number;
  train_error?: string;
}

export type CalibrationEvent =
  | { type: 'pool'; sampled: number; feasible: number; strata: Stratum[] }
  | { type: 'proxies'; candidate: CalibrationCandidate; done: number; total: number }
  | { type: 'trained'; candidate: CalibrationCandidate; done: number; total: number }
  | { type: 'seed-pair'; pair: SeedPair; done: number; total: number };

export interface CalibrationRun {
  settings: CalibrationSettings;
  pool: { sampled: number; feasible: number; stratified_by: 'params'; strata: Stratum[] };
  proxies: ProxyDef[];
  candidates: CalibrationCandidate[];
  seed_pairs: SeedPair[];
  statistics: CalibrationStatistics;
  timings: { proxies_s: number; training_s: number; total_s: number };
  stopped: boolean;
}

export class CalibrationError extends Error {
  override name = 'CalibrationError';
}

/** Seeds the stratified choice apart from the sampler's stream. */
const PICK_SEED = 0x2545f491;

const now = () => performance.now();

/** The feasible pool and the stratified choice from it (no network runs). */
export function pickCandidates(s: CalibrationSettings): { picked: { arch: Architecture; genome: string; costs: CostFigures; stratum: number }[]; sampled: number; feasible: number; strata: Stratum[] } {
  const stream = new CandidateStream(compileSpace(s.space), s.samples, s.seed);
  const hw = compileHardware(s.hardware);
  const { archs, genomes } = stream.next(s.samples);
  const pool: { arch: Architecture; genome: string; costs: CostFigures }[] = [];
  const totals = createTotals();
  archs.forEach((arch, i) => {
    const t = estimateArchitecture(arch, hw, totals);
    const costs: CostFigures = { params: t.params, memoryBits: t.memoryBits, areaMm2: t.areaMm2, latencyMs: t.latencyMs, energyUJ: t.energyUJ, tiles: t.tiles, crossbars: t.crossbars };
    if (budgetViolation(costs, s.budgets) === 0) pool.push({ arch, genome: genomes[i], costs });
  });
  if (pool.length < s.candidates) {
    throw new CalibrationError(`only ${pool.length} of the ${archs.length} sampled candidates meet the budgets; ${s.candidates} are needed (sample more, pick fewer, or lift a budget)`);
  }
  const { picked, strata } = stratifiedPick(pool.map((p) => p.costs.params), s.candidates, s.seed ^ PICK_SEED);
  return { picked: picked.map((i, stratum) => ({ ...pool[i], stratum })), sampled: archs.length, feasible: pool.length, strata };
}

export async function runCalibration(s: CalibrationSettings, ev: CalibrationEvaluators, emit: (e: CalibrationEvent) => void = () => {}, signal: AbortSignal = new AbortController().signal): Promise<CalibrationRun> {
  const t0 = now();
  const { picked, sampled, feasible, strata } = pickCandidates(s);
  emit({ type: 'pool', sampled, feasible, strata });
  const candidates: CalibrationCandidate[] = [];
  const seedPairs: SeedPair[] = [];
  const timings = { proxies_s: 0, training_s: 0, total_s: 0 };
  const networkProxies = s.proxies.filter((p) => PROXIES[p].needs !== 'cost');
  let stopped: boolean;

  for (const p of picked) {
    if (signal.aborted) break;
    const t = now();
    const cost = costProxies(p.arch);
    const r = networkProxies.length ? await ev.proxies(p.arch, p.genome, networkProxies) : { values: {}, ms: {}, errors: {} };
    const values: Partial<Record<ProxyName, number>> = { ...r.values };
    for (const name of s.proxies) if (PROXIES[name].needs === 'cost') values[name] = cost[name as 'params' | 'synops'];
    timings.proxies_s += (now() - t) / 1000;
    const c: CalibrationCandidate = { index: candidates.length, genome: p.genome, stratum: p.stratum, costs: p.costs, proxies: values, proxy_ms: r.ms, proxy_errors: r.errors, accuracy_float: NaN, accuracy_quantized: NaN, train_seconds: NaN };
    candidates.push(c);
    emit({ type: 'proxies', candidate: c, done: candidates.length, total: picked.length });
  }

  const trainOne = async (genome: string, seed: number): Promise<TrainedAccuracy | { error: string }> => {
    const t = now();
    try {
      return await ev.train(genome, seed, signal);
    } catch (e) {
      if (signal.aborted) throw e;
      return { error: e instanceof Error ? e.message : String(e) };
    } finally {
      timings.training_s += (now() - t) / 1000;
    }
  };

  try {
    for (const [done, c] of candidates.entries()) {
      if (signal.aborted) break;
      const r = await trainOne(c.genome, s.seed);
      if ('error' in r) c.train_error = r.error;
      else {
        c.accuracy_float = r.accuracyFloat;
        c.accuracy_quantized = r.accuracyQuantized;
        c.train_seconds = r.seconds;
      }
      emit({ type: 'trained', candidate: c, done: done + 1, total: candidates.length });
    }
    // A second seed for a few candidates spread over the cost range: the accuracy's seed-to-seed noise.
    const trained = candidates.filter((c) => !Number.isNaN(c.accuracy_quantized));
    const again = spreadPositions(trained.length, s.seedRepeats).map((i) => trained[i]);
    for (const [done, c] of again.entries()) {
      if (signal.aborted) break;
      const r = await trainOne(c.genome, s.seed + 1);
      if ('error' in r) continue;
      const pair: SeedPair = { index: c.index, genome: c.genome, seeds: [s.seed, s.seed + 1], accuracy_float: [c.accuracy_float, r.accuracyFloat], accuracy_quantized: [c.accuracy_quantized, r.accuracyQuantized] };
      seedPairs.push(pair);
      emit({ type: 'seed-pair', pair, done: done + 1, total: again.length });
    }
  } catch (e) {
    if (!signal.aborted) throw e;
  }
  stopped = signal.aborted;

  timings.total_s = (now() - t0) / 1000;
  return assembleCalibration(s, { sampled, feasible, strata }, candidates, seedPairs, timings, stopped);
}

/**
 * A calibration from what it measured: its statistics over the candidates trained so far. The end of every run,
 * and what a page makes of a run a reload cut off (the candidates and pairs it had kept), marked stopped.
 */
export function assembleCalibration(
  s: CalibrationSettings,
  pool: { sampled: number; feasible: number; strata: Stratum[] },
  candidates: CalibrationCandidate[],
  seedPairs: SeedPair[],
  timings: CalibrationRun['timings'],
  stopped: boolean,
): CalibrationRun {
  const statistics = calibrationStatistics(candidates, { proxies: s.proxies, testSamples: s.testSamples, seedPairs, resamples: s.bootstrapResamples, seed: s.seed });
  return {
    settings: s,
    pool: { sampled: pool.sampled, feasible: pool.feasible, stratified_by: 'params', strata: pool.strata },
    proxies: s.proxies.map((p) => PROXIES[p]),
    candidates,
    seed_pairs: seedPairs,
    statistics,
    timings,
    stopped,
  };
}

/** What the evidence says the search should rank by (the quantized accuracy is what the search reports). */
export function recommendation(stats: CalibrationStatistics): string {
  const q = stats.ranking.find((r) => r.target === 'quantized');
  if (!q || q.best === null) return 'no recommendation: too few candidates were trained';
  if (!q.reliable) return `no proxy is supported by this calibration: ${q.verdict}; keep the current default and do not read the ranking as a prediction of accuracy`;
  if (q.clearly_best) return `rank by ${q.best}: ${q.verdict}`;
  return `no single proxy is clearly best: ${q.verdict}; the evidence does not separate ${[q.best, ...q.not_separated_from].join(', ')}`;
}
