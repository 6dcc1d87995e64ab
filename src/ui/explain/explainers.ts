/**
 * The explainers' texts: what a first-time visitor (or a class) needs to read
 * the page, each shown where its subject first appears. Keyed so a dismissal
 * sticks to one text; change the key when a text changes its meaning.
 */
export const EXPLAINERS = {
  points: {
    title: 'What the points are',
    text: 'Each point is one spiking network sampled from the search space and costed on the RRAM chip model (crossbars, ADCs, buffers) in microseconds, before any training. Coloured points meet every budget; grey ones break at least one.',
  },
  budgets: {
    title: 'What the budgets do',
    text: 'The four budgets are the chip’s limits. NeuroNAS checks every candidate against them before spending a forward pass on it; moving a slider re-judges all candidates at once.',
  },
  score: {
    title: 'What the ranking is',
    text: 'Until candidates are trained, the y axis is what the search ranks them by (Rank by): the parameter count by default; SNASNet’s training-free score log|det K| (K compares the spike patterns an untrained network gives to a batch of images; higher is better); SNIP or the gradient norm from one gradient pass; or the loss or accuracy after a few training steps. A proxy where lower is better (the early-training loss) is drawn negated, so up is always better. Only the best-ranked are trained. How well a ranking predicted trained accuracy was measured, not assumed: the note under Rank by gives it.',
  },
  front: {
    title: 'What the front is',
    text: 'The Pareto front joins the trained candidates that nothing beats on both axes at once: no other is both more accurate and cheaper. Every point on it is a defensible choice; which one depends on the budget you care about most.',
  },
} as const;

export type ExplainerId = keyof typeof EXPLAINERS;
