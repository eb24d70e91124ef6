/**
 * Delivery of the outbox: write an item (durable), claim its alerts, then send one email per
 * recipient through the rate-limited queue, record each accepted send, and delete the item once
 * every recipient's email was accepted. A failed send stays in the outbox and is retried with
 * backoff; after `maxAttempts` the item is marked dead (logged, kept for the operator).
 *
 * Items of one tenant and kind held here at the same time are merged: one email per recipient
 * lists them all (a new alert waits `batchWindowMs` for the rest of its collection run).
 *
 * Exactly once: an alert's marker is claimed by the item (claimPayload), so only one item in any
 * instance ever owns it; an item is changed only under its lock, renewed right before each send.
 * At-least-once windows: SES accepted an email but `markSent` (or the delete) did not land — a
 * crash or a store failure there sends that recipient's email again on recovery; and a send that
 * got no answer within the send queue's limit (SendEmail is not idempotent, so it may have been
 * accepted) is retried like any failed send. send-queue.ts keeps the second small.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import type { AlertMarkers, AlertOutbox, OutboxItem } from '../store/index.js';
import { claimPayload } from './alert-claims.js';
import { failureCode } from './failure-code.js';
import { contentFor, mergeContents, parsePayload, renderContent, type AlertContent, type AlertPayload } from './alert-payload.js';
import { systemMailClock, type CancelTimer, type MailClock } from './mail-clock.js';
import type { MailContext } from './mail-layout.js';
import type { SendQueue } from './send-queue.js';

/**
 * The other channels of an alert (src/channels): told of an item's owned payload after its
 * alerts are claimed and before it is marked ready, so a crash in between repeats the call;
 * it must be idempotent per item. A rejection leaves the item to recovery, like a failed claim.
 */
export interface ChannelFanOut {
  fanOut(tenantId: string, itemId: string, payload: AlertPayload): Promise<unknown>;
}

export interface OutboxDeliveryOptions {
  outbox: AlertOutbox;
  alerts: AlertMarkers;
  queue: Pick<SendQueue, 'send'>;
  mail: MailContext;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** This instance's lock owner. Default: random per process. */
  owner?: string;
  /** How long a lock holds; renewed before each send, so it must outlast one send. Default 2 min. */
  lockMs?: number;
  /** A new alert waits this long for the rest of its run to join its email. Default 10 s. */
  batchWindowMs?: number;
  /** Backoff of failed items: `minMs * 2^(attempts-1)` capped at `maxMs`; dead after `maxAttempts`. Default 30 s, 1 h, 40. */
  retry?: { minMs?: number; maxMs?: number; maxAttempts?: number };
  /** Alert channels besides email. Default none. */
  channels?: ChannelFanOut;
}

export interface OutboxDelivery {
  readonly owner: string;
  /** Items held by this instance. */
  readonly held: number;
  /** Write an item for `payload` (durable once this resolves), then claim and deliver it in the background. */
  submit(tenantId: string, payload: AlertPayload): Promise<void>;
  /**
   * Take an item found in the outbox (recovery); false when it is held here or locked by another
   * instance. `ownerDead`: its lock's owner is known dead, so its unexpired lock is taken as seen.
   */
  adopt(item: OutboxItem, options?: { ownerDead?: boolean }): Promise<boolean>;
  /** True when this instance holds the item. */
  holds(tenantId: string, id: string): boolean;
  /** Send what is held now (batch windows cut short), waiting at most `deadlineMs`. */
  flush(deadlineMs: number): Promise<void>;
  /** Wait for deliveries in progress, release every lock held. Idempotent. */
  stop(): Promise<void>;
}

interface Held {
  tenantId: string;
  id: string;
  payload: AlertPayload;
  sent: Set<number>;
  attempts: number;
  notBefore: number;
  busy: boolean;
  lost: boolean;
}

interface Part {
  held: Held;
  index: number;
}

/** Create the delivery. */
export function createOutboxDelivery(options: OutboxDeliveryOptions): OutboxDelivery {
  const { outbox, alerts, queue, log } = options;
  const clock = options.clock ?? systemMailClock;
  const owner = options.owner ?? `mailer-${randomBytes(6).toString('hex')}`;
  const lockMs = options.lockMs ?? 120_000;
  const batchWindowMs = options.batchWindowMs ?? 10_000;
  const retryMinMs = options.retry?.minMs ?? 30_000;
  const retryMaxMs = options.retry?.maxMs ?? 3_600_000;
  const maxAttempts = options.retry?.maxAttempts ?? 40;

  const held = new Map<string, Held>();
  const work = new Set<Promise<unknown>>();
  let cancelTimer: CancelTimer | undefined;
  let flushing = false;
  let stopped: Promise<void> | undefined;

  const keyOf = (tenantId: string, id: string) => `${tenantId}/${id}`;
  const groupOf = (h: Held) => (h.payload.kind === 'digest' ? `${h.tenantId}/digest/${h.id}` : `${h.tenantId}/${h.payload.kind}`);
  const due = (h: Held, now: number) => !h.busy && (h.notBefore <= now || (flushing && h.attempts === 0));

  function track<T>(promise: Promise<T>): Promise<T> {
    work.add(promise);
    void promise.finally(() => work.delete(promise)).catch(() => undefined);
    return promise;
  }

  function schedule(): void {
    cancelTimer?.();
    cancelTimer = undefined;
    if (stopped) return;
    const waiting = [...held.values()].filter((h) => !h.busy);
    if (waiting.length === 0) return;
    const next = Math.min(...waiting.map((h) => (flushing && h.attempts === 0 ? clock.now() : h.notBefore)));
    cancelTimer = clock.setTimer(() => {
      cancelTimer = undefined;
      deliverDue();
    }, next - clock.now());
  }

  function deliverDue(): void {
    if (stopped) return;
    const now = clock.now();
    const groups = new Map<string, Held[]>();
    for (const h of held.values()) {
      if (h.busy) continue;
      const list = groups.get(groupOf(h)) ?? [];
      list.push(h);
      groups.set(groupOf(h), list);
    }
    for (const items of groups.values()) {
      if (!items.some((h) => due(h, now))) continue;
      // Items still in their batch window ride along; items backing off after a failure wait.
      const batch = items.filter((h) => due(h, now) || h.attempts === 0);
      for (const h of batch) h.busy = true;
      void track(
        deliverGroup(batch).catch((error: unknown) => {
          for (const h of batch) h.busy = false;
          log.error({ err: error }, 'delivering alert emails failed');
        }),
      ).then(schedule);
    }
    schedule();
  }

  /** Renew the locks of a message's items; false when every part is gone or already sent. */
  async function renew(parts: readonly Part[]): Promise<boolean> {
    const items = [...new Set(parts.map((p) => p.held))];
    await Promise.all(
      items.map(async (h) => {
        const stored = await outbox.lock(h.tenantId, h.id, owner, clock.now() + lockMs);
        if (!stored) h.lost = true;
        else for (const index of stored.sent) h.sent.add(index);
      }),
    );
    return parts.some((p) => !p.held.lost && !p.held.sent.has(p.index));
  }

  async function sendMessage(to: string, parts: Part[], contents: AlertContent[]): Promise<void> {
    const content = mergeContents(contents);
    if (!content) return;
    const email = renderContent(options.mail, content);
    await queue.send({ to, subject: email.subject, html: email.html, text: email.text }, { beforeSend: () => renew(parts) });
    for (const part of parts) part.held.sent.add(part.index);
    await Promise.all(
      parts.map((p) =>
        outbox.markSent(p.held.tenantId, p.held.id, owner, p.index).catch((error: unknown) => {
          // SES has it; if the item is retried before this lands, the recipient gets it twice.
          log.warn({ tenant: p.held.tenantId, item: p.held.id, code: failureCode(error) }, 'could not record a sent email');
        }),
      ),
    );
  }

  /** Which recipients of an item still need an email. */
  function remaining(h: Held): number[] {
    return h.payload.recipients.map((_, i) => i).filter((i) => !h.sent.has(i) && contentFor(h.payload, i) !== undefined);
  }

  async function deliverGroup(items: Held[]): Promise<void> {
    const messages = new Map<string, { parts: Part[]; contents: AlertContent[] }>();
    for (const h of items) {
      for (const index of remaining(h)) {
        const to = h.payload.recipients[index]!.to;
        const message = messages.get(to) ?? { parts: [], contents: [] };
        message.parts.push({ held: h, index });
        message.contents.push(contentFor(h.payload, index)!);
        messages.set(to, message);
      }
    }
    let failure: unknown;
    await Promise.all(
      [...messages].map(([to, m]) =>
        sendMessage(to, m.parts, m.contents).catch((error: unknown) => {
          if (!(error instanceof AppError && error.code === 'MAIL_SEND_SKIPPED')) failure ??= error;
        }),
      ),
    );
    await Promise.all(items.map((h) => settle(h, failure)));
  }

  async function settle(h: Held, failure: unknown): Promise<void> {
    const id = keyOf(h.tenantId, h.id);
    try {
      if (h.lost) {
        held.delete(id);
        log.info({ tenant: h.tenantId, item: h.id }, 'outbox item taken over by another instance');
      } else if (remaining(h).length === 0) {
        held.delete(id);
        await outbox.delete(h.tenantId, h.id);
        log.info({ tenant: h.tenantId, item: h.id, kind: h.payload.kind, recipients: h.sent.size }, 'alert email sent');
      } else if (failure instanceof AppError && failure.code === 'MAIL_QUEUE_STOPPED') {
        // Shutting down: not an attempt; stop() releases the lock.
      } else {
        h.attempts += 1;
        const dead = h.attempts >= maxAttempts;
        h.notBefore = clock.now() + Math.min(retryMaxMs, retryMinMs * 2 ** (h.attempts - 1));
        const code = failureCode(failure);
        await outbox.reschedule(h.tenantId, h.id, owner, { notBefore: h.notBefore, error: code, ...(dead ? { dead: true } : {}) });
        if (dead) {
          held.delete(id);
          log.error({ tenant: h.tenantId, item: h.id, attempts: h.attempts, code }, 'giving up on an alert email');
        } else {
          log.warn({ tenant: h.tenantId, item: h.id, attempts: h.attempts, code, retryAt: new Date(h.notBefore).toISOString() }, 'alert email not sent; will retry');
        }
      }
    } catch (error) {
      log.warn({ tenant: h.tenantId, item: h.id, code: failureCode(error) }, 'could not update an outbox item; recovery will retry it');
    } finally {
      h.busy = false;
    }
  }

  function hold(h: Held): void {
    if (stopped) return;
    held.set(keyOf(h.tenantId, h.id), h);
    schedule();
  }

  /** Claim an item's alerts and hold what it owns; an item that owns nothing is deleted. */
  async function complete(tenantId: string, id: string, payload: AlertPayload, state: Pick<Held, 'sent' | 'attempts' | 'notBefore'>): Promise<void> {
    try {
      const owned = await claimPayload(alerts, tenantId, id, payload);
      if (!owned) {
        await outbox.delete(tenantId, id);
        log.debug({ tenant: tenantId, item: id }, 'alerts already claimed elsewhere');
        return;
      }
      await options.channels?.fanOut(tenantId, id, owned);
      if (!(await outbox.markReady(tenantId, id, owner, JSON.stringify(owned)))) return;
      hold({ tenantId, id, payload: owned, ...state, busy: false, lost: false });
    } catch (error) {
      log.warn({ tenant: tenantId, item: id, code: failureCode(error) }, 'could not claim an outbox item; recovery will retry it');
      await outbox.unlock(tenantId, id, owner).catch(() => undefined);
    }
  }

  return {
    owner,
    get held() {
      return held.size;
    },
    async submit(tenantId, payload) {
      if (stopped) throw new AppError('MAIL_STOPPED', 'the mailer is stopped');
      const id = `ob-${randomBytes(12).toString('base64url')}`;
      const now = clock.now();
      const notBefore = now + batchWindowMs;
      await outbox.create({ tenantId, id, kind: payload.kind, state: 'intent', payload: JSON.stringify(payload), notBefore }, owner, now + lockMs);
      track(complete(tenantId, id, payload, { sent: new Set(), attempts: 0, notBefore }));
    },
    async adopt(item, adoptOptions) {
      if (stopped || item.state === 'dead' || held.has(keyOf(item.tenantId, item.id))) return false;
      const takeFrom = adoptOptions?.ownerDead && item.lockedBy ? { owner: item.lockedBy, lockedUntil: item.lockedUntil } : undefined;
      const stored = await outbox.lock(item.tenantId, item.id, owner, clock.now() + lockMs, takeFrom);
      if (!stored) return false;
      let payload: AlertPayload;
      try {
        payload = parsePayload(stored.payload);
      } catch {
        await outbox.reschedule(item.tenantId, item.id, owner, { notBefore: clock.now(), error: 'BAD_PAYLOAD', dead: true });
        log.error({ tenant: item.tenantId, item: item.id }, 'an outbox item cannot be read; marked dead');
        return false;
      }
      const state = { sent: new Set(stored.sent), attempts: stored.attempts, notBefore: Math.max(stored.notBefore, clock.now()) };
      log.info({ tenant: item.tenantId, item: item.id, state: stored.state, attempts: stored.attempts }, 'recovering an outbox item');
      if (stored.state === 'intent') await track(complete(item.tenantId, item.id, payload, state));
      else hold({ tenantId: item.tenantId, id: item.id, payload, ...state, busy: false, lost: false });
      return true;
    },
    holds: (tenantId, id) => held.has(keyOf(tenantId, id)),
    async flush(deadlineMs) {
      if (stopped) return;
      flushing = true;
      deliverDue();
      let late = false;
      let cancel: CancelTimer = () => undefined;
      const deadline = new Promise<void>((resolve) => {
        cancel = clock.setTimer(() => {
          late = true;
          resolve();
        }, deadlineMs);
      });
      // Claims finishing now hold more items, whose deliveries join the work: wait for those too.
      while (!late && work.size > 0) await Promise.race([Promise.allSettled([...work]), deadline]);
      cancel();
    },
    stop() {
      stopped ??= (async () => {
        cancelTimer?.();
        await Promise.allSettled([...work]);
        await Promise.allSettled([...held.values()].map((h) => outbox.unlock(h.tenantId, h.id, owner)));
        held.clear();
      })();
      return stopped;
    },
  };
}
