/**
 * Backpressure for the collectors' writes: at most `concurrency` DynamoDB requests of the
 * collectors in flight; the others wait in line, which slows the collector awaiting its write
 * (its next run starts later) and never the API, whose reads go through their own client and
 * sockets.
 */
import pLimit from 'p-limit';
import type { DocSender } from './db.js';

/** A sender that admits at most `concurrency` requests at once, plus its queue's state. */
export interface BoundedSender extends DocSender {
  /** Requests sent and not answered yet, and requests waiting for a slot. */
  load(): { active: number; pending: number };
}

/** Bound `sender`. */
export function boundedSender(sender: DocSender, concurrency: number): BoundedSender {
  const limit = pLimit(concurrency);
  return {
    send: (command, options) => limit(() => sender.send(command, options)),
    load: () => ({ active: limit.activeCount, pending: limit.pendingCount }),
  };
}
