/**
 * The collectors' sink with recorders and listeners.
 *
 * Recorders are part of the write (issue 12): `before` runs ahead of the store write (it reads
 * what the write replaces, e.g. the alarm snapshot whose transitions become alerts), `after` runs
 * once the result is stored. `write` resolves only when every recorder has made its alerts
 * durable (in the outbox), and rejects when one could not: the collector then does not move its
 * watermark, and its next run reads and records the same things again. Nothing waits on a timer
 * and nothing is retried in memory.
 *
 * Listeners (the recommendations refresher) are told after that; a listener can never fail the
 * write: its error is logged, and one slower than `timeoutMs` is left to finish in the background.
 */
import type { CollectionResult, ResultSink, RunStatus } from '../domain/sink.js';
import type { Logger } from '../log.js';
import type { CrashPoint } from './crash-points.js';

/** Told after a result was stored. */
export type StoredListener = (result: CollectionResult) => Promise<void> | void;

/** Records what a result means durably, as part of its write; a rejection fails the write. */
export interface ResultRecorder {
  /** Before the result is stored (it sees the state the write replaces). */
  before?(result: CollectionResult): Promise<void>;
  /** After the result is stored, before the write resolves. */
  after?(result: CollectionResult): Promise<void>;
}

/**
 * Told before a run status replaces `previous`; the status is stored only once it resolves, so a
 * transition it records (an access alert) is durable before the status that would hide it.
 */
export type StatusListener = (status: RunStatus, previous: RunStatus | undefined) => Promise<void>;

export interface NotifyingSinkOptions {
  log: Logger;
  /** How long a write waits for its listeners (not its recorders). Default 10 s. */
  timeoutMs?: number;
  /** Run status listeners; a failure fails the status write (the next run sees the same transition). */
  onStatus?: readonly StatusListener[];
  /** Part of every write, in order; a failure fails the write. Default none. */
  recorders?: readonly ResultRecorder[];
  /** Tests only: the alert-durability test's crash points (see crash-points.ts). Default none. */
  crash?: CrashPoint;
}

/** Wrap `sink` so that the recorders record, and the `listeners` hear of, every result it stores. */
export function notifyingSink(sink: ResultSink, listeners: readonly StoredListener[], options: NotifyingSinkOptions): ResultSink {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const recorders = options.recorders ?? [];
  const crash = options.crash;
  /** What each collector of an account wrote last: the subject of the watermark's crash point. */
  const lastWritten = new Map<string, string>();
  const notify = async (result: CollectionResult) => {
    if (listeners.length === 0) return;
    const all = Promise.allSettled(
      listeners.map(async (listener) => {
        try {
          await listener(result);
        } catch (error) {
          options.log.warn({ err: error, tenant: result.tenantId, kind: result.kind }, 'a result listener failed');
        }
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([all, late]);
    clearTimeout(timer);
  };
  return {
    async write(result, signal) {
      for (const recorder of recorders) await recorder.before?.(result);
      await sink.write(result, signal);
      const subject = crash ? () => JSON.stringify(result) : () => '';
      crash?.('result-stored', subject);
      for (const recorder of recorders) await recorder.after?.(result);
      crash?.('intent-written', subject);
      if (crash) lastWritten.set(`${result.tenantId}|${result.accountId}|${result.kind}`, subject());
      await notify(result);
    },
    getWatermark: (tenantId, accountId, collector) => sink.getWatermark(tenantId, accountId, collector),
    async setWatermark(tenantId, accountId, collector, value) {
      await sink.setWatermark(tenantId, accountId, collector, value);
      crash?.('watermark-set', () => lastWritten.get(`${tenantId}|${accountId}|${collector}`) ?? '');
    },
    getRunStatus: (tenantId, accountId, collector, signal) => sink.getRunStatus(tenantId, accountId, collector, signal),
    async putRunStatus(status, previous, signal) {
      for (const listener of options.onStatus ?? []) await listener(status, previous);
      await sink.putRunStatus(status, previous, signal);
    },
    setAccountStatus: (tenantId, accountId, status, reason) => sink.setAccountStatus(tenantId, accountId, status, reason),
    flush: () => sink.flush(),
  };
}
