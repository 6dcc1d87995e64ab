// @vitest-environment happy-dom
/** The toolbar's popovers close on a press outside them, and (when asked) on Escape; a press inside keeps them open. */
import { act, useRef, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useDismiss } from '../src/ui/controls/use-dismiss.ts';
import { cleanup, render } from './dom/render.tsx';

afterEach(cleanup);

function Popover({ escape }: { escape: boolean }) {
  const [open, setOpen] = useState(true);
  const root = useRef<HTMLDivElement>(null);
  useDismiss(open, root, () => setOpen(false), escape);
  return (
    <>
      <div ref={root} data-testid="root">
        <button type="button" data-testid="inside">inside</button>
        {open ? <p data-testid="pop">open</p> : null}
      </div>
      <button type="button" data-testid="outside">outside</button>
    </>
  );
}

const press = (el: Element) => act(() => void el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true })));
const key = (k: string) => act(() => void document.body.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })));
const isOpen = (c: HTMLElement) => c.querySelector('[data-testid="pop"]') !== null;

describe('useDismiss', () => {
  it('a press inside keeps it open, a press outside closes it', async () => {
    const c = (await render(<Popover escape={false} />)).container;
    press(c.querySelector('[data-testid="inside"]')!);
    expect(isOpen(c)).toBe(true);
    key('Escape'); // not asked to: a menu that handles its own keys
    expect(isOpen(c)).toBe(true);
    press(c.querySelector('[data-testid="outside"]')!);
    expect(isOpen(c)).toBe(false);
  });

  it('with escape, Escape anywhere closes it and other keys do not', async () => {
    const c = (await render(<Popover escape />)).container;
    key('a');
    expect(isOpen(c)).toBe(true);
    key('Escape');
    expect(isOpen(c)).toBe(false);
  });
});
