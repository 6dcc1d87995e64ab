/**
 * The page's "How good is the score?" run, between the page and the costing
 * worker (src/workers/calibration-host.ts), which runs it with the search's
 * training workers: the request (a calibration's settings, as the command
 * line's `neuronas calibrate` builds them), the events it streams as each
 * step finishes (core/calibration/run.ts `CalibrationEvent`), and its
 * result, the `neuronas-calibration` document the command line writes.
 *
 * Stopping: `stopCalibration` ends the run with what had finished (the call
 * then resolves with a document marked stopped); aborting the call itself
 * drops the run.
 */
import type { CalibrationDocument } from '../core/calibration/document.ts';
import type { CalibrationEvent, CalibrationSettings } from '../core/calibration/run.ts';
import type { EmbeddedDatasetName } from '../core/data/datasets.ts';

export interface CalibrationRequest {
  /** increasing id chosen by the client; updates carry it back */
  calibrationId: number;
  settings: CalibrationSettings & { dataset: EmbeddedDatasetName };
}

export type CalibrationUpdate =
  | CalibrationEvent
  /** the training workers are ready: the backend the run uses */
  | { type: 'backend'; backend: string; reason: string };

export interface CalibrationMessage {
  calibrationId: number;
  update: CalibrationUpdate;
}

export type CalibrationResult = CalibrationDocument;
