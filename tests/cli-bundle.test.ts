/**
 * The command line's prebuilt bundle (src/cli/cli-bundle.mjs) never runs stale code: in a copy of the checkout, a
 * source edited after the bundle was built shows in the very next run, for the command's entry, for a command's
 * lazily loaded module and for the pool's thread entry; a start compares the files' stats and hashes only a changed
 * one, and still sees an edit that kept the size and the mtime; its files run with the code cache a first run made.
 * Real processes, real esbuild builds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
let copy = '';

/** A copy of the sources with the checkout's packages linked (one by one: the copy's node_modules holds its own cache). */
function copyCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'neuronas-bundle-'));
  for (const entry of ['src', 'bin', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) if (name !== '.cache') symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name));
  return dir;
}

const neuronas = (...args: string[]) => execFileSync(process.execPath, [join(copy, 'bin/neuronas.mjs'), ...args], { encoding: 'utf8', timeout: 60_000, stdio: 'pipe' });
const cacheDir = () => join(copy, 'node_modules/.cache/neuronas-cli');
const manifest = () => JSON.parse(readFileSync(join(cacheDir(), 'current.json'), 'utf8')) as { key: string; files: [string, string, string][] };
const currentKey = () => manifest().key;
/** Sleeps past the window in which the check hashes a file changed just before its stat (RACY_MS in cli-bundle.mjs). */
const pastRacyWindow = () => new Promise((done) => setTimeout(done, 2100));

function edit(file: string, from: string, to: string): void {
  const path = join(copy, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

/** The thread entry's URL as a fresh process gets it (the copy's own cli-bundle.mjs, as training-thread.mjs calls it). */
function threadEntry(): string {
  const script = `import { cliBundleEntry } from ${JSON.stringify(join(copy, 'src/cli/cli-bundle.mjs'))}; process.stdout.write(String((await cliBundleEntry('thread'))?.href));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, stdio: 'pipe' });
}

/** Every file of the bundle folder an entry URL lies in, as one text. */
const bundleText = (entryHref: string) => {
  const dir = join(fileURLToPath(entryHref), '..');
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
};

beforeAll(() => {
  copy = copyCheckout();
});
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('the command line bundle', () => {
  it('is built on first use and runs the command (not the tsx fallback)', () => {
    expect(neuronas('--help')).toContain('usage: neuronas <command>');
    expect(existsSync(join(cacheDir(), currentKey(), 'main.cjs'))).toBe(true);
  });

  it('reflects an edit of the entry module in the next run', () => {
    const before = currentKey();
    edit('src/cli/main.ts', "'usage: neuronas <command> [options]", "'usage (edited): neuronas <command> [options]");
    expect(neuronas('--help')).toContain('usage (edited): neuronas <command>');
    expect(currentKey()).not.toBe(before);
  });

  it("reflects an edit of a command's lazily loaded module, and a run with no edit reuses the build", () => {
    const help = neuronas('estimate', '--help');
    expect(help).toContain('usage: neuronas estimate [--jsonl]');
    const key = currentKey();
    expect(neuronas('estimate', '--help')).toBe(help);
    expect(currentKey()).toBe(key);
    edit('src/cli/estimate.ts', "'usage: neuronas estimate [--jsonl]", "'usage (edited): neuronas estimate [--jsonl]");
    expect(neuronas('estimate', '--help')).toBe(help.replace('usage: neuronas estimate', 'usage (edited): neuronas estimate'));
  });

  it('runs the sources through tsx when the bundle cannot be written', () => {
    rmSync(join(copy, 'node_modules/.cache'), { recursive: true, force: true });
    writeFileSync(join(copy, 'node_modules/.cache'), 'not a folder');
    try {
      expect(neuronas('estimate', '--help')).toContain('usage (edited): neuronas estimate');
    } finally {
      rmSync(join(copy, 'node_modules/.cache'));
    }
  });

  it("reflects an edit of a module only the pool's thread loads", () => {
    const before = threadEntry();
    expect(before).toMatch(/^file:.*\/thread\.cjs$/);
    expect(bundleText(before)).not.toContain('heap-edited');
    edit('src/tf/wasm-heap.ts', 'out of memory: the WebAssembly heap', 'out of memory: the WebAssembly heap-edited');
    const after = threadEntry();
    expect(after).not.toBe(before);
    expect(bundleText(after)).toContain('the WebAssembly heap-edited');
  });

  it('the bundle gives the bytes the sources give through tsx (estimate, its ES package bundled in, a refused field)', () => {
    const lines = ['{"architecture":"c16-h128-t4-w8-301203"}', '{"architecture":"c48-h256-t2-w8-322001","hardware":{"mode":"spikesim","xbar":128}}'].join('\n');
    const file = join(copy, 'nets.jsonl');
    writeFileSync(file, lines);
    const tsx = (...args: string[]) => execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(copy, 'src/cli/main.ts'), ...args], { encoding: 'utf8', timeout: 60_000, stdio: 'pipe' });
    const totals = neuronas('estimate', '--totals', file);
    expect(totals.split('\n')[0]).toMatch(/^\{"mode":"neuronas","tiles":\d+,/);
    expect(totals).toBe(tsx('estimate', '--totals', file));
    expect(neuronas('estimate', '--jsonl', file)).toBe(tsx('estimate', '--jsonl', file));
    // valibot (bundled) names the bad field as it does loaded by Node
    writeFileSync(file, '{"architecture":"c16-h128-t4-w8-301203","hardware":{"xbar":-3}}');
    const refused = (run: (...args: string[]) => string) => {
      try {
        run('estimate', '--totals', file);
      } catch (e) {
        return (e as { status: number; stderr: string }).status + ' ' + (e as { stderr: string }).stderr;
      }
      return 'exit 0';
    };
    expect(refused(neuronas)).toMatch(/^2 line 1: .*xbar/);
    expect(refused(neuronas)).toBe(refused(tsx));
    expect(bundleText(pathToFileURL(join(cacheDir(), currentKey(), 'main.cjs')).href)).not.toMatch(/(from |require\()["']valibot["']/);
  });

  it('a start with nothing changed hashes nothing; a touched file is hashed (the build kept) until its new stat is clear of the racy window; an edit that keeps size and mtime is seen', async () => {
    neuronas('estimate', '--help');
    await pastRacyWindow();
    neuronas('estimate', '--help'); // restamps what the build had seen change just before it
    const quiet = manifest();
    neuronas('estimate', '--help');
    expect(manifest()).toEqual(quiet); // stats unchanged and clear of the racy window: manifest untouched

    const hardware = join(copy, 'src/core/cost/hardware.ts');
    const old = statSync(hardware);
    utimesSync(hardware, old.atime, new Date(old.mtimeMs - 60_000)); // touched (a minute back, clear of the racy window): same bytes
    const help = neuronas('estimate', '--help');
    expect(currentKey()).toBe(quiet.key);
    const touched = manifest();
    const stampOf = (m: typeof quiet) => m.files.find(([f]) => f === 'src/core/cost/hardware.ts')?.[2];
    expect(stampOf(quiet)).toMatch(/^\d+ \d+ \d+ \d+$/); // size, mtime, ctime, inode
    expect(stampOf(touched)).toBe(''); // its ctime is now: hashed at each start until clear of the racy window
    await pastRacyWindow();
    neuronas('estimate', '--help');
    expect(stampOf(manifest())).toMatch(/^\d+ \d+ \d+ \d+$/);
    expect(stampOf(manifest())).not.toBe(stampOf(quiet));
    expect(currentKey()).toBe(quiet.key);

    // Same length, mtime put back (as cp -p or rsync -t leave a file): only the ctime tells.
    const before = statSync(hardware);
    const text = readFileSync(hardware, 'utf8');
    expect(text).toContain("'bits stored per cell c");
    writeFileSync(hardware, text.replace("'bits stored per cell c", "'BITS stored per cell c"));
    utimesSync(hardware, before.atime, before.mtime);
    expect(statSync(hardware).size).toBe(before.size);
    expect(statSync(hardware).mtimeMs).toBe(before.mtimeMs);
    const edited = neuronas('estimate', '--help');
    expect(edited).toContain('BITS stored per cell c');
    expect(edited).toBe(help.replace('bits stored per cell c', 'BITS stored per cell c'));
    expect(currentKey()).not.toBe(quiet.key);
  }, 60_000);

  it("runs with V8's code cache made by the first run: kept while V8 takes it, remade when it refuses it", () => {
    const file = join(copy, 'nets.jsonl');
    writeFileSync(file, ['{"architecture":"c16-h128-t4-w8-301203"}', '{"architecture":"c8-h64-t2-w8-322001","hardware":{"xbar":128}}'].join('\n'));
    const first = neuronas('estimate', '--totals', file);
    const dir = join(cacheDir(), currentKey());
    const caches = ['main.cjs.v8cache', 'command-estimate.cjs.v8cache'].map((f) => join(dir, f));
    const stamp = (f: string) => `${statSync(f).ino} ${statSync(f).mtimeMs}`;
    const made = caches.map(stamp); // throws when missing
    expect(neuronas('estimate', '--totals', file)).toBe(first);
    expect(caches.map(stamp)).toEqual(made); // taken, not remade
    writeFileSync(caches[1], 'not a code cache');
    expect(neuronas('estimate', '--totals', file)).toBe(first);
    expect(stamp(caches[1])).not.toBe(made[1]);
    expect(statSync(caches[1]).size).toBeGreaterThan(1000); // remade
    expect(neuronas('estimate', '--totals', file)).toBe(first);
  });

  it('a moved checkout rebuilds: the bundle holds its absolute paths', () => {
    const before = currentKey();
    const moved = `${copy}-moved`;
    renameSync(copy, moved);
    copy = moved;
    expect(neuronas('--help')).toContain('usage (edited): neuronas <command>');
    expect(currentKey()).not.toBe(before);
    expect(bundleText(threadEntry())).toContain(JSON.stringify(pathToFileURL(join(moved, 'src/tf/backend-node.ts')).href));
  });
});
