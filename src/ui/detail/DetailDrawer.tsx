/**
 * A side drawer for the architecture detail: a modal dialog that takes focus
 * when it opens (its heading), keeps Tab inside, closes on Escape, the close
 * button or a click outside, and gives focus back to what had it before.
 * Rendered into the document's body: the panels that open it are layout- and
 * paint-contained (app.css), which would make them its containing block and
 * clip it.
 */
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import './detail.css';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function DetailDrawer({ labelledBy, onClose, children }: { labelledBy: string; onClose(): void; children: ReactNode }) {
  const panelRef = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const panel = panelRef.current;
    const focusHeading = () => {
      const heading = document.getElementById(labelledBy);
      if (heading && panel?.contains(heading)) {
        heading.focus({ preventScroll: true });
        return true;
      }
      return false;
    };
    let observer: MutationObserver | null = null;
    if (!focusHeading()) {
      // The content may still be loading: hold focus on the panel, and move it to the heading once it appears.
      panel?.focus({ preventScroll: true });
      observer = new MutationObserver(() => {
        if (document.activeElement === panel && focusHeading()) observer?.disconnect();
      });
      if (panel) observer.observe(panel, { childList: true, subtree: true });
    }
    return () => {
      observer?.disconnect();
      if (returnTo && document.contains(returnTo)) returnTo.focus({ preventScroll: true });
    };
  }, [labelledBy]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onCloseRef.current();
        return;
      }
      if (e.key !== 'Tab' || !panelRef.current) return;
      const items = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      if (items.length === 0) return;
      const first = items[0];
      const last = items[items.length - 1];
      const inside = panelRef.current.contains(document.activeElement);
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  return createPortal(
    <div className="drawer-layer">
      <div className="drawer-backdrop" onClick={() => onCloseRef.current()} aria-hidden="true" />
      <div ref={panelRef} className="drawer" role="dialog" aria-modal="true" aria-labelledby={labelledBy} tabIndex={-1} data-testid="detail-drawer">
        <button type="button" className="drawer-close" onClick={() => onCloseRef.current()} aria-label="Close the architecture detail (Escape)">
          ×
        </button>
        <div className="drawer-body">{children}</div>
      </div>
    </div>,
    document.body,
  );
}
