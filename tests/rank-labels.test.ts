import { describe, expect, it } from 'vitest';
import { PROXY_NAMES } from '../src/core/calibration/proxies.ts';
import { RANK_LABELS } from '../src/ui/search/rank-labels.ts';

describe('a ranking value as the page writes it', () => {
  it('counts in full, the early accuracy in percent, the rest to 4 figures however small or large', () => {
    const f = (name: keyof typeof RANK_LABELS, v: number) => RANK_LABELS[name].format(v);
    // Two fixed decimals wrote 59080.00 for a parameter count and 0.00 for a small SNIP.
    expect(f('params', 59080)).toBe('59,080');
    expect(f('synops', 123456789)).toBe('123,456,789');
    expect(f('snasnet', -55.1234)).toBe('-55.12');
    expect(f('early_loss', 1.23456)).toBe('1.235');
    expect(f('early_accuracy', 0.4125)).toBe('41.3%');
    expect(f('snip', 0.000123456)).toBe('1.23e-4');
    expect(f('grad_norm', 345678.9)).toBe('345.7k');
    for (const name of PROXY_NAMES) expect(RANK_LABELS[name].format(NaN)).toBe('–');
  });
});
