/**
 * The command line's prebuilt bundle (src/cli/cli-bundle.mjs) never runs stale code: in a copy of the checkout, a
 * source edited after the bundle was built shows in the very next run, for the command's entry, for a command's
 * lazily loaded module and for the pool's thread entry. Real processes, real esbuild builds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

const neuronas = (...args: string[]) => execFileSync(process.execPath, [join(copy, 'bin/neuronas.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });
const cacheDir = () => join(copy, 'node_modules/.cache/neuronas-cli');
const currentKey = () => (JSON.parse(readFileSync(join(cacheDir(), 'current.json'), 'utf8')) as { key: string }).key;

function edit(file: string, from: string, to: string): void {
  const path = join(copy, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

/** The thread entry's URL as a fresh process gets it (the copy's own cli-bundle.mjs, as training-thread.mjs calls it). */
function threadEntry(): string {
  const script = `import { cliBundleEntry } from ${JSON.stringify(join(copy, 'src/cli/cli-bundle.mjs'))}; process.stdout.write(String((await cliBundleEntry('thread'))?.href));`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
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
    expect(existsSync(join(cacheDir(), currentKey(), 'main.js'))).toBe(true);
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
    expect(before).toMatch(/^file:.*\/thread\.js$/);
    expect(bundleText(before)).not.toContain('heap-edited');
    edit('src/tf/wasm-heap.ts', 'out of memory: the WebAssembly heap', 'out of memory: the WebAssembly heap-edited');
    const after = threadEntry();
    expect(after).not.toBe(before);
    expect(bundleText(after)).toContain('the WebAssembly heap-edited');
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
