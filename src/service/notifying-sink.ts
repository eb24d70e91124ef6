/**
 * The collectors' sink with listeners: each result is written to the store first, then every
 * listener is told (the alert dispatcher, the recommendations refresher). A listener can never
 * fail the write: its error is logged, and a listener slower than `timeoutMs` is left to finish
 * in the background so a slow mail path never stalls collection.
 */
import type { CollectionResult, ResultSink, RunStatus } from '../domain/sink.js';
import type { Logger } from '../log.js';

/** Told after a result was stored. */
export type StoredListener = (result: CollectionResult) => Promise<void> | void;

/**
 * Told before a run status replaces `previous`; the status is stored only once it resolves, so a
 * transition it records (an access alert) is durable before the status that would hide it.
 */
export type StatusListener = (status: RunStatus, previous: RunStatus | undefined) => Promise<void>;

export interface NotifyingSinkOptions {
  log: Logger;
  /** How long a write waits for its listeners. Default 10 s. */
  timeoutMs?: number;
  /** Run status listeners; a failure fails the status write (the next run sees the same transition). */
  onStatus?: readonly StatusListener[];
}

/** Wrap `sink` so that `listeners` hear of every result it stored. */
export function notifyingSink(sink: ResultSink, listeners: readonly StoredListener[], options: NotifyingSinkOptions): ResultSink {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const notify = async (result: CollectionResult) => {
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
      await sink.write(result, signal);
      await notify(result);
    },
    getWatermark: (tenantId, accountId, collector) => sink.getWatermark(tenantId, accountId, collector),
    setWatermark: (tenantId, accountId, collector, value) => sink.setWatermark(tenantId, accountId, collector, value),
    getRunStatus: (tenantId, accountId, collector, signal) => sink.getRunStatus(tenantId, accountId, collector, signal),
    async putRunStatus(status, previous, signal) {
      for (const listener of options.onStatus ?? []) await listener(status, previous);
      await sink.putRunStatus(status, previous, signal);
    },
    setAccountStatus: (tenantId, accountId, status, reason) => sink.setAccountStatus(tenantId, accountId, status, reason),
    flush: () => sink.flush(),
  };
}
