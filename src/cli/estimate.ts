/**
 * `neuronas estimate FILE|-`: the cost report of one network (or, with
 * `--jsonl`, of one network per line). Bad input exits 2 with one line on
 * stderr naming the field; nothing is written to stdout then.
 */
import type { CliIO } from './io.ts';
import { CostInputError } from '../core/cost/errors.ts';
import { DEFAULT_HARDWARE, DEFAULT_PRESET, HARDWARE_FIELDS, describeRange, type FieldGroup } from '../core/cost/hardware.ts';
import { buildArchitectureReport, buildReport, type CostReport } from '../core/cost/report.ts';
import { compileHardware, createTotals, estimateArchitecture, estimateTotalsWith, prepareLayers, type CompiledHardware, type CostTotals } from '../core/cost/estimator.ts';
import { GenomeError, parseGenomeAt } from '../core/arch/genome.ts';
import { LAYER_FIELDS } from '../core/cost/validate.ts';
import { readEstimateInput } from '../core/files/estimate-input.ts';

const GROUP_TITLES: Record<FieldGroup, string> = {
  model: 'model',
  mapping: 'mapping',
  precision: 'precision',
  timing: 'timing',
  energy: 'energy per use (SpikeSim ELA, 65 nm RRAM)',
  area: 'area (SpikeSim ELA, 65 nm RRAM)',
};

export function estimateHelp(): string {
  const lines: string[] = [
    'usage: neuronas estimate [--jsonl] [--totals] FILE|-',
    '',
    'Costs a spiking network on the RRAM compute-in-memory crossbar model',
    '(tiles, PEs, crossbars, parameters, memory, area, energy, latency) and prints',
    'the detailed report as JSON. FILE - reads standard input.',
    '',
    'options:',
    '  --jsonl     one network per line in, one report per line out',
    '  --totals    only the headline figures (mode, tiles, pes, crossbars, params,',
    '              memory_bits, memory_bytes, area_mm2, energy_uJ, latency_ms),',
    '              one network per line in and one line out (implies --jsonl)',
    '  -h, --help  this text',
    '',
    'input (a JSON object):',
    '  {"layers":[{"kind":"conv","cin":3,"cout":64,"k":3,"hin":32,"hout":32}, ...],',
    '   "hardware":{"mode":"spikesim","xbar":64,"timesteps":5},',
    '   "input_rates":[1, 0.2, ...]}',
    'or',
    '  {"architecture":"c16-h128-t4-w8-301203", "hardware":{...}}',
    '',
    '  layers        weight layers in execution order (fields below)',
    '  architecture  a genome; its layer list is costed, and its timesteps and',
    "                weight bits override the hardware's",
    '  hardware      a preset plus overrides of any field below (all optional)',
    '  input_rates   input spike rate of each layer in [0, 1] (neuronas mode);',
    '                default 1 for every layer (worst case, said in "notes")',
    '',
    'layer fields:',
  ];
  const lw = Math.max(...LAYER_FIELDS.map((f) => f.key.length));
  for (const f of LAYER_FIELDS) lines.push(`  ${f.key.padEnd(lw)}  ${f.help}`);
  lines.push('', `hardware fields (defaults: preset ${DEFAULT_PRESET}):`);
  const kw = Math.max(...HARDWARE_FIELDS.map((f) => f.file.length));
  let group: FieldGroup | null = null;
  for (const f of HARDWARE_FIELDS) {
    if (f.group !== group) {
      group = f.group;
      lines.push(`  [${GROUP_TITLES[group]}]`);
    }
    const unit = f.unit ? ` ${f.unit}` : '';
    lines.push(`  ${f.file.padEnd(kw)}  default ${String(DEFAULT_HARDWARE[f.key])}${unit}; ${describeRange(f)}`);
    lines.push(`  ${''.padEnd(kw)}  ${f.help}`);
    lines.push(`  ${''.padEnd(kw)}  source: ${f.source}`);
  }
  lines.push(
    '',
    'output keys: mode, tiles, pes, crossbars, params, memory_bits, memory_bytes,',
    '  area_mm2, energy_uJ, latency_ms, utilisation, memory, layers, breakdown',
    '  (energy_uJ and area_mm2 by component), kpis, hardware (resolved), notes',
    '',
    'exit status: 0 ok; 2 bad input or usage (one line on stderr naming the field;',
    '  with --jsonl prefixed by the line number, and no report is printed)',
  );
  return lines.join('\n');
}

/**
 * `--totals`: the headline figures of many networks, at hundreds of
 * thousands a second. The common line is a genome with hardware overrides
 * shared by many lines. Its check depends only on the line's text around
 * the genome (the hardware), the genome (checked by parsing it) and the
 * genome's own T and w (they override the hardware's and must be valid
 * hardware values); so the first line of each such text and (T, w) runs the
 * full check and the rest reuse its compiled hardware, without JSON.parse.
 * Such a genome must be plain (letters, digits and '-'): then the line is
 * the same JSON as its shape's first line but for the genome's value.
 * Every other line (layer lists, input_rates, anything odd) takes the full
 * path, so every problem is reported exactly as without --totals.
 */
/** What the lines of one shape hold besides their genome, and its hardware compiled per (T, w). */
interface LineShape {
  json: Record<string, unknown>;
  byTW: Map<number, CompiledHardware>;
}

/** A shape met lately, with the text before and after its genome. */
interface RecentShape {
  prefix: string;
  suffix: string;
  shape: LineShape | null;
}

const RECENT_SHAPES = 4;

class TotalsCoster {
  /** the line's text without the genome's value → what the rest of such a line holds (null: not a fast line) */
  private readonly shapes = new Map<string, LineShape | null>();
  /** the shapes last used (most recent first) */
  private readonly recent: RecentShape[] = [];
  private readonly out: CostTotals = createTotals();
  /** Whether the last line's hardware is in mode spikesim (else neuronas). */
  spikesim = false;

  /**
   * The totals of the line text[from, to) (no blanks around it), valid until
   * the next line; throws CostInputError naming the field. The usual line
   * matches a recent shape in place and its genome is read where it stands:
   * no string is made of it.
   */
  lineAt(text: string, from: number, to: number): CostTotals {
    for (const r of this.recent) {
      const genomeFrom = from + r.prefix.length;
      const genomeTo = to - r.suffix.length;
      if (r.shape === null || genomeTo <= genomeFrom || !text.startsWith(r.prefix, from) || !text.endsWith(r.suffix, to)) continue;
      if (!plainGenome(text, genomeFrom, genomeTo)) break;
      const totals = this.genomeTotals(r.shape, text, genomeFrom, genomeTo);
      if (totals !== null) return totals;
      break;
    }
    return this.line(text.slice(from, to));
  }

  /** The totals of one line (trimmed); as lineAt. */
  line(text: string): CostTotals {
    return this.fast(text) ?? this.full(parseJson(text, 'input'));
  }

  private fast(text: string): CostTotals | null {
    const m = GENOME_VALUE.exec(text);
    if (m === null) return null;
    const genome = m[1];
    if (!plainGenome(genome, 0, genome.length)) return null;
    const valueAt = m.index + m[0].length - genome.length - 1;
    const shape = this.shapeOf(text, valueAt, genome.length);
    if (shape === null) return null;
    return this.genomeTotals(shape, text, valueAt, valueAt + genome.length);
  }

  /** Totals of the genome text[from, to) on a line of `shape`; null when the genome is bad (the full path names the field). */
  private genomeTotals(shape: LineShape, text: string, from: number, to: number): CostTotals | null {
    let arch;
    try {
      arch = parseGenomeAt(text, from, to);
    } catch (e) {
      if (e instanceof GenomeError) return null;
      throw e;
    }
    const tw = arch.timesteps * 1024 + arch.weightBits;
    let hw = shape.byTW.get(tw);
    if (hw === undefined) {
      // Throws as the full path would for this line (the text differs from it only in the genome).
      hw = compileHardware(readEstimateInput({ ...shape.json, architecture: text.slice(from, to) }).hardware);
      shape.byTW.set(tw, hw);
    }
    this.spikesim = hw.spikesim;
    return estimateArchitecture(arch, hw, this.out);
  }

  /**
   * The shape of a line whose genome is text[valueAt, valueAt + length): the
   * recent ones first, then those met before (by the text around the genome).
   */
  private shapeOf(text: string, valueAt: number, length: number): LineShape | null {
    const suffixLength = text.length - valueAt - length;
    for (const r of this.recent) {
      if (r.prefix.length === valueAt && r.suffix.length === suffixLength && text.startsWith(r.prefix) && text.endsWith(r.suffix)) return r.shape;
    }
    const prefix = text.slice(0, valueAt);
    const suffix = text.slice(valueAt + length);
    const key = prefix + suffix;
    let shape = this.shapes.get(key);
    if (shape === undefined) {
      shape = fastShape(text, text.slice(valueAt, valueAt + length), key);
      this.shapes.set(key, shape);
    }
    this.recent.unshift({ prefix, suffix, shape });
    if (this.recent.length > RECENT_SHAPES) this.recent.pop();
    return shape;
  }

  private full(json: unknown): CostTotals {
    const input = readEstimateInput(json);
    const hw = compileHardware(input.hardware);
    // As buildReport: spikesim ignores input rates.
    const rates = hw.spikesim ? undefined : input.inputRates;
    this.spikesim = hw.spikesim;
    return input.architecture ? estimateArchitecture(input.architecture, hw, this.out, rates) : estimateTotalsWith(prepareLayers(input.layers), hw, hw.timesteps, hw.weightBits, this.out, rates);
  }
}

/** The first `"architecture": "…"` of a line whose value has no escapes. */
const GENOME_VALUE = /"architecture"\s*:\s*"([^"\\]*)"/;

/**
 * Whether s[from, to) has only a-z, 0-9 and '-' (every genome but the
 * connection-matrix notation): such a JSON string value means itself, with
 * no escape, control character or quote, so the fast path may read it in place.
 */
function plainGenome(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) return false;
  }
  return true;
}

/**
 * Whether lines that read `text` around their genome take the fast path:
 * an object with "architecture" (this genome, the only such key) and at most
 * "hardware" (an object) besides.
 */
function fastShape(text: string, genome: string, shapeKey: string): LineShape | null {
  if (shapeKey.indexOf('"architecture"') !== shapeKey.lastIndexOf('"architecture"')) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  for (const k in o) if (k !== 'architecture' && k !== 'hardware') return null;
  if (o.architecture !== genome || ('hardware' in o && (typeof o.hardware !== 'object' || o.hardware === null || Array.isArray(o.hardware)))) return null;
  return { json: o, byTW: new Map() };
}

/** Costs one parsed input object; throws CostInputError naming the field. */
export function costInput(json: unknown): CostReport {
  const input = readEstimateInput(json);
  const options = { inputRates: input.inputRates };
  return input.architecture ? buildArchitectureReport(input.architecture, input.hardware, options) : buildReport(input.layers, input.hardware, options);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CostInputError(where, `malformed JSON (${msg})`);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

export async function runEstimate(argv: string[], io: CliIO): Promise<number> {
  let jsonl = false;
  let totals = false;
  const files: string[] = [];
  for (const a of argv) {
    if (a === '-h' || a === '--help') {
      io.out(estimateHelp());
      return 0;
    }
    if (a === '--jsonl') jsonl = true;
    else if (a === '--totals') totals = true;
    else if (a.startsWith('-') && a !== '-') {
      io.err(`estimate: unknown option '${a}' (see neuronas estimate --help)`);
      return 2;
    } else files.push(a);
  }
  if (files.length !== 1) {
    io.err(files.length === 0 ? 'estimate: give a FILE, or - for standard input (see neuronas estimate --help)' : `estimate: one FILE only, got ${files.length}`);
    return 2;
  }
  const file = files[0];
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : await io.readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const msg = typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
    io.err(oneLine(`estimate: cannot read ${file} (${msg})`));
    return 2;
  }

  if (!jsonl && !totals) {
    try {
      const report = costInput(parseJson(text, 'input'));
      io.out(JSON.stringify(report, null, 2));
      return 0;
    } catch (e) {
      if (e instanceof CostInputError) {
        io.err(oneLine(e.message));
        return 2;
      }
      throw e;
    }
  }

  if (totals) return runTotals(text, io);
  const lines = text.split('\n');
  const outputs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      outputs.push(JSON.stringify(costInput(parseJson(line, 'input'))));
    } catch (e) {
      if (e instanceof CostInputError) {
        io.err(oneLine(`line ${i + 1}: ${e.message}`));
        return 2;
      }
      throw e;
    }
  }
  if (outputs.length === 0) {
    io.err('estimate: the input has no network (--jsonl expects one JSON object per line)');
    return 2;
  }
  for (const o of outputs) io.out(o);
  return 0;
}

/** Lines per `io.out` call in `--totals` (about 50 kB of output): one write per batch, not per line. */
const TOTALS_BATCH_LINES = 256;

/** Numbers held per line of `--totals` output: spikesim (1) or neuronas (0), then the CostTotals. */
const HELD_PER_LINE = 9;

/**
 * The totals of every line so far, as numbers in one typed array (its
 * memory lies outside the JavaScript heap). Output text is made only once
 * every line has passed, and each batch of it dies young: holding the text
 * instead (one string per line, or one per batch) kept megabytes alive
 * through the young generation's collections, whose copying of them was the
 * run's largest cost.
 */
class HeldTotals {
  private values = new Float64Array(HELD_PER_LINE * 1024);
  length = 0;

  push(spikesim: boolean, t: CostTotals): void {
    let at = this.length * HELD_PER_LINE;
    if (at === this.values.length) {
      const grown = new Float64Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    const v = this.values;
    v[at++] = spikesim ? 1 : 0;
    v[at++] = t.tiles;
    v[at++] = t.pes;
    v[at++] = t.crossbars;
    v[at++] = t.params;
    v[at++] = t.memoryBits;
    v[at++] = t.areaMm2;
    v[at++] = t.energyUJ;
    v[at] = t.latencyMs;
    this.length++;
  }

  /**
   * Line i as JSON, the report's keys and numbers (buildReport) without its
   * details: `{"mode":"neuronas","tiles":19,…,"latency_ms":205.638784}`.
   * A template literal, whose numbers V8's builtins write as String(x) does,
   * i.e. as JSON.stringify does a finite number. (On 20,000 lines, against
   * writing ASCII bytes with a cache of the numbers' texts, medians of 8
   * processes: the first run in a process 140 ms against 147, warm 31.9
   * against 34.0.)
   */
  line(i: number): string {
    const v = this.values;
    const at = i * HELD_PER_LINE;
    const mode = v[at] === 1 ? 'spikesim' : 'neuronas';
    const tiles = v[at + 1];
    const pes = v[at + 2];
    const crossbars = v[at + 3];
    const params = v[at + 4];
    const memoryBits = v[at + 5];
    const area = v[at + 6];
    const energy = v[at + 7];
    const latency = v[at + 8];
    const memoryBytes = Math.ceil(memoryBits / 8);
    // JSON writes a number that is not finite as null; never met in practice, so the general path.
    if (!Number.isFinite(tiles + pes + crossbars + params + memoryBits + area + energy + latency)) {
      return JSON.stringify({ mode, tiles, pes, crossbars, params, memory_bits: memoryBits, memory_bytes: memoryBytes, area_mm2: area, energy_uJ: energy, latency_ms: latency });
    }
    return `{"mode":"${mode}","tiles":${tiles},"pes":${pes},"crossbars":${crossbars},"params":${params},"memory_bits":${memoryBits},"memory_bytes":${memoryBytes},"area_mm2":${area},"energy_uJ":${energy},"latency_ms":${latency}}`;
  }
}

/** Tab, line feed, vertical tab, form feed, carriage return, space: what String.prototype.trim removes below 128. */
function asciiBlank(c: number): boolean {
  return (c >= 9 && c <= 13) || c === 32;
}

/**
 * `--totals` over the input's lines. As `--jsonl`: a bad line exits 2 naming
 * it and nothing is printed, so the output is held until the end (as
 * numbers, see HeldTotals).
 */
function runTotals(text: string, io: CliIO): number {
  const coster = new TotalsCoster();
  const held = new HeldTotals();
  let lineNo = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    // The line's bounds without ASCII blanks around it; other blanks (no-break space, …) are the general trim's.
    let from = start;
    let to = end;
    start = end + 1;
    while (from < to && asciiBlank(text.charCodeAt(from))) from++;
    while (to > from && asciiBlank(text.charCodeAt(to - 1))) to--;
    if (from === to) continue;
    try {
      let totals: CostTotals;
      if (text.charCodeAt(from) < 128 && text.charCodeAt(to - 1) < 128) totals = coster.lineAt(text, from, to);
      else {
        const line = text.slice(from, to).trim();
        if (line === '') continue;
        totals = coster.line(line);
      }
      held.push(coster.spikesim, totals);
    } catch (e) {
      if (e instanceof CostInputError) {
        io.err(oneLine(`line ${lineNo}: ${e.message}`));
        return 2;
      }
      throw e;
    }
  }
  if (held.length === 0) {
    io.err('estimate: the input has no network (--totals expects one JSON object per line)');
    return 2;
  }
  for (let from = 0; from < held.length; from += TOTALS_BATCH_LINES) {
    const batch: string[] = [];
    for (let i = from; i < Math.min(from + TOTALS_BATCH_LINES, held.length); i++) batch.push(held.line(i));
    io.out(batch.join('\n'));
  }
  return 0;
}
