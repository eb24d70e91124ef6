/**
 * Persists a tenant's recommendations after collection, through the one path that computes them
 * (src/insights' `refreshRecommendations`, which syncs into store.recommendations), so the digest
 * and the API read current statuses even when nobody opened the dashboard. The API's GETs never
 * write: this (and a PATCH) is what keeps the stored set current.
 *
 * When: after a cost result or a security result with findings (its tenant's results of one run
 * coalesced into one evaluation), and
 * after a metrics result at most once per UTC day per tenant — the EC2 rules judge whole days, so
 * evaluating on every 15-minute metrics run would only re-read 16 days of CPU series for nothing.
 */
import type { CollectionResult } from '../domain/sink.js';
import type { Logger } from '../log.js';
import { systemMailClock, type CancelTimer, type MailClock } from '../mail/mail-clock.js';

export interface RecommendationRefresherOptions {
  /** Evaluate and persist a tenant's recommendations. */
  refresh(tenantId: string): Promise<void>;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** Results of one tenant within this window make one evaluation. Default 30 s. */
  coalesceMs?: number;
  /** Evaluations at once. Default 2. */
  concurrency?: number;
}

export interface RecommendationRefresher {
  /** A result was stored. */
  onResult(result: CollectionResult): void;
  /** Evaluate now (the digest, before it reads them). */
  refreshNow(tenantId: string): Promise<void>;
  /** Cancel what waits; wait for what runs. Idempotent. */
  stop(): Promise<void>;
}

/** Create the refresher. */
export function createRecommendationRefresher(options: RecommendationRefresherOptions): RecommendationRefresher {
  const clock = options.clock ?? systemMailClock;
  const coalesceMs = options.coalesceMs ?? 30_000;
  const width = options.concurrency ?? 2;
  const timers = new Map<string, CancelTimer>();
  const queue: string[] = [];
  const running = new Set<Promise<void>>();
  const refreshedDay = new Map<string, string>();
  let stopped: Promise<void> | undefined;

  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  async function run(tenantId: string): Promise<void> {
    try {
      await options.refresh(tenantId);
      refreshedDay.set(tenantId, dayOf(clock.now()));
    } catch (error) {
      options.log.warn({ err: error, tenant: tenantId }, 'recommendations: evaluation after collection failed');
    }
  }

  function pump(): void {
    while (!stopped && running.size < width && queue.length > 0) {
      const tenantId = queue.shift() as string;
      const job = run(tenantId).finally(() => {
        running.delete(job);
        pump();
      });
      running.add(job);
    }
  }

  function schedule(tenantId: string): void {
    if (stopped || timers.has(tenantId) || queue.includes(tenantId)) return;
    timers.set(
      tenantId,
      clock.setTimer(() => {
        timers.delete(tenantId);
        queue.push(tenantId);
        pump();
      }, coalesceMs),
    );
  }

  return {
    onResult(result) {
      // Findings change the security recommendations; an empty security run changes nothing.
      if (result.kind === 'cost' || (result.kind === 'security' && result.findings.length > 0)) schedule(result.tenantId);
      else if (result.kind === 'metrics' && refreshedDay.get(result.tenantId) !== dayOf(clock.now())) schedule(result.tenantId);
    },
    refreshNow: (tenantId) => (stopped ? Promise.resolve() : run(tenantId)),
    stop() {
      stopped ??= (async () => {
        for (const cancel of timers.values()) cancel();
        timers.clear();
        queue.length = 0;
        await Promise.allSettled([...running]);
      })();
      return stopped;
    },
  };
}
