/**
 * The safetensors file format (huggingface/safetensors), written and read
 * here in a few lines: an 8-byte little-endian header length N, N bytes of
 * JSON header, then the raw little-endian tensor bytes. The header maps each
 * tensor name to { dtype, shape, data_offsets: [begin, end) } (offsets into
 * the data section) and may carry "__metadata__", a map of strings.
 *
 * Why our own: the format is this simple, it is safe to read (no code, no
 * pickle), and the npm package of that name is a single 0.0.1 placeholder
 * release. PyTorch reads the file with plain `json` + `struct` + `torch`
 * (the exported model.py does; the `safetensors` Python package reads it too).
 */

export type SafetensorsDtype = 'F32' | 'I64';

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  /** F32: Float32Array; I64: BigInt64Array */
  data: Float32Array | BigInt64Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, I64: 8 };

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Encodes tensors (in the map's order) and string metadata as one safetensors file. */
export function encodeSafetensors(file: SafetensorsFile): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(file.metadata).length > 0) header.__metadata__ = file.metadata;
  let offset = 0;
  for (const [name, t] of file.tensors) {
    if (name === '__metadata__') throw new SafetensorsError('a tensor cannot be named __metadata__');
    const n = elementCount(t.shape);
    if (t.data.length !== n) throw new SafetensorsError(`tensor ${name}: shape [${t.shape.join(', ')}] holds ${n} values, the data has ${t.data.length}`);
    const bytes = n * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data section starts 8-byte aligned (as the reference writer does).
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of file.tensors.values()) {
    if (t.dtype === 'F32') for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, (t.data as Float32Array)[i], true);
    else for (let i = 0; i < t.data.length; i++, at += 8) view.setBigInt64(at, (t.data as BigInt64Array)[i], true);
  }
  return out;
}

/** Decodes a safetensors file; throws SafetensorsError with one sentence when it is not one (or uses a dtype other than F32/I64). */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new SafetensorsError(`not a safetensors file: ${bytes.length} bytes, shorter than its 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8) || n > 100_000_000n) throw new SafetensorsError('not a safetensors file: its header length is larger than the file');
  const headerEnd = 8 + Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd))) as Record<string, unknown>;
  } catch {
    throw new SafetensorsError('not a safetensors file: its header is not JSON');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError('not a safetensors file: its header is not a JSON object');
  const dataBytes = bytes.length - headerEnd;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object') throw new SafetensorsError('__metadata__ must be a map of strings');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(`__metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') throw new SafetensorsError(`tensor ${name}: its entry is not an object`);
    if (e.dtype !== 'F32' && e.dtype !== 'I64') throw new SafetensorsError(`tensor ${name}: dtype ${String(e.dtype)} is not supported (F32 weights and I64 counters are)`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new SafetensorsError(`tensor ${name}: shape must be a list of whole numbers`);
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) throw new SafetensorsError(`tensor ${name}: data_offsets must be two whole numbers`);
    const [begin, end] = offs as [number, number];
    const shape = e.shape as number[];
    const size = BYTES[e.dtype];
    if (end < begin || end > dataBytes || end - begin !== elementCount(shape) * size) throw new SafetensorsError(`tensor ${name}: its data_offsets [${begin}, ${end}) do not fit its shape or the file`);
    const count = (end - begin) / size;
    const at = headerEnd + begin;
    let data: Float32Array | BigInt64Array;
    if (e.dtype === 'F32') {
      const f = new Float32Array(count);
      for (let i = 0; i < count; i++) f[i] = view.getFloat32(at + 4 * i, true);
      data = f;
    } else {
      const f = new BigInt64Array(count);
      for (let i = 0; i < count; i++) f[i] = view.getBigInt64(at + 8 * i, true);
      data = f;
    }
    tensors.set(name, { dtype: e.dtype, shape, data });
  }
  return { tensors, metadata };
}
