/**
 * Light, dark or the system's choice (prefers-color-scheme). The choice is
 * kept in localStorage and applied as `data-theme="light|dark"` (the
 * resolved theme, which theme.css keys on) and `data-theme-choice` on
 * <html>. public/theme-init.js applies the stored choice before the first paint, so
 * the page never flashes the other theme. Canvas colours (which CSS cannot
 * reach) are re-read whenever the resolved theme changes.
 */
import { useEffect, useState } from 'react';
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { PointColors } from './plot/draw.ts';

export const THEME_CHOICES = ['light', 'dark', 'system'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

/** Also read by public/theme-init.js (which index.html runs before the first paint): keep the two in step. */
export const THEME_STORAGE_KEY = 'neuronas-studio:theme';

export function isThemeChoice(v: unknown): v is ThemeChoice {
  return typeof v === 'string' && (THEME_CHOICES as readonly string[]).includes(v);
}

export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

function readStoredChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(THEME_STORAGE_KEY);
    return isThemeChoice(v) ? v : 'system';
  } catch {
    // Storage can be disabled (private modes, sandboxed frames): the system's choice then.
    return 'system';
  }
}

function systemPrefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

export interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
  setChoice(choice: ThemeChoice): void;
}

export const themeStore = createStore<ThemeState>()((set) => {
  const choice = typeof window === 'undefined' ? 'system' : readStoredChoice();
  return {
    choice,
    theme: typeof window === 'undefined' ? 'light' : resolveTheme(choice, systemPrefersDark()),
    setChoice(next) {
      try {
        if (next === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
        else localStorage.setItem(THEME_STORAGE_KEY, next);
      } catch {
        // Not persisted; still applied for this visit.
      }
      set({ choice: next, theme: resolveTheme(next, systemPrefersDark()) });
    },
  };
});

function applyToDocument({ choice, theme }: ThemeState): void {
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.dataset.themeChoice = choice;
}

/** Applies the theme now and whenever the choice or (under "system") the system's scheme changes. */
export function startTheme(): () => void {
  applyToDocument(themeStore.getState());
  const unsubscribe = themeStore.subscribe(applyToDocument);
  const mq = matchMedia('(prefers-color-scheme: dark)');
  const onSystemChange = () => {
    const s = themeStore.getState();
    if (s.choice === 'system') themeStore.setState({ theme: resolveTheme('system', mq.matches) });
  };
  mq.addEventListener('change', onSystemChange);
  return () => {
    unsubscribe();
    mq.removeEventListener('change', onSystemChange);
  };
}

export function useTheme<T>(selector: (s: ThemeState) => T): T {
  return useStore(themeStore, selector);
}

function readColors(): PointColors {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    feasible: get('--point-feasible', 'rgba(37, 99, 235, 0.8)'),
    infeasible: get('--point-infeasible', 'rgba(148, 155, 168, 0.45)'),
    highlight: get('--point-highlight', '#f59e0b'),
  };
}

/** Point colours from the CSS theme, re-read when the theme changes. */
export function usePointColors(): PointColors {
  const theme = useTheme((s) => s.theme);
  const [colors, setColors] = useState(readColors);
  useEffect(() => {
    setColors(readColors());
  }, [theme]);
  return colors;
}

/** Reads a CSS custom property of the current theme (for canvas drawing), re-read when the theme changes. */
export function useCssColors<K extends string>(names: Readonly<Record<K, string>>): Record<K, string> {
  const theme = useTheme((s) => s.theme);
  const read = () => {
    const css = getComputedStyle(document.documentElement);
    const out = {} as Record<K, string>;
    for (const k of Object.keys(names) as K[]) out[k] = css.getPropertyValue(names[k]).trim();
    return out;
  };
  const [colors, setColors] = useState(read);
  useEffect(() => {
    // `names` is a module constant at every call site: only the theme changes what it reads.
    setColors(read());
  }, [theme]);
  return colors;
}
