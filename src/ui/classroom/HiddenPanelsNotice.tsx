/** Says which panels the link hides, with a way to show them: a hidden control is never out of reach. */
import { useStudio } from '../state/store.ts';
import { panelLabel } from './hidden-panels.ts';
import './classroom.css';

export function HiddenPanelsNotice() {
  const hidden = useStudio((s) => s.params.hidePanels);
  const setParam = useStudio((s) => s.setParam);
  if (hidden.length === 0) return null;
  return (
    <p className="hidden-panels-notice" role="note" data-testid="hidden-panels-notice">
      This page hides {hidden.map(panelLabel).join(', ')}.{' '}
      <button type="button" data-testid="show-hidden-panels" onClick={() => setParam('hidePanels', [])}>
        Show {hidden.length === 1 ? 'it' : 'them'}
      </button>
    </p>
  );
}
