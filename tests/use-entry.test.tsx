// @vitest-environment happy-dom
/**
 * A number box (useEntry): typed text applies on Enter or blur, bad text stays with its problem, and the box
 * follows the value when it changes from elsewhere. Driven through the hook's own handlers, as the box's
 * onChange / onKeyDown / onBlur call them.
 */
import { act, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useEntry, type Entry, type EntryReading } from '../src/ui/controls/entry.ts';
import { cleanup, render } from './dom/render.tsx';

afterEach(cleanup);

const readCount = (text: string): EntryReading<number> => {
  const v = Number(text.replace(/,/g, '').trim());
  return text.trim() !== '' && Number.isInteger(v) && v > 0 ? { value: v } : { problem: `"${text}" is not a whole number above 0.` };
};

interface Handle {
  entry: Entry;
  value: number;
  setValue(v: number): void;
  /** (box text, value) of every render */
  renders: [string, number][];
}

async function box(initial: number, live = false): Promise<Handle> {
  const h = { renders: [] } as unknown as Handle;
  function Box() {
    const [value, setValue] = useState(initial);
    const entry = useEntry(String(value), readCount, setValue, { live });
    Object.assign(h, { entry, value, setValue });
    h.renders.push([entry.draft, value]);
    return <input value={entry.draft} readOnly />;
  }
  await render(<Box />);
  return h;
}

describe('useEntry', () => {
  it('Enter applies the typed value, and leaving the box afterwards does not undo it', async () => {
    const h = await box(4000);
    act(() => h.entry.edit('3,000'));
    expect(h.value).toBe(4000);
    h.renders.length = 0;
    act(() => h.entry.commit());
    expect(h.value).toBe(3000);
    // No render shows the old value's text beside the new value: a blur in such a render committed "4000" again.
    expect(h.renders).toEqual(h.renders.map(() => ['3000', 3000]));
    act(() => h.entry.commit()); // blur
    expect(h.value).toBe(3000);
    expect(h.entry.draft).toBe('3000');
  });

  it('bad text stays in the box with its problem, the value keeps its last good one', async () => {
    const h = await box(4000);
    act(() => h.entry.edit('30x'));
    act(() => h.entry.commit());
    expect(h.value).toBe(4000);
    expect(h.entry.draft).toBe('30x');
    expect(h.entry.problem).toContain('not a whole number');
    act(() => h.entry.commit()); // blur keeps it too
    expect(h.entry.draft).toBe('30x');
    act(() => h.entry.edit('300')); // the problem follows the typing
    expect(h.entry.problem).toBeNull();
    expect(h.value).toBe(4000);
    act(() => h.entry.revert());
    expect(h.entry.draft).toBe('4000');
  });

  it('a value changed elsewhere replaces what was typed and its problem', async () => {
    const h = await box(4000);
    act(() => h.entry.edit('-5'));
    act(() => h.entry.commit());
    expect(h.entry.problem).not.toBeNull();
    act(() => h.setValue(2500)); // a slider, a link
    expect(h.entry.draft).toBe('2500');
    expect(h.entry.problem).toBeNull();
    act(() => h.entry.commit()); // leaving the untouched box applies nothing
    expect(h.value).toBe(2500);
  });

  it('a live box applies as typed and keeps the text as typed until the value changes elsewhere', async () => {
    const h = await box(1, true);
    act(() => h.entry.edit('04'));
    expect(h.value).toBe(4);
    expect(h.entry.draft).toBe('04');
    act(() => h.entry.edit('042'));
    expect(h.value).toBe(42);
    expect(h.entry.draft).toBe('042');
    act(() => h.setValue(7)); // a new seed
    expect(h.entry.draft).toBe('7');
  });
});
