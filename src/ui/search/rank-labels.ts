/**
 * How the page names what a search ranks by: on the Pareto view's axis (until candidates are trained), in the table
 * and beside the choice. Read off the proxies' definitions (core/calibration/proxies.ts), so a proxy added there is
 * named here too. The Pareto view plots a lower-is-better proxy negated (up is better): its axis says so.
 */
import { PROXIES, PROXY_NAMES } from '../../core/calibration/proxies.ts';
import type { RankProxy } from '../../core/search/pipeline.ts';

export interface RankLabel {
  axis: string;
  column: string;
  title: string;
  phrase: string;
}

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
        },
      ];
    }),
  ) as Record<RankProxy, RankLabel>,
);
