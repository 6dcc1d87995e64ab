/**
 * The search's training workers, owned by the costing worker (nested
 * dedicated workers): scorers sized from the cores and one trainer (once
 * scoring is over, the scorers train beside it), each
 * behind a TrainingClient (src/worker-host/), which replays its backend
 * choice and data set on a respawned worker.
 */
import { poolSize } from '../core/search/estimate.ts';
import { TrainingClient } from '../worker-host/training-client.ts';
import type { SearchPool } from './search-host.ts';
import type { InitRequest, InitResult } from '../protocol/training.ts';

/**
 * Initialises every client at once with `init` and returns the first's choice. Each worker's 'auto' probe times the
 * backends itself, and on a busy machine two probes can choose differently; a candidate's score or training must not
 * depend on which worker took it, so a worker that chose otherwise is initialised again with the first's backend,
 * and every client replays that backend, not a new probe, on a respawned worker.
 */
export async function initOnOneBackend(clients: readonly Pick<TrainingClient, 'init' | 'keepBackend'>[], init: InitRequest): Promise<InitResult> {
  const choices = await Promise.all(clients.map((c) => c.init(init)));
  const first = choices[0];
  await Promise.all(clients.map((c, i) => (choices[i].backend === first.backend ? null : c.init({ ...init, backend: first.backend }))));
  for (const c of clients) c.keepBackend(first.backend);
  return first;
}

export function createTrainingPool(cores: number | undefined = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency): SearchPool & { clients: { scorers: TrainingClient[]; trainer: TrainingClient } } {
  const scorers = Array.from({ length: poolSize(cores) }, () => new TrainingClient());
  const trainer = new TrainingClient();
  const all = [trainer, ...scorers];
  const init = { backend: 'auto' as const, wasmThreads: 1 };
  const ready = initOnOneBackend(all, init).then((first) => ({ backend: first.backend, reason: first.reason, softwareGpu: first.softwareGpu, renderer: first.renderer }));
  const pool = {
    scorers,
    trainer,
    clients: { scorers, trainer },
    ready,
    onCrash: null as ((message: string) => void) | null,
    async provideDataset(upload: Parameters<TrainingClient['provideDataset']>[0], signal: AbortSignal) {
      // Workers parse the batches themselves; ones that already hold these files are skipped.
      await Promise.all(all.filter((c) => c.upload !== upload).map((c) => c.provideDataset(upload, signal)));
    },
    dispose() {
      for (const c of all) c.dispose();
    },
  };
  const tell = (who: string) => (message: string) => pool.onCrash?.(`${who}: ${message}. It was restarted; results that had arrived are kept.`);
  scorers.forEach((c, i) => (c.onCrash = tell(`Scoring worker ${i + 1}`)));
  trainer.onCrash = tell('The training worker');
  return pool;
}
