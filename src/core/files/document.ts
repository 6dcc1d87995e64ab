/**
 * What the studio's documents (the run, one architecture) share: the studio
 * version that wrote them, JSON's lack of NaN and Infinity, and how a
 * training's epochs are written.
 */
// Node's ESM loader (the CLI, Playwright) reads JSON modules only with the type attribute and a default import.
import packageJson from '../../../package.json' with { type: 'json' };
import type { InferOutput } from 'valibot';
import type { TrainEpoch } from '../search/pipeline.ts';
import { num, obj } from './schema.ts';

export const STUDIO_VERSION: string = packageJson.version;

/** A number as JSON can hold it: NaN and ±Infinity become null. */
export const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** One epoch of a training; a value the epoch did not produce (NaN) is null. */
export const EPOCH_SCHEMA = obj({
  epoch: num({ min: 0, integer: true }),
  loss: num({ nullable: true }),
  train_accuracy: num({ min: 0, max: 1, nullable: true }),
  test_accuracy: num({ min: 0, max: 1, nullable: true }),
});

export type EpochJson = InferOutput<typeof EPOCH_SCHEMA>;

export function epochJson(e: TrainEpoch): EpochJson {
  return { epoch: e.epoch, loss: finiteOrNull(e.loss), train_accuracy: finiteOrNull(e.trainAccuracy), test_accuracy: finiteOrNull(e.testAccuracy) };
}

export function epochFromJson(e: EpochJson): TrainEpoch {
  return { epoch: e.epoch, loss: e.loss ?? NaN, trainAccuracy: e.train_accuracy ?? NaN, testAccuracy: e.test_accuracy ?? NaN };
}
