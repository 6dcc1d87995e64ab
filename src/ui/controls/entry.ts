/**
 * The state of a text box whose text must be valid before it changes
 * anything: what is typed stays in the box, a problem is shown at the field,
 * and the value behind it keeps its last good value until the text is valid.
 * `read` turns text into a value or a problem (src/core/params.ts
 * readNumberEntry for the parameter table's number knobs).
 */
import { useState } from 'react';

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

/** Text typed into the box, and what it was typed over. */
interface Typing<V> {
  text: string;
  problem: string | null;
  /** the value's text when it was typed */
  over: string;
  /** a live entry's applied value: the text stays while the value is this one */
  applied?: { value: V };
}

/**
 * `shown` is the text of the current value: when the value changes from
 * elsewhere (a slider, a link, a reset), the box follows it and any problem
 * goes.
 *
 * The box's text is derived in render from what was typed and what it was
 * typed over, not copied from `shown` by an effect: an effect runs a render
 * late, and a box left (blur) in that render committed the old value's text
 * again, undoing the value just entered (seen in e2e: Samples typed 3000,
 * Enter, then the next box focused, and the search went back to 4000).
 */
export function useEntry<V>(shown: string, read: (text: string) => EntryReading<V>, apply: (value: V) => void, { live = false }: EntryOptions = {}): Entry {
  const [typing, setTyping] = useState<Typing<V> | null>(null);
  const current = typing !== null && (typing.over === shown || (typing.applied !== undefined && Object.is(read(shown).value, typing.applied.value))) ? typing : null;
  const draft = current?.text ?? shown;
  const problem = current?.problem ?? null;
  const check = (text: string, andApply: boolean): void => {
    const r = read(text);
    if (r.problem !== undefined) {
      setTyping({ text, problem: r.problem, over: shown });
      return;
    }
    if (!andApply) {
      setTyping({ text, problem: null, over: shown });
      return;
    }
    apply(r.value);
    // A live entry keeps the text as typed; otherwise the same value written another way ("3,000" for 3000) shows as
    // the value's own text again.
    setTyping(live ? { text, problem: null, over: shown, applied: { value: r.value } } : null);
  };
  return {
    draft,
    problem,
    edit(text) {
      // Once a problem shows, it follows the typing, so it goes as soon as the text is right.
      if (live || problem !== null) check(text, live);
      else setTyping({ text, problem: null, over: shown });
    },
    commit(text = draft) {
      // Nothing typed (the box left after Enter, or only visited): nothing to apply.
      if (current === null && text === shown) return;
      check(text, true);
    },
    revert() {
      setTyping(null);
    },
  };
}
