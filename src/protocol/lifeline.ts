/**
 * A worker's lifeline: how its owner (the page, or a worker that spawned it)
 * learns that a worker has ended without an error event (it called
 * `self.close()`, or the browser ended it).
 *
 * The worker takes a Web Lock of its own (src/workers/lifeline.ts) and holds
 * it for as long as it lives; the browser releases a lock only when its
 * holder lets go or ends. Once held, the worker tells its owner the lock's
 * name in a hello message; the owner (src/worker-host/bridge.ts) asks for the
 * same lock, and is granted it exactly when the worker has ended.
 */

/** The key of the hello message (comlink ignores messages without its own `id`). */
export const LIFELINE_KEY = 'neuronasLifeline';

export interface LifelineHello {
  [LIFELINE_KEY]: { lock: string };
}

export function lifelineHello(lock: string): LifelineHello {
  return { [LIFELINE_KEY]: { lock } };
}

export function isLifelineHello(data: unknown): data is LifelineHello {
  const body = typeof data === 'object' && data !== null ? (data as Partial<LifelineHello>)[LIFELINE_KEY] : undefined;
  return typeof body === 'object' && body !== null && typeof body.lock === 'string';
}
