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
import { GenomeError, parseGenome } from '../core/arch/genome.ts';
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
 * Every other line (layer lists, input_rates, anything odd) takes the full
 * path, so every problem is reported exactly as without --totals.
 */
/** What the lines of one shape hold besides their genome, and its hardware compiled per (T, w). */
interface LineShape {
  json: Record<string, unknown>;
  byTW: Map<number, CompiledHardware>;
}

const RECENT_SHAPES = 4;

class TotalsCoster {
  /** the line's text without the genome's value → what the rest of such a line holds (null: not a fast line) */
  private readonly shapes = new Map<string, LineShape | null>();
  /** the shapes last used, with the text around their genome (most recent first) */
  private readonly recent: { prefix: string; suffix: string; shape: LineShape | null }[] = [];
  private readonly out: CostTotals = createTotals();

  /** One input line's totals as a JSON object text; throws CostInputError naming the field. */
  line(text: string): string {
    const t = this.fast(text) ?? this.full(parseJson(text, 'input'));
    const c = t.totals;
    // The report's keys and numbers (buildReport), without its details.
    return `{"mode":"${t.mode}","tiles":${c.tiles},"pes":${c.pes},"crossbars":${c.crossbars},"params":${c.params},"memory_bits":${c.memoryBits},"memory_bytes":${Math.ceil(c.memoryBits / 8)},"area_mm2":${num(c.areaMm2)},"energy_uJ":${num(c.energyUJ)},"latency_ms":${num(c.latencyMs)}}`;
  }

  private fast(text: string): { mode: string; totals: CostTotals } | null {
    const m = GENOME_VALUE.exec(text);
    if (m === null) return null;
    const genome = m[1];
    const valueAt = m.index + m[0].length - genome.length - 1;
    const shape = this.shapeOf(text, valueAt, genome.length);
    if (shape === null) return null;
    let arch;
    try {
      arch = parseGenome(genome);
    } catch (e) {
      if (e instanceof GenomeError) return null; // the full path names the field
      throw e;
    }
    const tw = arch.timesteps * 1024 + arch.weightBits;
    let hw = shape.byTW.get(tw);
    if (hw === undefined) {
      // Throws as the full path would for this line (the text differs from it only in the genome).
      hw = compileHardware(readEstimateInput({ ...shape.json, architecture: genome }).hardware);
      shape.byTW.set(tw, hw);
    }
    return { mode: hw.hw.mode, totals: estimateArchitecture(arch, hw, this.out) };
  }

  /**
   * The shape of a line whose genome is text[valueAt, valueAt + length). Most
   * inputs use one or two shapes: the last few used are matched in place (the
   * text before and after the genome), so the usual line builds no key string.
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

  private full(json: unknown): { mode: string; totals: CostTotals } {
    const input = readEstimateInput(json);
    const hw = compileHardware(input.hardware);
    // As buildReport: spikesim ignores input rates.
    const rates = hw.spikesim ? undefined : input.inputRates;
    const totals = input.architecture ? estimateArchitecture(input.architecture, hw, this.out, rates) : estimateTotalsWith(prepareLayers(input.layers), hw, hw.timesteps, hw.weightBits, this.out, rates);
    return { mode: hw.hw.mode, totals };
  }
}

/** The first `"architecture": "…"` of a line whose value has no escapes. */
const GENOME_VALUE = /"architecture"\s*:\s*"([^"\\]*)"/;

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

/** A finite number as JSON.stringify writes it. */
function num(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
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

/**
 * Lines per `io.out` call in `--totals` (about a megabyte of output): one write per batch, not per line. The
 * batch's strings die young once joined; only the joined text of each batch is held until the end.
 */
const TOTALS_BATCH_LINES = 256;

/**
 * `--totals` over the input's lines. As `--jsonl`: a bad line exits 2 naming
 * it and nothing is printed, so the output is held until the end, as one
 * joined string per batch of lines. (Holding one string per line made the
 * garbage collector most of the run's time: thousands of small strings
 * outlived the young generation. Holding bytes instead cost a copy into a
 * buffer and one back into a string, a third of a profiled run.)
 */
function runTotals(text: string, io: CliIO): number {
  const coster = new TotalsCoster();
  const held: string[] = [];
  const batch: string[] = [];
  let lineNo = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    try {
      batch.push(coster.line(line));
    } catch (e) {
      if (e instanceof CostInputError) {
        io.err(oneLine(`line ${lineNo}: ${e.message}`));
        return 2;
      }
      throw e;
    }
    if (batch.length === TOTALS_BATCH_LINES) {
      held.push(batch.join('\n'));
      batch.length = 0;
    }
  }
  if (batch.length) held.push(batch.join('\n'));
  if (held.length === 0) {
    io.err('estimate: the input has no network (--totals expects one JSON object per line)');
    return 2;
  }
  for (const h of held) io.out(h);
  return 0;
}
