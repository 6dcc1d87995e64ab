/**
 * A sharded search against one machine's, with the real tfjs scorer and
 * trainer (wasm): the merged shards give the same candidates, costs, scores
 * and trained top k as runSearch in one process, on 1 and on 3 shards; a
 * shard killed mid-line loses only that line and resumes; merge refuses
 * shards that do not make one run.
 */
import { withoutEvaluationTimes } from './run-times.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultParams } from '../src/core/params.ts';
import { searchSettingsFromParams } from '../src/core/settings.ts';
import { runSearch, type Evaluators } from '../src/core/search/pipeline.ts';
import { runDataFromSearch, toRunDocument, type RunData, type RunDocument } from '../src/core/files/run.ts';
import { mergeShards, readShardText, resumeProblem, shardProgress, type ShardFile } from '../src/core/files/shard-file.ts';
import {
  ShardingError,
  dealByCost,
  parseShardSpec,
  planSearchShards,
  planTrainShards,
  runSearchShard,
  runTrainShard,
  searchShardHeader,
  shardFromEnvironment,
  trainShardHeader,
} from '../src/core/search/shards.ts';
import { imageWork, scoreMs, type SearchWork } from '../src/core/search/estimate.ts';
import { createLocalEvaluators } from '../src/cli/local-evaluators.ts';
import { proxyKnobsFromParams } from '../src/core/calibration/plan.ts';

const params = { ...defaultParams(), channelsMin: 8, channelsMax: 16, timestepsMin: 2, timestepsMax: 3, hidden: [64] };
const WORK: SearchWork = {
  ...searchSettingsFromParams(params),
  strategy: 'neuronas',
  // The SNASNet score, from the real scorer (the default ranks by the parameter count, a cost-model proxy).
  rankBy: 'snasnet',
  samples: 14,
  seed: 11,
  topK: 2,
  epochs: 1,
  dataset: 'mnist',
  budgets: { maxParams: 80_000, maxAreaMm2: Infinity, maxLatencyMs: Infinity, maxEnergyUJ: 8 },
  scoreBatch: 16,
  proxyKnobs: proxyKnobsFromParams(params),
  trainSamples: 300,
};

let evaluators: Evaluators & { backend: string };

/** Runs both phases on `count` shards, in memory; returns each shard file's text. */
async function shardedTexts(work: SearchWork, count: number): Promise<{ search: string[]; train: string[] }> {
  const plan = planSearchShards(work, count);
  const search: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    await runSearchShard(work, plan, searchShardHeader(work, plan, { index: i, count }, evaluators.backend), evaluators, { previous: null, write: (l) => void (text += l) });
    search.push(text);
  }
  const scored = merge(search);
  const evaluation = { score_batch: work.scoreBatch, train_samples: work.trainSamples, backend: evaluators.backend };
  const trainPlan = planTrainShards(scored, work.trainSamples, count);
  const train: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    await runTrainShard(scored, trainShardHeader(scored, trainPlan, { index: i, count }, evaluation), evaluators, { previous: null, write: (l) => void (text += l) });
    train.push(text);
  }
  return { search, train };
}

function read(texts: string[], prefix: string): ShardFile[] {
  return texts.map((t, i) => {
    const r = readShardText(`${prefix}-${i}.jsonl`, t);
    if (!r.ok) throw new Error(r.problems.join('\n'));
    return r.file;
  });
}

function merge(search: string[], train: string[] = []): RunData {
  const r = mergeShards([...read(search, 'search'), ...read(train, 'train')]);
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.run;
}

function mergeProblems(search: string[], train: string[] = []): string[] {
  const r = mergeShards([...read(search, 'search'), ...read(train, 'train')]);
  return r.ok ? [] : r.problems;
}

/** What must be equal: everything but when it was written, how long it took and how fast training went. */
function comparable(run: RunData): Omit<RunDocument, 'exported_at' | 'timings'> {
  const { exported_at: _, timings: __, ...doc } = withoutEvaluationTimes(toRunDocument(run));
  return { ...doc, trained: doc.trained.map((t) => ({ ...t, samples_per_second: 0 })) };
}

describe('a sharded search', () => {
  let single: RunData;
  let one: { search: string[]; train: string[] };
  let three: { search: string[]; train: string[] };

  beforeAll(async () => {
    evaluators = await createLocalEvaluators({ dataset: 'mnist', backend: 'wasm', seed: WORK.seed, scoreBatch: WORK.scoreBatch, trainSamples: WORK.trainSamples });
    single = runDataFromSearch(await runSearch(WORK, evaluators));
    one = await shardedTexts(WORK, 1);
    three = await shardedTexts(WORK, 3);
  }, 120_000);

  it('merges, on 1 and on 3 shards, into the run one machine makes: candidates, costs, scores and trained top k to the bit', () => {
    const s = comparable(single);
    // The search is not trivial: some candidates are over a budget, several are scored, two are trained.
    expect(s.counts!.rejected_before_scoring).toBeGreaterThan(0);
    expect(s.counts!.scored).toBeGreaterThan(2);
    expect(s.trained).toHaveLength(2);
    expect(s.front.length).toBeGreaterThan(0);
    expect(comparable(merge(one.search, one.train))).toEqual(s);
    expect(comparable(merge(three.search, three.train))).toEqual(s);
    // Merging only the search shards gives the scored run: the same candidates and scores, nothing trained yet.
    const scored = comparable(merge(three.search));
    expect(scored.candidates).toEqual(s.candidates);
    expect(scored.trained).toEqual([]);
  });

  it('ranks by a cost-model proxy as one machine does (the pipeline scores each shard\'s part)', async () => {
    const byParams: SearchWork = { ...WORK, rankBy: 'params', topK: 0 };
    const oneMachine = comparable(runDataFromSearch(await runSearch(byParams, evaluators)));
    const sharded = await shardedTexts(byParams, 3);
    expect(comparable(merge(sharded.search, sharded.train))).toEqual(oneMachine);
    const scored = oneMachine.candidates.filter((c) => c.score !== null);
    expect(scored.length).toBeGreaterThan(2);
    for (const c of scored) expect(c.score).toBe(c.params);
  });

  it('splits the work: each shard owns a share of the candidates, every candidate is owned once', () => {
    const files = read(three.search, 'search');
    const owned = files.flatMap((f) => f.header.owned).sort((a, b) => a - b);
    expect(owned).toEqual([...Array(single.candidates.length).keys()]);
    for (const f of files) {
      expect(f.header.owned.length).toBeGreaterThan(0);
      // A shard scores only the candidates it owns that NeuroNAS scores (the feasible ones).
      for (const i of f.scores.keys()) expect(f.header.owned).toContain(i);
    }
  });

  it('loses only the unfinished record of a shard killed mid-line, and a rerun finishes it from there', async () => {
    const full = three.search[1];
    const lines = full.split('\n');
    let lastScored = lines.length - 1;
    while (!lines[lastScored].includes('"type":"scored"')) lastScored--;
    // Killed while writing its last score: the file ends half-way through that line (no done).
    const cut = lines.slice(0, lastScored).join('\n') + '\n' + lines[lastScored].slice(0, 20);
    const partial = readShardText('search-1.jsonl', cut);
    if (!partial.ok) throw new Error(partial.problems.join('\n'));
    expect(partial.file.torn).toBe(true);
    expect(partial.file.done).toBeNull();
    const before = read([full], 'x')[0];
    expect(partial.file.scores.size).toBe(before.scores.size - 1);
    expect(partial.file.wholeBytes).toBe(Buffer.byteLength(lines.slice(0, lastScored).join('\n') + '\n'));
    // The merge refuses it and says how to go on.
    expect(mergeProblems([three.search[0], cut.slice(0, cut.lastIndexOf('\n') + 1), three.search[2]])).toEqual([
      expect.stringMatching(/^search shard 1\/3 \(search-1.jsonl\) has not finished \(\d+ costed, \d+ scored\); run it again: it resumes where it stopped$/),
    ]);
    // The rerun keeps the whole lines, scores only what is missing, and the merge is the one machine's run.
    const plan = planSearchShards(WORK, 3);
    const head = searchShardHeader(WORK, plan, { index: 1, count: 3 }, evaluators.backend);
    expect(resumeProblem(partial.file.header, head)).toBeNull();
    let text = cut.slice(0, partial.file.wholeBytes);
    const outcome = await runSearchShard(WORK, plan, head, evaluators, { previous: partial.file, write: (l) => void (text += l) });
    expect(outcome.written).toBe(2); // the lost score and done
    expect(comparable(merge([three.search[0], text, three.search[2]], three.train))).toEqual(comparable(single));
    // A finished shard run again does nothing.
    const again = await runSearchShard(WORK, plan, head, evaluators, { previous: read([text], 'y')[0], write: () => expect.unreachable() });
    expect(again.alreadyDone).toBe(true);
  });

  it('refuses, with every reason, shards of other settings, shards given twice or missing, and a rerun with other settings', () => {
    const otherSeed = three.search[2].replace('"seed":11', '"seed":12');
    expect(mergeProblems([three.search[0], three.search[1], otherSeed])).toEqual(['search-2.jsonl and search-0.jsonl are shards of different searches: settings.seed: 12 against 11']);
    const otherBackend = three.search[2].replace(`"backend":"${evaluators.backend}"`, '"backend":"cpu"');
    expect(mergeProblems([three.search[0], three.search[1], otherBackend])).toEqual([`search-2.jsonl and search-0.jsonl were evaluated differently, so their results do not merge into one run: evaluation.backend: "cpu" against "${evaluators.backend}"`]);
    expect(mergeProblems([three.search[0], three.search[1], three.search[1]])).toEqual([
      'search shard 1/3 is given twice: search-1.jsonl and search-2.jsonl',
      'search shard 2/3 is missing (3 of 3 given)',
    ]);
    expect(mergeProblems([three.search[0], three.search[2]])).toEqual(['search shard 1/3 is missing (2 of 3 given)']);
    expect(mergeProblems([three.search[0], one.search[0]])).toEqual(['the search shards were split different ways: search-0.jsonl is 0/3, search-1.jsonl is 0/1']);
    expect(mergeProblems([], three.train)).toEqual(['no search shard given: a merge needs every search shard (and, for the trained top k, every train shard)']);
    // A train shard need not agree on the score batch (it scores nothing), but must train on the search's images.
    expect(mergeProblems(three.search, three.train.map((t) => t.replace('"score_batch":16', '"score_batch":64')))).toEqual([]);
    expect(mergeProblems(three.search, [three.train[0].replace('"train_samples":300', '"train_samples":500'), ...three.train.slice(1)])).toEqual([
      'train-0.jsonl and search-0.jsonl were evaluated differently, so their results do not merge into one run: evaluation.train_samples: 500 against 300',
    ]);
    const missingTrain = mergeProblems(three.search, three.train.slice(0, 1));
    expect(missingTrain).toEqual(['train shards 1/3, 2/3 are missing (1 of 3 given)']);
    const plan = planSearchShards({ ...WORK, seed: 12 }, 3);
    const file = read([three.search[0]], 'search')[0];
    expect(resumeProblem(file.header, searchShardHeader({ ...WORK, seed: 12 }, plan, { index: 0, count: 3 }, evaluators.backend))).toMatch(/^it was started with other settings \(settings\.seed: 11 against 12\)/);
  });

  it('tells where each shard of a run in flight stands: costed, scored or trained of its own, done, missing', () => {
    const lines = three.search[1].split('\n');
    let lastScored = lines.length - 1;
    while (!lines[lastScored].includes('"type":"scored"')) lastScored--;
    const inFlight = lines.slice(0, lastScored).join('\n') + '\n' + lines[lastScored].slice(0, 20);
    const cut = readShardText('search-1.jsonl', inFlight);
    if (!cut.ok) throw new Error(cut.problems.join('\n'));
    const files = [...read([three.search[0]], 'search'), cut.file, ...read(three.train.slice(2), 'last-train')];
    const whole = read(three.search, 'search');
    const progress = shardProgress(files);
    expect(progress.map((p) => [p.phase, p.count, p.missing])).toEqual([
      ['search', 3, [2]],
      ['train', 3, [0, 1]],
    ]);
    const [s0, s1] = progress[0].shards;
    expect(s0).toEqual({ name: 'search-0.jsonl', phase: 'search', shard: '0/3', costed: whole[0].costed.size, evaluated: whole[0].scores.size, owned: whole[0].header.owned.length, done: true, torn: false });
    // The shard cut off mid-line: one score short of the finished file, not done, its last line torn.
    expect(s1).toMatchObject({ shard: '1/3', costed: whole[1].costed.size, evaluated: whole[1].scores.size - 1, done: false, torn: true });
    const t2 = read(three.train.slice(2), 'last-train')[0];
    expect(progress[1].shards).toEqual([{ name: 'last-train-0.jsonl', phase: 'train', shard: '2/3', costed: 0, evaluated: t2.trained.size + t2.failed.size, owned: t2.header.owned.length, done: true, torn: false }]);
  });

  it('reads a damaged line as a problem naming the file and line', () => {
    const lines = three.search[0].split('\n');
    lines[2] = '{"type":"costed","index":"x"';
    const r = readShardText('s.jsonl', lines.join('\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^s\.jsonl line 3: not JSON/);
    expect(readShardText('e.jsonl', '')).toEqual({ ok: false, problems: ['e.jsonl: the file is empty; run the shard again'] });
    expect(readShardText('h.jsonl', '{"format":"neuronas-sh')).toEqual({ ok: false, problems: ['h.jsonl: its header was cut off before it was written whole; run the shard again'] });
  });
});

describe('the split', () => {
  it('deals by expected cost, dearest first to the least loaded shard, within one candidate of even', () => {
    // Contiguous blocks of this order would give one shard all the dear candidates.
    const costs = [50, 40, 30, 20, 10, 1, 1, 1, 1, 1, 1, 1];
    expect([...dealByCost(costs, 3)]).toEqual([0, 1, 2, 2, 1, 0, 1, 2, 0, 1, 2, 0]);
    // On a real search: each shard's estimated scoring time is within one candidate's of every other's.
    const work = { ...WORK, samples: 2000, seed: 3 };
    const plan = planSearchShards(work, 4);
    expect(plan.candidates).toHaveLength(2000);
    const load = [0, 0, 0, 0];
    let dearest = 0;
    for (let i = 0; i < 2000; i++) {
      if (!plan.scored[i]) continue;
      const ms = scoreMs(imageWork(plan.archs[i]), work.scoreBatch);
      load[plan.owner[i]] += ms;
      dearest = Math.max(dearest, ms);
    }
    expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(dearest);
    expect(Math.min(...load)).toBeGreaterThan(0);
  });

  it('takes the shard from Slurm\'s or Kubernetes\' environment, and refuses evolution', () => {
    expect(parseShardSpec('2/5')).toEqual({ index: 2, count: 5 });
    expect(() => parseShardSpec('5/5')).toThrow("'5/5': shards are numbered 0 to 4");
    expect(() => parseShardSpec('1-3')).toThrow("'1-3' is not I/N (shard I of N, I counted from 0)");
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0' }, null)).toEqual({ index: 3, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' }, null)).toEqual({ index: 3, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '7' }, 8)).toEqual({ index: 7, count: 8 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '7' }, null)).toThrow(/--shards N/);
    expect(shardFromEnvironment({}, null)).toBeNull();
    expect(() => planSearchShards({ ...WORK, strategy: 'evolution' }, 2)).toThrow(ShardingError);
    expect(() => planSearchShards({ ...WORK, strategy: 'evolution' }, 2)).toThrow(/^evolution cannot be sharded: each generation is bred from the scores of the one before/);
  });
});
