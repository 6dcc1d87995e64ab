/**
 * The worker's end of its lifeline (src/protocol/lifeline.ts): a Web Lock
 * held for the worker's whole life, its name sent to its owner (the page,
 * or the worker that spawned it) once held.
 * Without Web Locks (an insecure context) there is no lifeline, and the
 * owner cannot tell a silently ended worker from a busy one.
 */
import * as Comlink from 'comlink';
import { lifelineHello } from '../protocol/lifeline.ts';

export function holdLifeline(post: (message: unknown) => void = (message) => self.postMessage(message)): void {
  if (typeof navigator === 'undefined' || !navigator.locks) return;
  // Unique per worker: every tab and worker of the origin shares one lock namespace.
  const lock = `neuronas-worker-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  void navigator.locks.request(lock, () => {
    post(lifelineHello(lock));
    // Never settles: the lock goes only when the worker does.
    return new Promise<never>(() => {});
  });
}

/** Exposes `api` to the worker's owner through comlink, with the worker's lifeline. */
export function exposeWorkerApi(api: object): void {
  Comlink.expose(api);
  holdLifeline();
}
