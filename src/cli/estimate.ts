/**
 * `neuronas estimate FILE|-`: the cost report of one network (or, with
 * `--jsonl`, of one network per line). Bad input exits 2 with one line on
 * stderr naming the field; nothing is written to stdout then.
 */
import type { CliIO } from './io.ts';
import { CostInputError } from '../core/cost/errors.ts';
import { DEFAULT_HARDWARE, DEFAULT_PRESET, HARDWARE_FIELDS, describeRange, type FieldGroup } from '../core/cost/hardware.ts';
import { buildArchitectureReport, buildReport, type CostReport } from '../core/cost/report.ts';
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
