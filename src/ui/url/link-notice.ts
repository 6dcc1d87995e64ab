/** What the last opened link got wrong, for the banner; dismissed by the user or replaced by the next link. */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { DecodedLink } from '../../core/url.ts';

export interface LinkNotice {
  problems: string[];
  /** nothing of the link could be used: the page shows the defaults */
  fellBack: boolean;
}

export interface LinkNoticeState {
  notice: LinkNotice | null;
  showFor(decoded: DecodedLink): void;
  dismiss(): void;
}

export function createLinkNoticeStore() {
  return createStore<LinkNoticeState>()((set) => ({
    notice: null,
    showFor(decoded) {
      set({ notice: decoded.problems.length ? { problems: decoded.problems, fellBack: decoded.fellBack } : null });
    },
    dismiss() {
      set({ notice: null });
    },
  }));
}

export type LinkNoticeStore = ReturnType<typeof createLinkNoticeStore>;

export const linkNoticeStore: LinkNoticeStore = createLinkNoticeStore();

export function useLinkNotice<T>(selector: (s: LinkNoticeState) => T): T {
  return useStore(linkNoticeStore, selector);
}
