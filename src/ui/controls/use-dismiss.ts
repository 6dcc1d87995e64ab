/**
 * Closes a popover the way users expect: while it is open, a pointer press
 * outside `root` calls `dismiss`, and so does Escape anywhere when `escape`
 * is set (a menu that handles its own keys, with focus given back, leaves it
 * unset). The toolbar's Export menu and Classroom popover both use it.
 */
import { useEffect, useRef, type RefObject } from 'react';

export function useDismiss(open: boolean, root: RefObject<HTMLElement | null>, dismiss: () => void, escape = false): void {
  // The latest callback, so the listeners are added once per opening, not once per render.
  const latest = useRef(dismiss);
  latest.current = dismiss;
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) latest.current();
    };
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') latest.current();
    };
    document.addEventListener('pointerdown', away);
    if (escape) document.addEventListener('keydown', key);
    return () => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('keydown', key);
    };
  }, [open, root, escape]);
}
