/**
 * The command line as a prebuilt bundle, rebuilt whenever a source it holds
 * has changed: a fresh `neuronas` process (bin/neuronas.mjs) and each thread
 * of its pool (training-thread.mjs) load one or two JavaScript files instead
 * of registering tsx's loader and compiling a hundred TypeScript modules
 * through it.
 *
 * Why (measured on the 2-core machine, Node 20): tsx's `register()` starts a
 * loader thread (≈ 150 ms) and every module then waits on it; and an ES module
 * importing a CommonJS package (tfjs's Node builds, several MB each) makes
 * Node read each file twice, scan it for ESM syntax and run its export lexer
 * over it: 680 ms of CPU for tfjs against 205 ms through `require`. The bundle
 * therefore loads every CommonJS package with `require` (cjsRequirePlugin), and
 * ES packages (valibot, comlink, …) with `import`, as before.
 *
 * Never stale: the bundle is keyed on the content of every file esbuild read
 * to make it (hashed as esbuild was given it, in onLoad), plus package.json,
 * tsconfig.json, this file, esbuild's version and the checkout's path. Every
 * start re-hashes those files (about a hundred small files, a few ms) and
 * rebuilds on any difference, so an edited source runs at once, as with tsx.
 * Builds go to a fresh folder renamed into place, so processes starting at
 * once (shards, a pool's threads) never see a half-written bundle; a folder
 * is never rewritten once in place, so a running process's lazily loaded
 * chunks stay those of its own build.
 *
 * When the bundle cannot be built or written (esbuild missing, a read-only
 * checkout, a syntax error), `cliBundleEntry` returns null and the caller runs
 * the sources through tsx as before, which then reports any syntax error.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SELF = fileURLToPath(import.meta.url);

/** The bundle's entries: the command (main.ts) and a thread of its pool (training-thread.ts). */
export const CLI_BUNDLE_ENTRIES = { main: 'src/cli/main.ts', thread: 'src/cli/training-thread.ts' };

/** Files outside the import graph that change what esbuild makes of it. */
const CONFIG_FILES = ['package.json', 'tsconfig.json'];

/** Builds not used for this long are removed when another is made (a week: a long run's respawned thread still finds its own). */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

const hash = (bytes) => createHash('sha256').update(bytes).digest('hex');

function defaultCacheDir(root) {
  return join(root, 'node_modules', '.cache', 'neuronas-cli');
}

/** What the build depends on besides the sources: this file, esbuild's version, the config files, the checkout's path. */
function buildSalt(root, esbuildVersion) {
  const parts = [`root ${root}`, `esbuild ${esbuildVersion}`, `self ${hash(readFileSync(SELF))}`];
  for (const f of CONFIG_FILES) parts.push(`${f} ${hash(readFileSync(join(root, f)))}`);
  return parts.join('\n');
}

/** True when every file the recorded build read still has the content it had. */
function upToDate(root, manifest) {
  // A moved checkout rebuilds: the bundle holds absolute paths (each source's URL, the packages' root).
  if (manifest.root !== root) return false;
  try {
    for (const [file, digest] of manifest.inputs) if (hash(readFileSync(join(root, file))) !== digest) return false;
    return manifest.self === hash(readFileSync(SELF)) && CONFIG_FILES.every((f, i) => manifest.config[i] === hash(readFileSync(join(root, f))));
  } catch {
    return false; // a file gone: rebuild (and let the build report it)
  }
}

function readManifest(cacheDir) {
  try {
    return JSON.parse(readFileSync(join(cacheDir, 'current.json'), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * esbuild plugin: how each module reaches the bundle.
 * - The project's own files are read here, hashed (the bundle's key), and each one's `import.meta.url` becomes its own
 *   file's URL, so paths made from it (the data folder, the thread entry, the wasm files' package) are those of the
 *   sources, not of the bundle's folder.
 * - A package that Node would load as CommonJS is loaded with `require` (see the file's comment); an ES package and
 *   `node:` modules stay imports, resolved by Node at run time from the checkout's node_modules.
 */
function sourcesPlugin(root, inputs) {
  const rootRequire = createRequire(join(root, 'package.json'));
  const isCommonJs = new Map();
  /** Whether Node's ESM loader would load `spec` as CommonJS, and `require` resolves it to the same file. */
  const commonJs = (spec) => {
    if (!isCommonJs.has(spec)) {
      let cjs = false;
      try {
        // Resolved from this file, i.e. from the checkout's node_modules, as the bundle's imports are.
        const file = fileURLToPath(import.meta.resolve(spec));
        if (file.endsWith('.cjs') || (file.endsWith('.js') && nearestPackageType(file) !== 'module')) cjs = rootRequire.resolve(spec) === file;
      } catch {
        cjs = false; // unresolvable here: leave it to Node at run time (it reports it as today)
      }
      isCommonJs.set(spec, cjs);
    }
    return isCommonJs.get(spec);
  };
  return {
    name: 'neuronas-cli-sources',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || !commonJs(args.path)) return { path: args.path, external: true };
        return { path: args.path, namespace: 'cjs-require' };
      });
      // __neuronasRequire: the banner's `require`, made for the checkout's root (see build).
      build.onLoad({ filter: /.*/, namespace: 'cjs-require' }, (args) => ({ contents: `module.exports = __neuronasRequire(${JSON.stringify(args.path)});`, loader: 'js' }));
      build.onLoad({ filter: /\.(ts|mts|mjs|js|json)$/, namespace: 'file' }, (args) => {
        const bytes = readFileSync(args.path);
        inputs.set(relative(root, args.path), hash(bytes));
        const ext = args.path.slice(args.path.lastIndexOf('.') + 1);
        if (ext === 'json') return { contents: bytes, loader: 'json' };
        const text = bytes.toString('utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents: text, loader: ext === 'ts' || ext === 'mts' ? 'ts' : 'js' };
      });
    },
  };
}

function nearestPackageType(file) {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type ?? 'commonjs';
    } catch {
      // no package.json here: look further up
    }
  }
  return 'commonjs';
}

async function build(root, cacheDir) {
  const esbuild = await import('esbuild');
  const inputs = new Map();
  const salt = buildSalt(root, esbuild.version);
  mkdirSync(cacheDir, { recursive: true });
  const scratch = join(cacheDir, `.build-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(Object.entries(CLI_BUNDLE_ENTRIES).map(([name, file]) => [name, join(root, file)])),
      bundle: true,
      splitting: true, // main and thread share chunks; each command's modules stay a chunk loaded on use
      format: 'esm',
      platform: 'node',
      target: 'esnext', // nothing lowered: the same code tsx runs
      outdir: scratch,
      // The CommonJS packages' `require`, resolving from the checkout's root wherever the bundle lies.
      banner: { js: `import { createRequire as __neuronasCreateRequire } from 'node:module';\nconst __neuronasRequire = __neuronasCreateRequire(${JSON.stringify(pathToFileURL(join(root, 'package.json')).href)});` },
      plugins: [sourcesPlugin(root, inputs)],
      logLevel: 'silent',
    });
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  } finally {
    await esbuild.stop?.();
  }
  const sorted = [...inputs].sort(([a], [b]) => (a < b ? -1 : 1));
  const key = hash(`${salt}\n${sorted.map(([f, d]) => `${f} ${d}`).join('\n')}`).slice(0, 24);
  const dir = join(cacheDir, key);
  try {
    renameSync(scratch, dir);
  } catch {
    // Another process put the same build in place first: use it.
    rmSync(scratch, { recursive: true, force: true });
  }
  const manifest = { key, root, self: hash(readFileSync(SELF)), config: CONFIG_FILES.map((f) => hash(readFileSync(join(root, f)))), inputs: sorted };
  const tmp = join(cacheDir, `.current-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, join(cacheDir, 'current.json'));
  prune(cacheDir, key);
  return manifest;
}

function prune(cacheDir, keep) {
  const now = Date.now();
  for (const name of readdirSync(cacheDir)) {
    if (name === keep || name === 'current.json') continue;
    const path = join(cacheDir, name);
    try {
      if (now - statSync(path).mtimeMs > PRUNE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already (another process pruned it)
    }
  }
}

/**
 * The URL of the up-to-date bundle's entry file (`main` or `thread`), built first when missing or stale; null when it
 * cannot be built or written (the caller then runs the sources through tsx).
 */
export async function cliBundleEntry(entry, { cacheDir = defaultCacheDir(ROOT) } = {}) {
  const root = ROOT;
  try {
    let manifest = readManifest(cacheDir);
    if (!manifest || !upToDate(root, manifest)) manifest = await build(root, cacheDir);
    const dir = join(cacheDir, manifest.key);
    const now = new Date();
    utimesSync(dir, now, now); // last used: pruning spares it
    return pathToFileURL(join(dir, `${entry}.js`));
  } catch {
    return null;
  }
}

/**
 * Runs `entry` of the bundle; when no bundle can be made, `source` (the entry's TypeScript, a file URL) through tsx's
 * loader registered in this thread, as before the bundle.
 */
export async function runCliEntry(entry, source) {
  const bundle = await cliBundleEntry(entry);
  if (bundle) return import(bundle.href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(source.href);
}

// `node src/cli/cli-bundle.mjs`: build now (an image's or a cluster job's set-up), so the first command starts fast too.
// Never fails: without a bundle the command line runs through tsx.
if (process.argv[1] && resolve(process.argv[1]) === SELF) await cliBundleEntry('main');
