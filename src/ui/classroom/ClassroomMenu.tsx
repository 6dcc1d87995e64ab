/**
 * The toolbar's Classroom menu: tick the panels a lesson does not need; the page hides them at once and "Copy link"
 * then shares the page that way (TensorFlow Playground's hide flags). A popover, so it costs the toolbar one button;
 * Escape or a click elsewhere closes it.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { ParamControl } from '../controls/ParamControl.tsx';
import './classroom.css';

export function ClassroomMenu() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const popoverId = useId();
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('pointerdown', away);
    window.addEventListener('keydown', escape);
    return () => {
      window.removeEventListener('pointerdown', away);
      window.removeEventListener('keydown', escape);
    };
  }, [open]);
  return (
    <span className="toolbar-item classroom-menu" ref={root} data-testid="classroom-menu">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        data-testid="classroom-button"
        title="Make a classroom link: hide the panels a lesson does not need, then copy the link"
        onClick={() => setOpen((o) => !o)}
      >
        Classroom
      </button>
      {open ? (
        <div className="classroom-popover" id={popoverId}>
          <ParamControl paramKey="hidePanels" />
        </div>
      ) : null}
    </span>
  );
}
