/**
 * The Slurm deployment for real: Debian's slurm-wlm and munge on this
 * machine, started by deploy/slurm/local-cluster.sh, a tiny sharded search
 * submitted by deploy/slurm/submit.sh (3 search shards, a dependent merge,
 * 2 train shards, the final merge), its run compared with the same search on
 * one machine, and the cluster stopped again, also when a step fails.
 *
 * It needs root on Debian (it installs the packages with apt-get when they
 * are missing, and slurmd runs jobs as their users); elsewhere it is skipped
 * and its name says why. CI installs the packages.
 */
import { withoutEvaluationTimes } from './run-times.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runSearchCommand } from '../src/cli/search.ts';
import { fakeIO } from './cli-io.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const CLUSTER = join(ROOT, 'deploy/slurm/local-cluster.sh');
const SUBMIT = join(ROOT, 'deploy/slurm/submit.sh');

function skipReason(): string | null {
  if (process.platform !== 'linux' || !existsSync('/etc/debian_version')) return 'not Debian: install slurm-wlm and munge and run as root to test the Slurm deployment';
  if (process.getuid?.() !== 0) return 'not root: Slurm cannot be installed and slurmd cannot start jobs; run as root on Debian';
  return null;
}
const reason = skipReason();

const SEARCH = ['--rank-by', 'snasnet', '--samples', '12', '--seed', '4', '--top-k', '1', '--epochs', '1', '--train-samples', '500', '--score-batch', '16', '--channels-min', '8', '--channels-max', '16', '--timesteps-min', '2', '--timesteps-max', '3', '--hidden', '64', '--backend', 'wasm'];

describe.skipIf(reason !== null)(reason ? `Slurm deployment (skipped: ${reason})` : 'Slurm deployment', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let started = false;

  beforeAll(async () => {
    if (!existsSync('/usr/sbin/slurmctld') || !existsSync('/usr/sbin/munged')) {
      await run('apt-get', ['update', '-qq'], { timeout: 240_000 });
      await run('apt-get', ['install', '-y', '-qq', 'slurm-wlm', 'munge'], { timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    }
    dir = await mkdtemp(join(tmpdir(), 'neuronas-slurm-'));
    env = { ...process.env, SLURM_CONF: join(dir, 'cluster', 'slurm.conf') };
    started = true;
    const { stdout } = await run(CLUSTER, ['start', join(dir, 'cluster')], { timeout: 60_000 });
    expect(stdout.trim()).toBe(`export SLURM_CONF=${env.SLURM_CONF}`);
  }, 600_000);

  afterAll(async () => {
    if (started) await run(CLUSTER, ['stop', join(dir, 'cluster')], { timeout: 60_000 });
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 90_000);

  it('runs a sharded search as array jobs chained by afterok, and its merged run is the one machine\'s', async () => {
    const work = join(dir, 'work');
    const [submitted, single] = await Promise.all([
      run(SUBMIT, ['--shards', '3', '--train-shards', '2', '--work', work, '--wait', '--', ...SEARCH], { env, timeout: 170_000 }),
      (async () => {
        const io = fakeIO();
        expect(await runSearchCommand([...SEARCH, '--json'], io)).toBe(0);
        return io.stdout.join('');
      })(),
    ]);
    const lines = submitted.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^search \d+ scored \d+ train \d+ final \d+$/);
    expect(lines[1]).toBe(join(work, 'run.json'));
    expect((await readdir(join(work, 'search'))).sort()).toEqual(['search-0-of-3.jsonl', 'search-1-of-3.jsonl', 'search-2-of-3.jsonl']);
    expect((await readdir(join(work, 'train'))).sort()).toEqual(['train-0-of-2.jsonl', 'train-1-of-2.jsonl']);
    const comparable = (text: string) => {
      const { exported_at: _, timings: __, ...doc } = withoutEvaluationTimes(JSON.parse(text));
      doc.trained = doc.trained.map((t: Record<string, unknown>) => ({ ...t, samples_per_second: 0 }));
      return doc;
    };
    const merged = comparable(await readFile(join(work, 'run.json'), 'utf8'));
    expect(merged.counts).toMatchObject({ sampled: 12, trained: 1 });
    expect(merged.trained[0].accuracy_quantized).toBeGreaterThan(0.2);
    expect(merged).toEqual(comparable(single));
  }, 180_000);
});
