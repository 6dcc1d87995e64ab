/**
 * The one error the cost core throws for bad input: it names the offending
 * field (a JSON path such as `hardware.xbar` or `layers[2].hout`) and says in
 * one line what is wrong, so the CLI can print it and the UI can put it next
 * to the field.
 */
export class CostInputError extends Error {
  override name = 'CostInputError';
  /** JSON path of the offending field, e.g. `layers[2].hout`. */
  readonly field: string;
  /** What is wrong, without the field name. */
  readonly detail: string;

  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.field = field;
    this.detail = detail;
  }
}

/** A short, single-line rendering of a JSON value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'an array';
  return 'an object';
}

/** Levenshtein distance, for "did you mean" hints on unknown field names. */
function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** `unknown field` message with the closest known name as a hint, when one is close. */
export function unknownFieldDetail(name: string, known: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  const hint = bestD <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : ` (known: ${known.join(', ')})`;
  return `unknown field${hint}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
