/**
 * `npm run bench -- --only shards`: a sharded search on this machine's cores.
 *
 *   one_shard / two_shards   the same seeded NeuroNAS search (default space,
 *                            SAMPLES candidates, SNASNet-scored, nothing trained) as 1
 *                            shard and as 2 shards run at once (two `neuronas
 *                            search --shard I/2` processes on the two cores):
 *                            wall time of each, from spawning the processes to
 *                            the last one's exit (Node, the CLI bundle's and tfjs's start-up
 *                            included), and their ratio;
 *   merge                    `neuronas merge` of those shards (ms in process,
 *                            and the command's wall time);
 *   merge_20000              merging 4 shards of a 20 000-candidate search
 *                            (random strategy: costed, not scored, so it is
 *                            quick to make): ms in process and file sizes.
 * The merged run must equal the 1-shard run (checked: same_as_one_shard).
 * Each shard's own scoring time (its done record's score_ms) shows how the
 * work split; the load average before the part says how busy the machine
 * was (the two shards need two free cores to take half the time).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { mergeShards, readShardText, type ShardFile } from '../../src/core/files/shard-file.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/neuronas.mjs');
const SAMPLES = 800;
const SEARCH = ['--rank-by', 'snasnet', '--samples', String(SAMPLES), '--seed', '7', '--top-k', '0', '--score-batch', '32', '--backend', 'wasm'];

async function shards(dir: string, count: number, args: string[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => run('node', [CLI, 'search', ...args, '--shard', `${i}/${count}`, '--out', dir], { maxBuffer: 1 << 24 })));
  return performance.now() - t0;
}

async function readAll(dir: string): Promise<{ files: ShardFile[]; bytes: number }> {
  const files: ShardFile[] = [];
  let bytes = 0;
  for (const f of (await readdir(dir)).sort()) {
    const path = join(dir, f);
    bytes += (await stat(path)).size;
    const r = readShardText(f, await readFile(path, 'utf8'));
    if (!r.ok) throw new Error(r.problems.join('\n'));
    files.push(r.file);
  }
  return { files, bytes };
}

/** Reading and merging shard files in process, ms (median of 3). */
async function mergeMs(dir: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const { files } = await readAll(dir);
    const m = mergeShards(files);
    if (!m.ok) throw new Error(m.problems.join('\n'));
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[1];
}

export async function benchShards(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'neuronas-bench-shards-'));
  const load = loadavg()[0];
  try {
    const oneMs = await shards(join(dir, 'one'), 1, SEARCH);
    const twoMs = await shards(join(dir, 'two'), 2, SEARCH);
    const t0 = performance.now();
    await run('node', [CLI, 'merge', join(dir, 'two'), '--out', join(dir, 'two.json')]);
    const mergeCommandMs = performance.now() - t0;
    await run('node', [CLI, 'merge', join(dir, 'one'), '--out', join(dir, 'one.json')]);
    const comparable = async (f: string) => {
      const { exported_at: _, timings: __, ...doc } = JSON.parse(await readFile(join(dir, f), 'utf8'));
      return JSON.stringify(doc);
    };
    const same = (await comparable('one.json')) === (await comparable('two.json'));
    const scored = JSON.parse(await readFile(join(dir, 'two.json'), 'utf8')).counts.scored;
    await shards(join(dir, 'big'), 4, ['--strategy', 'random', '--samples', '20000', '--seed', '1', '--top-k', '0', '--backend', 'wasm']);
    const big = await readAll(join(dir, 'big'));
    return {
      backend: 'wasm (Node, one tfjs engine per shard process)',
      search: { samples: SAMPLES, scored, top_k: 0 },
      one_shard_wall_ms: Math.round(oneMs),
      two_shards_wall_ms: Math.round(twoMs),
      two_over_one: Number((twoMs / oneMs).toFixed(3)),
      score_ms_per_shard: {
        one: (await readAll(join(dir, 'one'))).files.map((f) => Math.round(f.done!.timings.score_ms)),
        two: (await readAll(join(dir, 'two'))).files.map((f) => Math.round(f.done!.timings.score_ms)),
      },
      load_average_before: Number(load.toFixed(2)),
      merge_ms: Number((await mergeMs(join(dir, 'two'))).toFixed(1)),
      merge_command_wall_ms: Math.round(mergeCommandMs),
      same_as_one_shard: same,
      merge_20000: { shards: 4, candidates: 20000, shard_file_bytes: big.bytes, merge_ms: Math.round(await mergeMs(join(dir, 'big'))) },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
