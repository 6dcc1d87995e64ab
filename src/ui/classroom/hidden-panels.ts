/**
 * A classroom link's hidden panels (the parameter table's `hidePanels`, URL key `hide`): which parts of the page
 * it leaves out. Read by the layout; changed by the Classroom menu and the notice's "Show them".
 */
import { PARAMS, type ParamValues } from '../../core/params.ts';
import { useStudio } from '../state/store.ts';

export type HideablePanel = ParamValues['hidePanels'][number];

export function panelLabel(panel: HideablePanel): string {
  return PARAMS.hidePanels.optionLabels?.[panel] ?? panel;
}

/** For each hideable panel, whether the page's link hides it (one subscription to the knob, the flags derived). */
export function useHiddenPanels(): Record<HideablePanel, boolean> {
  const hidden = useStudio((s) => s.params.hidePanels);
  return Object.fromEntries(PARAMS.hidePanels.options.map((p) => [p, hidden.includes(p)])) as Record<HideablePanel, boolean>;
}
