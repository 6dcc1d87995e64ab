/**
 * How the page names what a search ranks by: on the Pareto view's axis (until candidates are trained), in the table
 * and beside the choice. Read off the proxies' definitions (core/calibration/proxies.ts), so a proxy added there is
 * named here too. The Pareto view plots a lower-is-better proxy negated (up is better): its axis says so.
 */
import { PROXIES, PROXY_NAMES } from '../../core/calibration/proxies.ts';
import type { RankProxy } from '../../core/search/pipeline.ts';
import { formatCompactAt, formatCount, formatPercentAt } from '../../core/metrics.ts';

export interface RankLabel {
  axis: string;
  column: string;
  title: string;
  phrase: string;
  /** a candidate's value of the proxy as the table, the tooltip and the detail show it */
  format(v: number): string;
}

/**
 * Counts (parameters, synaptic operations) in full, so neighbouring ranks stay apart; the early-training accuracy in
 * percent; the rest to 4 significant figures (SNIP and the gradient norm can be far below 0.01 or far above 1,000:
 * two fixed decimals read 0.00 for the one and hide nothing of the other).
 */
const FORMATS: Readonly<Record<RankProxy, (v: number) => string>> = {
  snasnet: (v) => formatCompactAt(v, 4),
  params: formatCount,
  synops: formatCount,
  early_loss: (v) => formatCompactAt(v, 4),
  early_accuracy: (v) => formatPercentAt(v),
  snip: (v) => formatCompactAt(v, 4),
  grad_norm: (v) => formatCompactAt(v, 4),
};

export const RANK_LABELS: Readonly<Record<RankProxy, RankLabel>> = Object.freeze(
  Object.fromEntries(
    PROXY_NAMES.map((name): [RankProxy, RankLabel] => {
      const { label, direction } = PROXIES[name];
      const lower = direction === 'lower';
      return [
        name,
        {
          phrase: label,
          axis: lower ? `−${label} (the ranking, negated: up is better)` : `${label} (the ranking, until trained)`,
          column: `Rank: ${name}`,
          title: `${label}, what the candidates are ranked by (${direction} is better)`,
          format: (v: number) => (Number.isFinite(v) ? FORMATS[name](v) : '–'),
        },
      ];
    }),
  ) as Record<RankProxy, RankLabel>,
);
