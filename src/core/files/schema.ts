/**
 * The schema helpers every reader of outside input shares: the run file, the
 * `estimate` input, the hardware fields and the layer list. They are built on
 * valibot and add what the studio's messages need:
 *
 * - every problem names its JSON path (`candidates[3].area_mm2`) and says in
 *   one line what was expected and what came (`expected a finite number,
 *   got "abc"`), never valibot's generic text;
 * - a number is one check (type, finite, whole, allowed values, range) with
 *   one message for the first rule it breaks, so a field gets one problem;
 * - an object rejects arrays (valibot's `object` takes them), and a missing
 *   key gets its field's own message for "nothing";
 * - an array's length is checked before its entries are read;
 * - cross-field rules (written as rawCheck actions) ask `issuePaths` which
 *   values their own schemas accepted, and judge only those.
 *
 * No schema here aborts early: a reader collects every problem of a file.
 * The helpers are marked free of side effects, so a bundle drops the schemas
 * it never uses.
 */
import * as v from 'valibot';
import { CostInputError, describeValue, isPlainObject, unknownFieldDetail } from '../cost/errors.ts';
import { GenomeError, parseGenome } from '../arch/genome.ts';

export { describeValue } from '../cost/errors.ts';

export type Issue = v.BaseIssue<unknown>;
export type Schema<T> = v.GenericSchema<unknown, T>;
type PathKey = string | number;

// ---------------------------------------------------------------- problems and paths

/** The JSON path of an issue below `base`: `candidates[3].area_mm2`; `root` when the issue is at the top. */
export function issuePath(issue: Issue, base = '', root = base): string {
  if (!issue.path?.length) return root;
  let out = base;
  for (const item of issue.path) out += typeof item.key === 'number' ? `[${item.key}]` : out ? `.${String(item.key)}` : String(item.key);
  return out;
}

/** Parses or throws the first problem as a CostInputError naming its field (the command line prints one line). */
export function parseOrThrow<T>(schema: Schema<T>, input: unknown, base = '', root = base): T {
  const r = v.safeParse(schema, input);
  if (r.success) return r.output;
  const first = r.issues[0];
  throw new CostInputError(issuePath(first, base, root), first.message);
}

/** Problems listed before the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 20;

/** A file's problems, each as `path: message`; the first twenty listed, the rest counted. */
export class Problems {
  readonly list: string[] = [];
  private extra = 0;
  add(path: string, message: string): void {
    if (this.list.length < MAX_LISTED_PROBLEMS) this.list.push(path ? `${path}: ${message}` : message);
    else this.extra++;
  }
  addIssues(issues: readonly Issue[], base = ''): void {
    for (const issue of issues) this.add(issuePath(issue, base), issue.message);
  }
  get count(): number {
    return this.list.length + this.extra;
  }
  summary(): string[] {
    return this.extra ? [...this.list, `… and ${this.extra} more problem${this.extra > 1 ? 's' : ''}`] : this.list;
  }
}

/** A path for `addIssue` in a rawCheck or rawTransform, relative to the value it judges. */
export function pathTo(...keys: PathKey[]): [v.IssuePathItem, ...v.IssuePathItem[]] {
  return keys.map((key) =>
    typeof key === 'number'
      ? { type: 'array', origin: 'value', input: [], key, value: undefined }
      : { type: 'object', origin: 'value', input: {}, key, value: undefined },
  ) as [v.IssuePathItem, ...v.IssuePathItem[]];
}

/** Re-adds a nested parse's issues below `keys` (a rule that parses a part with another schema). */
export function addIssuesAt(addIssue: (info: { message: string; path: [v.IssuePathItem, ...v.IssuePathItem[]] }) => void, issues: readonly Issue[], ...keys: PathKey[]): void {
  for (const issue of issues) addIssue({ message: issue.message, path: [...pathTo(...keys), ...(issue.path ?? [])] as [v.IssuePathItem, ...v.IssuePathItem[]] });
}

const pathKey = (keys: readonly unknown[]) => keys.join('\u0000');

export interface IssuePaths {
  /** the value at the path passed its schema: no issue at it, above it (its object was not one) or below it (one of its fields) */
  passed(...keys: PathKey[]): boolean;
  /** the value at the path has its type (an array is an array), whatever its entries */
  opened(...keys: PathKey[]): boolean;
}

/**
 * Which values of a parse passed their schemas. Cross-field rules judge
 * only those, so a broken field is reported once, by its own schema.
 */
export function issuePaths(issues: readonly Issue[] | undefined): IssuePaths {
  if (!issues?.length) return { passed: () => true, opened: () => true };
  const at = new Set<string>();
  const within = new Set<string>();
  for (const issue of issues) {
    const keys = (issue.path ?? []).map((p) => p.key);
    at.add(pathKey(keys));
    for (let l = 0; l < keys.length; l++) within.add(pathKey(keys.slice(0, l)));
  }
  const opened = (...keys: PathKey[]) => {
    for (let l = 0; l <= keys.length; l++) if (at.has(pathKey(keys.slice(0, l)))) return false;
    return true;
  };
  return { opened, passed: (...keys) => opened(...keys) && !within.has(pathKey(keys)) };
}

// ---------------------------------------------------------------- numbers

export interface NumberRule {
  min?: number;
  /** the value must be above min, not equal to it */
  minExclusive?: boolean;
  max?: number;
  integer?: boolean;
  nullable?: boolean;
  /** the only values taken */
  allowed?: readonly number[];
}

/** What a number check says for each rule it can break; `x` is the input. */
export interface NumberMessages {
  /** not a finite number (undefined: the key is missing) */
  type(x: unknown): string;
  integer(x: number): string;
  allowed(x: number): string;
  range(x: number): string;
}

const bound = (b: number | undefined, none: string) => (b === undefined ? none : String(b));

/** The run file's wording: `expected a finite number, got "abc"`, `2.5 is not a whole number`, `-1 is outside 0–∞`. */
export function fileNumberMessages(rule: NumberRule): NumberMessages {
  const what = `${rule.integer ? 'a whole number' : 'a finite number'}${rule.nullable ? ' or null' : ''}`;
  return {
    type: (x) => `expected ${what}, got ${describeValue(x)}`,
    integer: (x) => `${x} is not a whole number`,
    allowed: (x) => `${x} is not one of ${rule.allowed!.join(', ')}`,
    range: (x) => `${x} is outside ${bound(rule.min, '−∞')}–${bound(rule.max, '∞')}`,
  };
}

/**
 * A finite number obeying `rule` (or null when nullable), with one message
 * for the first rule broken; `wording` replaces the run file's wording of
 * any of them.
 */
export function num(rule: NumberRule & { nullable: true }, wording?: Partial<NumberMessages>): Schema<number | null>;
export function num(rule?: NumberRule, wording?: Partial<NumberMessages>): Schema<number>;
/* @__NO_SIDE_EFFECTS__ */
export function num(rule: NumberRule = {}, wording: Partial<NumberMessages> = {}): Schema<number | null> {
  const say: NumberMessages = { ...fileNumberMessages(rule), ...wording };
  const { min = -Infinity, max = Infinity, minExclusive = false, integer = false, nullable = false, allowed } = rule;
  const broken = (x: unknown): string | null => {
    if (x === null && nullable) return null;
    if (typeof x !== 'number' || !Number.isFinite(x)) return say.type(x);
    if (integer && !Number.isInteger(x)) return say.integer(x);
    if (allowed && !allowed.includes(x)) return say.allowed(x);
    if ((minExclusive ? x <= min : x < min) || x > max) return say.range(x);
    return null;
  };
  // The common case costs one test per rule; the message is worked out only for a value that fails.
  return v.custom<number | null>(
    (x) => (x === null ? nullable : typeof x === 'number' && Number.isFinite(x) && (!integer || Number.isInteger(x)) && (!allowed || allowed.includes(x)) && (minExclusive ? x > min : x >= min) && x <= max),
    (issue) => broken(issue.input) ?? 'is not valid',
  );
}

// ---------------------------------------------------------------- other values

type Say = (x: unknown) => string;

/** A string (or null when nullable). */
export function str(options: { nullable: true; say?: Say }): Schema<string | null>;
export function str(options?: { nullable?: false; say?: Say }): Schema<string>;
/* @__NO_SIDE_EFFECTS__ */
export function str({ nullable = false, say }: { nullable?: boolean; say?: Say } = {}): Schema<string | null> {
  const message = say ?? ((x: unknown) => `expected a string${nullable ? ' or null' : ''}, got ${describeValue(x)}`);
  return v.custom<string | null>((x) => typeof x === 'string' || (nullable && x === null), (issue) => message(issue.input));
}

/* @__NO_SIDE_EFFECTS__ */
export function bool(): Schema<boolean> {
  return v.custom<boolean>((x) => typeof x === 'boolean', (issue) => `expected true or false, got ${describeValue(issue.input)}`);
}

/** One of `options`; `say` words the problem for anything else. */
/* @__NO_SIDE_EFFECTS__ */
export function oneOf<const T extends string | number | null>(options: readonly T[], say: Say): Schema<T> {
  return v.custom<T>((x) => (options as readonly unknown[]).includes(x), (issue) => say(issue.input));
}

/** A genome string that parses (its grammar is arch/genome.ts); the parse's own message says what is wrong. */
/* @__NO_SIDE_EFFECTS__ */
export function genomeText(say: Say = (x) => `expected a string, got ${describeValue(x)}`): Schema<string> {
  const problem = (x: unknown): string | null => {
    if (typeof x !== 'string') return say(x);
    try {
      parseGenome(x);
      return null;
    } catch (e) {
      if (e instanceof GenomeError) return e.message;
      throw e;
    }
  };
  // One check, as for numbers: a run holds a genome per candidate.
  return v.custom<string>((x) => problem(x) === null, (issue) => problem(issue.input) ?? 'is not a genome');
}

// ---------------------------------------------------------------- objects and arrays

/** Any JSON object (not an array, not null). */
/* @__NO_SIDE_EFFECTS__ */
export function plainObject(say: Say = (x) => `expected an object, got ${describeValue(x)}`): Schema<Record<string, unknown>> {
  return v.custom<Record<string, unknown>>(isPlainObject, (issue) => say(issue.input));
}

/** The message an entry's schema gives for a missing value (its own wording for "nothing"). */
function missingMessage(entry: v.GenericSchema): string {
  const r = v.safeParse(entry, undefined);
  return r.success ? 'missing' : r.issues[0].message;
}

export interface ObjectOptions {
  /** words "not an object" */
  say?: Say;
  /** refuse keys that are not entries */
  strict?: boolean;
  /** a rule on the raw object that, when broken, leaves its entries unread (two keys that exclude each other) */
  first?: (o: Record<string, unknown>, problem: (key: string, message: string) => void) => void;
}

/**
 * An object with these entries. Other keys are ignored, or with `strict`
 * refused first (before any entry is read), each named with the closest
 * known key (`unknown field (did you mean "xbar"?)`); then `first`. A
 * missing key is named with its entry's own message for nothing, e.g.
 * `expected a finite number, got nothing`.
 */
/* @__NO_SIDE_EFFECTS__ */
export function obj<const E extends v.ObjectEntries>(entries: E, { say, strict = false, first }: ObjectOptions = {}): Schema<v.InferOutput<v.ObjectSchema<E, undefined>>> {
  const missing = new Map<string, string>();
  const known = Object.keys(entries);
  const object = v.object(entries, (issue) => {
    const key = String(issue.path?.[0]?.key ?? '');
    if (!missing.has(key)) missing.set(key, key in entries ? missingMessage(entries[key]) : 'missing');
    return missing.get(key)!;
  });
  const before = v.rawCheck<Record<string, unknown>>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const o = dataset.value;
    if (strict) for (const key of Object.keys(o)) if (!known.includes(key)) addIssue({ message: unknownFieldDetail(key, known), path: pathTo(key) });
    if (!dataset.issues) first?.(o, (key, message) => addIssue({ message, path: pathTo(key) }));
  });
  // The rule before the entries only where there is one: a run reads this for each of its candidates.
  return strict || first ? v.pipe(plainObject(say), before, object) : v.pipe(plainObject(say), object);
}

export interface ListMessages {
  type: Say;
  tooLong: (length: number, max: number) => string;
  empty: string;
}

const LIST_MESSAGES: ListMessages = {
  type: (x) => `expected an array, got ${describeValue(x)}`,
  tooLong: (length, max) => `holds ${length} entries; at most ${max} are read`,
  empty: 'is empty',
};

/** An array of `item`, its length checked before any entry is read. */
/* @__NO_SIDE_EFFECTS__ */
export function list<T>(item: Schema<T>, { max = Infinity, nonEmpty = false, say = {} }: { max?: number; nonEmpty?: boolean; say?: Partial<ListMessages> } = {}): Schema<T[]> {
  const m = { ...LIST_MESSAGES, ...say };
  return v.pipe(
    v.custom<unknown[]>(Array.isArray, (issue) => m.type(issue.input)),
    v.check((a) => a.length <= max, (issue) => m.tooLong((issue.input as unknown[]).length, max)),
    v.check((a) => !nonEmpty || a.length > 0, m.empty),
    v.array(item),
  );
}

/** An object of any keys whose every value is `value` (timings, counts). */
/* @__NO_SIDE_EFFECTS__ */
export function recordOf<T>(value: Schema<T>): Schema<Record<string, T>> {
  return v.pipe(plainObject(), v.record(v.string(), value));
}
