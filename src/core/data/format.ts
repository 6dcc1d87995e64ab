/**
 * Image-classification data sets as plain bytes (pure core: no tfjs, no DOM,
 * no Node APIs).
 *
 * ## The studio's dataset file (`.bin`, "NNDS" version 1)
 *
 * Written by `src/cli/build-datasets.mjs` (which carries its own copy of the
 * writer, because it runs in plain Node without a TypeScript loader; the tests
 * read its output with `decodeDataset` below, so the two cannot drift apart)
 * and by `encodeDataset`. All integers little-endian.
 *
 * | offset | size | field                                                      |
 * |-------:|-----:|------------------------------------------------------------|
 * |      0 |    4 | magic, ASCII `NNDS`                                        |
 * |      4 |    2 | version = 1                                                |
 * |      6 |    2 | header size in bytes = 64                                  |
 * |      8 |    4 | count N (images)                                           |
 * |     12 |    2 | rows H                                                     |
 * |     14 |    2 | cols W                                                     |
 * |     16 |    2 | channels C                                                 |
 * |     18 |    2 | classes K (labels are 0 … K−1)                             |
 * |     20 |    1 | name length L (1 … 32)                                     |
 * |     21 |   32 | name, ASCII, zero padded                                   |
 * |     53 |   11 | reserved, zero                                             |
 * |     64 |    N | labels, uint8                                              |
 * |   64+N | N·HWC| pixels, uint8 0–255, image after image, each HWC (NHWC)    |
 *
 * The file is exactly 64 + N + N·H·W·C bytes; anything else is rejected.
 *
 * ## CIFAR-10 binary batches
 *
 * `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`: 10 000
 * records of 3 073 bytes: one label byte (0–9), then the 32×32 red plane,
 * the green plane and the blue plane (CHW, planar). `parseCifar10` turns them
 * into the same `Dataset` with pixels reordered to HWC (interleaved RGB), the
 * layout of NHWC tensors.
 */

/** Thrown for any malformed data file; the message names the file and the problem. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** An image-classification data set held as bytes. */
export interface Dataset {
  name: string;
  count: number;
  /** [rows H, cols W, channels C] of one image */
  shape: readonly [number, number, number];
  classes: number;
  /** `count` labels, each in 0 … classes−1 */
  labels: Uint8Array;
  /** `count·H·W·C` bytes, image after image, each image HWC (row-major, channels interleaved) */
  images: Uint8Array;
}

export const DATASET_MAGIC = 'NNDS';
export const DATASET_VERSION = 1;
export const DATASET_HEADER_BYTES = 64;
const NAME_MAX = 32;

/** Bytes of one image. */
export function imageSize(ds: Pick<Dataset, 'shape'>): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

function checkShapeAndName(name: string, count: number, shape: readonly number[], classes: number): void {
  if (!/^[\x20-\x7e]{1,32}$/.test(name)) throw new DatasetError(`dataset name must be 1–${NAME_MAX} printable ASCII characters (got ${JSON.stringify(name)})`);
  if (!Number.isInteger(count) || count < 1 || count > 0xffffffff) throw new DatasetError(`${name}: count must be a whole number ≥ 1 (got ${count})`);
  for (const [i, what] of ['rows', 'cols', 'channels'].entries()) {
    const v = shape[i];
    if (!Number.isInteger(v) || v < 1 || v > 0xffff) throw new DatasetError(`${name}: ${what} must be a whole number in 1–65535 (got ${v})`);
  }
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) throw new DatasetError(`${name}: classes must be a whole number in 1–256 (got ${classes})`);
}

/** Checks that a Dataset's arrays match its declared sizes and labels are in range; returns it. */
export function validateDataset(ds: Dataset): Dataset {
  checkShapeAndName(ds.name, ds.count, ds.shape, ds.classes);
  if (ds.labels.length !== ds.count) throw new DatasetError(`${ds.name}: ${ds.labels.length} labels for ${ds.count} images`);
  const expected = ds.count * imageSize(ds);
  if (ds.images.length !== expected) throw new DatasetError(`${ds.name}: ${ds.images.length} pixel bytes, expected ${expected} (${ds.count} × ${ds.shape.join('×')})`);
  const bad = ds.labels.findIndex((l) => l >= ds.classes);
  if (bad >= 0) throw new DatasetError(`${ds.name}: image ${bad} has label ${ds.labels[bad]}; labels must be 0–${ds.classes - 1}`);
  return ds;
}

/** Serialises a data set to the studio's `.bin` format (see the file comment). */
export function encodeDataset(ds: Dataset): Uint8Array<ArrayBuffer> {
  validateDataset(ds);
  const out = new Uint8Array(DATASET_HEADER_BYTES + ds.count + ds.images.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = DATASET_MAGIC.charCodeAt(i);
  view.setUint16(4, DATASET_VERSION, true);
  view.setUint16(6, DATASET_HEADER_BYTES, true);
  view.setUint32(8, ds.count, true);
  view.setUint16(12, ds.shape[0], true);
  view.setUint16(14, ds.shape[1], true);
  view.setUint16(16, ds.shape[2], true);
  view.setUint16(18, ds.classes, true);
  out[20] = ds.name.length;
  for (let i = 0; i < ds.name.length; i++) out[21 + i] = ds.name.charCodeAt(i);
  out.set(ds.labels, DATASET_HEADER_BYTES);
  out.set(ds.images, DATASET_HEADER_BYTES + ds.count);
  return out;
}

/**
 * Reads a `.bin` data set. `source` names the file in error messages. The
 * returned arrays are views into `bytes` (no copy).
 */
export function decodeDataset(bytes: Uint8Array, source = 'dataset file'): Dataset {
  if (bytes.length < DATASET_HEADER_BYTES) throw new DatasetError(`${source}: ${bytes.length} bytes is too short for the ${DATASET_HEADER_BYTES}-byte dataset header`);
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== DATASET_MAGIC) throw new DatasetError(`${source}: not a NeuroNAS dataset file (magic ${JSON.stringify(magic)}, expected "${DATASET_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== DATASET_VERSION) throw new DatasetError(`${source}: dataset format version ${version} is not supported (this build reads version ${DATASET_VERSION})`);
  const headerBytes = view.getUint16(6, true);
  if (headerBytes !== DATASET_HEADER_BYTES) throw new DatasetError(`${source}: header size ${headerBytes}, expected ${DATASET_HEADER_BYTES}`);
  const count = view.getUint32(8, true);
  const shape = [view.getUint16(12, true), view.getUint16(14, true), view.getUint16(16, true)] as const;
  const classes = view.getUint16(18, true);
  const nameLength = bytes[20];
  if (nameLength < 1 || nameLength > NAME_MAX) throw new DatasetError(`${source}: name length ${nameLength} is outside 1–${NAME_MAX}`);
  const name = String.fromCharCode(...bytes.subarray(21, 21 + nameLength));
  checkShapeAndName(name, count, shape, classes);
  const expected = DATASET_HEADER_BYTES + count + count * shape[0] * shape[1] * shape[2];
  if (bytes.length !== expected) {
    throw new DatasetError(`${source}: ${bytes.length} bytes, expected ${expected} for ${count} images of ${shape.join('×')} (truncated or corrupt file)`);
  }
  const labels = bytes.subarray(DATASET_HEADER_BYTES, DATASET_HEADER_BYTES + count);
  const images = bytes.subarray(DATASET_HEADER_BYTES + count);
  return validateDataset({ name, count, shape, classes, labels, images });
}

// ---------------------------------------------------------------------------
// CIFAR-10

export const CIFAR10_RECORD_BYTES = 3073;
export const CIFAR10_SIZE = 32;
export const CIFAR10_CLASSES = 10;

export interface NamedBytes {
  /** file name, used in messages (e.g. `data_batch_1.bin`) */
  name: string;
  bytes: Uint8Array;
}

/** The records in a CIFAR-10 batch file of `bytes` bytes; throws a DatasetError when the size cannot be one (checked before reading a file). */
export function cifar10Records(name: string, bytes: number): number {
  if (bytes === 0 || bytes % CIFAR10_RECORD_BYTES !== 0) {
    throw new DatasetError(`CIFAR-10 file "${name}" has ${bytes} bytes, which is not a positive multiple of ${CIFAR10_RECORD_BYTES} (1 label byte + 3072 pixel bytes per record)`);
  }
  return bytes / CIFAR10_RECORD_BYTES;
}

/** Throws a DatasetError unless `bytes` is a well-formed CIFAR-10 binary batch; returns its record count. */
export function checkCifar10Batch(file: NamedBytes): number {
  const records = cifar10Records(file.name, file.bytes.length);
  for (let r = 0; r < records; r++) {
    const label = file.bytes[r * CIFAR10_RECORD_BYTES];
    if (label >= CIFAR10_CLASSES) {
      throw new DatasetError(
        `CIFAR-10 file "${file.name}": record ${r} (byte offset ${r * CIFAR10_RECORD_BYTES}) has label ${label}; labels must be 0–9`,
      );
    }
  }
  return records;
}

/**
 * Parses one or more CIFAR-10 binary batch files into one Dataset (records in
 * file order), pixels converted from planar CHW to interleaved HWC. Every file
 * is checked before anything is built: one bad file throws a DatasetError and
 * nothing is returned.
 */
export function parseCifar10(files: NamedBytes | readonly NamedBytes[], name = 'cifar10'): Dataset {
  const list = Array.isArray(files) ? (files as readonly NamedBytes[]) : [files as NamedBytes];
  if (list.length === 0) throw new DatasetError('no CIFAR-10 files given');
  const counts = list.map(checkCifar10Batch);
  const count = counts.reduce((a, b) => a + b, 0);
  const plane = CIFAR10_SIZE * CIFAR10_SIZE;
  const labels = new Uint8Array(count);
  const images = new Uint8Array(count * plane * 3);
  let k = 0;
  for (const [fi, file] of list.entries()) {
    const src = file.bytes;
    for (let r = 0; r < counts[fi]; r++, k++) {
      const base = r * CIFAR10_RECORD_BYTES;
      labels[k] = src[base];
      const R = base + 1;
      const G = R + plane;
      const B = G + plane;
      let o = k * plane * 3;
      for (let p = 0; p < plane; p++) {
        images[o++] = src[R + p];
        images[o++] = src[G + p];
        images[o++] = src[B + p];
      }
    }
  }
  return { name, count, shape: [CIFAR10_SIZE, CIFAR10_SIZE, 3], classes: CIFAR10_CLASSES, labels, images };
}
