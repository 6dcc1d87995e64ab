/**
 * Calibrations kept in this browser (IndexedDB through `idb`, as the kept
 * runs are): one record per run, holding its `neuronas-calibration`
 * document once it ended (before that, what it had measured, rewritten as
 * each candidate is trained), the kept run (search) the page showed when it
 * ran, and when. A database of its own beside the runs' one
 * (ui/runs/run-db.ts), so neither's schema version moves for the other.
 */
import type { DBSchema } from 'idb';
import { lazyDatabase } from '../runs/open-database.ts';
import type { CalibrationDocument } from '../../core/calibration/document.ts';
import type { Stratum } from '../../core/calibration/plan.ts';
import type { SeedPair } from '../../core/calibration/report.ts';
import type { CalibrationCandidate, CalibrationSettings } from '../../core/calibration/run.ts';

/** What a running calibration has measured so far, written as each candidate is trained: a reload keeps it. */
export interface CutOffCalibration {
  settings: CalibrationSettings;
  pool: { sampled: number; feasible: number; strata: Stratum[] } | null;
  candidates: CalibrationCandidate[];
  seedPairs: SeedPair[];
  backend: { backend: string; reason: string };
  /** seconds from its start to this write */
  elapsedS: number;
}

export const CALIBRATION_DB_NAME = 'neuronas-studio-calibrations';
const CALIBRATION_DB_VERSION = 1;

export interface KeptCalibration {
  id: string;
  createdAt: number;
  /** the kept run the page showed when the calibration ran (its inputs are the calibration's), if any */
  runId: string | null;
  /** the finished (or stopped) calibration; null while it runs, or when a reload cut it off */
  doc: CalibrationDocument | null;
  /** what it had measured when last written, while `doc` is null */
  cutOff: CutOffCalibration | null;
}

interface CalibrationDb extends DBSchema {
  calibrations: { key: string; value: KeptCalibration };
}

const db = lazyDatabase<CalibrationDb>(CALIBRATION_DB_NAME, CALIBRATION_DB_VERSION, (d) => {
  if (!d.objectStoreNames.contains('calibrations')) d.createObjectStore('calibrations', { keyPath: 'id' });
});

export async function putCalibration(rec: KeptCalibration): Promise<void> {
  const d = await db();
  await d.put('calibrations', rec);
}

/** Kept calibrations, newest first. */
export async function listCalibrations(): Promise<KeptCalibration[]> {
  const d = await db();
  return (await d.getAll('calibrations')).sort((a, b) => b.createdAt - a.createdAt);
}

export async function deleteCalibration(id: string): Promise<void> {
  const d = await db();
  await d.delete('calibrations', id);
}
