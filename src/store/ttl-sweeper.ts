/**
 * dynalite does not implement TTL, so in embedded mode expired items would pile up on disk.
 * This sweeper deletes them: a Scan of each TTL table (maintenance, never a read path), run at
 * start and then periodically. Real DynamoDB expires items itself; the sweeper is not used there.
 */
import type { Logger } from '../log.js';
import type { Db } from './db.js';
import { TABLE_KINDS, TABLE_SPECS, keyOf } from './tables.js';

export interface TtlSweeper {
  /** Delete every expired item now; the number deleted. */
  sweep(signal?: AbortSignal): Promise<number>;
  /** Stop the timer and wait for a sweep in progress. Idempotent. */
  stop(): Promise<void>;
}

/** Start sweeping every `intervalMs` (default 6 h); the timer does not keep the process alive. */
export function startTtlSweeper(deps: { db: Db; log: Logger; intervalMs?: number; now?: () => number }): TtlSweeper {
  const now = deps.now ?? Date.now;
  let stopping = false;
  let running: Promise<number> | undefined;

  // Stopping is checked between requests rather than by aborting one: an aborted request would
  // leave dynalite working on it while the store closes underneath.
  async function sweep(signal?: AbortSignal): Promise<number> {
    let deleted = 0;
    for (const kind of TABLE_KINDS.filter((k) => TABLE_SPECS[k].ttl)) {
      let start: Record<string, unknown> | undefined;
      do {
        if (stopping || signal?.aborted) return deleted;
        const page = await deps.db.scan(
          kind,
          {
            FilterExpression: '#ttl < :now',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':now': Math.floor(now() / 1000) },
            ExclusiveStartKey: start,
          },
          signal,
        );
        const expired = page.Items ?? [];
        await deps.db.batchWrite(kind, expired.map((item) => ({ delete: keyOf(kind, item) })), signal);
        deleted += expired.length;
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return deleted;
  }

  const run = () => {
    running ??= sweep()
      .then((deleted) => {
        if (deleted > 0) deps.log.info({ deleted }, 'swept expired items from the embedded store');
        return deleted;
      })
      .catch((error: unknown) => {
        deps.log.warn({ err: error }, 'sweeping expired items failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(run, deps.intervalMs ?? 6 * 3_600_000);
  timer.unref();
  void run();

  let stopped: Promise<void> | undefined;
  return {
    sweep,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        stopping = true;
        await running;
      })();
      return stopped;
    },
  };
}
