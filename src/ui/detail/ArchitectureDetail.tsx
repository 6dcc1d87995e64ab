/**
 * The detail of one architecture, a pure component: everything comes in
 * through props (the model built from its genome, and what training
 * measured once it exists).
 */
import { formatCompact, formatCount } from '../../core/metrics.ts';
import { FilePickButton } from '../exchange/FilePickButton.tsx';
import type { TrainingView } from '../../core/files/architecture.ts';
import { CellGraph } from './CellGraph.tsx';
import { CostCharts } from './CostCharts.tsx';
import { CrossbarMap } from './CrossbarMap.tsx';
import { GenomeCopy } from './GenomeCopy.tsx';
import { LayerTable } from './LayerTable.tsx';
import { LiveTraining, TrainingCharts } from './TrainingCharts.tsx';
import type { TrainReading } from '../../core/search/pipeline.ts';
import type { DetailModel } from './detail-model.ts';
import './detail.css';

/** How the candidate fares in the run it came from. */
export interface CandidateVerdict {
  /** position in sampling order */
  index: number;
  feasible: boolean;
  /** e.g. "within every budget", "over the area, energy budgets" */
  text: string;
  /** what the search ranks by and this candidate's value of it, as written (a lower-is-better proxy not negated); null where never ranked */
  ranking?: { label: string; value: string } | null;
}

export interface ArchitectureDetailProps {
  model: DetailModel;
  /** what training measured; absent until the candidate is trained */
  training?: TrainingView | null;
  /** the live search's training of this candidate: its curve's readings, and where it is while it trains */
  live?: LiveTrainingView | null;
  candidate?: CandidateVerdict | null;
  /** id for the heading, so a dialog can be labelled by it */
  headingId: string;
  onExportJson(): void;
  /** downloads the PyTorch package (a zip); absent where the page offers no such export */
  onExportPytorch?: () => void;
  /** the PyTorch export ships the weights this page trained */
  exportsWeights?: boolean;
  /** reads a weights file trained in PyTorch (the exported train.py's); absent where the page offers no import */
  onImportWeights?: (file: File) => void;
  /** what the imported weights measured; the report is then costed with their spike rates */
  imported?: ImportedWeightsView | null;
  /** why the last import failed */
  importError?: string | null;
}

/** A candidate the running search trains or trained: the points its curve took (growing in place while it trains). */
export interface LiveTrainingView {
  readings: readonly TrainReading[];
  /** set while it trains: the epoch (from 1) of how many */
  training: { epoch: number; epochs: number } | null;
}

/** Weights trained outside the studio, as the detail shows them. */
export interface ImportedWeightsView {
  fileName: string;
  /** who trained them, from the file */
  source: string;
  /** input spike rate of each layer, layer-list order */
  spikeRates: readonly number[];
  /** energy per inference at rate 1 (no measurement), for comparison */
  energyAtRate1UJ: number;
}

function Kpi({ label, value, unit, help, testId }: { label: string; value: string; unit?: string; help: string; testId?: string }) {
  return (
    <div title={help}>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        {value}
        {unit ? <span className="unit"> {unit}</span> : null}
      </dd>
    </div>
  );
}

export function ArchitectureDetail({ model, training, live, candidate, headingId, onExportJson, onExportPytorch, exportsWeights = false, onImportWeights, imported, importError }: ArchitectureDetailProps) {
  const { report, arch } = model;
  const k = report.kpis;
  return (
    <article className="arch-detail" data-testid="arch-detail" data-genome={model.genome}>
      <header className="detail-head">
        <h2 id={headingId} tabIndex={-1}>
          Architecture{candidate ? ` #${candidate.index + 1}` : ''}
        </h2>
        <GenomeCopy genome={model.genome} />
        <button type="button" onClick={onExportJson} data-testid="export-architecture">
          Export as JSON
        </button>
        {onExportPytorch ? (
          <button
            type="button"
            onClick={onExportPytorch}
            data-testid="export-pytorch"
            data-weights={exportsWeights ? 'trained' : 'none'}
            title={
              "A zip with model.py (this exact network in plain PyTorch: cells, batch norms, the studio's LIF neuron and surrogate gradient), train.py (SNASNet's recipe) and a README. " +
              (exportsWeights
                ? 'With the weights this page trained (weights.safetensors: float weights, batch norms, quantization scales, measured spike rates); model.build() loads them.'
                : 'Untrained: a candidate the search trains ships its weights; so do `neuronas train --save-weights` and `neuronas export --weights`.')
            }
          >
            {exportsWeights ? 'Export as PyTorch (with trained weights)' : 'Export as PyTorch'}
          </button>
        ) : null}
        {onImportWeights ? (
          <FilePickButton
            label="Import PyTorch weights…"
            accept=".safetensors"
            inputLabel="Weights file to import"
            testId="import-weights-input"
            title="Load weights trained in PyTorch (the exported train.py saves them as .safetensors): the detail shows their measured spike rates and re-costs energy with them."
            onFile={onImportWeights}
          />
        ) : null}
      </header>
      {candidate ? (
        <p className={candidate.feasible ? 'verdict ok' : 'verdict bad'}>
          {candidate.text}
          {candidate.ranking ? ` · ${candidate.ranking.label} ${candidate.ranking.value}` : ''}
        </p>
      ) : null}
      <p className="arch-summary">
        Base width C = {arch.channels} (cell 2 at {2 * arch.channels}), hidden layer {arch.hidden}, T = {arch.timesteps} timesteps, {arch.weightBits}-bit weights, input{' '}
        {arch.input.size}×{arch.input.size}×{arch.input.channels}, {arch.classes} classes; costed in <code>{report.mode}</code> mode on {report.hardware.xbar}×{report.hardware.xbar}{' '}
        crossbars{model.measuredActivity ? ', with the measured spike rates' : ''}.
      </p>

      <dl className="kpis" data-testid="detail-kpis">
        <Kpi label="Energy / inference" value={formatCompact(k.energy_per_inference_uJ)} unit="µJ" help="Energy of one inference over all timesteps." />
        <Kpi label="Latency" value={formatCompact(k.latency_ms)} unit="ms" help="Time of one inference over all timesteps (pipelined layers)." />
        <Kpi label="EDP" value={formatCompact(k.edp_uJ_ms)} unit="µJ·ms" help="Energy-delay product." />
        <Kpi label="Efficiency" value={k.tops_per_w === null ? '–' : formatCompact(k.tops_per_w)} unit="TOPS/W" help="Two operations per synaptic operation, per joule." />
        <Kpi label="Utilisation" value={`${(report.utilisation * 100).toFixed(1)}`} unit="%" help="Share of the mapped crossbar cells that hold a weight." />
        <Kpi label="Parameters" value={formatCount(report.params)} help="Weights stored on the chip (the memory NeuroNAS budgets)." testId="detail-params" />
        <Kpi label="Memory" value={formatCompact(report.memory.total_bytes)} unit="bytes" help={`Weights ${formatCompact(report.memory.weight_bits)} bits + membranes ${formatCompact(report.memory.membrane_bits)} bits.`} />
        <Kpi label="Area" value={formatCompact(report.area_mm2)} unit="mm²" help="Tiles plus input and membrane buffers." />
        <Kpi label="Tiles · PEs · crossbars" value={`${formatCount(report.tiles)} · ${formatCount(report.pes)} · ${formatCount(report.crossbars)}`} help="What the weights occupy on the chip." />
      </dl>

      <section aria-labelledby={`${headingId}-cells`}>
        <h3 id={`${headingId}-cells`}>{model.sharedCell ? 'Cell (both stages)' : 'Cells'}</h3>
        <div className="cells">
          <CellGraph cell={model.cells[0]} title={model.sharedCell ? `Cell at C = ${arch.channels} and 2C = ${2 * arch.channels}` : `Cell 1 (C = ${arch.channels})`} />
          {model.sharedCell ? null : <CellGraph cell={model.cells[1]} title={`Cell 2 (2C = ${2 * arch.channels})`} />}
        </div>
      </section>

      {importError ? (
        <p className="field-error" role="alert" data-testid="import-weights-error">
          {importError}
        </p>
      ) : null}
      {imported ? (
        <p className="panel-note" data-testid="imported-weights" data-energy-uj={k.energy_per_inference_uJ} data-energy-rate1-uj={imported.energyAtRate1UJ}>
          Weights from <code>{imported.fileName}</code> ({imported.source}): energy re-costed with their measured spike rates,{' '}
          <strong data-testid="imported-energy">{formatCompact(k.energy_per_inference_uJ)} µJ</strong> per inference instead of {formatCompact(imported.energyAtRate1UJ)} µJ at rate 1.
        </p>
      ) : null}

      <section aria-labelledby={`${headingId}-layers`}>
        <h3 id={`${headingId}-layers`}>Layers</h3>
        <LayerTable report={report} spikeRates={imported?.spikeRates ?? training?.spikeRates ?? null} />
      </section>

      <section aria-labelledby={`${headingId}-map`}>
        <h3 id={`${headingId}-map`}>Crossbar mapping</h3>
        <CrossbarMap report={report} />
      </section>

      <section aria-labelledby={`${headingId}-cost`}>
        <h3 id={`${headingId}-cost`}>Cost breakdown</h3>
        <CostCharts report={report} />
      </section>

      <section aria-labelledby={`${headingId}-training`}>
        <h3 id={`${headingId}-training`}>Training</h3>
        {training ? (
          <TrainingCharts training={training} report={report} readings={live?.readings ?? null} />
        ) : live?.training ? (
          <LiveTraining readings={live.readings} epoch={live.training.epoch} epochs={live.training.epochs} />
        ) : (
          <p className="panel-note" data-testid="not-trained">
            Not trained yet: accuracy, training curves and spike rates appear once the search trains this candidate. Until then energy assumes every input spikes (rate 1), the worst case.
          </p>
        )}
      </section>

      {report.notes.length ? (
        <section aria-labelledby={`${headingId}-notes`}>
          <h3 id={`${headingId}-notes`}>Notes</h3>
          <ul className="notes">
            {report.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
