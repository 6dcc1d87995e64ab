/**
 * The command line as a prebuilt bundle, rebuilt whenever a source it holds
 * has changed: a fresh `neuronas` process (bin/neuronas.mjs) and each thread
 * of its pool (training-thread.mjs) run one or two CommonJS files (main.cjs
 * and the command's own command-<name>.cjs; thread.cjs), with the V8 code
 * cache a first run left beside them (runBundleFile), instead of registering
 * tsx's loader and compiling a hundred TypeScript modules through it.
 *
 * Why (measured on the 2-core machine, Node 20): tsx's `register()` starts a
 * loader thread (≈ 150 ms) and every module then waits on it; and an ES module
 * importing a CommonJS package (tfjs's Node builds, several MB each) makes
 * Node read each file twice, scan it for ESM syntax and run its export lexer
 * over it: 680 ms of CPU for tfjs against 205 ms through `require`. The bundle
 * therefore loads every CommonJS package, and Node's own modules, with
 * `require` (sourcesPlugin), and holds the ES packages the sources import.
 *
 * Never stale: the bundle is keyed on the content of every file esbuild read
 * to make it (hashed as esbuild was given it, in onLoad), plus package.json,
 * tsconfig.json, this file, esbuild's version and the checkout's path, and
 * rebuilt on any difference, so an edited source runs at once, as with tsx.
 * A start does not re-hash those files (about a hundred: 6 ms, and 3 more to
 * load node:crypto, against 1 ms to stat them): the manifest holds each file's
 * stat (size, mtime, ctime, inode) taken before it was read, and only a file
 * whose stat differs, or that changed too shortly before its stat was taken
 * for a timestamp to tell a later edit apart (RACY_MS), is hashed and
 * compared. Any write changes a file's ctime, which nothing but the clock
 * sets, so an edit that keeps the size and restores the mtime (cp -p,
 * rsync -t) is still seen. When the hashes show only the stats changed (a
 * touch, a checkout that rewrote the same bytes), the manifest takes the new
 * stats and the next start is quick again.
 * Builds go to a fresh folder renamed into place, so processes starting at
 * once (shards, a pool's threads) never see a half-written bundle; a folder
 * is never rewritten once in place (only its code caches are added), so a
 * running process's lazily loaded command file stays that of its own build.
 *
 * When the bundle cannot be built or written (esbuild missing, a read-only
 * checkout, a syntax error), `cliBundleEntry` returns null and the caller runs
 * the sources through tsx as before, which then reports any syntax error.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SELF = fileURLToPath(import.meta.url);

/** The bundle's entries: the command line (main.ts; each command it loads on use is an entry too) and a thread of its pool (training-thread.ts). */
export const CLI_BUNDLE_ENTRIES = { main: 'src/cli/main.ts', thread: 'src/cli/training-thread.ts' };

/** Files outside the import graph that change what esbuild makes of it. */
const CONFIG_FILES = ['package.json', 'tsconfig.json'];

/** Builds not used for this long are removed when another is made (a week: a long run's respawned thread still finds its own). */
const PRUNE_AFTER_MS = 7 * 24 * 3600 * 1000;

/**
 * A file changed this shortly before its stat was taken may change again with the same timestamps (the kernel's file
 * clock is coarse; some file systems keep seconds): it is hashed at each start until a later stat is taken clear of it.
 */
const RACY_MS = 2000;

// node:crypto is loaded only when something is hashed (a build, a changed stat): loading it is most of a quick start's check.
const require = createRequire(import.meta.url);
const hash = (bytes) => require('node:crypto').createHash('sha256').update(bytes).digest('hex');

/** What the check compares of a file without reading it. Any write changes ctime; mtime and size can be put back. */
function stampOf(path) {
  const s = statSync(path, { bigint: true });
  return `${s.size} ${s.mtimeNs} ${s.ctimeNs} ${s.ino}`;
}

/**
 * The stamp to record for a file stated at `statedAt` (ms): its stamp, or '' (hash it at each start) when it changed
 * so shortly before that a later edit might keep the stamp.
 */
function keptStamp(stamp, statedAt) {
  const [, mtimeNs, ctimeNs] = stamp.split(' ');
  const changedMs = Number((BigInt(mtimeNs) > BigInt(ctimeNs) ? BigInt(mtimeNs) : BigInt(ctimeNs)) / 1_000_000n);
  return changedMs >= statedAt - RACY_MS ? '' : stamp;
}

function defaultCacheDir(root) {
  return join(root, 'node_modules', '.cache', 'neuronas-cli');
}

/**
 * What the build depends on besides the sources: this file, esbuild's version, the config files, the checkout's path.
 * Records the digest and stamp of this file and the config files in `digests` and `stamps`.
 */
function buildSalt(root, esbuildVersion, digests, stamps) {
  const parts = [`root ${root}`, `esbuild ${esbuildVersion}`];
  for (const [i, file] of selfAndConfig(root).entries()) {
    const path = join(root, file);
    stamps.set(file, stampOf(path));
    digests.set(file, hash(readFileSync(path)));
    parts.push(`${i === 0 ? 'self' : file} ${digests.get(file)}`);
  }
  return parts.join('\n');
}

/** The files a build depends on besides its sources, relative to the root: this file and the config files. */
const selfAndConfig = (root) => [relative(root, SELF), ...CONFIG_FILES];

/**
 * True when every file the recorded build depends on still has the content it had: by its stamp when that is
 * unchanged and was taken clear of the file's last change, else by its hash (see the file's comment). When only
 * stamps changed, the manifest is rewritten with the new ones.
 */
function upToDate(root, cacheDir, manifest) {
  // A moved checkout rebuilds: the bundle holds absolute paths (each source's URL, the packages' root).
  if (manifest.root !== root || !Array.isArray(manifest.files)) return false;
  try {
    const statedAt = Date.now(); // before the stats: a change after it is seen by the next start
    const stamps = [];
    let restamped = false;
    for (const [file, digest, stamp] of manifest.files) {
      const path = join(root, file);
      const now = stampOf(path);
      if (now !== stamp) {
        if (hash(readFileSync(path)) !== digest) return false;
        restamped = true;
      }
      stamps.push(now);
    }
    if (restamped) writeManifest(cacheDir, { ...manifest, files: manifest.files.map(([file, digest], i) => [file, digest, keptStamp(stamps[i], statedAt)]) });
    return true;
  } catch {
    return false; // a file gone: rebuild (and let the build report it)
  }
}

function writeManifest(cacheDir, manifest) {
  const tmp = join(cacheDir, `.current-${process.pid}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(tmp, JSON.stringify(manifest));
  renameSync(tmp, join(cacheDir, 'current.json'));
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
 * - A package that Node would load as CommonJS is loaded with `require` (see the file's comment); an ES package the
 *   project's own files import is bundled from the file Node would load (valibot: only the functions used, not 200 kB
 *   parsed at each start), and is then one of the files the key depends on; `node:` modules, and what a bundled package
 *   imports, stay imports, resolved by Node at run time from the checkout's node_modules.
 */
function sourcesPlugin(root, inputs, stamps) {
  const rootRequire = createRequire(join(root, 'package.json'));
  const resolved = new Map();
  /**
   * How Node's ESM loader would load `spec`: { file, cjs } (cjs when it is CommonJS and `require` resolves it to the
   * same file), or null when it cannot be resolved here (left to Node at run time, which reports it as today).
   */
  const resolveSpec = (spec) => {
    if (!resolved.has(spec)) {
      let found = null;
      try {
        // Resolved from this file, i.e. from the checkout's node_modules, as the bundle's imports are.
        const file = fileURLToPath(import.meta.resolve(spec));
        const cjs = (file.endsWith('.cjs') || (file.endsWith('.js') && nearestPackageType(file) !== 'module')) && rootRequire.resolve(spec) === file;
        found = { file, cjs };
      } catch {
        found = null;
      }
      resolved.set(spec, found);
    }
    return resolved.get(spec);
  };
  return {
    name: 'neuronas-cli-sources',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { path: args.path, namespace: 'cjs-require' };
        const found = resolveSpec(args.path);
        if (found?.cjs) return { path: args.path, namespace: 'cjs-require' };
        const ownFile = !relative(root, args.importer).split(sep).includes('node_modules');
        if (found && ownFile && /\.m?js$/.test(found.file)) return { path: found.file };
        return { path: args.path, external: true };
      });
      // __neuronasRequire: a `require` made for the checkout's root, given to each file of the bundle (runBundleFile).
      build.onLoad({ filter: /.*/, namespace: 'cjs-require' }, (args) => ({ contents: `module.exports = __neuronasRequire(${JSON.stringify(args.path)});`, loader: 'js' }));
      build.onLoad({ filter: /\.(ts|mts|mjs|js|json)$/, namespace: 'file' }, (args) => {
        const file = relative(root, args.path);
        stamps.set(file, stampOf(args.path)); // before reading: an edit after it changes the stamp
        const bytes = readFileSync(args.path);
        inputs.set(file, hash(bytes));
        const ext = args.path.slice(args.path.lastIndexOf('.') + 1);
        if (ext === 'json') return { contents: bytes, loader: 'json' };
        const text = bytes.toString('utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
        return { contents: text, loader: ext === 'ts' || ext === 'mts' ? 'ts' : 'js' };
      });
    },
  };
}

/**
 * esbuild plugin: each command `main` loads on use (its dynamic imports of the project's modules) becomes an output
 * file of its own, `command-<module>.cjs`, holding all it runs, rather than chunks shared between the commands: a
 * command then loads two files, not the seven to ten modules of a split build (each module costs Node's ES loader
 * about a millisecond to resolve, read and link). Collects the commands' sources in `commands` (path → output name).
 * Each such file holds its own copy of the modules it shares with main.js or with another command: main.ts imports
 * nothing that keeps state (a process runs one command, so no module runs twice).
 */
function commandsPlugin(main, commands) {
  return {
    name: 'neuronas-cli-commands',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.importer !== main) return undefined;
        const file = resolve(args.resolveDir, args.path);
        const name = `command-${basename(file).replace(/\.[^.]*$/, '')}`;
        commands.set(file, name);
        return { path: name, namespace: 'neuronas-command' };
      });
      // __neuronasLoad: runs another file of the bundle (runBundleFile) and returns its exports.
      build.onLoad({ filter: /.*/, namespace: 'neuronas-command' }, (args) => ({ contents: `module.exports = __neuronasLoad(${JSON.stringify(`${args.path}.cjs`)});`, loader: 'js' }));
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
  const statedAt = Date.now(); // before any stat (see upToDate)
  const stamps = new Map();
  const settings = new Map();
  const salt = buildSalt(root, esbuild.version, settings, stamps);
  const inputs = new Map();
  mkdirSync(cacheDir, { recursive: true });
  const scratch = join(cacheDir, `.build-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const options = {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs', // run by runBundleFile, with V8's code cache
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    target: 'esnext', // nothing lowered: the same code tsx runs
    outdir: scratch,
    logLevel: 'silent',
  };
  try {
    // The entries, then each command main.ts loads on use, every one a single file (see commandsPlugin).
    const commands = new Map();
    const main = join(root, CLI_BUNDLE_ENTRIES.main);
    await esbuild.build({
      ...options,
      entryPoints: Object.fromEntries(Object.entries(CLI_BUNDLE_ENTRIES).map(([name, file]) => [name, join(root, file)])),
      plugins: [commandsPlugin(main, commands), sourcesPlugin(root, inputs, stamps)],
    });
    await esbuild.build({ ...options, entryPoints: Object.fromEntries([...commands].map(([file, name]) => [name, file])), plugins: [sourcesPlugin(root, inputs, stamps)] });
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
  // Every file the key depends on, with its digest and the stamp taken before it was read.
  const files = [...new Map([...settings, ...inputs])].map(([file, digest]) => [file, digest, keptStamp(stamps.get(file), statedAt)]);
  const manifest = { key, root, files };
  writeManifest(cacheDir, manifest);
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
    if (!manifest || !upToDate(root, cacheDir, manifest)) manifest = await build(root, cacheDir);
    const dir = join(cacheDir, manifest.key);
    const now = new Date();
    utimesSync(dir, now, now); // last used: pruning spares it
    return pathToFileURL(join(dir, `${entry}.cjs`));
  } catch {
    return null;
  }
}

/** The bundle's files' `require` (CommonJS packages and Node's modules), resolving from the checkout's root. */
let rootRequire = null;

/**
 * Runs a file of the bundle (CommonJS, as esbuild wrote it) and returns its exports, compiled with V8's code cache
 * kept beside it (`<file>.v8cache`): the functions a run compiled, so that the next process neither parses nor
 * compiles them again. The cache is made when a process that had none (or had it refused: another Node, other V8
 * flags) exits, and only used for the very file it was made from: V8 checks its own version and flags, and a bundle
 * file never changes once in place (see the file's comment). Writing it may fail (a read-only cache): then the next
 * process compiles as this one did.
 */
function runBundleFile(file) {
  rootRequire ??= createRequire(join(ROOT, 'package.json'));
  const source = readFileSync(file, 'utf8');
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // One line of wrapper: the file's line numbers stay those of its stack traces.
  const wrapped = `(function (exports, module, __neuronasRequire, __neuronasLoad) {'use strict';${source}\n})`;
  // import() is left only for a package that could not be resolved at build time: Node's own loader then runs it
  // (with its "experimental" warning), as it would in an ES module.
  const script = new vm.Script(wrapped, { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => writeCodeCache(script, cacheFile));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, module, rootRequire, (name) => runBundleFile(join(dirname(file), name)));
  return module.exports;
}

function writeCodeCache(script, cacheFile) {
  const tmp = `${cacheFile}.${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    rmSync(tmp, { force: true }); // no cache: the next process compiles
  }
}

/**
 * Runs `entry` of the bundle; when no bundle can be made, `source` (the entry's TypeScript, a file URL) through tsx's
 * loader registered in this thread, as before the bundle.
 */
export async function runCliEntry(entry, source) {
  const bundle = await cliBundleEntry(entry);
  if (bundle) return runBundleFile(fileURLToPath(bundle));
  const { register } = await import('tsx/esm/api');
  register();
  return import(source.href);
}

// `node src/cli/cli-bundle.mjs`: build now (an image's or a cluster job's set-up), so the first command starts fast too.
// Never fails: without a bundle the command line runs through tsx.
if (process.argv[1] && resolve(process.argv[1]) === SELF) await cliBundleEntry('main');
