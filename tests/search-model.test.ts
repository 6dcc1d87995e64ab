import { describe, expect, it } from 'vitest';
import type { TrainedRecord } from '../src/core/search/pipeline.ts';
import { allocateColumns, type Columns } from '../src/core/metrics.ts';
import type { SearchUpdate } from '../src/protocol/search.ts';
import { applyUpdate, bestIndex, createModel, ROW, setRows, settleAfterStop, stageProgress, type SearchModel } from '../src/ui/search/model.ts';
import { front2d, paretoData } from '../src/ui/search/pareto-data.ts';
import { formatEta, runEtaS, trainingLeftS, TRAIN_PER_SCORE_IMAGE, type RunPlan } from '../src/ui/search/eta.ts';
import { PAIR_TRAINING_SPEEDUP } from '../src/core/search/estimate.ts';

const costs = (p: number) => ({ params: p, memoryBits: p * 8, areaMm2: p / 1000, latencyMs: 1, energyUJ: 2, tiles: 1, crossbars: 4 });

/**
 * Candidates of given parameter counts, as the worker announces them: their rows (the results' columns, kept by
 * the caller as the store keeps them) and, once examined, how many a budget rejected.
 */
function examine(m: SearchModel, columns: Columns, start: number, params: number[], feasible: boolean[], now: number): void {
  const rows = allocateColumns(params.length);
  params.forEach((p, k) => {
    const c = costs(p);
    rows.params[k] = c.params;
    rows.areaMm2[k] = c.areaMm2;
    columns.params[start + k] = c.params;
    columns.areaMm2[start + k] = c.areaMm2;
  });
  const updates: SearchUpdate[] = [
    { type: 'candidates', start, count: params.length, columns: rows, genomes: params.map((_, k) => `g${start + k}`), sampled: start + params.length },
    { type: 'costed', count: params.length, rejected: m.strategy === 'snasnet' || m.strategy === 'random' ? 0 : feasible.filter((f) => !f).length },
  ];
  for (const u of updates) applyUpdate(m, u, now);
}
const trained = (index: number, acc: number): TrainedRecord => ({
  index,
  genome: `g${index}`,
  measuredCosts: costs(1),
  feasible: true,
  result: { accuracyFloat: acc, accuracyQuantized: acc, spikeRates: [], epochs: [], backend: 'cpu', samplesPerSecond: 1 },
});

describe('search model reducer', () => {
  it('fills columns, counts rejections and follows row states', () => {
    const m = createModel('neuronas', 2);
    const columns = allocateColumns(3);
    applyUpdate(m, { type: 'stage', stage: 'cost', state: 'start', ms: 0, count: 0 }, 0);
    examine(m, columns, 0, [100, 900, 300], [true, false, true], 1);
    expect(m.count).toBe(3);
    expect(m.capacity).toBeGreaterThanOrEqual(3);
    expect(columns.params[2]).toBe(300);
    expect(m.counts).toMatchObject({ costed: 3, rejected: 1, scored: 0 });
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'start', ms: 0, count: 2 }, 1000);
    applyUpdate(m, { type: 'scored', index: 0, score: 5 }, 2000);
    expect(m.state[0]).toBe(ROW.scored);
    const p = stageProgress(m, 'score', 2000, 3);
    expect(p).toMatchObject({ done: 1, expected: 2, running: true });
    expect(p.etaS).toBeCloseTo(1);
    applyUpdate(m, { type: 'scored', index: 2, score: 7 }, 2100);
    applyUpdate(m, { type: 'selected', indices: [2] }, 2200);
    expect(m.state[2]).toBe(ROW.queued);
    // The trainer counts from 0: batch 4 of epoch 0 done is 5 of 10 batches of the first of 2 epochs.
    applyUpdate(m, { type: 'training', index: 2, progress: { epoch: 0, epochs: 2, batch: 4, batches: 10, loss: 1 } }, 2300);
    expect(m.state[2]).toBe(ROW.training);
    expect(m.inTraining.get(2)?.fraction).toBeCloseTo(0.25);
    expect(m.inTraining.get(2)?.epoch).toBe(1);
    applyUpdate(m, { type: 'training', index: 2, progress: { epoch: 1, epochs: 2, batch: 9, batches: 10, loss: 1 } }, 2350);
    expect(m.inTraining.get(2)?.fraction).toBeCloseTo(1);
    expect(m.inTraining.get(2)?.epoch).toBe(2);
    applyUpdate(m, { type: 'trained', record: trained(2, 0.9) }, 2400);
    expect(m.state[2]).toBe(ROW.done);
    expect(m.counts.trained).toBe(1);
    applyUpdate(m, { type: 'train-failed', index: 0, genome: 'g0', message: 'boom' }, 2500);
    expect(m.state[0]).toBe(ROW.failed);
  });

  it('keeps the candidates scored and trained in the order they arrived, with the worker\'s time of each', () => {
    const m = createModel('neuronas', 3);
    setRows(m, 3);
    applyUpdate(m, { type: 'scored', index: 2, score: 7, atMs: 40 }, 1000);
    applyUpdate(m, { type: 'scored', index: 0, score: 5, atMs: 55.5 }, 1001);
    applyUpdate(m, { type: 'trained', record: trained(2, 0.9), atMs: 900 }, 1002);
    expect(m.evaluations).toEqual([
      { index: 2, stage: 'score', atMs: 40 },
      { index: 0, stage: 'score', atMs: 55.5 },
      { index: 2, stage: 'train', atMs: 900 },
    ]);
  });

  it('after a stop, a stage cut off mid-way is no longer running and has no ETA', () => {
    const m = createModel('neuronas', 4);
    applyUpdate(m, { type: 'stage', stage: 'cost', state: 'start', ms: 0, count: 0 }, 0);
    examine(m, allocateColumns(4), 0, [100, 200, 300, 400], [true, true, true, true], 10);
    applyUpdate(m, { type: 'stage', stage: 'cost', state: 'end', ms: 10, count: 4 }, 10);
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'start', ms: 0, count: 4 }, 1000);
    applyUpdate(m, { type: 'scored', index: 0, score: 5 }, 2000);
    expect(stageProgress(m, 'score', 3000, 4)).toMatchObject({ done: 1, expected: 4, running: true, etaS: 6 });
    settleAfterStop(m);
    // Later renders (the clock moving on) neither show it running nor count down to anything.
    for (const now of [3000, 60_000]) {
      expect(stageProgress(m, 'score', now, 4)).toEqual({ done: 1, expected: 4, etaS: null, running: false });
      expect(stageProgress(m, 'train', now, 4)).toMatchObject({ etaS: null, running: false });
    }
    // The stage that did finish still says so.
    expect(stageProgress(m, 'cost', 60_000, 4)).toMatchObject({ done: 4, etaS: 0, running: false });
  });

  it('picks the best trained feasible, else the best-scored feasible', () => {
    const m = createModel('neuronas', 4);
    examine(m, allocateColumns(4), 0, [1, 2, 3], [true, true, true], 0);
    applyUpdate(m, { type: 'scored', index: 0, score: 9 }, 0);
    applyUpdate(m, { type: 'scored', index: 1, score: 3 }, 0);
    expect(bestIndex(m, new Uint8Array([0, 0, 0]), 'snasnet')).toBe(0);
    expect(bestIndex(m, new Uint8Array([1, 0, 0]), 'snasnet')).toBe(1);
    // Ranked by a lower-is-better proxy (early_loss), the lower score is the best before any is trained.
    expect(bestIndex(m, new Uint8Array([0, 0, 0]), 'early_loss')).toBe(1);
    applyUpdate(m, { type: 'trained', record: trained(1, 0.8) }, 0);
    expect(bestIndex(m, new Uint8Array([0, 0, 0]), 'snasnet')).toBe(1);
    expect(bestIndex(m, new Uint8Array([0, 2, 0]), 'snasnet')).toBe(0);
  });
});

describe('live training progress', () => {
  const reading = (at: number, loss: number, accuracy: number) => ({ at, loss, accuracy });
  const progress = (epoch: number, batch: number, r?: ReturnType<typeof reading>) => ({ epoch, epochs: 2, batch, batches: 10, loss: r?.loss ?? NaN, ...(r ? { reading: r } : {}) });

  it('counts the planned top-k to train from the start, shrinks it to the feasible when scoring starts, and to the selection', () => {
    const m = createModel('neuronas', 8, 3);
    expect(stageProgress(m, 'train', 0, 8)).toMatchObject({ done: 0, expected: 3 });
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'start', ms: 0, count: 5 }, 0);
    expect(m.stages.train.expected).toBe(3);
    const few = createModel('neuronas', 8, 3);
    applyUpdate(few, { type: 'stage', stage: 'score', state: 'start', ms: 0, count: 2 }, 0);
    expect(few.stages.train.expected).toBe(2);
    applyUpdate(m, { type: 'selected', indices: [4] }, 0);
    expect(m.stages.train.expected).toBe(1);
  });

  it('grows each candidate’s curve by the readings its progress carries, and keeps it once trained', () => {
    const m = createModel('neuronas', 4, 2);
    applyUpdate(m, { type: 'stage', stage: 'train', state: 'start', ms: 0, count: 2 }, 1000);
    applyUpdate(m, { type: 'training', index: 1, progress: progress(0, 0) }, 1100);
    expect(m.curves.get(1)).toBeUndefined();
    applyUpdate(m, { type: 'training', index: 1, progress: progress(0, 2, reading(0.3, 2.1, 0.2)) }, 1200);
    applyUpdate(m, { type: 'training', index: 1, progress: progress(0, 3) }, 1300);
    applyUpdate(m, { type: 'training', index: 1, progress: progress(0, 5, reading(0.6, 1.4, 0.55)) }, 1400);
    expect(m.curves.get(1)).toEqual([reading(0.3, 2.1, 0.2), reading(0.6, 1.4, 0.55)]);
    applyUpdate(m, { type: 'trained', record: trained(1, 0.9) }, 5000);
    expect(m.curves.get(1)).toHaveLength(2);
    // Its time (train stage start to its end) is the measured rate.
    expect(m.trainSeconds).toEqual([4]);
    applyUpdate(m, { type: 'training', index: 3, progress: progress(0, 0, reading(0.1, 2.3, 0.1)) }, 5100);
    expect(m.curves.get(3)).toEqual([reading(0.1, 2.3, 0.1)]);
    expect(m.curves.get(1)).toHaveLength(2);
  });

  it('holds several candidates in training at once, each with its own epoch, curve and clock', () => {
    const m = createModel('neuronas', 6, 3);
    applyUpdate(m, { type: 'selected', indices: [1, 4, 5] }, 1000);
    applyUpdate(m, { type: 'stage', stage: 'train', state: 'start', ms: 0, count: 3 }, 1000);
    applyUpdate(m, { type: 'training', index: 1, progress: progress(0, 4, reading(0.5, 2, 0.3)) }, 2000);
    applyUpdate(m, { type: 'training', index: 4, progress: progress(1, 9, reading(2, 1, 0.8)) }, 2100);
    expect(m.state[1]).toBe(ROW.training);
    expect(m.state[4]).toBe(ROW.training);
    expect(m.inTraining.get(1)).toEqual({ epoch: 1, epochs: 2, fraction: 0.25, start: 1000, firstReport: { at: 2000, fraction: 0.25 } });
    expect(m.inTraining.get(4)).toEqual({ epoch: 2, epochs: 2, fraction: 1, start: 1000, firstReport: { at: 2100, fraction: 1 } });
    expect(m.curves.get(1)).toEqual([reading(0.5, 2, 0.3)]);
    expect(m.curves.get(4)).toEqual([reading(2, 1, 0.8)]);
    // The stage counts the fractions of both.
    expect(stageProgress(m, 'train', 2100, 6).done).toBeCloseTo(1.25);
    applyUpdate(m, { type: 'trained', record: trained(4, 0.9) }, 5000);
    expect([...m.inTraining.keys()]).toEqual([1]);
    expect(m.trainSeconds).toEqual([4]);
    // The next one starts on the worker the trained one freed, from then.
    applyUpdate(m, { type: 'training', index: 5, progress: progress(0, 0) }, 6000);
    expect(m.inTraining.get(5)?.start).toBe(5000);
    expect(m.inTraining.get(1)?.start).toBe(1000);
    // A stop puts every candidate cut off back in the queue.
    settleAfterStop(m);
    expect(m.inTraining.size).toBe(0);
    expect([m.state[1], m.state[4], m.state[5]]).toEqual([ROW.queued, ROW.done, ROW.queued]);
  });
});

describe('the whole run’s ETA', () => {
  const plan: RunPlan = { samples: 100, epochs: 2, trainSamples: 1000, scoreBatch: 50, scorers: 2, trainers: 1, workerScore: true, forwardScore: true };
  /** A neuronas run costed (100 in 0.5 s, 60 feasible) and scoring since t = 1 s. */
  function scoring(scoredBy2s: number): SearchModel {
    const m = createModel('neuronas', 100, 3);
    applyUpdate(m, { type: 'stage', stage: 'cost', state: 'start', ms: 0, count: 0 }, 0);
    applyUpdate(m, { type: 'costed', count: 100, rejected: 40 }, 500);
    applyUpdate(m, { type: 'stage', stage: 'cost', state: 'end', ms: 500, count: 100 }, 500);
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'start', ms: 0, count: 60 }, 1000);
    for (let i = 0; i < scoredBy2s; i++) applyUpdate(m, { type: 'scored', index: i, score: i }, 2000);
    return m;
  }

  it('is unknown until scoring has a measured rate', () => {
    const m = createModel('neuronas', 100, 3);
    expect(runEtaS(m, 0, plan)).toBeNull();
    expect(runEtaS(scoring(0), 2000, plan)).toBeNull();
  });

  it('adds scoring left at its rate and training at the prior from scoring’s time per image', () => {
    // 20 scored in 1 s on 2 workers: 0.1 s per candidate per worker, 40 left → 2 s.
    const m = scoring(20);
    // Training prior: 0.1 s per 50 images scored → 2 × 1000 images × 0.1 / 50 × factor per candidate on one worker;
    // the two workers train each candidate together, PAIR_TRAINING_SPEEDUP times as fast.
    const perCandidate = (((0.1 * 2 * 1000) / 50) * TRAIN_PER_SCORE_IMAGE) / PAIR_TRAINING_SPEEDUP;
    expect(runEtaS(m, 2000, plan)).toBeCloseTo(2 + 3 * perCandidate, 6);
    // A cost-model ranking is no measure of a network's passes: training's time waits for training.
    expect(runEtaS(m, 2000, { ...plan, workerScore: false })).toBeNull();
    // Nor is a gradient pass or a few training steps (snip, early_loss): scoring's time left counts, training's waits.
    expect(runEtaS(m, 2000, { ...plan, forwardScore: false })).toBeNull();
  });

  it('extrapolates the candidate in training, then uses the measured time per candidate', () => {
    const m = scoring(60);
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'end', ms: 1000, count: 60 }, 2000);
    applyUpdate(m, { type: 'selected', indices: [1, 2, 3] }, 2000);
    applyUpdate(m, { type: 'stage', stage: 'train', state: 'start', ms: 0, count: 3 }, 2000);
    // A quarter of its epochs in 5 s: 20 s a candidate, 15 s left of this one, 40 s for the two queued.
    applyUpdate(m, { type: 'training', index: 1, progress: { epoch: 0, epochs: 2, batch: 4, batches: 10, loss: 1 } }, 7000);
    expect(runEtaS(m, 7000, plan)).toBeCloseTo(15 + 40, 6);
    applyUpdate(m, { type: 'trained', record: trained(1, 0.8) }, 32_000);
    // The first took 30 s: the two left take 30 s each (the next has only just started).
    expect(runEtaS(m, 32_000, plan)).toBeCloseTo(60, 6);
    applyUpdate(m, { type: 'training', index: 2, progress: { epoch: 0, epochs: 2, batch: 0, batches: 10, loss: 1 } }, 33_000);
    expect(runEtaS(m, 33_000, plan)).toBeCloseTo(29 + 30, 6);
    applyUpdate(m, { type: 'trained', record: trained(2, 0.7) }, 52_000);
    applyUpdate(m, { type: 'trained', record: trained(3, 0.7) }, 77_000);
    expect(runEtaS(m, 77_000, plan)).toBe(0);
    settleAfterStop(m);
    expect(runEtaS(m, 77_000, plan)).toBeNull();
  });

  it('with a cost-model ranking, gives the time left a few seconds into the first training, at the rate since its first report', () => {
    // Ranked by the parameter count: no scoring rate, so no prior; the model's build took 4 s before the first report.
    const m = scoring(60);
    const costRanked = { ...plan, workerScore: false };
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'end', ms: 1000, count: 60 }, 2000);
    applyUpdate(m, { type: 'selected', indices: [1, 2, 3] }, 2000);
    applyUpdate(m, { type: 'stage', stage: 'train', state: 'start', ms: 0, count: 3 }, 2000);
    const at = (batch: number) => ({ epoch: 0, epochs: 2, batch, batches: 50, loss: 1 });
    applyUpdate(m, { type: 'training', index: 1, progress: at(0) }, 6000); // 1 % done
    expect(runEtaS(m, 6000, costRanked)).toBeNull();
    // 2 s later, 2 % more: too short a stretch to judge by.
    applyUpdate(m, { type: 'training', index: 1, progress: at(2) }, 8000);
    expect(runEtaS(m, 8000, costRanked)).toBeNull();
    // 4 s after the first report, 4 % more (1 s a per cent): 95 s left of this one, which will have taken 8 + 95 s, as each queued one will.
    applyUpdate(m, { type: 'training', index: 1, progress: at(4) }, 10_000);
    expect(runEtaS(m, 10_000, costRanked)).toBeCloseTo(95 + 2 * (8 + 95), 6);
    // The Trained bar says the same: training is all the run has left. (A plain rate since the stage began, 5 % of
    // 3 trainings in 8 s, said 472 s: the bar and the whole run disagreed on screen.)
    expect(trainingLeftS(m, 10_000, costRanked)).toBe(runEtaS(m, 10_000, costRanked));
    expect(stageProgress(m, 'train', 10_000, 60)).toMatchObject({ running: true, etaS: null });
  });

  it('lays the trainings left out on the training workers: two at once take about half as long', () => {
    const m = scoring(60);
    applyUpdate(m, { type: 'stage', stage: 'score', state: 'end', ms: 1000, count: 60 }, 2000);
    applyUpdate(m, { type: 'selected', indices: [1, 2, 3] }, 2000);
    applyUpdate(m, { type: 'stage', stage: 'train', state: 'start', ms: 0, count: 3 }, 2000);
    // Both a quarter of their epochs in 5 s: 20 s a candidate, 15 s left of each; the third then takes 20 s on the first free.
    const quarter = { epoch: 0, epochs: 2, batch: 4, batches: 10, loss: 1 };
    applyUpdate(m, { type: 'training', index: 1, progress: quarter }, 7000);
    applyUpdate(m, { type: 'training', index: 2, progress: quarter }, 7000);
    expect(runEtaS(m, 7000, { ...plan, trainers: 2 })).toBeCloseTo(15 + 20, 6);
    // The first trained in 20 s, the second at its last batch: the third takes 20 s on the worker the first freed.
    applyUpdate(m, { type: 'trained', record: trained(1, 0.8) }, 22_000);
    applyUpdate(m, { type: 'training', index: 2, progress: { ...quarter, epoch: 1, batch: 9 } }, 22_000);
    expect(runEtaS(m, 22_000, { ...plan, trainers: 2 })).toBeCloseTo(20, 6);
  });

  it('reads as an estimate, rounded up', () => {
    expect(formatEta(0.2)).toBe('about 5 s left');
    expect(formatEta(41)).toBe('about 45 s left');
    expect(formatEta(61)).toBe('about 2 min left');
    expect(formatEta(3 * 3600 + 125)).toBe('about 3 h 3 min left');
  });
});

describe('pareto data', () => {
  it('keeps the 2-D front (y up, x down) with duplicates, feasible only', () => {
    const xs = [1, 2, 2, 3, 0.5, 1];
    const ys = [5, 6, 6, 4, 9, 5];
    expect([...front2d(xs, ys, [1, 1, 1, 1, 0, 1], 6)]).toEqual([1, 1, 1, 0, 0, 1]);
  });

  it('plots scores until trained, greys infeasible, never drops them', () => {
    const m = createModel('snasnet', 4);
    const columns = allocateColumns(4);
    examine(m, columns, 0, [1, 2, 3], [true, false, true], 0);
    applyUpdate(m, { type: 'scored', index: 0, score: 1 }, 0);
    applyUpdate(m, { type: 'scored', index: 1, score: 5 }, 0);
    applyUpdate(m, { type: 'scored', index: 2, score: 3 }, 0);
    const d = paretoData(m, columns, new Uint8Array([0, 1, 0]), 'params', 'score', 'snasnet');
    expect(d.n).toBe(3);
    expect([...d.feasible]).toEqual([1, 0, 1]);
    expect([...d.front]).toEqual([1, 0, 1]);
    expect(d.bestIndex).toBe(2);
    // The same scores as early-training losses: plotted negated (up is better), so the lowest feasible loss is best
    // and on the front; the dearer candidate with the higher loss is dominated.
    const loss = paretoData(m, columns, new Uint8Array([0, 1, 0]), 'params', 'score', 'early_loss');
    expect([...loss.ys]).toEqual([-1, -5, -3]);
    expect([...loss.front]).toEqual([1, 0, 0]);
    expect(loss.bestIndex).toBe(0);
    applyUpdate(m, { type: 'trained', record: trained(0, 0.7) }, 0);
    const a = paretoData(m, columns, new Uint8Array([0, 1, 0]), 'params', 'accuracy', 'snasnet');
    expect(a.n).toBe(1);
    expect(a.best).toBe(0);
  });
});

describe('loadRun: a run document as the search state a finished search leaves', () => {
  it('a search run with a failed training read back from its file gives the scores, trained rows, failures and counts', async () => {
    const { defaultInputs } = await import('../src/core/inputs.ts');
    const { costingSettings, parseRunJson, runDataFromSearch, runJson } = await import('../src/core/files/run.ts');
    const { runSearch } = await import('../src/core/search/pipeline.ts');
    const { layerList } = await import('../src/core/arch/architecture.ts');
    const { parseGenome } = await import('../src/core/arch/genome.ts');
    const { loadRun } = await import('../src/ui/search/model.ts');
    const inputs = defaultInputs();
    const settings = { ...costingSettings(inputs), strategy: 'neuronas' as const, samples: 60, seed: 5, topK: 3, epochs: 2, dataset: 'mnist' };
    let trainings = 0;
    const run = await runSearch(settings, {
      async score(genomes, _signal, onScore) {
        genomes.forEach((g, i) => onScore(i, g.length + i / 100));
      },
      async train(genome, epochs) {
        // The second candidate chosen cannot be trained.
        if (trainings++ === 1) throw new Error('out of memory');
        const curve = Array.from({ length: epochs }, (_, e) => ({ epoch: e + 1, loss: 1 / (e + 1), trainAccuracy: 0.5 + e / 10, testAccuracy: 0.4 + e / 10 }));
        return { accuracyFloat: 0.6, accuracyQuantized: 0.55 + genome.length / 1e4, spikeRates: layerList(parseGenome(genome)).map(() => 0.2), epochs: curve, backend: 'cpu', samplesPerSecond: 100 };
      },
    });
    expect(run.failures).toHaveLength(1);
    const read = parseRunJson(runJson(runDataFromSearch(run, inputs)));
    if (!read.ok) throw new Error(read.problems.join('; '));
    const loaded = loadRun(read.run)!;
    const m = loaded.model;
    expect(m.count).toBe(60);
    expect(m.counts).toEqual({ costed: 60, rejected: run.counts.rejectedBeforeScoring, scored: run.counts.scored, trained: 2, failed: 1 });
    for (const c of run.candidates) expect(m.scores[c.index]).toBe(c.score ?? NaN);
    expect([...m.trained.keys()].sort((a, b) => a - b)).toEqual(run.trained.map((t) => t.index).sort((a, b) => a - b));
    for (const t of run.trained) {
      expect(m.state[t.index]).toBe(ROW.done);
      expect(m.trained.get(t.index)!.result.epochs).toEqual(t.result.epochs);
    }
    expect(m.failures).toEqual(run.failures);
    expect(m.state[run.failures[0].index]).toBe(ROW.failed);
    expect(loaded.stopped).toBe(false);
    expect(stageProgress(m, 'train', 0, 60)).toMatchObject({ done: 3, expected: 3, running: false });
    // A costed set (no search in it) loads to nothing.
    expect(loadRun({ ...read.run, source: 'costing', settings: { ...read.run.settings, strategy: null } })).toBeNull();
  });
});
