/**
 * The state of a text box whose text must be valid before it changes
 * anything: what is typed stays in the box, a problem is shown at the field,
 * and the value behind it keeps its last good value until the text is valid.
 * `read` turns text into a value or a problem (src/core/params.ts
 * readNumberEntry for the parameter table's number knobs).
 */
import { useEffect, useState } from 'react';

export type EntryReading<V> = { value: V; problem?: undefined } | { value?: undefined; problem: string };

export interface EntryOptions {
  /** apply each valid text as it is typed (a seed); otherwise on Enter or leaving the box */
  live?: boolean;
}

export interface Entry {
  /** the text in the box */
  draft: string;
  /** what is wrong with the text, or null; while set, the value is the last good one */
  problem: string | null;
  /** the box's text changed */
  edit(text: string): void;
  /** Enter or leaving the box: apply the text when valid, else show its problem */
  commit(text?: string): void;
  /** Escape: back to the value's own text */
  revert(): void;
}

/**
 * `shown` is the text of the current value: when the value changes from
 * elsewhere (a slider, a link, a reset), the box follows it and any problem
 * goes.
 */
export function useEntry<V>(shown: string, read: (text: string) => EntryReading<V>, apply: (value: V) => void, { live = false }: EntryOptions = {}): Entry {
  const [draft, setDraft] = useState(shown);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(shown);
    setProblem(null);
  }, [shown]);
  const check = (text: string, andApply: boolean): void => {
    const r = read(text);
    if (r.problem !== undefined) {
      setProblem(r.problem);
      return;
    }
    setProblem(null);
    if (!andApply) return;
    apply(r.value);
    // The same value written another way ("3,000" for 3000) shows as the value's own text again.
    if (!live) setDraft(shown);
  };
  return {
    draft,
    problem,
    edit(text) {
      setDraft(text);
      // Once a problem shows, it follows the typing, so it goes as soon as the text is right.
      if (live || problem !== null) check(text, live);
    },
    commit(text = draft) {
      check(text, true);
    },
    revert() {
      setDraft(shown);
      setProblem(null);
    },
  };
}
