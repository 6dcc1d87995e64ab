/**
 * Which explainers this browser has dismissed, kept in localStorage. Storage
 * may be off or full (private modes, quotas): then a dismissal lasts until
 * the page reloads, and nothing breaks.
 */
import { useSyncExternalStore } from 'react';
import type { ExplainerId } from './explainers.ts';

const KEY = 'neuronas.explainers.dismissed';
const listeners = new Set<() => void>();
let dismissed: ReadonlySet<string> = read();

function read(): ReadonlySet<string> {
  try {
    const raw = localStorage.getItem(KEY);
    const list: unknown = raw ? JSON.parse(raw) : [];
    return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

export function dismissExplainer(id: ExplainerId): void {
  dismissed = new Set([...dismissed, id]);
  try {
    localStorage.setItem(KEY, JSON.stringify([...dismissed]));
  } catch {
    // Kept for this page only (see the file comment).
  }
  for (const l of listeners) l();
}

/** Shows every explainer again (the "Explain the page" button). */
export function restoreExplainers(): void {
  dismissed = new Set();
  try {
    localStorage.removeItem(KEY);
  } catch {
    // As above.
  }
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useDismissed(): ReadonlySet<string> {
  return useSyncExternalStore(subscribe, () => dismissed);
}
