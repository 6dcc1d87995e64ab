/** Point colours from the CSS theme (light or dark via prefers-color-scheme), re-read when the scheme changes. */
import { useEffect, useState } from 'react';
import type { PointColors } from './plot/draw.ts';

function readColors(): PointColors {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    feasible: get('--point-feasible', 'rgba(37, 99, 235, 0.8)'),
    infeasible: get('--point-infeasible', 'rgba(148, 155, 168, 0.45)'),
    highlight: get('--point-highlight', '#f59e0b'),
  };
}

export function usePointColors(): PointColors {
  const [colors, setColors] = useState(readColors);
  useEffect(() => {
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const update = () => setColors(readColors());
    mq.addEventListener('change', update);
    return () => mq.removeEventListener('change', update);
  }, []);
  return colors;
}
