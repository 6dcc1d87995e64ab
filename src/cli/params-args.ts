/**
 * Command-line options read through the parameter table: `--<cli name> VALUE`
 * for every knob, validated by the same rules as sliders and share links.
 * On the command line a value the table would clamp or replace is an error
 * (exit 2), not a silent change.
 */
import { PARAMS, PARAM_KEYS, defaultParams, parseParamText, type ParamDef, type ParamKey, type ParamValues } from '../core/params.ts';
import { BUDGETS, budgetsFromParams, type Budgets } from '../core/settings.ts';
import { SearchSpaceError } from '../core/arch/sampler.ts';
import { CostInputError } from '../core/cost/errors.ts';
import type { CliIO } from './io.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Table knobs by option name; the neuron view's knobs have none (params.ts `cli`). */
const BY_CLI = new Map<string, ParamKey>(PARAM_KEYS.flatMap((k): [string, ParamKey][] => {
  const cli = (PARAMS[k] as ParamDef).cli;
  return cli === undefined ? [] : [[cli, k]];
}));

export interface ParsedOptions {
  values: ParamValues;
  /** table knobs given explicitly on the command line */
  given: Set<ParamKey>;
  /** flags and options not in the table, for the command to read */
  extra: Map<string, string | true>;
}

/**
 * Splits argv into table knobs and other options. `flags` are options that
 * take no value (e.g. `json`); every other option takes one.
 */
export function parseOptions(argv: string[], flags: readonly string[], known: readonly string[]): ParsedOptions {
  const values = defaultParams();
  const given = new Set<ParamKey>();
  const extra = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if (flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      extra.set(name, true);
      continue;
    }
    const key = BY_CLI.get(name);
    if (key === undefined && !known.includes(name)) throw new UsageError(`unknown option --${name} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (key === undefined) {
      extra.set(name, value);
      continue;
    }
    const parsed = parseParamText(key, value);
    if (parsed.problem) throw new UsageError(`--${name}: ${parsed.problem}`);
    (values as Record<string, unknown>)[key] = parsed.value;
    given.add(key);
  }
  return { values, given, extra };
}

/** One help line per table knob of the given groups. */
export function tableHelp(groups: readonly ParamDef['group'][]): string[] {
  const lines: string[] = [];
  for (const key of PARAM_KEYS) {
    const d = PARAMS[key] as ParamDef;
    if (!groups.includes(d.group) || d.cli === undefined) continue;
    const range =
      d.type === 'number' ? `${d.min}–${d.max}` : d.type === 'flag' ? 'true | false' : d.type === 'set' ? `comma list of ${d.options.join(', ')}` : d.options.join(' | ');
    const def = d.type === 'set' ? d.default.join(',') : String(d.default);
    lines.push(`  --${d.cli.padEnd(16)} ${d.label}${d.unit ? ` (${d.unit})` : ''}: ${range}; default ${def}`);
  }
  return lines;
}

/** The help of the search-space and hardware knobs, the same for every command that samples the space. */
export function spaceAndHardwareHelp(): string[] {
  return ['search space:', ...tableHelp(['space']), '', 'hardware:', ...tableHelp(['hardware']), '', 'other:', '  --backend NAME     auto | wasm | cpu (default auto; wasm with --shard, so shards run at once are evaluated alike)'];
}

/**
 * The budgets of parsed options, as on the page: each budget knob's value
 * (its default unless given; no limit at the top of its range or for
 * `none`); with the flag `no-budgets`, no limit for every budget not given.
 */
export function budgetsFromOptions(o: ParsedOptions): Budgets {
  const budgets = budgetsFromParams(o.values);
  if (o.extra.has('no-budgets')) for (const b of BUDGETS) if (!o.given.has(b.key)) budgets[b.key] = Infinity;
  return budgets;
}

/** A whole-number option in [min, max]; a UsageError naming the option otherwise. */
export function wholeNumber(name: string, text: string, min: number, max: number): number {
  if (!/^-?[0-9]+$/.test(text)) throw new UsageError(`--${name} must be a whole number, got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/**
 * A command's arguments, or the exit status when there is nothing more to
 * do: 0 after printing its help, 2 after a one-line usage error (bad
 * option, a search space with no valid cell, unusable hardware).
 */
export function argsOrExit<A>(command: string, io: CliIO, parse: () => A | 'help', help: () => string): A | number {
  let args: A | 'help';
  try {
    args = parse();
  } catch (e) {
    if (e instanceof UsageError || e instanceof SearchSpaceError || e instanceof CostInputError) {
      io.err(`neuronas ${command}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.out(help());
    return 0;
  }
  return args;
}
