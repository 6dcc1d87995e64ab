/**
 * A trained network's parameters in PyTorch's layout and names, as one
 * safetensors file (`neuronas-weights`): what `neuronas train --save-weights`
 * writes, what the exported model.py loads, and what the studio reads back.
 *
 * Both sides are derived from the layer list (`layerList`), like the tfjs
 * model and the cost model:
 *   conv layer N (stem, cellK.eIJ, down): `N.conv.weight` [cout, cin, k, k]
 *     and its batch norm `N.bn.{weight, bias, running_mean, running_var, num_batches_tracked}`
 *   the batch norms in front of a LIF: `down.bn_in.*`, `head.bn.*`
 *   fc layer N (fc1, fc2): `N.weight` [cout, cin], `N.bias` [cout]
 * The studio (tfjs) holds convs as [k, k, cin, cout] and FC matrices as
 * [cin, cout], channels last: fc1's inputs are the pooled head map
 * flattened as (h, w, c) there and as (c, h, w) in PyTorch, so fc1's
 * columns are permuted on the way.
 */
import { layerList, stageSizes, type Architecture } from '../arch/architecture.ts';
import { formatGenome, parseGenome, GenomeError } from '../arch/genome.ts';
import type { Layer } from '../layers.ts';
import { validateLifConfig, LifConfigError, type LifConfig } from '../snn/lif.ts';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type SafetensorsTensor } from './safetensors.ts';

export const WEIGHTS_FORMAT = 'neuronas-weights';
export const WEIGHTS_FORMAT_VERSION = 1;

export type Encoding = 'direct' | 'rate';

export interface BatchNormValues {
  gamma: Float32Array;
  beta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
  /** running-statistics updates so far (PyTorch's num_batches_tracked) */
  updates: number;
}

/** The studio's parameters, in its own (tfjs, channels-last) layout and names. */
export interface StudioWeights {
  /** each layer-list weight by layer name: conv [k, k, cin, cout], fc [cin, cout], row-major */
  weights: Map<string, Float32Array>;
  /** FC biases by layer name */
  biases: Map<string, Float32Array>;
  /** batch norms by the studio's names (see `batchNormChannels`) */
  batchNorms: Map<string, BatchNormValues>;
}

/** What travels with the weights: the network they belong to and how it ran. */
export interface WeightsMeta {
  genome: string;
  lif: LifConfig;
  encoding: Encoding;
  weightBits: number;
  /** per layer-list weight: the b-bit quantization scale max|w| / (2^(b−1) − 1) */
  quantScales: Record<string, number>;
  /** measured input spike rate of each weight layer (layer-list order), when known */
  spikeRates?: Record<string, number>;
  /** who trained them, e.g. "neuronas train (mnist, 3 epochs)" */
  source?: string;
}

export class WeightsError extends Error {
  override name = 'WeightsError';
}

/**
 * The batch norms of an architecture by the studio's name, with their
 * channels: one after every conv (named like the conv's layer), plus
 * `down.bn_in` (C) and `head.bn` (2C) in front of those LIFs.
 */
export function batchNormChannels(arch: Architecture): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of layerList(arch)) if (l.kind === 'conv') out.set(l.name!, l.cout);
  out.set('down.bn_in', arch.channels);
  out.set('head.bn', 2 * arch.channels);
  return out;
}

/** PyTorch module path of a layer-list weight's layer: `stem.conv`, `cell1.e01.conv`, `down.conv`, `fc1`. */
export function torchWeightKey(l: Layer): string {
  return l.kind === 'conv' ? `${l.name}.conv.weight` : `${l.name}.weight`;
}

/** PyTorch module path of a batch norm, by the studio's name. */
export function torchBatchNormPath(arch: Architecture, name: string): string {
  return layerList(arch).some((l) => l.kind === 'conv' && l.name === name) ? `${name}.bn` : name;
}

function torchShape(l: Layer): number[] {
  return l.kind === 'conv' ? [l.cout, l.cin, l.k, l.k] : [l.cout, l.cin];
}

/**
 * Index maps between the two layouts of one layer: torch[i] = studio[map[i]].
 * conv: studio [y][x][ci][co] → torch [co][ci][y][x]; fc: studio [in][out] → torch [out][in'],
 * where fc1's torch input in' = (c, h, w) reads studio input (h, w, c).
 */
function torchFromStudioIndex(arch: Architecture, l: Layer): Int32Array {
  const n = l.k * l.k * l.cin * l.cout;
  const map = new Int32Array(n);
  if (l.kind === 'conv') {
    const { k, cin, cout } = l;
    let i = 0;
    for (let co = 0; co < cout; co++) for (let ci = 0; ci < cin; ci++) for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) map[i++] = ((y * k + x) * cin + ci) * cout + co;
    return map;
  }
  const { cin, cout } = l;
  const [, , h3] = stageSizes(arch.input);
  const c2 = 2 * arch.channels;
  const headInput = l.name === 'fc1' && cin === c2 * h3 * h3;
  let i = 0;
  for (let o = 0; o < cout; o++) {
    for (let j = 0; j < cin; j++) {
      let studioIn = j;
      if (headInput) {
        const c = Math.floor(j / (h3 * h3));
        const hw = j % (h3 * h3);
        studioIn = hw * c2 + c;
      }
      map[i++] = studioIn * cout + o;
    }
  }
  return map;
}

function f32(shape: number[], data: Float32Array): SafetensorsTensor {
  return { dtype: 'F32', shape, data };
}

/** The studio's parameters as a PyTorch state dict (names and layouts of the exported model.py). */
export function torchStateDict(arch: Architecture, w: StudioWeights): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  const layers = layerList(arch);
  for (const l of layers) {
    const src = w.weights.get(l.name!);
    if (!src) throw new WeightsError(`no weights for layer ${l.name}`);
    const map = torchFromStudioIndex(arch, l);
    if (src.length !== map.length) throw new WeightsError(`layer ${l.name}: ${src.length} weights, the layer list says ${map.length}`);
    const data = new Float32Array(map.length);
    for (let i = 0; i < map.length; i++) data[i] = src[map[i]];
    out.set(torchWeightKey(l), f32(torchShape(l), data));
    if (l.kind === 'fc') {
      const b = w.biases.get(l.name!);
      if (!b || b.length !== l.cout) throw new WeightsError(`layer ${l.name}: needs a bias of ${l.cout} values`);
      out.set(`${l.name}.bias`, f32([l.cout], Float32Array.from(b)));
    }
  }
  for (const [name, channels] of batchNormChannels(arch)) {
    const bn = w.batchNorms.get(name);
    if (!bn) throw new WeightsError(`no batch norm ${name}`);
    const path = torchBatchNormPath(arch, name);
    for (const [key, v] of [['weight', bn.gamma], ['bias', bn.beta], ['running_mean', bn.runningMean], ['running_var', bn.runningVar]] as const) {
      if (v.length !== channels) throw new WeightsError(`batch norm ${name}.${key}: ${v.length} values for ${channels} channels`);
      out.set(`${path}.${key}`, f32([channels], Float32Array.from(v)));
    }
    out.set(`${path}.num_batches_tracked`, { dtype: 'I64', shape: [], data: BigInt64Array.of(BigInt(bn.updates)) });
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A PyTorch state dict of the exported model back in the studio's layout; every tensor must be there with its exact shape, and nothing else. */
export function studioWeightsFromTorch(arch: Architecture, tensors: ReadonlyMap<string, SafetensorsTensor>): StudioWeights {
  const used = new Set<string>();
  const take = (key: string, shape: number[]): SafetensorsTensor => {
    const t = tensors.get(key);
    if (!t) throw new WeightsError(`the weights lack ${key} (shape [${shape.join(', ')}]) for ${formatGenome(arch)}`);
    if (!sameShape(t.shape, shape)) throw new WeightsError(`${key} has shape [${t.shape.join(', ')}]; ${formatGenome(arch)} needs [${shape.join(', ')}]`);
    used.add(key);
    return t;
  };
  const floats = (key: string, shape: number[]): Float32Array => {
    const t = take(key, shape);
    if (t.dtype !== 'F32') throw new WeightsError(`${key} must be float32 (F32), it is ${t.dtype}`);
    const d = t.data as Float32Array;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) throw new WeightsError(`${key} holds a value that is not a finite number`);
    return d;
  };
  const out: StudioWeights = { weights: new Map(), biases: new Map(), batchNorms: new Map() };
  for (const l of layerList(arch)) {
    const src = floats(torchWeightKey(l), torchShape(l));
    const map = torchFromStudioIndex(arch, l);
    const data = new Float32Array(map.length);
    for (let i = 0; i < map.length; i++) data[map[i]] = src[i];
    out.weights.set(l.name!, data);
    if (l.kind === 'fc') out.biases.set(l.name!, Float32Array.from(floats(`${l.name}.bias`, [l.cout])));
  }
  for (const [name, channels] of batchNormChannels(arch)) {
    const path = torchBatchNormPath(arch, name);
    const runningVar = Float32Array.from(floats(`${path}.running_var`, [channels]));
    if (runningVar.some((v) => v < 0)) throw new WeightsError(`${path}.running_var holds a negative variance`);
    let updates = 0;
    const counter = tensors.get(`${path}.num_batches_tracked`);
    if (counter) {
      used.add(`${path}.num_batches_tracked`);
      if (counter.dtype === 'I64' && counter.data.length === 1) updates = Math.max(0, Math.min(Number.MAX_SAFE_INTEGER, Number((counter.data as BigInt64Array)[0])));
    }
    out.batchNorms.set(name, {
      gamma: Float32Array.from(floats(`${path}.weight`, [channels])),
      beta: Float32Array.from(floats(`${path}.bias`, [channels])),
      runningMean: Float32Array.from(floats(`${path}.running_mean`, [channels])),
      runningVar,
      updates,
    });
  }
  const extra = [...tensors.keys()].filter((k) => !used.has(k));
  if (extra.length > 0) throw new WeightsError(`the weights hold tensors ${formatGenome(arch)} does not have: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);
  return out;
}

/** One safetensors file: the PyTorch state dict plus the metadata (genome, neuron, encoding, quantization scales, spike rates). */
export function encodeWeightsFile(arch: Architecture, w: StudioWeights, meta: WeightsMeta): Uint8Array {
  const metadata: Record<string, string> = {
    format: WEIGHTS_FORMAT,
    format_version: String(WEIGHTS_FORMAT_VERSION),
    genome: meta.genome,
    neuron: JSON.stringify(meta.lif),
    encoding: meta.encoding,
    weight_bits: String(meta.weightBits),
    quant_scales: JSON.stringify(meta.quantScales),
  };
  if (meta.spikeRates) metadata.spike_rates = JSON.stringify(meta.spikeRates);
  if (meta.source) metadata.source = meta.source;
  return encodeSafetensors({ tensors: torchStateDict(arch, w), metadata });
}

export interface WeightsFile {
  arch: Architecture;
  meta: WeightsMeta;
  weights: StudioWeights;
}

function jsonField(metadata: Record<string, string>, key: string): unknown {
  try {
    return JSON.parse(metadata[key]);
  } catch {
    throw new WeightsError(`the weights' metadata field ${key} is not JSON`);
  }
}

function numberMap(v: unknown, key: string): Record<string, number> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new WeightsError(`the weights' metadata field ${key} must map names to numbers`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (typeof x !== 'number' || !Number.isFinite(x)) throw new WeightsError(`the weights' metadata ${key}.${k} is not a number`);
  return v as Record<string, number>;
}

/** Reads a `neuronas-weights` file; every problem is a WeightsError of one sentence. */
export function decodeWeightsFile(bytes: Uint8Array): WeightsFile {
  let file;
  try {
    file = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new WeightsError(e.message);
    throw e;
  }
  const m = file.metadata;
  if (m.format !== WEIGHTS_FORMAT) throw new WeightsError(`not a NeuroNAS weights file: its metadata has no format "${WEIGHTS_FORMAT}" (was it saved by neuronas train --save-weights or the exported model.py?)`);
  if (m.format_version !== String(WEIGHTS_FORMAT_VERSION)) throw new WeightsError(`weights format version ${m.format_version} is not supported (this studio reads version ${WEIGHTS_FORMAT_VERSION})`);
  let arch: Architecture;
  try {
    arch = parseGenome(m.genome ?? '');
  } catch (e) {
    if (e instanceof GenomeError) throw new WeightsError(`the weights' genome: ${e.message}`);
    throw e;
  }
  const lif = jsonField(m, 'neuron') as LifConfig;
  try {
    validateLifConfig(lif);
  } catch (e) {
    if (e instanceof LifConfigError) throw new WeightsError(`the weights' neuron: ${e.message}`);
    throw e;
  }
  if (m.encoding !== 'direct' && m.encoding !== 'rate') throw new WeightsError(`the weights' encoding must be direct or rate, got ${m.encoding}`);
  const weightBits = Number(m.weight_bits);
  if (!Number.isInteger(weightBits) || weightBits < 2 || weightBits > 16) throw new WeightsError(`the weights' weight_bits must be 2 to 16, got ${m.weight_bits}`);
  const meta: WeightsMeta = {
    genome: formatGenome(arch),
    lif,
    encoding: m.encoding,
    weightBits,
    quantScales: m.quant_scales ? numberMap(jsonField(m, 'quant_scales'), 'quant_scales') : {},
    ...(m.spike_rates ? { spikeRates: numberMap(jsonField(m, 'spike_rates'), 'spike_rates') } : {}),
    ...(m.source ? { source: m.source } : {}),
  };
  return { arch, meta, weights: studioWeightsFromTorch(arch, file.tensors) };
}

/** The file's measured input spike rates in layer-list order (what the cost model takes), or why there are none to use. */
export function measuredSpikeRates(file: WeightsFile): { rates: number[]; problem: null } | { rates: null; problem: string } {
  const given = file.meta.spikeRates;
  if (!given) return { rates: null, problem: 'the file carries no measured spike rates (train.py writes them when it saves; so does neuronas train --save-weights)' };
  const rates: number[] = [];
  for (const l of layerList(file.arch)) {
    const r = given[l.name!];
    if (r === undefined) return { rates: null, problem: `the file's spike rates lack layer ${l.name}` };
    if (!(r >= 0 && r <= 1)) return { rates: null, problem: `the file's spike rate of layer ${l.name} is ${r}, outside [0, 1]` };
    rates.push(r);
  }
  return { rates, problem: null };
}
