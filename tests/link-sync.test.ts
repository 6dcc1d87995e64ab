/** The address bar follows the page's inputs without flooding history, and links opened or navigated to are read back. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStudioStore } from '../src/ui/state/store.ts';
import { createLinkNoticeStore } from '../src/ui/url/link-notice.ts';
import { readLinkIntoStore, startLinkSync, type LinkWindow } from '../src/ui/url/link-sync.ts';
import { defaultInputs } from '../src/core/inputs.ts';
import { PARAMS } from '../src/core/params.ts';
import { searchShared, type SearchPhase } from '../src/ui/search/controller.ts';

function fakeWindow(hash = '') {
  const listeners = new Map<string, Set<() => void>>();
  const calls: { mode: 'replace' | 'push'; url: string }[] = [];
  const location = { href: '', pathname: '/studio/', search: '?x=1', hash: '' };
  const setUrl = (url: string) => {
    const i = url.indexOf('#');
    location.hash = i < 0 ? '' : url.slice(i);
    location.href = `https://example.org${url}`;
  };
  setUrl(`/studio/?x=1${hash}`);
  const win: LinkWindow & { calls: typeof calls; navigate(hash: string): void; back(url: string): void } = {
    location,
    document: { getElementById: (id: string) => (id === 'constants' ? {} : null) },
    history: {
      state: null,
      replaceState(_d, _u, url) {
        calls.push({ mode: 'replace', url: url! });
        setUrl(url!);
      },
      pushState(_d, _u, url) {
        calls.push({ mode: 'push', url: url! });
        setUrl(url!);
      },
    },
    addEventListener(type, fn) {
      if (!listeners.has(type)) listeners.set(type, new Set());
      listeners.get(type)!.add(fn);
    },
    removeEventListener(type, fn) {
      listeners.get(type)?.delete(fn);
    },
    calls,
    navigate(h) {
      // A fragment navigation fires popstate, then hashchange (as Chromium does).
      setUrl(`/studio/?x=1${h}`);
      for (const fn of listeners.get('popstate') ?? []) fn();
      for (const fn of listeners.get('hashchange') ?? []) fn();
    },
    back(url) {
      setUrl(url);
      for (const fn of listeners.get('popstate') ?? []) fn();
    },
  };
  return win;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('link sync', () => {
  it('reads a link into the store before anything runs, and notes its problems', () => {
    const store = createStudioStore();
    const notices = createLinkNoticeStore();
    const d = readLinkIntoStore(store, notices, fakeWindow('#v=1&n=9000&s=3&x=7'));
    expect(store.getState().params.samples).toBe(9000);
    expect(store.getState().params.seed).toBe(3);
    expect(store.getState().params.xbar).toBe(PARAMS.xbar.default);
    expect(d.problems).toHaveLength(1);
    expect(notices.getState().notice).toEqual({ problems: d.problems, fellBack: false });
  });

  it('writes a damaged link back as the defaults it fell back to', () => {
    const store = createStudioStore();
    const notices = createLinkNoticeStore();
    const win = fakeWindow('#v=1&z=%%%');
    readLinkIntoStore(store, notices, win);
    expect(notices.getState().notice?.fellBack).toBe(true);
    const sync = startLinkSync(store, notices, win);
    expect(win.calls).toEqual([{ mode: 'replace', url: '/studio/?x=1' }]);
    sync.stop();
  });

  it('follows a dragged slider with a few replaceState calls, ending on the last value', () => {
    const store = createStudioStore();
    const win = fakeWindow();
    const sync = startLinkSync(store, createLinkNoticeStore(), win, 300);
    expect(win.calls).toEqual([]);
    for (let i = 0; i < 60; i++) {
      store.getState().setParam('maxAreaMm2', 1 + i);
      vi.advanceTimersByTime(16); // one move per frame for about a second
    }
    vi.advanceTimersByTime(1000);
    expect(win.calls.every((c) => c.mode === 'replace')).toBe(true);
    expect(win.calls.length).toBeGreaterThanOrEqual(3);
    expect(win.calls.length).toBeLessThanOrEqual(5);
    expect(win.location.hash).toBe('#v=1&ba=60');
    sync.stop();
  });

  it('makes a history entry for a discrete action', () => {
    const store = createStudioStore();
    const win = fakeWindow();
    const sync = startLinkSync(store, createLinkNoticeStore(), win);
    store.getState().setParam('seed', 77);
    sync.push();
    expect(win.calls).toEqual([{ mode: 'push', url: '/studio/?x=1#v=1&s=77' }]);
    vi.advanceTimersByTime(1000);
    expect(win.calls).toHaveLength(1); // the pending replace was folded into the push
    expect(sync.currentLink()).toBe('https://example.org/studio/?x=1#v=1&s=77');
    sync.stop();
  });

  it('writes run=1 once the page has a search to share', () => {
    const store = createStudioStore();
    const win = fakeWindow();
    let started = false;
    const sync = startLinkSync(store, createLinkNoticeStore(), win, undefined, () => started);
    store.getState().setParam('seed', 77);
    started = true;
    sync.push();
    expect(win.calls).toEqual([{ mode: 'push', url: '/studio/?x=1#v=1&s=77&run=1' }]);
    expect(sync.currentLink()).toBe('https://example.org/studio/?x=1#v=1&s=77&run=1');
    sync.stop();
  });

  it('drops run=1 from the address, in place, once the search is stopped', () => {
    const store = createStudioStore();
    const win = fakeWindow();
    let phase: SearchPhase = 'running';
    const sync = startLinkSync(store, createLinkNoticeStore(), win, undefined, () => searchShared(phase));
    store.getState().setParam('seed', 77);
    sync.push();
    phase = 'stopped';
    sync.replace();
    expect(win.calls).toEqual([
      { mode: 'replace', url: '/studio/?x=1#v=1&run=1' },
      { mode: 'push', url: '/studio/?x=1#v=1&s=77&run=1' },
      { mode: 'replace', url: '/studio/?x=1#v=1&s=77' },
    ]);
    expect(sync.currentLink()).toBe('https://example.org/studio/?x=1#v=1&s=77');
    // A finished search is still worth sharing; a failed one is not.
    expect(searchShared('done')).toBe(true);
    expect(searchShared('error')).toBe(false);
    sync.stop();
  });

  it('drops run=1 in place once the page no longer shares a search (a long link answered "Not now")', () => {
    const store = createStudioStore();
    const win = fakeWindow('#v=1&s=9&run=1');
    readLinkIntoStore(store, createLinkNoticeStore(), win);
    let asking = true;
    const sync = startLinkSync(store, createLinkNoticeStore(), win, undefined, () => asking);
    // While the page asks, the address keeps run=1 (a reload asks again).
    expect(win.calls).toEqual([]);
    asking = false;
    sync.replace();
    expect(win.calls).toEqual([{ mode: 'replace', url: '/studio/?x=1#v=1&s=9' }]);
    sync.stop();
  });

  it('reads Back and a hand-edited fragment into the store', () => {
    const store = createStudioStore();
    const notices = createLinkNoticeStore();
    const win = fakeWindow();
    const sync = startLinkSync(store, notices, win);
    win.navigate('#v=1&n=500&ax=params.crossbars');
    expect(store.getState().params.samples).toBe(500);
    expect(store.getState().axes).toEqual({ x: 'params', y: 'crossbars' });
    expect(notices.getState().notice).toBeNull();
    win.back('/studio/?x=1');
    expect(store.getState().params).toEqual(defaultInputs().params);
    win.navigate('#v=1&n=999999');
    expect(store.getState().params.samples).toBe(PARAMS.samples.max);
    expect(notices.getState().notice?.problems[0]).toMatch(/Samples/);
    // The address is rewritten to the clamped value it shows.
    expect(win.location.hash).toBe('#v=1&n=2e4');
    sync.stop();
  });

  it('treats a jump to an element of the page as no link', () => {
    const store = createStudioStore();
    const notices = createLinkNoticeStore();
    const win = fakeWindow('#v=1&s=8');
    readLinkIntoStore(store, notices, win);
    const sync = startLinkSync(store, notices, win);
    win.navigate('#constants');
    expect(store.getState().params.seed).toBe(8);
    expect(notices.getState().notice).toBeNull();
    expect(win.location.hash).toBe('#v=1&s=8');
    sync.stop();
  });
});
