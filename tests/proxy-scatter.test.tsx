// @vitest-environment happy-dom
/** One proxy against trained accuracy: a point per trained candidate, τ and ρ with their intervals once known. */
import { afterEach, describe, expect, it } from 'vitest';
import { drawnPoints, formatWithInterval, ProxyScatter } from '../src/ui/calibration/ProxyScatter.tsx';
import { PROXIES } from '../src/core/calibration/proxies.ts';
import type { ProxyCorrelation } from '../src/core/calibration/report.ts';
import { cleanup, render, texts } from './dom/render.tsx';

afterEach(cleanup);

// Four candidates: three trained (one whose proxy failed), one still training.
const POINTS = [
  { genome: 'a', x: 50_000, y: 0.62 },
  { genome: 'b', x: 100_000, y: 0.7 },
  { genome: 'c', x: null, y: 0.66 },
  { genome: 'd', x: 400_000, y: null },
];
const CORRELATION: ProxyCorrelation = { proxy: 'params', target: 'quantized', n: 2, kendall_tau: 1, kendall_tau_ci: [0.2, 1], spearman_rho: -0.5, spearman_rho_ci: [-0.91, 0.33], top_k_overlap: 2, top_k: 3 };

describe('the proxy scatter', () => {
  it('writes a statistic with its interval, signed, and a dash where it is undefined', () => {
    expect(formatWithInterval(0.55, [0.2, 0.79])).toBe('+0.55 [+0.20, +0.79]');
    expect(formatWithInterval(-0.07, [-0.39, null])).toBe('−0.07 [−0.39, –]');
    expect(formatWithInterval(NaN, [NaN, NaN])).toBe('–');
    expect(formatWithInterval(null, null)).toBe('–');
  });

  it('draws only candidates with both a proxy value and an accuracy', () => {
    expect(drawnPoints(POINTS).map((p) => p.genome)).toEqual(['a', 'b']);
    expect(drawnPoints([{ genome: 'e', x: NaN, y: 0.5 }])).toEqual([]);
  });

  it('places each trained point by its proxy value and accuracy, and says how many are to go while the run has no statistics', async () => {
    const { container } = await render(<ProxyScatter def={PROXIES.params} points={POINTS} correlation={null} accuracyLabel="8-bit test accuracy" testId="sc" />, { width: 400, height: 220 });
    const fig = container.querySelector('[data-testid=sc]')!;
    expect(fig.getAttribute('data-points')).toBe('2');
    expect(fig.getAttribute('data-tau')).toBe('');
    expect(texts(fig, '.calib-stats')).toEqual(['2 trained, 1 to go']);
    expect(texts(fig, '.axis-title')).toEqual(['Parameters', '8-bit test accuracy']);
    const circles = [...fig.querySelectorAll('circle.calib-point')];
    expect(circles.map((c) => c.getAttribute('data-genome'))).toEqual(['a', 'b']);
    const [a, b] = circles.map((c) => ({ x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) }));
    // b has the larger proxy value and the higher accuracy: right of a and above it (SVG y grows downwards).
    expect(b.x).toBeGreaterThan(a.x);
    expect(b.y).toBeLessThan(a.y);
  });

  it('shows τ, ρ, n and the top-k overlap once the run has them; a lower-is-better proxy says so on its axis', async () => {
    const { container } = await render(<ProxyScatter def={PROXIES.params} points={POINTS} correlation={CORRELATION} accuracyLabel="Float test accuracy" testId="sc" />, { width: 400, height: 220 });
    const fig = container.querySelector('[data-testid=sc]')!;
    expect(fig.getAttribute('data-tau')).toBe('1');
    expect(texts(fig, '.calib-stats')).toEqual(['τ +1.00 [+0.20, +1.00] · ρ −0.50 [−0.91, +0.33] · n 2 · top-3 2/3']);
    const low = await render(<ProxyScatter def={PROXIES.early_loss} points={[]} correlation={null} accuracyLabel="8-bit test accuracy" testId="sc2" />, { width: 400, height: 220 });
    const fig2 = low.container.querySelector('[data-testid=sc2]')!;
    expect(fig2.getAttribute('data-points')).toBe('0');
    expect(texts(fig2, '.axis-title')[0]).toBe('Early-training loss (lower is better)');
  });
});
