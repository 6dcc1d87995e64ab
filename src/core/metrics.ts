/**
 * The cost figures of a candidate as columns, and how to label, format and
 * scale them on a chart axis. Thread-agnostic: the costing worker fills the
 * columns, the page plots them.
 */

/** The CostTotals fields the studio keeps per candidate, in column order. */
export const METRICS = ['params', 'memoryBits', 'areaMm2', 'energyUJ', 'latencyMs', 'tiles', 'pes', 'crossbars'] as const;
export type Metric = (typeof METRICS)[number];

export interface MetricInfo {
  label: string;
  /** unit as shown after a number ('' for counts) */
  unit: string;
  /** one line for tooltips and axis pickers */
  help: string;
}

export const METRIC_INFO: Readonly<Record<Metric, MetricInfo>> = Object.freeze({
  params: { label: 'Parameters', unit: '', help: 'Weights stored on the chip (the memory NeuroNAS budgets).' },
  memoryBits: { label: 'Memory', unit: 'bits', help: 'Weights × weight bits plus membrane state × membrane bits.' },
  areaMm2: { label: 'Area', unit: 'mm²', help: 'Tiles plus input and membrane buffers.' },
  energyUJ: { label: 'Energy', unit: 'µJ', help: 'Energy of one inference over all timesteps.' },
  latencyMs: { label: 'Latency', unit: 'ms', help: 'Time of one inference over all timesteps.' },
  tiles: { label: 'Tiles', unit: '', help: 'Tiles the network occupies (layers share tiles).' },
  pes: { label: 'PEs', unit: '', help: 'Processing elements (k·k crossbars each).' },
  crossbars: { label: 'Crossbars', unit: '', help: 'RRAM crossbars the weights are mapped onto.' },
});

/** Metrics offered on the chart axes. */
export const AXIS_METRICS: readonly Metric[] = Object.freeze(['params', 'memoryBits', 'areaMm2', 'energyUJ', 'latencyMs', 'tiles', 'crossbars']);

export type Columns = Record<Metric, Float64Array>;

export function allocateColumns(capacity: number): Columns {
  const out = {} as Columns;
  for (const m of METRICS) out[m] = new Float64Array(capacity);
  return out;
}

/** Smallest and largest finite value among the first n entries; [NaN, NaN] when there is none. */
export function columnExtent(col: Float64Array, n: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

export type AxisScale = 'linear' | 'log';

/** Log where the values are positive and span more than about one and a half decades. */
export function chooseScale(min: number, max: number): AxisScale {
  return min > 0 && max / min >= 30 ? 'log' : 'linear';
}

export interface AxisSpec {
  scale: AxisScale;
  domain: [number, number];
  ticks: number[];
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 2.5 ? 2.5 : r <= 5 ? 5 : 10) * mag;
}

/**
 * Axis domain and ticks for values in [min, max]: log scales snap to
 * 1-2-5 steps within decades, linear scales to a nice step, so the domain
 * changes rarely while points stream in.
 */
export function axisSpec(min: number, max: number, scale: AxisScale = chooseScale(min, max)): AxisSpec {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { scale: 'linear', domain: [0, 1], ticks: [0, 0.5, 1] };
  if (scale === 'log' && min > 0) {
    const loDec = Math.floor(Math.log10(min));
    const hiDec = Math.ceil(Math.log10(max));
    const mantissas = hiDec - loDec <= 2 ? [1, 2, 5] : hiDec - loDec <= 4 ? [1, 3] : [1];
    const ticks: number[] = [];
    for (let d = loDec; d <= hiDec; d++) {
      for (const m of mantissas) ticks.push(Number((m * 10 ** d).toPrecision(6)));
    }
    // Trim to the tightest 1-2-5 ticks around the data.
    let lo = 0;
    while (lo + 1 < ticks.length && ticks[lo + 1] <= min) lo++;
    let hi = ticks.length - 1;
    while (hi - 1 >= 0 && ticks[hi - 1] >= max) hi--;
    const kept = ticks.slice(lo, hi + 1);
    return { scale: 'log', domain: [kept[0], kept[kept.length - 1]], ticks: kept };
  }
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return axisSpec(min - pad, max + pad, 'linear');
  }
  const step = niceStep(max - min, 6);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(10)));
  return { scale: 'linear', domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

const SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Short number: 3 significant figures, k/M/G for large counts. */
export function formatCompact(v: number): string {
  return formatCompactAt(v, 3);
}

/** formatCompact with `digits` (≥ 3) significant figures: what an axis whose ticks differ in later digits needs. */
export function formatCompactAt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : '–';
  const a = Math.abs(v);
  for (const [f, s] of SUFFIXES) {
    if (a >= f) return `${trimZeros((v / f).toPrecision(digits))}${s}`;
  }
  if (a === 0) return '0';
  // Below 1,000 here, so toPrecision writes no exponent.
  if (a >= 100) return digits <= 3 ? String(Math.round(v)) : trimZeros(v.toPrecision(digits));
  if (a >= 0.01) return trimZeros(v.toPrecision(digits));
  return v.toExponential(digits - 2);
}

/** A fraction as a percentage, to one decimal at `digits` 3 and one more for each digit beyond. */
export function formatPercentAt(v: number, digits: number = 3): string {
  return `${Number((v * 100).toFixed(Math.max(1, digits - 2)))}%`;
}

/** How an axis labels a tick: `digits` is a precision level (3 = the usual; more reads finer differences). */
export type TickFormat = (v: number, digits: number) => string;

/**
 * Labels of an axis's ticks at the least precision (from 3 up) at which no two neighbours read the same: a narrow
 * range (1,200 to 1,212; 97.51 % to 97.59 %) otherwise repeats one label along the axis.
 */
export function tickLabels(ticks: readonly number[], format: TickFormat): string[] {
  let labels: string[] = [];
  for (let digits = 3; digits <= 12; digits++) {
    labels = ticks.map((v) => format(v, digits));
    if (labels.every((l, i) => i === 0 || l !== labels[i - 1])) return labels;
  }
  return labels;
}

function trimZeros(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}

/** A metric's value with its unit, e.g. `12.3 mm²`, `412k`. */
export function formatMetric(m: Metric, v: number): string {
  const u = METRIC_INFO[m].unit;
  return u ? `${formatCompact(v)} ${u}` : formatCompact(v);
}

/** Axis title, e.g. `Area (mm², log)`. */
export function axisTitle(m: Metric, scale: AxisScale): string {
  const u = METRIC_INFO[m].unit;
  const parts = [u, scale === 'log' ? 'log' : ''].filter(Boolean);
  return parts.length ? `${METRIC_INFO[m].label} (${parts.join(', ')})` : METRIC_INFO[m].label;
}

/** A whole number with thousands separators, e.g. `12,345` (cheaper than toLocaleString on hot paths). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
