/**
 * The genome: a compact, URL-safe string for one architecture.
 *
 *   c16-h128-t4-w8-301203-301203
 *   c16-h128-t4-w8-301203            (one cell: both cells share it)
 *   c16-h128-t4-w8-303302020020-...  (12 digits: 6 forward + 6 backward edges)
 *   c16-h128-t4-w8-i32x3-n10-...     (input 32×32×3, 10 classes; omitted = 28×28×1, 10)
 *
 * A cell's digits are op codes (0 zero, 1 skip, 2 conv1x1, 3 conv3x3,
 * 4 avgpool3x3) of the edges 0→1 0→2 0→3 1→2 1→3 2→3; backward digits are the
 * edges 1→0 2→0 3→0 2→1 3→1 3→2 (from the previous timestep).
 * SNASNet's 4×4 matrix notation (`0303 0030 2002 0200`, row i column j = op of
 * edge i→j) also parses; its dimensions come from DEFAULT_ARCHITECTURE.
 */
import { EDGES, EDGE_FROM, EDGE_TO, NO_BACKWARD, OPS, cellProblem, type Cell, type CellRules } from './cell.ts';
import { MNIST_INPUT, architectureProblem, type Architecture } from './architecture.ts';

export class GenomeError extends Error {
  override name = 'GenomeError';
}

/** The studio's default architecture: a residual chain 0→1 conv3×3, 1→2 conv1×1, 2→3 conv3×3, with a skip 0→3. */
export const DEFAULT_ARCHITECTURE: Architecture = Object.freeze({
  cells: Object.freeze([
    Object.freeze({ forward: Object.freeze([3, 0, 1, 2, 0, 3]), backward: NO_BACKWARD }),
    Object.freeze({ forward: Object.freeze([3, 0, 1, 2, 0, 3]), backward: NO_BACKWARD }),
  ]) as unknown as readonly [Cell, Cell],
  channels: 16,
  hidden: 128,
  timesteps: 4,
  weightBits: 8,
  input: MNIST_INPUT,
  classes: 10,
});

/** Validity checks a genome must pass: reachability only; the direct-edge rule is a search-space choice. */
const PARSE_RULES: CellRules = { requireDirectEdge: false };

function cellDigits(cell: Cell): string {
  const f = cell.forward.join('');
  return cell.backward.some((c) => c !== 0) ? f + cell.backward.join('') : f;
}

export function formatCell(cell: Cell): string {
  return cellDigits(cell);
}

export function formatGenome(a: Architecture): string {
  const parts = [`c${a.channels}`, `h${a.hidden}`, `t${a.timesteps}`, `w${a.weightBits}`];
  if (a.input.size !== MNIST_INPUT.size || a.input.channels !== MNIST_INPUT.channels) parts.push(`i${a.input.size}x${a.input.channels}`);
  if (a.classes !== 10) parts.push(`n${a.classes}`);
  const c1 = cellDigits(a.cells[0]);
  const c2 = cellDigits(a.cells[1]);
  parts.push(c1);
  if (c2 !== c1) parts.push(c2);
  return parts.join('-');
}

function digitsToCell(digits: string, where: string): Cell {
  const codes = new Array<number>(digits.length);
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d >= OPS.length) throw new GenomeError(`${where}: '${digits[i]}' is not an operation code (0 zero, 1 skip, 2 conv1x1, 3 conv3x3, 4 avgpool3x3)`);
    codes[i] = d;
  }
  const cell: Cell = digits.length === EDGES ? { forward: codes, backward: NO_BACKWARD } : { forward: codes.slice(0, EDGES), backward: codes.slice(EDGES) };
  const problem = cellProblem(cell, PARSE_RULES);
  if (problem) throw new GenomeError(`${where} (${digits}) is not a valid cell: ${problem}`);
  return cell;
}

/** Parses SNASNet's 4×4 connection-matrix notation into a cell. */
export function parseMatrixCell(text: string): Cell {
  const rows = text.trim().split(/[\s,;|]+/);
  if (rows.length !== 4 || rows.some((r) => !/^[0-9]{4}$/.test(r))) {
    throw new GenomeError(`a connection matrix is 4 rows of 4 digits, like '0303 0030 2002 0200'; got '${text.trim()}'`);
  }
  for (let i = 0; i < 4; i++) {
    if (rows[i][i] !== '0') throw new GenomeError(`connection matrix: the diagonal must be 0 (row ${i} has '${rows[i][i]}')`);
  }
  let fwd = '';
  let bwd = '';
  for (let e = 0; e < EDGES; e++) {
    fwd += rows[EDGE_FROM[e]][EDGE_TO[e]];
    bwd += rows[EDGE_TO[e]][EDGE_FROM[e]];
  }
  return digitsToCell(bwd === '000000' ? fwd : fwd + bwd, 'connection matrix');
}

/**
 * Valid cells by their digits. There are at most 5¹² distinct cell strings but
 * a search meets a few thousand, so caching the checked, frozen cell makes
 * decoding a genome mostly a scan of its characters. Forward-only cells
 * (six digits 0–4, 5⁶ of them) are found by their digits read in base 5,
 * without the digits as a string.
 */
const cellCache = new Map<string, Cell>();
const CELL_CACHE_LIMIT = 50_000;
const forwardCells: (Cell | undefined)[] = new Array<Cell | undefined>(5 ** EDGES).fill(undefined);

function cachedCell(digits: string, where: string): Cell {
  let cell = cellCache.get(digits);
  if (cell === undefined) {
    const c = digitsToCell(digits, where);
    cell = Object.freeze({ forward: Object.freeze([...c.forward]), backward: c.backward === NO_BACKWARD ? NO_BACKWARD : Object.freeze([...c.backward]) });
    if (cellCache.size < CELL_CACHE_LIMIT) cellCache.set(digits, cell);
  }
  return cell;
}

/** The cell written in s[from, to), a run of 6 or 12 decimal digits. */
function cellAt(s: string, from: number, to: number, where: string): Cell {
  if (to - from === EDGES) {
    let base5 = 0;
    for (let i = from; i < to; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d > 4) return cachedCell(s.slice(from, to), where); // throws: not an operation code
      base5 = 5 * base5 + d;
    }
    const known = forwardCells[base5];
    if (known !== undefined) return known;
    return (forwardCells[base5] = cachedCell(s.slice(from, to), where));
  }
  return cachedCell(s.slice(from, to), where);
}

/** Genome dimensions in the order of `dimensionValues`: letter, name, largest value. */
const DIMENSIONS: readonly (readonly [string, string, number])[] = [
  ['c', 'base width C', 4096],
  ['h', 'hidden width', 65536],
  ['t', 'timesteps', 256],
  ['w', 'weight bits', 32],
  ['n', 'classes', 100000],
];
const DIM_C = 0;
const DIM_H = 1;
const DIM_T = 2;
const DIM_W = 3;
const DIM_N = 4;

/** Index in DIMENSIONS of a dimension's letter (char code), or −1. */
function dimensionIndex(letter: number): number {
  switch (letter) {
    case 99: return DIM_C; // c
    case 104: return DIM_H; // h
    case 116: return DIM_T; // t
    case 119: return DIM_W; // w
    case 110: return DIM_N; // n
    default: return -1;
  }
}

/** The dimensions being read by `parseGenomeParts` (−1: not given); one buffer, as parsing does not nest. */
const dimensionValues = new Int32Array(DIMENSIONS.length);

/** Whole number written in s[from, to), or −1 when it is not only digits (or too long to be a dimension). */
function digitsValue(s: string, from: number, to: number): number {
  if (to <= from || to - from > 9) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Whether s may be SNASNet's connection matrix (4 digits, then a separator): only then is its pattern tried. */
function mayBeMatrix(s: string, from: number, to: number): boolean {
  if (to - from < 19 || s.charCodeAt(from + 4) === 45 /* '-' */) return false;
  for (let i = from; i < from + 4; i++) if (s.charCodeAt(i) < 48 || s.charCodeAt(i) > 57) return false;
  return true;
}

/** Parses a genome (or a SNASNet connection matrix). Throws GenomeError with a message naming the bad part. */
export function parseGenome(text: string): Architecture {
  if (typeof text !== 'string') throw new GenomeError('a genome must be a string');
  const s = text.trim();
  if (s.length === 0) throw new GenomeError('the genome is empty');
  if (s.length > 256) throw new GenomeError(`the genome is ${s.length} characters long; a genome is at most 256`);
  if (mayBeMatrix(s, 0, s.length) && /^[0-9]{4}([\s,;|]+[0-9]{4}){3}$/.test(s)) {
    const cell = parseMatrixCell(s);
    return { ...DEFAULT_ARCHITECTURE, cells: [cell, cell] };
  }
  return parseGenomeParts(s, 0, s.length);
}

/**
 * `parseGenome(text.slice(from, to))` without taking the slice: for a genome
 * read in place from a larger text (the lines of `neuronas estimate
 * --totals`). Anything but the plain form (surrounding blanks, a connection
 * matrix, a length out of range) goes through parseGenome itself.
 */
export function parseGenomeAt(text: string, from: number, to: number): Architecture {
  const first = text.charCodeAt(from);
  const last = text.charCodeAt(to - 1);
  if (to <= from || to - from > 256 || !(first > 32 && first < 127 && last > 32 && last < 127) || mayBeMatrix(text, from, to)) return parseGenome(text.slice(from, to));
  return parseGenomeParts(text, from, to);
}

/**
 * The '-'-separated parts of the genome s[start, end) (trimmed, not empty,
 * not a connection matrix): dimensions first (c, h, t, w, i, n; each once),
 * then one or two cells. Parts become strings only for messages and the
 * rare input part.
 */
function parseGenomeParts(s: string, start: number, end: number): Architecture {
  let cell1: Cell | null = null;
  let cell2: Cell | null = null;
  const dims = dimensionValues;
  dims.fill(-1);
  let input = MNIST_INPUT;
  let seenInput = false;
  for (let from = start; from <= end; ) {
    let to = from;
    while (to < end && s.charCodeAt(to) !== 45 /* '-' */) to++;
    const first = s.charCodeAt(from);
    if (first >= 48 && first <= 57) {
      const len = to - from;
      if ((len !== EDGES && len !== 2 * EDGES) || digitsValue(s, from, from + Math.min(len, 9)) < 0 || (len > 9 && digitsValue(s, from + 9, to) < 0)) {
        throw new GenomeError(`genome part '${s.slice(from, to)}': a cell is 6 digits (12 with backward edges)`);
      }
      if (cell2 !== null) throw new GenomeError('a genome has at most two cells');
      if (cell1 === null) cell1 = cellAt(s, from, to, 'cell 1');
      else cell2 = cellAt(s, from, to, 'cell 2');
    } else {
      if (cell1 !== null) throw new GenomeError(`genome part '${s.slice(from, to)}': dimensions come before the cells`);
      if (from === to) throw new GenomeError(`genome part '' is empty`);
      if (first === 105 /* i */) {
        const token = s.slice(from, to);
        if (seenInput) throw new GenomeError(`genome part '${token}' is repeated`);
        seenInput = true;
        const m = /^i([0-9]+)x([0-9]+)$/.exec(token);
        if (!m) throw new GenomeError(`genome part '${token}': input is written i<size>x<channels>, like i32x3`);
        input = { size: Number(m[1]), channels: Number(m[2]) };
      } else {
        const d = dimensionIndex(first);
        if (d < 0) throw new GenomeError(`genome part '${s.slice(from, to)}': unknown field '${s[from]}' (known: c, h, t, w, i, n, then the cells)`);
        const [, name, largest] = DIMENSIONS[d];
        if (dims[d] !== -1) throw new GenomeError(`genome part '${s.slice(from, to)}' is repeated`);
        const v = digitsValue(s, from + 1, to);
        if (v < 0) throw new GenomeError(`genome field '${s.slice(from, to)}': ${name} must be a whole number`);
        if (v < 1 || v > largest) throw new GenomeError(`genome field '${s.slice(from, to)}': ${name} must be between 1 and ${largest}`);
        dims[d] = v;
      }
    }
    from = to + 1;
  }
  if (dims[DIM_C] < 0 || dims[DIM_H] < 0 || dims[DIM_T] < 0 || dims[DIM_W] < 0) {
    const missing = DIMENSIONS.slice(DIM_C, DIM_W + 1).filter((_, i) => dims[i] === -1).map(([letter]) => letter);
    throw new GenomeError(`the genome lacks ${missing.join(', ')} (a genome looks like c16-h128-t4-w8-301203)`);
  }
  if (cell1 === null) throw new GenomeError('the genome has no cell (6 digits, like 301203)');
  const arch: Architecture = {
    cells: [cell1, cell2 ?? cell1],
    channels: dims[DIM_C],
    hidden: dims[DIM_H],
    timesteps: dims[DIM_T],
    weightBits: dims[DIM_W],
    input,
    classes: dims[DIM_N] === -1 ? 10 : dims[DIM_N],
  };
  if (input !== MNIST_INPUT || arch.classes < 2) {
    const problem = architectureProblem(arch);
    if (problem) throw new GenomeError(problem);
  }
  return arch;
}

export const DEFAULT_GENOME = formatGenome(DEFAULT_ARCHITECTURE);
