/**
 * Colours of the detail charts. Mid-tone categorical colours (after Tableau
 * 10) that read on both the light and the dark panel, so the charts need no
 * per-theme palette; text and grid colours come from the theme's CSS.
 */
import type { ComponentBreakdown } from '../../core/cost/report.ts';

export type Component = keyof ComponentBreakdown;

export const COMPONENT_LABEL: Readonly<Record<Component, string>> = {
  crossbar_array: 'Crossbar arrays',
  adc: 'ADCs',
  multiplexers: 'Multiplexers',
  accumulation: 'Shift/subtract',
  buffers: 'Buffers',
  interconnect: 'Interconnect (H-tree)',
  neurons: 'Neurons',
};

export const COMPONENT_COLOR: Readonly<Record<Component, string>> = {
  crossbar_array: '#4e79a7',
  adc: '#f28e2b',
  multiplexers: '#9d9589',
  accumulation: '#76b7b2',
  buffers: '#59a14f',
  interconnect: '#b07aa1',
  neurons: '#e15759',
};

/** Twenty distinct colours (Tableau 20, dark and light shades alternating): networks have up to 17 weight layers. */
const LAYER_COLORS = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#a0cbe8', '#ffbe7d', '#8cd17d', '#ff9d9a', '#499894', '#f1ce63', '#d4a6c8', '#86bcb6', '#d37295', '#79706e',
];

export function layerColor(i: number): string {
  return LAYER_COLORS[i % LAYER_COLORS.length];
}
