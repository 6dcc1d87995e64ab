/**
 * The share link: the page's inputs (inputs.ts) in the URL fragment.
 *
 *   #v=1&n=8000&s=42&ops=zero,skip,conv3x3&bp=1e6&ax=params.latencyMs&c.e_adc_pj=2.5
 *   #v=1&z=<base64url of raw DEFLATE of the same entries, after a preset dictionary>
 *
 * - `v` is the link format version. Only inputs that differ from their
 *   defaults are written, each under its parameter's short `url` key from the
 *   parameter table (a knob added to the table is picked up here with no
 *   change), `ax` holds the two scatter axes, `c.<field>` an edited hardware
 *   constant under its file key (`c.e_adc_pj`, HARDWARE_FIELDS' `file`),
 *   `run=1` says the link shares a search (opening it starts the same seeded
 *   search). The default state is the empty fragment.
 * - Short links stay plain (readable, editable by hand); past
 *   READABLE_LINK_CHARS the encoder writes the compressed (`z`) form when it
 *   is shorter, as it is once many knobs and constants are edited. Its
 *   DEFLATE stream is primed with a fixed dictionary of the link's own
 *   vocabulary, which halves typical compressed links.
 * - Decoding never trusts the link: the whole fragment, the compressed
 *   payload and its inflated size are bounded; every value goes through the
 *   parameter table's parser, which validates and clamps it (so a link can
 *   never ask for more samples than the table's maximum); hardware constants
 *   go through the cost model's field checks. A damaged link (bad version,
 *   bad base64 or DEFLATE, oversized) gives the defaults; a bad value gives
 *   that knob's default or its clamped value; every problem is reported.
 */
import { deflateSync, inflateSync } from 'fflate';
import { HARDWARE_FIELDS, HARDWARE_PRESETS } from './cost/hardware.ts';
import { DEFAULT_AXES, canonicalInputs, defaultInputs, editableHardwareField, hardwareEditProblem, isAxisMetric, type HardwareEdits, type StudioInputs } from './inputs.ts';
import { METRIC_INFO } from './metrics.ts';
import { PARAMS, PARAM_KEYS, defaultParams, formatParamText, parseParamText, type ParamDef, type ParamKey, type ParamValues } from './params.ts';

export const LINK_FORMAT_VERSION = 1;
/** Longest fragment read at all; a real link is a few hundred characters. */
export const MAX_LINK_CHARS = 4096;
/** Largest inflated payload of a compressed link. */
export const MAX_INFLATED_BYTES = 8192;
/** Most `key=value` entries read from one link. */
export const MAX_LINK_ENTRIES = 128;
/** Longest value echoed in a problem message. */
const MAX_ECHO_CHARS = 32;

export const VERSION_KEY = 'v';
export const COMPRESSED_KEY = 'z';
export const AXES_KEY = 'ax';
/** `run=1`: the link shares a search, not only its inputs; opening it starts the same seeded search. */
export const RUN_KEY = 'run';
export const CONSTANT_PREFIX = 'c.';
/** Keys of the link that are not parameters of the table. */
export const RESERVED_LINK_KEYS: readonly string[] = Object.freeze([VERSION_KEY, COMPRESSED_KEY, AXES_KEY, RUN_KEY]);

/**
 * The DEFLATE dictionary of link format 1: the link's own vocabulary, the
 * likeliest strings last (nearest, so cheapest to refer to). Never edit it:
 * every compressed v=1 link depends on these exact bytes. A better dictionary
 * needs a new format version (and this one kept for reading old links).
 */
export const LINK_DICTIONARY_V1 =
  'c.kernel=c.xbar_ref=c.pe_cycle_clocks=c.pipeline_fraction=c.e_mux_pj=c.e_sub_pj=c.sub_ops_per_adc=c.e_temp_buffer_pj=' +
  'c.e_htree_pj=c.e_mem_fetch_pj=c.e_neuron_pj=c.a_xbar_um2=c.a_mux_um2=c.a_sub_um2=c.a_temp_buffer_um2=c.a_tile_buffer_um2=' +
  'c.a_htree_um2=c.a_buffer_cell_um2=c.signed_scheme=differential&c.membrane_bits=c.clock_mhz=c.pes_per_tile=c.cols_per_adc=' +
  'c.e_tile_buffer_pj=c.a_adc_um2=c.e_xbar_read_pj=c.e_adc_pj=&ax=params.memoryBits.areaMm2.energyUJ.latencyMs.tiles.crossbars' +
  '&cm=spikesim&x=128&x=256&cb=1&cb=4&hid=32,64,128,256,512,1024&wb=4,8,16&ops=zero,skip,conv1x1,conv3x3,avgpool3x3' +
  '&de=0&sc=0&cmin=&cmax=&cst=&tmin=&tmax=&tr=&sb=&ds=fashion-mnist&ds=cifar10&st=snasnet&st=random&st=evolution&ep=&k=&n=&s=&bp=&ba=&bl=&be=';

const DICTIONARY_BYTES = new TextEncoder().encode(LINK_DICTIONARY_V1);

const PARAM_BY_URL_KEY: ReadonlyMap<string, ParamKey> = new Map(PARAM_KEYS.map((k) => [(PARAMS[k] as ParamDef).url, k]));

export interface DecodedLink {
  /** the inputs to show: the link's, validated and clamped, or the defaults */
  inputs: StudioInputs;
  /** what was wrong with the link, one sentence each; empty for a clean link */
  problems: string[];
  /** true when nothing of the link could be used and the page shows the defaults */
  fellBack: boolean;
  /** the link carried its settings compressed */
  compressed: boolean;
  /** the link asks to start its seeded search (`run=1`) */
  run: boolean;
}

// ---------------------------------------------------------------- encoding

/** Shortest text that reads back as exactly `v`: `600000` → `6e5`. */
export function shortNumber(v: number): string {
  const plain = String(v);
  if (!Number.isFinite(v)) return plain;
  const exp = v.toExponential().replace('e+', 'e');
  return exp.length < plain.length && Number(exp) === v ? exp : plain;
}

/** Percent-encodes a value, keeping the characters a fragment allows and the link uses (`,` `.`). */
function escapeValue(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',');
}

function paramText(key: ParamKey, value: ParamValues[ParamKey]): string {
  const d = PARAMS[key] as ParamDef;
  return d.type === 'number' ? shortNumber(value as number) : formatParamText(key, value);
}

function sameParam(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** The `key=value` entries of the inputs that differ from the defaults, in table order. */
export function linkEntries(inputs: StudioInputs): [string, string][] {
  const c = canonicalInputs(inputs);
  const defaults = defaultParams();
  const out: [string, string][] = [];
  for (const key of PARAM_KEYS) {
    if (sameParam(c.params[key], defaults[key])) continue;
    out.push([(PARAMS[key] as ParamDef).url, paramText(key, c.params[key])]);
  }
  if (c.axes.x !== DEFAULT_AXES.x || c.axes.y !== DEFAULT_AXES.y) out.push([AXES_KEY, `${c.axes.x}.${c.axes.y}`]);
  for (const f of HARDWARE_FIELDS) {
    const v = c.hwEdits[f.key];
    if (v === undefined) continue;
    out.push([CONSTANT_PREFIX + f.file, typeof v === 'number' ? shortNumber(v) : v]);
  }
  return out;
}

function joinEntries(entries: readonly [string, string][]): string {
  return entries.map(([k, v]) => `${k}=${escapeValue(v)}`).join('&');
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return null;
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function compressEntries(body: string): string {
  return toBase64Url(deflateSync(new TextEncoder().encode(body), { level: 9, dictionary: DICTIONARY_BYTES }));
}

/**
 * Links up to this long stay plain even when compression would shave a few
 * characters: a reader can see and edit them (change the seed by hand).
 */
export const READABLE_LINK_CHARS = 160;

export interface EncodeOptions {
  /** 'auto' (default): plain while short, else the shorter of the two forms */
  form?: 'auto' | 'plain' | 'compressed';
  /** the link shares a search: opening it starts the same seeded search */
  run?: boolean;
}

/** The fragment (without `#`) that restores `inputs`; '' when every input is at its default and no search is shared. */
export function encodeInputs(inputs: StudioInputs, options: EncodeOptions = {}): string {
  const entries = linkEntries(inputs);
  if (options.run) entries.push([RUN_KEY, '1']);
  if (entries.length === 0) return '';
  const version = `${VERSION_KEY}=${LINK_FORMAT_VERSION}`;
  const body = joinEntries(entries);
  const form = options.form ?? 'auto';
  const plain = `${version}&${body}`;
  if (form === 'plain' || (form === 'auto' && plain.length <= READABLE_LINK_CHARS)) return plain;
  const compressed = `${version}&${COMPRESSED_KEY}=${compressEntries(body)}`;
  if (form === 'compressed') return compressed;
  return plain.length <= READABLE_LINK_CHARS || compressed.length >= plain.length ? plain : compressed;
}

// ---------------------------------------------------------------- decoding

class LinkDamaged extends Error {}

function echo(text: string): string {
  const t = text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : text;
  // Control and invisible characters would make the notice lie about what the link holds.
  return `'${t.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]/g, '�')}'`;
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

interface Entry {
  key: string;
  value: string;
}

/** Splits `a=1&b=2` into decoded entries; unusable pieces become problems. */
function splitEntries(text: string, problems: string[]): Entry[] {
  const pieces = text.split('&').filter((p) => p !== '');
  if (pieces.length > MAX_LINK_ENTRIES) throw new LinkDamaged(`The link holds ${pieces.length} settings; a studio link holds at most ${MAX_LINK_ENTRIES}.`);
  const out: Entry[] = [];
  const seen = new Set<string>();
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    const key = safeDecode(eq < 0 ? piece : piece.slice(0, eq));
    const value = eq < 0 ? null : safeDecode(piece.slice(eq + 1));
    if (key === null || value === null) {
      problems.push(eq < 0 ? `Ignored ${echo(piece)}: it is not a setting (key=value).` : `Ignored ${echo(piece)}: its percent-encoding is broken.`);
      continue;
    }
    if (seen.has(key)) {
      problems.push(`${echo(key)} is given twice; used the first.`);
      continue;
    }
    seen.add(key);
    out.push({ key, value });
  }
  return out;
}

function inflatePayload(payload: string): string {
  if (payload === '') throw new LinkDamaged("The link's compressed settings are empty.");
  const bytes = fromBase64Url(payload);
  if (bytes === null) throw new LinkDamaged("The link's compressed settings are not valid base64url (the link may have been cut or altered).");
  let inflated: Uint8Array;
  try {
    // One byte of headroom tells "exactly the limit" from "more than the limit": fflate stops writing at the end of `out`.
    inflated = inflateSync(bytes, { out: new Uint8Array(MAX_INFLATED_BYTES + 1), dictionary: DICTIONARY_BYTES });
  } catch {
    throw new LinkDamaged("The link's compressed settings are damaged (they do not decompress).");
  }
  if (inflated.length > MAX_INFLATED_BYTES) throw new LinkDamaged(`The link's compressed settings expand past ${MAX_INFLATED_BYTES} bytes; a studio link is far smaller.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch {
    throw new LinkDamaged("The link's compressed settings are damaged (they are not text).");
  }
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function readParam(key: ParamKey, text: string, problems: string[]): ParamValues[ParamKey] {
  const d = PARAMS[key] as ParamDef;
  const parsed = parseParamText(key, text);
  if (parsed.problem) {
    // The table's message quotes the whole value; a hostile link's value can be kilobytes long.
    problems.push(text.length > MAX_ECHO_CHARS ? parsed.problem.split(`'${text}'`).join(echo(text)) : parsed.problem);
  }
  return d.type === 'set' ? ([...(parsed.value as unknown[])] as never) : parsed.value;
}

function readAxes(text: string, problems: string[]): StudioInputs['axes'] {
  const parts = text.split('.');
  const fallback = `using ${METRIC_INFO[DEFAULT_AXES.x].label} against ${METRIC_INFO[DEFAULT_AXES.y].label}`;
  if (parts.length !== 2 || !isAxisMetric(parts[0]) || !isAxisMetric(parts[1])) {
    problems.push(`Axes ${echo(text)} are not two chart metrics (x.y, e.g. params.latencyMs); ${fallback}.`);
    return { ...DEFAULT_AXES };
  }
  if (parts[0] === parts[1]) {
    problems.push(`Axes ${echo(text)} name one metric twice; ${fallback}.`);
    return { ...DEFAULT_AXES };
  }
  return { x: parts[0], y: parts[1] };
}

function readConstant(file: string, text: string, preset: string, edits: HardwareEdits, problems: string[]): void {
  const f = editableHardwareField(file);
  const name = `Constant ${echo(file)}`;
  if (!f) {
    problems.push(`${name} ignored: ${hardwareEditProblem(file, text)}.`);
    return;
  }
  let value: number | string;
  if (f.type === 'enum') value = text;
  else {
    if (!NUMBER_TEXT.test(text)) {
      problems.push(`${name}: ${echo(text)} is not a number; kept the preset's value.`);
      return;
    }
    value = Number(text);
  }
  const problem = hardwareEditProblem(file, value);
  if (problem) {
    problems.push(`${name}: ${problem.length > 120 ? `${problem.slice(0, 120)}…` : problem}; kept the preset's value.`);
    return;
  }
  if (HARDWARE_PRESETS[preset]?.[f.key] !== value) edits[f.key] = value;
}

function readVersion(entries: Entry[], problems: string[]): void {
  const v = entries.find((e) => e.key === VERSION_KEY);
  if (!v) {
    problems.push(`The link names no format version; read it as version ${LINK_FORMAT_VERSION}.`);
    return;
  }
  if (v.value === String(LINK_FORMAT_VERSION)) return;
  if (/^[0-9]{1,6}$/.test(v.value) && Number(v.value) > LINK_FORMAT_VERSION) {
    throw new LinkDamaged(`The link was made by a newer studio (link format ${Number(v.value)}); this one reads format ${LINK_FORMAT_VERSION}.`);
  }
  throw new LinkDamaged(`The link's format version ${echo(v.value)} is not one this studio reads (${LINK_FORMAT_VERSION}).`);
}

function fallBack(problem: string, compressed: boolean): DecodedLink {
  return { inputs: defaultInputs(), problems: [problem], fellBack: true, compressed, run: false };
}

/** Reads a fragment (with or without `#`) back into inputs, never trusting it. */
export function decodeInputs(fragment: string): DecodedLink {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.length > MAX_LINK_CHARS) {
    return fallBack(`The link's settings are ${text.length} characters long; a studio link holds at most ${MAX_LINK_CHARS}.`, false);
  }
  if (text === '') return { inputs: defaultInputs(), problems: [], fellBack: false, compressed: false, run: false };
  const problems: string[] = [];
  let compressed = false;
  try {
    let entries = splitEntries(text, problems);
    if (entries.length === 0) return { inputs: defaultInputs(), problems, fellBack: problems.length > 0, compressed, run: false };
    readVersion(entries, problems);
    const z = entries.find((e) => e.key === COMPRESSED_KEY);
    if (z) {
      compressed = true;
      const extra = entries.filter((e) => e.key !== COMPRESSED_KEY && e.key !== VERSION_KEY);
      if (extra.length) problems.push(`Ignored ${extra.map((e) => echo(e.key)).join(', ')} beside the compressed settings.`);
      entries = splitEntries(inflatePayload(z.value), problems);
      const nested = entries.filter((e) => e.key === VERSION_KEY || e.key === COMPRESSED_KEY);
      if (nested.length) problems.push(`Ignored ${nested.map((e) => echo(e.key)).join(', ')} inside the compressed settings.`);
    }
    return { ...applyEntries(entries.filter((e) => e.key !== VERSION_KEY && e.key !== COMPRESSED_KEY), problems), compressed };
  } catch (e) {
    if (e instanceof LinkDamaged) return fallBack(e.message, compressed);
    throw e;
  }
}

function applyEntries(entries: Entry[], problems: string[]): Omit<DecodedLink, 'compressed'> {
  const params = defaultParams() as Record<ParamKey, unknown>;
  let axes = { ...DEFAULT_AXES };
  const constants: Entry[] = [];
  let used = 0;
  let run = false;
  for (const { key, value } of entries) {
    const param = PARAM_BY_URL_KEY.get(key);
    if (param !== undefined) {
      params[param] = readParam(param, value, problems);
      used++;
    } else if (key === AXES_KEY) {
      axes = readAxes(value, problems);
      used++;
    } else if (key === RUN_KEY) {
      if (value === '1') {
        run = true;
        used++;
      } else problems.push(`Ignored run=${echo(value)}: a link that starts its search says run=1.`);
    } else if (key.startsWith(CONSTANT_PREFIX)) {
      constants.push({ key: key.slice(CONSTANT_PREFIX.length), value });
    } else {
      problems.push(`Ignored unknown setting ${echo(key)}.`);
    }
  }
  // Constants are edits of the preset the link chose, so they are read after every knob.
  const hwEdits: HardwareEdits = {};
  for (const { key, value } of constants) {
    const before = problems.length;
    readConstant(key, value, params.preset as string, hwEdits, problems);
    if (problems.length === before) used++;
  }
  const inputs = canonicalInputs({ params: params as ParamValues, hwEdits, axes });
  // A link that could not be read as shared does not start anything.
  const fellBack = used === 0 && problems.length > 0;
  return { inputs, problems, fellBack, run: run && !fellBack };
}
