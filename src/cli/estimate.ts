/**
 * `neuronas estimate FILE|-`: the cost report of one network (or, with
 * `--jsonl`, of one network per line). Bad input exits 2 with one line on
 * stderr naming the field; nothing is written to stdout then.
 */
import type { CliIO } from './io.ts';
import { layerList } from '../core/arch/architecture.ts';
import { GenomeError, parseGenome } from '../core/arch/genome.ts';
import { CostInputError, describeValue, isPlainObject, unknownFieldDetail } from '../core/cost/errors.ts';
import { DEFAULT_HARDWARE, DEFAULT_PRESET, HARDWARE_FIELDS, describeRange, resolveHardware, type FieldGroup } from '../core/cost/hardware.ts';
import { buildArchitectureReport, buildReport, type CostReport } from '../core/cost/report.ts';
import { LAYER_FIELDS, validateInputRates, validateLayers } from '../core/cost/validate.ts';

const INPUT_KEYS = ['layers', 'architecture', 'hardware', 'input_rates'] as const;

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
    'usage: neuronas estimate [--jsonl] FILE|-',
    '',
    'Costs a spiking network on the RRAM compute-in-memory crossbar model',
    '(tiles, PEs, crossbars, parameters, memory, area, energy, latency) and prints',
    'the detailed report as JSON. FILE - reads standard input.',
    '',
    'options:',
    '  --jsonl     one network per line in, one report per line out',
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
  const kw = Math.max(...HARDWARE_FIELDS.map((f) => f.key.length));
  let group: FieldGroup | null = null;
  for (const f of HARDWARE_FIELDS) {
    if (f.group !== group) {
      group = f.group;
      lines.push(`  [${GROUP_TITLES[group]}]`);
    }
    const unit = f.unit ? ` ${f.unit}` : '';
    lines.push(`  ${f.key.padEnd(kw)}  default ${String(DEFAULT_HARDWARE[f.key])}${unit}; ${describeRange(f)}`);
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

/** Costs one parsed input object; throws CostInputError naming the field. */
export function costInput(json: unknown): CostReport {
  if (!isPlainObject(json)) throw new CostInputError('input', `expected a JSON object with "layers" or "architecture", got ${describeValue(json)}`);
  for (const key of Object.keys(json)) {
    if (!(INPUT_KEYS as readonly string[]).includes(key)) throw new CostInputError(key, unknownFieldDetail(key, INPUT_KEYS));
  }
  const hw = resolveHardware(json.hardware, 'hardware');
  if (json.layers !== undefined && json.architecture !== undefined) {
    throw new CostInputError('architecture', 'give either "layers" or "architecture", not both');
  }
  if (json.architecture !== undefined) {
    if (typeof json.architecture !== 'string') throw new CostInputError('architecture', `expected a genome string like "c16-h128-t4-w8-301203", got ${describeValue(json.architecture)}`);
    let arch;
    try {
      arch = parseGenome(json.architecture);
    } catch (e) {
      if (e instanceof GenomeError) throw new CostInputError('architecture', e.message);
      throw e;
    }
    const n = layerList(arch).length;
    const rates = json.input_rates === undefined ? undefined : validateInputRates(json.input_rates, n);
    // The architecture's T and w must also be valid hardware values.
    resolveHardware({ ...hw, timesteps: arch.timesteps, weight_bits: arch.weightBits }, 'architecture');
    return buildArchitectureReport(arch, hw, { inputRates: rates });
  }
  if (json.layers === undefined) throw new CostInputError('layers', 'missing (give "layers", an array of layers, or "architecture", a genome)');
  const layers = validateLayers(json.layers, 'layers');
  const rates = json.input_rates === undefined ? undefined : validateInputRates(json.input_rates, layers.length);
  return buildReport(layers, hw, { inputRates: rates });
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
  const files: string[] = [];
  for (const a of argv) {
    if (a === '-h' || a === '--help') {
      io.out(estimateHelp());
      return 0;
    }
    if (a === '--jsonl') jsonl = true;
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

  if (!jsonl) {
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
