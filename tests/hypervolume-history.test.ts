/** The search over time: hypervolume and best accuracy under the budgets after each evaluation, and the run file's evaluation times. */
import { describe, expect, it } from 'vitest';
import { makeRng } from '../src/core/arch/sampler.ts';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { HypervolumeFront, costMaxima, hypervolumeHistory, hypervolumeReference, mergeMaxima, normalisedPoint, type TrainedPoint } from '../src/core/compare/hypervolume-history.ts';
import { comparedRun, judgeRun, runHistory } from '../src/core/compare/runs.ts';
import { hypervolume } from '../src/core/search/pareto.ts';
import { DEFAULT_SEARCH_SPACE } from '../src/core/arch/sampler.ts';
import { DEFAULT_HARDWARE } from '../src/core/cost/hardware.ts';
import { parseRunJson, runJson, toRunDocument, type RunData } from '../src/core/files/run.ts';
import type { CostFigures, Evaluation } from '../src/core/search/pipeline.ts';
import type { Budgets } from '../src/core/settings.ts';

const costs = (params: number, areaMm2: number, latencyMs: number, energyUJ: number): CostFigures => ({ params, memoryBits: params * 8, areaMm2, latencyMs, energyUJ, tiles: 1, crossbars: 1 });
const BUDGETS: Budgets = { maxParams: 100, maxAreaMm2: 10, maxLatencyMs: 4, maxEnergyUJ: 8 };

// Five trained candidates, in the unit box of the budgets above (each cost over its budget, 1 − accuracy):
//   A 0.8, all costs half their budget           → [0.2, 0.5, 0.5, 0.5, 0.5], box 0.8·0.5⁴ = 0.05
//   B 0.6, a quarter of the parameters           → [0.4, 0.25, 0.5, 0.5, 0.5], box 0.6·0.75·0.5³ = 0.05625;
//     A ∩ B = [0.4, 0.5, …] = 0.6·0.5⁴ = 0.0375, so A ∪ B = 0.05 + 0.05625 − 0.0375 = 0.06875
//   C 0.7, more parameters than A                → dominated by A: nothing
//   D 0.95, over the area budget                 → not within the budgets: nothing
//   E 0.9, A's costs                             → dominates A: E ∪ B = 0.05625 + 0.05625 − 0.0375 = 0.075
const TRAINED: Record<number, TrainedPoint> = {
  0: { accuracy: 0.8, costs: costs(50, 5, 2, 4) },
  1: { accuracy: 0.6, costs: costs(25, 5, 2, 4) },
  2: { accuracy: 0.7, costs: costs(60, 5, 2, 4) },
  3: { accuracy: 0.95, costs: costs(50, 12, 2, 4) },
  4: { accuracy: 0.9, costs: costs(50, 5, 2, 4) },
};
const EVALUATIONS: Evaluation[] = [
  ...[0, 1, 2, 3, 4, 5, 6].map((index): Evaluation => ({ index, stage: 'score', atMs: 10 * (index + 1) })),
  ...[0, 1, 2, 3, 4].map((index): Evaluation => ({ index, stage: 'train', atMs: 100 * (index + 1) })),
];

describe('the hypervolume history', () => {
  const reference = hypervolumeReference(BUDGETS, { params: 1e9, areaMm2: 1e9, latencyMs: 1e9, energyUJ: 1e9 });

  it('takes each finite budget as its reference, and the largest candidate where there is no budget', () => {
    expect(reference).toEqual([100, 10, 4, 8]);
    const maxima = mergeMaxima(costMaxima([costs(300, 20, 1, 2)]), costMaxima([costs(10, 1, 6, 9)]));
    expect(maxima).toEqual({ params: 300, areaMm2: 20, latencyMs: 6, energyUJ: 9 });
    expect(hypervolumeReference({ ...BUDGETS, maxAreaMm2: Infinity, maxParams: Infinity }, maxima)).toEqual([300, 20, 4, 8]);
    expect(normalisedPoint(TRAINED[0], reference)).toEqual([0.19999999999999996, 0.5, 0.5, 0.5, 0.5]);
  });

  it('gives the hand-computed hypervolume and best accuracy after every evaluation', () => {
    const h = hypervolumeHistory(EVALUATIONS, (i) => TRAINED[i], BUDGETS, reference);
    expect(h.evaluated).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(h.atMs).toEqual([10, 20, 30, 40, 50, 60, 70, 100, 200, 300, 400, 500]);
    const hv = [0, 0, 0, 0, 0, 0, 0, 0.05, 0.06875, 0.06875, 0.06875, 0.075];
    h.hypervolume.forEach((v, k) => expect(v, `after evaluation ${k + 1}`).toBeCloseTo(hv[k], 12));
    expect(h.bestAccuracy).toEqual([NaN, NaN, NaN, NaN, NaN, NaN, NaN, 0.8, 0.8, 0.8, 0.8, 0.9]);
  });

  it('re-judges under other budgets: lifting the area budget lets D in, against the largest area as reference', () => {
    const lifted = { ...BUDGETS, maxAreaMm2: Infinity };
    // Area reference 12 (D's): A = [0.2, 0.5, 5/12, 0.5, 0.5] has box 0.8·0.5·(7/12)·0.25 = 7/120, and so on.
    const ref = hypervolumeReference(lifted, { params: 60, areaMm2: 12, latencyMs: 2, energyUJ: 4 });
    expect(ref).toEqual([100, 12, 4, 8]);
    const h = hypervolumeHistory(EVALUATIONS, (i) => TRAINED[i], lifted, ref);
    expect(h.hypervolume[7]).toBeCloseTo(0.8 * 0.5 * (7 / 12) * 0.25, 12);
    // D (0.95, area 12) sits on the area reference: it has no box, but it is within the budgets and the most accurate.
    expect(h.hypervolume[10]).toBeCloseTo(h.hypervolume[9], 12);
    expect(h.bestAccuracy[10]).toBe(0.95);
  });

  it('adds exclusive contributions that sum to the hypervolume measured from scratch, in any order', () => {
    const rng = makeRng(11);
    for (let trial = 0; trial < 30; trial++) {
      const pts = Array.from({ length: 25 }, () => Array.from({ length: 5 }, () => uniformInt(rng, 0, 10) / 10));
      const front = new HypervolumeFront();
      for (let k = 0; k < pts.length; k++) {
        front.add(pts[k]);
        expect(front.volume).toBeCloseTo(hypervolume(pts.slice(0, k + 1), [1, 1, 1, 1, 1], ['min', 'min', 'min', 'min', 'min']), 10);
      }
    }
  });
});

const SETTINGS: RunData['settings'] = {
  strategy: 'neuronas',
  rankBy: 'params',
  samples: 3,
  seed: 1,
  space: DEFAULT_SEARCH_SPACE,
  hardware: DEFAULT_HARDWARE,
  budgets: { maxParams: Infinity, maxAreaMm2: Infinity, maxLatencyMs: Infinity, maxEnergyUJ: Infinity },
  topK: 1,
  epochs: 1,
  dataset: 'mnist',
};
const GENOMES = ['c16-h128-t4-w8-301203', 'c8-h64-t2-w8-321132', 'c8-h64-t2-w4-321132'];

function runOf(evaluations?: Evaluation[]): RunData {
  const candidate = (i: number) => ({ index: i, genome: GENOMES[i], costs: costs(10 * (i + 1), 1, 1, 1), pes: null, feasible: true, violation: 0, score: i === 2 ? null : 10 * (i + 1) });
  const result = { accuracyFloat: 0.5, accuracyQuantized: 0.5, spikeRates: [], epochs: [], backend: 'test', samplesPerSecond: 1 };
  return {
    source: 'search',
    inputs: null,
    settings: SETTINGS,
    candidates: [0, 1, 2].map(candidate),
    trained: [{ index: 1, genome: GENOMES[1], result, measuredCosts: costs(20, 1, 1, 1), feasible: true }],
    front: [1],
    timings: null,
    counts: null,
    stopped: false,
    ...(evaluations ? { evaluations } : {}),
  };
}

describe('evaluation times in the run file', () => {
  const timed: Evaluation[] = [
    { index: 1, stage: 'score', atMs: 3.5 },
    { index: 0, stage: 'score', atMs: 7.25 },
    { index: 1, stage: 'train', atMs: 1200 },
  ];

  it('writes each candidate\'s scoring and training time on it, and reads the evaluations back in the order they finished', () => {
    const doc = toRunDocument(runOf(timed));
    expect(doc.candidates.map((c) => c.scored_at_ms)).toEqual([7.25, 3.5, null]);
    expect(doc.trained.map((t) => t.trained_at_ms)).toEqual([1200]);
    const back = parseRunJson(runJson(runOf(timed)));
    expect(back.ok && back.run.evaluations).toEqual(timed);
  });

  it('reads a file without them (written before they were) as a run without evaluations, and writes it again without them', () => {
    const doc = toRunDocument(runOf());
    expect('scored_at_ms' in doc.candidates[0]).toBe(false);
    expect('trained_at_ms' in doc.trained[0]).toBe(false);
    const back = parseRunJson(runJson(runOf()));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.run.evaluations).toBeUndefined();
    // The comparison then orders by sampling, then training, and has no time axis.
    const c = comparedRun(back.run, 'old');
    expect(c.evaluations).toEqual([
      { index: 0, stage: 'score', atMs: NaN },
      { index: 1, stage: 'score', atMs: NaN },
      { index: 1, stage: 'train', atMs: NaN },
    ]);
    expect(c.timed).toBe(false);
    expect(c.ordered).toBe(false);
  });

  it('refuses a negative or non-numeric time, naming where', () => {
    const doc = JSON.parse(runJson(runOf(timed)));
    doc.candidates[0].scored_at_ms = -1;
    doc.trained[0].trained_at_ms = 'soon';
    const r = parseRunJson(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems.join('\n');
    expect(problems).toMatch(/candidates\[0\]\.scored_at_ms/);
    expect(problems).toMatch(/trained\[0\]\.trained_at_ms/);
  });

  it('judges a run read from a file: its best under the budgets, its hypervolume and history', () => {
    const c = comparedRun(runOf(timed), 'timed');
    expect(c.timed).toBe(true);
    const ref = hypervolumeReference(SETTINGS.budgets, c.maxima);
    // The largest candidate has 30 parameters and 1 of each other cost: the trained one sits at [0.5, 20/30, 1, 1, 1],
    // on the reference in three costs, so it has no box, but it is the best under the (lifted) budgets.
    expect(ref).toEqual([30, 1, 1, 1]);
    const v = judgeRun(c, SETTINGS.budgets, ref);
    expect(v.best?.genome).toBe(GENOMES[1]);
    expect(v.within).toBe(1);
    expect(v.hypervolume).toBe(0);
    const wider = hypervolumeReference(SETTINGS.budgets, { ...c.maxima, areaMm2: 2, latencyMs: 2, energyUJ: 4 });
    // [0.5, 2/3, 0.5, 0.5, 0.25]: 0.5 · (1/3) · 0.5 · 0.5 · 0.75
    expect(judgeRun(c, SETTINGS.budgets, wider).hypervolume).toBeCloseTo(0.5 * (1 / 3) * 0.5 * 0.5 * 0.75, 12);
    const h = runHistory(c, SETTINGS.budgets, wider);
    expect(h.atMs).toEqual([3.5, 7.25, 1200]);
    expect(h.bestAccuracy).toEqual([NaN, NaN, 0.5]);
    expect(judgeRun(c, { ...SETTINGS.budgets, maxParams: 15 }, wider)).toEqual({ best: null, hypervolume: 0, within: 0 });
  });
});
