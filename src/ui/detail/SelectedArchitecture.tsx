/**
 * The detail drawer of the candidate chosen on the scatter, wired to the
 * store: the hardware the candidate was costed on (the page's, or an
 * imported run's), its verdict under the current budgets, and what training
 * measured when the run holds it. The content loads on first use.
 */
import { RANK_LABELS } from '../search/rank-labels.ts';
import { Suspense, lazy, useId, useMemo } from 'react';
import type { TrainingView } from '../../core/files/architecture.ts';
import { useStudio } from '../state/store.ts';
import { studioHardware } from '../state/hardware.ts';
import { brokenBudgets } from '../plot/CostScatter.tsx';
import { DetailDrawer } from './DetailDrawer.tsx';

const DetailContent = lazy(() => import('./DetailContent.tsx'));

export interface Selection {
  index: number;
  genome: string;
}

export function SelectedArchitecture({ selection, onClose }: { selection: Selection; onClose(): void }) {
  const headingId = useId();
  const params = useStudio((s) => s.params);
  const hwEdits = useStudio((s) => s.hwEdits);
  const origin = useStudio((s) => s.results.origin);
  const mask = useStudio((s) => s.feasibility.mask);
  useStudio((s) => s.feasibility.version);

  const imported = origin.kind === 'import' ? origin.run : null;
  const hardware = useMemo(() => (imported ? imported.settings.hardware : studioHardware(params, hwEdits).config), [imported, params, hwEdits]);
  const training: TrainingView | null = useMemo(() => imported?.trained.find((t) => t.index === selection.index)?.result ?? null, [imported, selection.index]);
  const score = imported?.candidates[selection.index]?.score ?? null;
  const ranking = imported && score !== null ? { label: RANK_LABELS[imported.settings.rankBy].phrase, value: RANK_LABELS[imported.settings.rankBy].format(score) } : null;
  const m = mask[selection.index];

  return (
    <DetailDrawer labelledBy={headingId} onClose={onClose}>
      <Suspense fallback={<p className="panel-note">Loading the architecture…</p>}>
        <DetailContent
          genome={selection.genome}
          hardware={hardware}
          training={training}
          candidate={{ index: selection.index, feasible: m === 0, text: brokenBudgets(m), ranking }}
          headingId={headingId}
        />
      </Suspense>
    </DetailDrawer>
  );
}
