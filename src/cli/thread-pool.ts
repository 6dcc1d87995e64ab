/**
 * The command line on every core: a pool of worker threads
 * (src/cli/training-thread.ts), each a training engine with its own tfjs
 * backend, behind the page's training clients (src/worker-host/), which
 * spawn, cancel and respawn them as they do the page's workers. Scoring
 * shares the page's queue of chunks over the pool (scoreOnPool); once it is
 * over, every thread trains a candidate at once (a search trains only after scoring).
 *
 * Every thread runs the backend the first one chose: `auto` probes, and two
 * threads could choose differently, while a genome's score must not depend
 * on which thread scored it (the pool gives one worker's results, bit for bit).
 */
import { availableParallelism } from 'node:os';
import type { BackendPreference } from '../tf/backend.ts';
import type { DatasetUpload } from '../protocol/training.ts';
import { TrainingClient } from '../worker-host/training-client.ts';
import { ThreadWorker } from './thread-worker.ts';

/** Threads by default: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** The most threads `--workers` takes: beyond the cores they only share them, each with its own backend's memory. */
export const MAX_WORKERS = 64;

export interface ThreadPool {
  clients: TrainingClient[];
  backend: string;
  reason: string;
  dispose(): void;
}

const ENTRY = new URL('./training-thread.mjs', import.meta.url);

export async function openThreadPool(workers: number, backend: BackendPreference, upload?: DatasetUpload): Promise<ThreadPool> {
  const clients = Array.from({ length: workers }, () => new TrainingClient(() => new ThreadWorker(ENTRY), { watchEnd: (w) => (w as ThreadWorker).exited }));
  const dispose = () => {
    for (const c of clients) c.dispose();
  };
  try {
    // Every thread starts at once, as the page's pool does: a thread's start (Node, the CLI's bundle, tfjs, the wasm
    // backend) is about half a second of CPU, which the threads spent one after another when the others waited for the first's
    // choice. Then every other thread takes the first's backend by name (also what a respawned thread replays).
    const [first] = await Promise.all(clients.map((c) => c.init({ backend })));
    await Promise.all(clients.slice(1).map((c) => c.init({ backend: first.backend })));
    if (upload) await Promise.all(clients.map((c) => c.provideDataset(upload)));
    return { clients, backend: first.backend, reason: first.reason, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** `--workers N`: a whole number from 1 to MAX_WORKERS, or null when the text is not one. */
export function parseWorkers(text: string): number | null {
  if (!/^[0-9]+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= MAX_WORKERS ? n : null;
}
