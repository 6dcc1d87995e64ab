/**
 * A link that shares a search (run=1) starts it only when it is small: a
 * search estimated to take longer than LONG_SEARCH_S on this computer
 * (core/search/estimate.ts) waits for the person to say so, with the
 * estimate in front of them. Until they answer, the link keeps run=1 (a
 * reload asks again); "Not now" leaves the page idle and the link without it.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { CostInputError } from '../../core/cost/errors.ts';
import { LONG_SEARCH_S, estimateSearch, poolSize, searchWorkFromInputs, type SearchEstimate } from '../../core/search/estimate.ts';
import { selectInputs, type StudioStore } from '../state/store.ts';
import type { SearchController } from './controller.ts';

export interface LinkRunState {
  /** the estimate of the link's search, while the page asks whether to start it */
  asking: SearchEstimate | null;
}

export const linkRunStore = createStore<LinkRunState>()(() => ({ asking: null }));

export function useLinkRun<T>(selector: (s: LinkRunState) => T): T {
  return useStore(linkRunStore, selector);
}

/** The estimate of the page's search, or null when the inputs cannot describe one (the search's start then says why). */
export function estimatePageSearch(studio: StudioStore, cores: number | undefined): SearchEstimate | null {
  try {
    return estimateSearch(searchWorkFromInputs(selectInputs(studio.getState())), poolSize(cores));
  } catch (e) {
    if (e instanceof CostInputError) return null;
    throw e;
  }
}

/** Opens a run=1 link's search: at once when it is small, else asks first. */
export function openLinkRun(studio: StudioStore, search: SearchController, cores: number | undefined): void {
  const estimate = estimatePageSearch(studio, cores);
  if (estimate === null || estimate.seconds <= LONG_SEARCH_S) search.start('link');
  else linkRunStore.setState({ asking: estimate });
}

/** The person's answer: start the link's search, or leave the page idle. */
export function answerLinkRun(search: SearchController, start: boolean): void {
  if (start) search.start('link');
  linkRunStore.setState({ asking: null });
}
