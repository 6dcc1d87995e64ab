/**
 * The toolbar's Classroom menu: tick the panels a lesson does not need; the page hides them at once and "Copy link"
 * then shares the page that way (TensorFlow Playground's hide flags). A popover, so it costs the toolbar one button;
 * Escape or a click elsewhere closes it.
 */
import { useId, useRef, useState } from 'react';
import { useDismiss } from '../controls/use-dismiss.ts';
import { ParamControl } from '../controls/ParamControl.tsx';
import './classroom.css';

export function ClassroomMenu() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const popoverId = useId();
  useDismiss(open, root, () => setOpen(false), true);
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
