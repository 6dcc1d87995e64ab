/**
 * The sharded search's command line on real files: `search --shard --out`
 * (shard from the option or the scheduler's environment), a rerun that
 * resumes a killed shard, `merge` and its refusals, and the usage errors.
 */
import { withoutEvaluationTimes } from './run-times.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSearchArgs, runSearchCommand } from '../src/cli/search.ts';
import { runMerge, runTrainTop } from '../src/cli/shards.ts';
import { fakeIO } from './cli-io.ts';

const SEARCH = ['--samples', '10', '--seed', '6', '--top-k', '0', '--score-batch', '8', '--channels-min', '8', '--channels-max', '8', '--timesteps-min', '2', '--timesteps-max', '2', '--hidden', '64', '--backend', 'wasm'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'neuronas-shards-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('neuronas search --shard, merge', () => {
  it('evaluates a shard on wasm unless told, so shards run at once merge: auto’s probe could choose differently in each', () => {
    const shard = parseSearchArgs(['--shard', '0/3', '--out', '/tmp/x']);
    const whole = parseSearchArgs(['--json']);
    const told = parseSearchArgs(['--shard', '0/3', '--out', '/tmp/x', '--backend', 'auto']);
    expect(shard !== 'help' && shard.backend).toBe('wasm');
    expect(whole !== 'help' && whole.backend).toBe('auto');
    expect(told !== 'help' && told.backend).toBe('auto');
  });

  it('refuses what cannot be a shard in one line', () => {
    const problem = (argv: string[], env: Record<string, string> = {}) => {
      try {
        parseSearchArgs(argv, env);
        return null;
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(problem(['--shard', '0/2', '--json'])).toBe('--shard goes with --out DIR: a shard writes its part to a file there');
    expect(problem(['--out', 'd'])).toMatch(/^--out writes one shard: give --shard I\/N, or run in a Slurm array/);
    expect(problem(['--out', 'd', '--json', '--shard', '0/2'])).toMatch(/^--out DIR writes the shard to a file; --json prints a whole run/);
    expect(problem(['--out', 'd', '--shard', '2/2'])).toBe("--shard: '2/2': shards are numbered 0 to 1");
    expect(problem(['--out', 'd', '--strategy', 'evolution', '--shard', '0/2'])).toMatch(/^evolution cannot be sharded/);
    expect(problem(['--out', 'd'], { JOB_COMPLETION_INDEX: '1' })).toMatch(/--shards N/);
    const fromSlurm = parseSearchArgs(['--out', 'd'], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0' });
    expect(fromSlurm !== 'help' && fromSlurm.shard).toEqual({ spec: { index: 1, count: 3 }, dir: 'd' });
    const fromK8s = parseSearchArgs(['--out', 'd', '--shards', '4'], { JOB_COMPLETION_INDEX: '3' });
    expect(fromK8s !== 'help' && fromK8s.shard).toEqual({ spec: { index: 3, count: 4 }, dir: 'd' });
  });

  it('writes each shard to its file, resumes a killed one, and merges them into the run of one machine', async () => {
    const out = join(dir, 'search');
    for (const i of [0, 1]) {
      const io = fakeIO();
      expect(await runSearchCommand([...SEARCH, '--out', out, '--shard', `${i}/2`], io)).toBe(0);
      expect(io.stderr).toEqual([expect.stringMatching(new RegExp(`^search shard ${i}/2: \\d+ records written \\(.*search-${i}-of-2.jsonl\\)$`))]);
    }
    expect((await readdir(out)).sort()).toEqual(['search-0-of-2.jsonl', 'search-1-of-2.jsonl']);
    // Shard 1 killed while writing its last record: the rerun cuts the torn line and writes it and done again.
    const path = join(out, 'search-1-of-2.jsonl');
    const whole = await readFile(path, 'utf8');
    const lines = whole.split('\n').slice(0, -1);
    await writeFile(path, lines.slice(0, -2).join('\n') + '\n' + lines[lines.length - 2].slice(0, 15));
    const rerun = fakeIO();
    expect(await runSearchCommand([...SEARCH, '--out', out, '--shard', '1/2'], rerun)).toBe(0);
    expect(rerun.stderr[0]).toMatch(/^search shard 1\/2: 2 records written, resumed after \d+ \(/);
    const strip = (t: string) => t.split('\n').map((l) => l.replace(/"timings":\{[^}]*\}/, ''));
    expect(strip(await readFile(path, 'utf8'))).toEqual(strip(whole));
    // A rerun with other settings is refused and the file is kept.
    const other = fakeIO();
    expect(await runSearchCommand([...SEARCH.slice(0, 3), '7', ...SEARCH.slice(4), '--out', out, '--shard', '1/2'], other)).toBe(2);
    expect(other.stderr).toEqual([expect.stringMatching(/search-1-of-2\.jsonl: it was started with other settings \(settings\.seed: 6 against 7\)/)]);
    // The merge is the run the same search prints on one machine.
    const merged = fakeIO();
    const runPath = join(dir, 'run.json');
    expect(await runMerge([out, '--out', runPath], merged)).toBe(0);
    expect(merged.stderr).toEqual([expect.stringMatching(/^merged 2 search and 0 train shards: 10 candidates, \d+ scored, 0 trained → /)]);
    const single = fakeIO();
    expect(await runSearchCommand([...SEARCH, '--json'], single)).toBe(0);
    const comparable = (text: string) => {
      const { exported_at: _, timings: __, ...doc } = withoutEvaluationTimes(JSON.parse(text));
      return doc;
    };
    expect(comparable(await readFile(runPath, 'utf8'))).toEqual(comparable(single.stdout.join('')));
    // A missing shard is refused, and top-k 0 has nothing to train.
    const missing = fakeIO();
    expect(await runMerge([join(out, 'search-0-of-2.jsonl')], missing)).toBe(2);
    expect(missing.stderr).toEqual(['neuronas merge: search shard 1/2 is missing (1 of 2 given)']);
    const train = fakeIO();
    expect(await runTrainTop(['--run', runPath, '--shard', '0/1', '--out', join(dir, 'train'), '--seed', '3'], train)).toBe(2);
    expect(train.stderr).toEqual(["neuronas train-top: --seed: train-top takes the search's settings from --run"]);
  }, 60_000);
});
