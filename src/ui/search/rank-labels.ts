/** How the page names what a search ranks by: on the Pareto view's axis (until candidates are trained) and in the table. */
import type { RankProxy } from '../../core/search/pipeline.ts';

export const RANK_LABELS: Readonly<Record<RankProxy, { axis: string; column: string; title: string; phrase: string }>> = {
  snasnet: { phrase: 'SNASNet’s score', axis: 'Training-free score (log|det K|, until trained)', column: 'Score', title: 'SNASNet’s training-free score (log|det K|), the ranking' },
  params: { phrase: 'the parameter count', axis: 'Parameter count (the ranking, until trained)', column: 'Rank: params', title: 'The parameter count the candidates are ranked by' },
  synops: { phrase: 'synaptic operations', axis: 'Synaptic operations at spike rate 1 (the ranking, until trained)', column: 'Rank: synops', title: 'The synaptic operations (spike rate 1) the candidates are ranked by' },
};
