/**
 * The drawer's content, loaded on first use (it holds the detail's charts,
 * which the page does not need until a point is opened): builds the model
 * from the genome and renders the pure detail component.
 */
import { useMemo } from 'react';
import { architectureDocument, type TrainingView } from '../../core/files/architecture.ts';
import type { HardwareConfig } from '../../core/cost/hardware.ts';
import { downloadText, safeFileName } from '../exchange/download.ts';
import { ArchitectureDetail, type CandidateVerdict } from './ArchitectureDetail.tsx';
import { buildDetailModel } from './detail-model.ts';

export interface DetailContentProps {
  genome: string;
  hardware: HardwareConfig | null;
  training: TrainingView | null;
  candidate: CandidateVerdict;
  headingId: string;
}

export default function DetailContent({ genome, hardware, training, candidate, headingId }: DetailContentProps) {
  const built = useMemo(() => (hardware ? buildDetailModel(genome, hardware, training) : null), [genome, hardware, training]);
  if (built === null || !built.ok) {
    return (
      <p className="field-error" role="alert">
        <span id={headingId} tabIndex={-1}>
          {built === null ? "The hardware constants are invalid; fix them to see this architecture's costs." : `This genome cannot be shown: ${built.error}`}
        </span>
      </p>
    );
  }
  const exportJson = () => {
    if (!hardware) return;
    const doc = architectureDocument(genome, hardware, training);
    downloadText(`neuronas-architecture-${safeFileName(genome)}.json`, JSON.stringify(doc, null, 1), 'application/json');
  };
  return <ArchitectureDetail model={built.model} training={training} candidate={candidate} headingId={headingId} onExportJson={exportJson} />;
}
