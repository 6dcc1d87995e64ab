/**
 * The drawer's content, loaded on first use (it holds the detail's charts,
 * which the page does not need until a point is opened): builds the model
 * from the genome and renders the pure detail component.
 */
import { useMemo, useState } from 'react';
import { architectureDocument, type TrainingView } from '../../core/files/architecture.ts';
import type { HardwareConfig } from '../../core/cost/hardware.ts';
import { downloadBytes, downloadText, safeFileName } from '../exchange/download.ts';
import { pytorchExportName, pytorchZip } from '../../core/export/pytorch-zip.ts';
import { STUDIO_VERSION } from '../../core/files/document.ts';
import { ArchitectureDetail, type CandidateVerdict, type ImportedWeightsView, type LiveTrainingView } from './ArchitectureDetail.tsx';
import { readImportedWeights } from './imported-weights.ts';
import { buildDetailModel } from './detail-model.ts';

export interface DetailContentProps {
  genome: string;
  hardware: HardwareConfig | null;
  training: TrainingView | null;
  /** the weights file of this candidate as the page's search trained it (shipped with the PyTorch export) */
  weights?: Uint8Array | null;
  /** the running search's training of this candidate, when it has one */
  live?: LiveTrainingView | null;
  candidate: CandidateVerdict;
  headingId: string;
}

export default function DetailContent({ genome, hardware, training, weights = null, live = null, candidate, headingId }: DetailContentProps) {
  const [imported, setImported] = useState<(Omit<ImportedWeightsView, 'energyAtRate1UJ'> & { genome: string }) | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  // Imported rates belong to one genome: another candidate opened in the same drawer does not inherit them.
  const importedHere = imported?.genome === genome ? imported : null;
  const built = useMemo(() => (hardware ? buildDetailModel(genome, hardware, training, importedHere?.spikeRates ?? null) : null), [genome, hardware, training, importedHere]);
  const atRate1 = useMemo(() => (hardware && importedHere ? buildDetailModel(genome, hardware, null) : null), [genome, hardware, importedHere]);
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
  const exportPytorch = () => {
    const note = training ? `trained here: ${(100 * training.accuracyFloat).toFixed(1)} % float, ${(100 * training.accuracyQuantized).toFixed(1)} % quantized test accuracy` : undefined;
    downloadBytes(`${pytorchExportName(genome)}.zip`, pytorchZip(genome, { studioVersion: STUDIO_VERSION, ...(note ? { weightsNote: note } : {}) }, weights), 'application/zip');
  };
  const importWeights = (file: File) => {
    readImportedWeights(file, genome).then(
      (view) => {
        setImported({ ...view, genome });
        setImportError(null);
      },
      (e: unknown) => setImportError(e instanceof Error ? e.message : String(e)),
    );
  };
  const importedView: ImportedWeightsView | null = importedHere && atRate1?.ok ? { ...importedHere, energyAtRate1UJ: atRate1.model.report.kpis.energy_per_inference_uJ } : null;
  return (
    <ArchitectureDetail
      model={built.model}
      training={training}
      live={live}
      candidate={candidate}
      headingId={headingId}
      onExportJson={exportJson}
      onExportPytorch={exportPytorch}
      exportsWeights={weights !== null}
      onImportWeights={importWeights}
      imported={importedView}
      importError={importError}
    />
  );
}
