/**
 * The toolbar's Classroom menu: tick the panels a lesson does not need; the page hides them at once and "Copy link"
 * then shares the page that way (TensorFlow Playground's hide flags). A disclosure, so it costs the toolbar one button.
 */
import { ParamControl } from '../controls/ParamControl.tsx';
import './classroom.css';

export function ClassroomMenu() {
  return (
    <details className="toolbar-item classroom-menu" data-testid="classroom-menu">
      <summary title="Make a classroom link: hide the panels a lesson does not need, then copy the link">Classroom</summary>
      <div className="classroom-popover">
        <ParamControl paramKey="hidePanels" />
      </div>
    </details>
  );
}
