/**
 * Pareto maths for the search: dominance, an incremental non-dominated set,
 * non-dominated sorting with crowding distance (NSGA-II), hypervolume, and
 * the best candidate under the current budgets. Objectives are given as
 * plain number arrays plus a direction per objective, so the same code serves
 * "accuracy against area" and "score against all four costs".
 *
 * Conventions: a dominates b when a is no worse in every objective and
 * strictly better in at least one. Equal points (duplicates, ties in every
 * objective) do not dominate each other, so all of them stay on a front.
 * NaN is treated as the worst possible value of its objective.
 */

export type Direction = 'max' | 'min';

/** Maps a value to a "smaller is better" key: NaN sorts last. */
function key(v: number, d: Direction): number {
  if (Number.isNaN(v)) return Infinity;
  return d === 'max' ? -v : v;
}

export function dominates(a: readonly number[], b: readonly number[], dirs: readonly Direction[]): boolean {
  let strictly = false;
  for (let i = 0; i < dirs.length; i++) {
    const x = key(a[i], dirs[i]);
    const y = key(b[i], dirs[i]);
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

export interface FrontChange<Id> {
  /** the new point joined the front */
  added: boolean;
  /** front members it dominates, now removed */
  removed: Id[];
}

/**
 * The non-dominated set of the points seen so far, updated as points arrive
 * (a search streams candidates one at a time). Adding is O(front size).
 */
export class IncrementalFront<Id> {
  private readonly ids: Id[] = [];
  private readonly points: number[][] = [];
  constructor(readonly directions: readonly Direction[]) {}

  add(id: Id, point: readonly number[]): FrontChange<Id> {
    if (point.length !== this.directions.length) throw new RangeError(`a point has ${this.directions.length} objectives, got ${point.length}`);
    for (const p of this.points) if (dominates(p, point, this.directions)) return { added: false, removed: [] };
    const removed: Id[] = [];
    for (let i = this.points.length - 1; i >= 0; i--) {
      if (dominates(point, this.points[i], this.directions)) {
        removed.push(this.ids[i]);
        this.ids.splice(i, 1);
        this.points.splice(i, 1);
      }
    }
    this.ids.push(id);
    this.points.push([...point]);
    return { added: true, removed: removed.reverse() };
  }

  has(id: Id): boolean {
    return this.ids.includes(id);
  }
  get size(): number {
    return this.ids.length;
  }
  members(): { id: Id; point: number[] }[] {
    return this.ids.map((id, i) => ({ id, point: [...this.points[i]] }));
  }
}

/** Indices of the non-dominated points (the first front). */
export function nonDominated(points: readonly (readonly number[])[], dirs: readonly Direction[]): number[] {
  const out: number[] = [];
  outer: for (let i = 0; i < points.length; i++) {
    for (let j = 0; j < points.length; j++) {
      if (j !== i && dominates(points[j], points[i], dirs)) continue outer;
    }
    out.push(i);
  }
  return out;
}

/** Deb et al.'s fast non-dominated sort: fronts of point indices, best first. O(M·N²). */
export function nonDominatedSort(points: readonly (readonly number[])[], dirs: readonly Direction[]): number[][] {
  const n = points.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominatesList: number[][] = Array.from({ length: n }, () => []);
  const fronts: number[][] = [[]];
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominates(points[p], points[q], dirs)) {
        dominatesList[p].push(q);
        dominatedBy[q]++;
      } else if (dominates(points[q], points[p], dirs)) {
        dominatesList[q].push(p);
        dominatedBy[p]++;
      }
    }
  }
  for (let p = 0; p < n; p++) if (dominatedBy[p] === 0) fronts[0].push(p);
  for (let f = 0; fronts[f].length > 0; f++) {
    const next: number[] = [];
    for (const p of fronts[f]) {
      for (const q of dominatesList[p]) if (--dominatedBy[q] === 0) next.push(q);
    }
    fronts.push(next.sort((a, b) => a - b));
  }
  fronts.pop();
  return fronts;
}

/**
 * NSGA-II crowding distance of each member of one front (same order as
 * `front`). Boundary points get Infinity so they are always kept.
 */
export function crowdingDistance(points: readonly (readonly number[])[], front: readonly number[], dirs: readonly Direction[]): number[] {
  const dist = new Array<number>(front.length).fill(0);
  if (front.length <= 2) return dist.fill(Infinity);
  const order = front.map((_, i) => i);
  for (let m = 0; m < dirs.length; m++) {
    order.sort((a, b) => key(points[front[a]][m], dirs[m]) - key(points[front[b]][m], dirs[m]));
    const lo = key(points[front[order[0]]][m], dirs[m]);
    const hi = key(points[front[order[order.length - 1]]][m], dirs[m]);
    dist[order[0]] = Infinity;
    dist[order[order.length - 1]] = Infinity;
    const span = hi - lo;
    if (!(span > 0) || !Number.isFinite(span)) continue;
    for (let i = 1; i < order.length - 1; i++) {
      dist[order[i]] += (key(points[front[order[i + 1]]][m], dirs[m]) - key(points[front[order[i - 1]]][m], dirs[m])) / span;
    }
  }
  return dist;
}

/**
 * Hypervolume dominated by `points` and bounded by `reference` (a point worse
 * than all of interest in every objective). Points that do not strictly beat
 * the reference in every objective add nothing. Exact: a sweep in 2-D, and
 * recursive slicing (HSO) in more dimensions, which is fast for the front
 * sizes a search produces (hundreds of points, up to five objectives).
 */
export function hypervolume(points: readonly (readonly number[])[], reference: readonly number[], dirs: readonly Direction[]): number {
  const ref = reference.map((r, i) => key(r, dirs[i]));
  const pts: number[][] = [];
  for (const p of points) {
    const q = p.map((v, i) => key(v, dirs[i]));
    if (q.every((v, i) => v < ref[i])) pts.push(q);
  }
  const front = nonDominated(pts, dirs.map(() => 'min'));
  return hvMin(front.map((i) => pts[i]), ref);
}

/** Hypervolume of mutually non-dominated minimisation points, all strictly better than ref. */
function hvMin(pts: number[][], ref: number[]): number {
  const d = ref.length;
  if (pts.length === 0) return 0;
  if (d === 1) return ref[0] - Math.min(...pts.map((p) => p[0]));
  if (d === 2) {
    const s = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let vol = 0;
    let yBound = ref[1];
    for (const p of s) {
      if (p[1] < yBound) {
        vol += (ref[0] - p[0]) * (yBound - p[1]);
        yBound = p[1];
      }
    }
    return vol;
  }
  // Slice along the last objective: between consecutive values, the points
  // at or below the slice form a (d−1)-dimensional problem.
  const s = [...pts].sort((a, b) => a[d - 1] - b[d - 1]);
  let vol = 0;
  for (let i = 0; i < s.length; i++) {
    const top = i + 1 < s.length ? s[i + 1][d - 1] : ref[d - 1];
    const depth = top - s[i][d - 1];
    if (depth <= 0) continue;
    const slice = s.slice(0, i + 1).map((p) => p.slice(0, d - 1));
    const keep = nonDominated(slice, new Array<Direction>(d - 1).fill('min'));
    vol += depth * hvMin(keep.map((k) => slice[k]), ref.slice(0, d - 1));
  }
  return vol;
}
