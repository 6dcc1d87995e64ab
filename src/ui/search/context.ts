/** The search controller, provided once at the top of the tree. */
import { createContext, useContext } from 'react';
import type { SearchController } from './controller.ts';

export const SearchContext = createContext<SearchController | null>(null);

export function useSearchController(): SearchController {
  const c = useContext(SearchContext);
  if (!c) throw new Error('useSearchController outside <SearchContext.Provider>');
  return c;
}
