/**
 * Keeps the address bar's fragment and the page's inputs in step.
 *
 * - On load the link is read into the store before anything is costed, so
 *   a shared link re-runs the same seeded costing.
 * - While knobs move, the fragment follows with history.replaceState, at most
 *   once per `throttleMs` and always ending on the latest inputs: dragging a
 *   slider neither floods the history nor trips the browser's limit on
 *   history calls.
 * - A discrete action (pressing Start) calls `push()`: a new history entry,
 *   so Back returns to the inputs before it. Once a search has started, the
 *   link carries `run=1` (`sharesSearch`): whoever opens it gets the same
 *   seeded search started, not only its inputs. Once that search is stopped
 *   the controller calls `replace()`, and the address drops `run=1`.
 * - Back/Forward and a hand-edited fragment (popstate, hashchange) are read
 *   back into the store, with the notice shown when the link had problems.
 */
import { decodeInputs, encodeInputs, type DecodedLink } from '../../core/url.ts';
import { inputsEqual } from '../../core/inputs.ts';
import { selectInputs, type StudioState, type StudioStore } from '../state/store.ts';
import type { LinkNoticeStore } from './link-notice.ts';

/** The parts of `window` the sync uses (tests pass a fake). */
export interface LinkWindow {
  location: { href: string; pathname: string; search: string; hash: string };
  history: {
    state: unknown;
    replaceState(data: unknown, unused: string, url?: string): void;
    pushState(data: unknown, unused: string, url?: string): void;
  };
  addEventListener(type: 'popstate' | 'hashchange', listener: () => void): void;
  removeEventListener(type: 'popstate' | 'hashchange', listener: () => void): void;
  /** to tell an in-page anchor (#constants) from a link */
  document?: { getElementById(id: string): unknown };
}

export interface LinkSync {
  /** Writes the current inputs now as a new history entry (for a discrete action). */
  push(): void;
  /** Writes a pending change now (replaceState). */
  flush(): void;
  /** Writes the address now, in place (replaceState): after what it says beside the inputs changed (a search stopped, run=1 dropped). */
  replace(): void;
  /** The share link of the current inputs, absolute. */
  currentLink(): string;
  stop(): void;
}

export const LINK_THROTTLE_MS = 300;

/** The page address with `fragment` (no `#` when it is empty). */
export function pageUrl(location: LinkWindow['location'], fragment: string): string {
  return `${location.pathname}${location.search}${fragment ? `#${fragment}` : ''}`;
}

/** Reads the address bar's link into the store (and the notice); returns what it read. */
export function readLinkIntoStore(store: StudioStore, notices: LinkNoticeStore, win: Pick<LinkWindow, 'location'>): DecodedLink {
  const decoded = decodeInputs(win.location.hash);
  if (!inputsEqual(decoded.inputs, selectInputs(store.getState()))) store.getState().setInputs(decoded.inputs);
  notices.getState().showFor(decoded);
  return decoded;
}

export function startLinkSync(store: StudioStore, notices: LinkNoticeStore, win: LinkWindow, throttleMs = LINK_THROTTLE_MS, sharesSearch: () => boolean = () => false): LinkSync {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWrite = -Infinity;
  let last = store.getState();
  /** the fragment the address bar held after the sync last read or wrote it */
  let seen = '';

  function fragmentOf(s: StudioState): string {
    return encodeInputs(selectInputs(s), { run: sharesSearch() });
  }

  function write(mode: 'replace' | 'push'): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const fragment = fragmentOf(store.getState());
    const url = pageUrl(win.location, fragment);
    const current = pageUrl(win.location, win.location.hash.replace(/^#/, ''));
    lastWrite = Date.now();
    if (url !== current) {
      if (mode === 'push') win.history.pushState(win.history.state, '', url);
      else win.history.replaceState(win.history.state, '', url);
    }
    seen = win.location.hash;
  }

  function schedule(): void {
    if (timer !== null) return;
    const wait = Math.max(0, lastWrite + throttleMs - Date.now());
    timer = setTimeout(() => write('replace'), wait);
  }

  const unsubscribe = store.subscribe((s) => {
    if (s.params === last.params && s.hwEdits === last.hwEdits && s.axes === last.axes) return;
    last = s;
    // Encoding waits for the throttled write: a dragged slider encodes a few times a second, not per move.
    schedule();
  });

  const onNavigate = () => {
    // A fragment navigation fires popstate and then hashchange: read the link once.
    if (win.location.hash === seen) return;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const id = win.location.hash.slice(1);
    // A jump to an element of the page is not a link: the inputs stay, and the address goes back to them.
    if (/^[A-Za-z][\w-]*$/.test(id) && win.document?.getElementById(id)) {
      write('replace');
      return;
    }
    readLinkIntoStore(store, notices, win);
    // The address now says what the page shows: a clamped or damaged link is rewritten to its clean form.
    write('replace');
  };
  win.addEventListener('popstate', onNavigate);
  win.addEventListener('hashchange', onNavigate);

  // A link that was clamped or damaged is rewritten at once to what the page actually shows.
  write('replace');

  return {
    push: () => write('push'),
    replace: () => write('replace'),
    flush: () => {
      if (timer !== null) write('replace');
    },
    currentLink: () => new URL(pageUrl(win.location, fragmentOf(store.getState())), win.location.href).href,
    stop() {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      win.removeEventListener('popstate', onNavigate);
      win.removeEventListener('hashchange', onNavigate);
    },
  };
}
