/** The page's actions (costing retry, export, import, share), provided once at the top of the tree. */
import { createContext, useContext } from 'react';
import type { StudioActions } from './run-actions.ts';

export const ActionsContext = createContext<StudioActions | null>(null);

export function useActions(): StudioActions {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('useActions outside <ActionsContext.Provider>');
  return actions;
}
