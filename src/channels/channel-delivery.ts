/**
 * Delivery of alerts to a tenant's channels, driven by the email outbox (exactly once per item
 * and channel):
 * - fan-out: when the outbox delivery has claimed an item's alerts (before it marks the item
 *   ready), one delivery record per channel is created with a conditional put keyed on item id +
 *   channel id. A crash before the item is ready repeats the fan-out, which then creates nothing
 *   new; a record that exists is finished by recovery.
 * - each record is sent on its own (a p-limit caps requests in flight), retried with exponential
 *   backoff and jitter up to `maxAttempts`, then marked dead. A channel's failures are counted on
 *   the channel: `failing` after `failingAfter` in a row, `ok` again on a success. Nothing here
 *   waits on email or on another channel, and the email never waits on a channel.
 * - recovery: the outbox recovery's per-tenant pass calls `recoverTenant`, which adopts pending
 *   records whose lock expired or whose owner's heartbeat lapsed (the mailer's owner and
 *   heartbeat are shared: a record is locked by the mailer instance that created it). The
 *   recovery's verdict decides, as for an email: a dead owner's record is adopted only its send
 *   grace after the lock was last renewed (right before each request, so an owner alive but late
 *   with its heartbeat has finished or timed out its request by then: guarded-post's 10 s).
 * At-least-once window: the receiver answered 2xx but `markDelivered` did not land (crash, store
 * failure): the event is sent again with the same `id`, which receivers deduplicate on.
 */
import pLimit from 'p-limit';
import { systemClock, type Cancel, type Clock } from '../domain/clock.js';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import type { AlertPayload } from '../mail/alert-payload.js';
import type { LockVerdict } from '../mail/outbox-recovery.js';
import type { Keyring } from '../store/crypto/keyring.js';
import type { ChannelDeliveryRecord, ChannelRecord, ChannelRepository } from '../store/channel-repository.js';
import { channelFailureCode } from './channel-error.js';
import { eventOf, type ChannelEvent } from './channel-event.js';
import { channelRequestFor } from './channel-secrets.js';
import type { ChannelPost } from './guarded-post.js';
import { retryDelayMs, type RetryPolicy } from './retry-delay.js';

export interface ChannelDeliveryOptions {
  channels: ChannelRepository;
  keyring: Pick<Keyring, 'open'>;
  post: ChannelPost;
  /** The public URL: the event's links. */
  publicUrl: string;
  log: Logger;
  /** The mailer instance's lock owner (its heartbeat covers these records too). */
  owner: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** How long a record's lock holds; must outlast one request. Default 2 min. */
  lockMs?: number;
  /** Backoff of failed deliveries. Default 10 s doubling to 30 min, jitter 0.5, 10 attempts. */
  retry?: Partial<RetryPolicy>;
  /** Failures in a row after which a channel shows as failing. Default 3. */
  failingAfter?: number;
  /** Requests in flight at most (all tenants). Default 8. */
  concurrency?: number;
  /** Randomness of the jitter (tests). Default Math.random. */
  random?: () => number;
}

export interface ChannelDelivery {
  /** Create the item's delivery records (idempotent) and start them; the number created. */
  fanOut(tenantId: string, itemId: string, payload: AlertPayload): Promise<number>;
  /**
   * Adopt a tenant's pending records that no live instance holds; `retryAt`: the earliest lock
   * expiry of a record skipped because its owner may still be alive.
   */
  recoverTenant(tenantId: string, verdict: LockVerdict): Promise<{ adopted: number; retryAt?: number }>;
  /** Records held (scheduled or sending) here. */
  readonly held: number;
  /** Wait for requests in flight, release every lock. Idempotent. */
  stop(): Promise<void>;
}

interface Held {
  tenantId: string;
  itemId: string;
  channelId: string;
  event: string;
  attempts: number;
  cancel?: Cancel;
}

const DEFAULT_RETRY: RetryPolicy = { minMs: 10_000, maxMs: 30 * 60_000, jitter: 0.5, maxAttempts: 10 };

/** Create the channel delivery. */
export function createChannelDelivery(options: ChannelDeliveryOptions): ChannelDelivery {
  const { channels, log, owner } = options;
  const clock = options.clock ?? systemClock;
  const lockMs = options.lockMs ?? 120_000;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const failingAfter = options.failingAfter ?? 3;
  const random = options.random ?? Math.random;
  const limit = pLimit(options.concurrency ?? 8);
  const held = new Map<string, Held>();
  const work = new Set<Promise<unknown>>();
  const abort = new AbortController();
  let stopped: Promise<void> | undefined;

  const keyOf = (h: Pick<Held, 'tenantId' | 'itemId' | 'channelId'>) => `${h.tenantId}/${h.itemId}/${h.channelId}`;

  function hold(h: Held, notBefore: number): void {
    if (stopped) return;
    held.set(keyOf(h), h);
    h.cancel = clock.setTimer(() => {
      h.cancel = undefined;
      const run = limit(() => attempt(h));
      work.add(run);
      void run.finally(() => work.delete(run)).catch(() => undefined);
    }, Math.max(0, notBefore - clock.now()));
  }

  async function attempt(h: Held): Promise<void> {
    if (stopped) return;
    const ids = { tenant: h.tenantId, item: h.itemId, channel: h.channelId };
    try {
      const locked = await channels.lockDelivery(h.tenantId, h.itemId, h.channelId, owner, clock.now() + lockMs);
      if (!locked) {
        held.delete(keyOf(h));
        log.debug(ids, 'channel delivery taken over or finished elsewhere');
        return;
      }
      const channel = await channels.get(h.tenantId, h.channelId);
      if (!channel) {
        held.delete(keyOf(h));
        await channels.rescheduleDelivery(h.tenantId, h.itemId, h.channelId, owner, { notBefore: clock.now(), error: 'CHANNEL_REMOVED', dead: true });
        log.info(ids, 'channel removed; its pending delivery is dropped');
        return;
      }
      let failure: unknown;
      try {
        await send(channel, JSON.parse(h.event) as ChannelEvent);
      } catch (error) {
        failure = error;
      }
      if (failure === undefined) {
        held.delete(keyOf(h));
        await channels.markDelivered(h.tenantId, h.itemId, h.channelId, owner);
        await channels.recordSuccess(h.tenantId, h.channelId, clock.now());
        log.info({ ...ids, kind: channel.kind, attempts: h.attempts + 1 }, 'alert delivered to a channel');
        return;
      }
      if (stopped) {
        // Stopped mid-request: not the receiver's fault; stop() releases the lock.
        return;
      }
      const code = channelFailureCode(failure);
      h.attempts += 1;
      const dead = h.attempts >= retry.maxAttempts;
      const notBefore = clock.now() + retryDelayMs(h.attempts, retry, random);
      await channels.rescheduleDelivery(h.tenantId, h.itemId, h.channelId, owner, { notBefore, error: code, ...(dead ? { dead: true } : {}) });
      // A dead delivery marks the channel failing at once, whatever the count.
      await channels.recordFailure(h.tenantId, h.channelId, code, clock.now(), dead ? 1 : failingAfter);
      if (dead) {
        held.delete(keyOf(h));
        log.error({ ...ids, attempts: h.attempts, code }, 'giving up on a channel delivery');
      } else {
        log.warn({ ...ids, attempts: h.attempts, code, retryAt: new Date(notBefore).toISOString() }, 'channel delivery failed; will retry');
        hold(h, notBefore);
      }
    } catch (error) {
      // The store failed: leave the record to recovery once its lock lapses.
      held.delete(keyOf(h));
      log.warn({ ...ids, code: channelFailureCode(error) }, 'could not update a channel delivery; recovery will retry it');
    }
  }

  async function send(channel: ChannelRecord, event: ChannelEvent): Promise<void> {
    const request = channelRequestFor(options.keyring, channel, event, clock.now());
    await options.post(request.url, request.body, request.headers, abort.signal);
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    work.add(promise);
    void promise.finally(() => work.delete(promise)).catch(() => undefined);
    return promise;
  }

  async function adopt(record: ChannelDeliveryRecord, takeFrom?: { owner: string; lockedUntil: number }): Promise<boolean> {
    const locked = await channels.lockDelivery(record.tenantId, record.itemId, record.channelId, owner, clock.now() + lockMs, takeFrom);
    if (!locked?.event) return false;
    log.info({ tenant: record.tenantId, item: record.itemId, channel: record.channelId, attempts: locked.attempts }, 'recovering a channel delivery');
    hold({ tenantId: record.tenantId, itemId: record.itemId, channelId: record.channelId, event: locked.event, attempts: locked.attempts }, Math.max(locked.notBefore, clock.now()));
    return true;
  }

  return {
    get held() {
      return held.size;
    },
    fanOut(tenantId, itemId, payload) {
      return track(
        (async () => {
          // Not 0: the item would then be marked ready without its channels' deliveries.
          if (stopped) throw new AppError('CHANNELS_STOPPED', 'the channel delivery is stopped');
          const event = eventOf(payload, { id: itemId, tenantId, createdAt: new Date(clock.now()).toISOString(), publicUrl: options.publicUrl });
          if (!event) return 0;
          const list = await channels.list(tenantId);
          if (list.length === 0) return 0;
          const json = JSON.stringify(event);
          let created = 0;
          for (const channel of list) {
            const now = clock.now();
            if (await channels.createDelivery({ tenantId, itemId, channelId: channel.id, event: json, notBefore: now }, owner, now + lockMs)) {
              created += 1;
              hold({ tenantId, itemId, channelId: channel.id, event: json, attempts: 0 }, now);
            }
          }
          return created;
        })(),
      );
    },
    async recoverTenant(tenantId, verdict) {
      let adopted = 0;
      let retryAt: number | undefined;
      if (stopped) return { adopted };
      for (const record of await channels.pendingDeliveries(tenantId)) {
        if (held.has(keyOf(record)) || !record.event) continue;
        const judged = await verdict(record);
        if (!judged.adoptable) retryAt = Math.min(retryAt ?? Infinity, judged.retryAt);
        else if (await adopt(record, judged.ownerDead && record.lockedBy ? { owner: record.lockedBy, lockedUntil: record.lockedUntil } : undefined)) adopted += 1;
      }
      return { adopted, ...(retryAt !== undefined ? { retryAt } : {}) };
    },
    stop() {
      stopped ??= (async () => {
        for (const h of held.values()) h.cancel?.();
        abort.abort();
        await Promise.allSettled([...work]);
        await Promise.allSettled([...held.values()].map((h) => channels.unlockDelivery(h.tenantId, h.itemId, h.channelId, owner)));
        held.clear();
      })();
      return stopped;
    },
  };
}
