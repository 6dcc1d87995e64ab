import { describe, expect, it } from 'vitest';
import { IncrementalFront, crowdingDistance, dominates, hypervolume, nonDominated, nonDominatedSort, type Direction } from '../src/core/search/pareto.ts';
import { makeRng } from '../src/core/arch/sampler.ts';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

// accuracy (max) against energy (min)
const AE: Direction[] = ['max', 'min'];

describe('dominance', () => {
  it('needs no worse everywhere and better somewhere', () => {
    expect(dominates([0.9, 10], [0.8, 10], AE)).toBe(true);
    expect(dominates([0.9, 10], [0.9, 12], AE)).toBe(true);
    expect(dominates([0.9, 10], [0.9, 10], AE)).toBe(false); // duplicates do not dominate
    expect(dominates([0.9, 12], [0.8, 10], AE)).toBe(false); // a trade-off
    expect(dominates([0.9, 10], [NaN, 10], AE)).toBe(true); // NaN is worst
  });
});

describe('non-dominated sets', () => {
  const pts = [
    [0.9, 10], // 0 front
    [0.95, 20], // 1 front
    [0.8, 5], // 2 front
    [0.85, 12], // 3 dominated by 0
    [0.9, 10], // 4 duplicate of 0: front too
    [0.95, 25], // 5 dominated by 1 (same accuracy, more energy)
    [0.7, 30], // 6 dominated by many
  ];

  it('finds the front, keeping ties and duplicates', () => {
    expect(nonDominated(pts, AE)).toEqual([0, 1, 2, 4]);
  });

  it('sorts into successive fronts', () => {
    expect(nonDominatedSort(pts, AE)).toEqual([[0, 1, 2, 4], [3, 5], [6]]);
  });

  it('updates incrementally to the same front whatever the arrival order', () => {
    const orders = [[0, 1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1, 0], [3, 6, 0, 5, 2, 4, 1]];
    for (const order of orders) {
      const f = new IncrementalFront<number>(AE);
      for (const i of order) f.add(i, pts[i]);
      expect(f.members().map((m) => m.id).sort()).toEqual([0, 1, 2, 4]);
    }
    const f = new IncrementalFront<string>(AE);
    expect(f.add('a', [0.8, 10])).toEqual({ added: true, removed: [] });
    expect(f.add('b', [0.7, 12])).toEqual({ added: false, removed: [] });
    expect(f.add('c', [0.9, 9])).toEqual({ added: true, removed: ['a'] });
    expect(f.size).toBe(1);
    expect(() => f.add('d', [1])).toThrow(RangeError);
  });

  it('agrees with brute force on random integer points (many ties)', () => {
    const rng = makeRng(5);
    const dirs: Direction[] = ['max', 'min', 'min'];
    for (let trial = 0; trial < 20; trial++) {
      const p = Array.from({ length: 60 }, () => [uniformInt(rng, 0, 5), uniformInt(rng, 0, 5), uniformInt(rng, 0, 5)]);
      const brute = p.map((_, i) => i).filter((i) => !p.some((b, j) => j !== i && dominates(b, p[i], dirs)));
      expect(nonDominated(p, dirs)).toEqual(brute);
      expect(nonDominatedSort(p, dirs)[0]).toEqual(brute);
      expect(nonDominatedSort(p, dirs).flat().sort((a, b) => a - b)).toEqual(p.map((_, i) => i));
      const f = new IncrementalFront<number>(dirs);
      p.forEach((q, i) => f.add(i, q));
      expect(f.members().map((m) => m.id).sort((a, b) => a - b)).toEqual(brute);
    }
  });
});

describe('crowding distance', () => {
  it('gives boundary points infinity and interior points the normalised side lengths', () => {
    const pts = [[1, 1], [2, 0.5], [4, 0.25], [8, 0]];
    const dirs: Direction[] = ['min', 'max'];
    // objective 0 spans 7: interior (2): (4−1)/7, (4): (8−2)/7; objective 1 spans 1: (2): (1−0.25), (4): (0.5−0)
    const d = crowdingDistance(pts, [0, 1, 2, 3], dirs);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo(3 / 7 + 0.75, 12);
    expect(d[2]).toBeCloseTo(6 / 7 + 0.5, 12);
  });
});

describe('hypervolume', () => {
  it('is the area of the staircase in 2-D', () => {
    // accuracy (max) vs energy (min), reference accuracy 0, energy 100
    // points (0.9, 10), (0.95, 20), (0.8, 5): in minimisation form (−acc, e)
    // staircase: e from 5..10 covers acc 0.8; 10..20 covers 0.9; 20..100 covers 0.95
    const hv = hypervolume([[0.9, 10], [0.95, 20], [0.8, 5], [0.85, 12], [0.9, 10]], [0, 100], AE);
    expect(hv).toBeCloseTo(0.8 * 5 + 0.9 * 10 + 0.95 * 80, 12);
  });

  it('ignores points no better than the reference and counts duplicates once', () => {
    expect(hypervolume([[0.5, 150]], [0, 100], AE)).toBe(0);
    expect(hypervolume([[0.5, 50], [0.5, 50]], [0, 100], AE)).toBeCloseTo(25, 12);
  });

  it('is the union volume of boxes in 3-D', () => {
    // minimisation, ref (4,4,4). Boxes: (1,2,3) → 3·2·1 = 6; (2,1,2) → 2·3·2 = 12; overlap [2,4]×[2,4]×[3,4] = 4
    expect(hypervolume([[1, 2, 3], [2, 1, 2]], [4, 4, 4], ['min', 'min', 'min'])).toBeCloseTo(14, 12);
    // a single point in 4-D: product of sides
    expect(hypervolume([[1, 1, 1, 1]], [2, 3, 4, 5], ['min', 'min', 'min', 'min'])).toBeCloseTo(1 * 2 * 3 * 4, 12);
  });

  it('matches a Monte Carlo estimate in 3-D', () => {
    const rng = makeRng(11);
    const pts = Array.from({ length: 25 }, () => [uniformInt(rng, 0, 1000) / 1000, uniformInt(rng, 0, 1000) / 1000, uniformInt(rng, 0, 1000) / 1000]);
    const dirs: Direction[] = ['min', 'min', 'min'];
    const exact = hypervolume(pts, [1, 1, 1], dirs);
    let inside = 0;
    const samples = 200000;
    for (let s = 0; s < samples; s++) {
      const q = [uniformInt(rng, 0, 1e6) / 1e6, uniformInt(rng, 0, 1e6) / 1e6, uniformInt(rng, 0, 1e6) / 1e6];
      if (pts.some((p) => p[0] <= q[0] && p[1] <= q[1] && p[2] <= q[2])) inside++;
    }
    // standard error ≈ sqrt(v(1−v)/n) ≤ 0.0012
    expect(Math.abs(exact - inside / samples)).toBeLessThan(0.006);
  });
});
