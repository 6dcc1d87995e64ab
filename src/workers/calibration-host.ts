/**
 * The page's calibration run in the costing worker, free of worker globals
 * so tests run it in Node: core/calibration/run.ts (the one orchestration,
 * shared with `neuronas calibrate`) with the search pool's training worker
 * as its evaluators — the proxies of src/tf/proxies.ts through the training
 * protocol's `proxies` job, and the training engine's `train` with the
 * calibration's test images. Events go to the page as they happen.
 *
 * One run at a time on a pool shared with the searches: the costing API
 * stops a running search before a calibration starts, and the reverse.
 */
import { calibrationDocument, type CalibrationDocument } from '../core/calibration/document.ts';
import { runCalibration, type CalibrationEvaluators } from '../core/calibration/run.ts';
import type { CalibrationMessage, CalibrationRequest } from '../protocol/calibration.ts';
import type { ProxiesRequest, ProxiesResult } from '../protocol/training.ts';
import type { SearchPool } from './search-host.ts';

/** What the calibration needs of the pool's trainer beyond the search's endpoint: the proxies job. */
export interface ProxyEndpoint {
  proxies(request: Omit<ProxiesRequest, 'jobId'>, signal?: AbortSignal): Promise<ProxiesResult>;
}

interface Running {
  calibrationId: number;
  /** a soft stop: the run ends with what finished */
  stop: AbortController;
}

export class CalibrationHost {
  private running: Running | null = null;

  constructor(private readonly pool: () => SearchPool) {}

  /** Ends calibration `id` with what finished (its call resolves, marked stopped); unknown ids are ignored. */
  stop(calibrationId: number): void {
    if (this.running?.calibrationId === calibrationId) this.running.stop.abort();
  }

  /** Ends whichever calibration runs (a search is starting on the same workers). */
  stopAny(): void {
    this.running?.stop.abort();
  }

  get busy(): boolean {
    return this.running !== null;
  }

  async calibrate(req: CalibrationRequest, send: (m: CalibrationMessage) => void): Promise<CalibrationDocument> {
    this.running?.stop.abort();
    const running: Running = { calibrationId: req.calibrationId, stop: new AbortController() };
    this.running = running;
    const { signal } = running.stop;
    const s = req.settings;
    const emit = (update: CalibrationMessage['update']) => send({ calibrationId: req.calibrationId, update });
    try {
      const pool = this.pool();
      const info = await pool.ready;
      emit({ type: 'backend', backend: info.backend, reason: info.reason });
      const trainer = pool.trainer as SearchPool['trainer'] & Partial<ProxyEndpoint>;
      if (!trainer.proxies) throw new Error('the training workers cannot compute proxies');
      const evaluators: CalibrationEvaluators = {
        proxies: (_arch, genome, names) => trainer.proxies!({ genome, dataset: s.dataset, seed: s.seed, proxyImages: s.proxyImages, names: [...names] }),
        async train(genome, seed, trainSignal) {
          // The same request as the command line's (src/cli/calibrate.ts): the same images, seed and test set.
          const r = await trainer.train({ genome, dataset: s.dataset, epochs: s.epochs, trainSamples: s.trainSamples, testSamples: s.testSamples, seed }, () => {}, trainSignal);
          if (!r.completed) throw new Error('training was cancelled');
          return { accuracyFloat: r.testAccuracyFloat, accuracyQuantized: r.testAccuracyQuantized, seconds: r.seconds };
        },
      };
      const run = await runCalibration(s, evaluators, emit, signal);
      return calibrationDocument(run, info);
    } finally {
      if (this.running === running) this.running = null;
    }
  }
}
