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

/** true when the page's link hides `panel` */
export function usePanelHidden(panel: HideablePanel): boolean {
  return useStudio((s) => s.params.hidePanels.includes(panel));
}
