/**
 * Two-worker training's link (src/tf/train.ts `ShardPeer`) over a MessagePort the two workers share: each step, each
 * side posts its shard (buffers transferred, not copied) and waits for the other's. Messages on a port arrive in
 * order, so the n-th message received is the other side's n-th step; the step number travels with it and is checked.
 *
 * A side that stops (cancelled, failed, its worker gone) cannot always say so: a cancelled or failed side posts
 * 'stopped' (`close`), and the job's AbortSignal ends a wait when the owner gives up on the pair (it cancels both
 * jobs when either one's call ends without a result).
 */
import type { ShardPayload, ShardPeer } from '../tf/train.ts';

/** The other side of a two-worker training stopped before this one finished. */
export class PeerStoppedError extends Error {
  override name = 'PeerStoppedError';
}

type PeerMessage = { kind: 'shard'; step: number; payload: ShardPayload } | { kind: 'stopped'; why: string };

export interface PortShardPeer extends ShardPeer {
  /** tells the other side this one stopped (idempotent), and closes the port */
  close(why: string): void;
}

export function portShardPeer(port: MessagePort, shard: 0 | 1, signal: AbortSignal): PortShardPeer {
  const inbox: PeerMessage[] = [];
  let waiter: ((m: PeerMessage) => void) | null = null;
  let sent = 0;
  let closed = false;
  const onMessage = (e: MessageEvent<PeerMessage>) => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(e.data);
    } else inbox.push(e.data);
  };
  port.addEventListener('message', onMessage as EventListener);
  port.start();
  const next = (): Promise<PeerMessage> =>
    new Promise((resolve, reject) => {
      const queued = inbox.shift();
      if (queued) return resolve(queued);
      if (signal.aborted) return reject(new PeerStoppedError('the training was cancelled'));
      const onAbort = () => {
        waiter = null;
        reject(new PeerStoppedError('the training was cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiter = (m) => {
        signal.removeEventListener('abort', onAbort);
        resolve(m);
      };
    });
  return {
    shard,
    async exchange(mine) {
      if (closed) throw new PeerStoppedError('this side of the pair has stopped');
      const step = sent++;
      port.postMessage({ kind: 'shard', step, payload: mine } satisfies PeerMessage, [mine.parts.buffer, mine.stats.buffer]);
      const m = await next();
      if (m.kind === 'stopped') throw new PeerStoppedError(`the other worker of this training stopped: ${m.why}`);
      if (m.step !== step) throw new Error(`two-worker training out of step: this side is at step ${step}, the other sent step ${m.step}`);
      return m.payload;
    },
    close(why) {
      if (closed) return;
      closed = true;
      try {
        port.postMessage({ kind: 'stopped', why } satisfies PeerMessage);
      } catch {
        // the port may already be unusable (its other end's worker was terminated)
      }
      port.removeEventListener('message', onMessage as EventListener);
      port.close();
    },
  };
}
