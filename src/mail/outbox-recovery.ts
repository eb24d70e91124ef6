/**
 * Recovery of the outbox: at start and every `intervalMs`, each tenant's outbox items are read
 * (one Query per tenant, `begins_with(sk, 'outbox#')`; an empty one reads nothing billable
 * beyond the minimum) and every item whose lock has expired — its instance crashed, was stopped
 * mid-send, or is backing off — is adopted by this instance's delivery, which finishes it.
 *
 * Locks belong to a mailer instance, which beats a heartbeat every `heartbeatMs` saying it is
 * alive for three beats. An item locked by an owner whose heartbeat has lapsed (or that never
 * had one) is adopted without waiting out its 2-minute lock, once the lock was last renewed
 * `sendGraceMs` ago (45 s): a process killed while it held an alert hands it to the next process
 * within about a minute of the crash. The grace is what keeps a live owner whose heartbeat is
 * merely late (its store writes queued under load) from sending the same email as its adopter:
 * the owner renews the lock right before each send, and the send queue ends a send within 30 s
 * of that renewal's start (an SES call is not started with less than 10 s of it left). It rests
 * on that timeout and on clocks agreeing within the margin; SES has no conditional send, so no
 * lease can fence it completely. While
 * such items wait for an owner that may still be alive, targeted follow-up passes over just
 * those tenants run until `followUpWindowMs` after start.
 *
 * Cost: at 10k tenants, one sweep is 10k eventually consistent Queries of 0.5 read units each
 * (an empty result still bills the minimum); every 15 min that is ~480k read units a day, ~15M a
 * month: about $1.80 a month on demand at $0.125 per million. A heartbeat is one write every 10 s
 * per instance (~260k writes a month, ~$0.33). Each instance sweeps every tenant until the fleet
 * holds leases; the locks keep two instances from sending the same item.
 */
import type { Logger } from '../log.js';
import type { AlertOutbox, OutboxItem } from '../store/index.js';
import { systemMailClock, type CancelTimer, type MailClock } from './mail-clock.js';
import { createPeriodicWalk } from './periodic-walk.js';
import { failureCode } from './failure-code.js';
import type { OutboxDelivery } from './outbox-delivery.js';

export interface OutboxRecoveryOptions {
  tenants: { listTenants(signal?: AbortSignal): AsyncIterable<{ id: string }> };
  outbox: Pick<AlertOutbox, 'list' | 'heartbeat' | 'aliveUntil'>;
  delivery: Pick<OutboxDelivery, 'adopt' | 'holds' | 'owner'>;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** Sweep every this often, besides once at start. Default 15 min. */
  intervalMs?: number;
  /** This instance's heartbeat; an owner is dead three beats after its last. Default 10 s. */
  heartbeatMs?: number;
  /** After start, items held by a possibly dead owner are looked at again this long. Default 3 min. */
  followUpWindowMs?: number;
  /**
   * A dead owner's item is adopted only once its lock was last renewed at least this long ago:
   * the lock is renewed right before each send, so a send still under way (its owner alive but
   * late with its heartbeat, e.g. its store writes queued under load) has ended by then. Default
   * 45 s: the send queue's 30 s send timeout plus a margin.
   */
  sendGraceMs?: number;
  /** Alert channels: their pending deliveries are recovered in the same pass (one more Query per tenant). Default none. */
  channels?: ChannelRecovery;
}

/** A lock as items and channel deliveries record it. */
export interface RecordedLock {
  lockedBy?: string;
  lockedUntil: number;
  /** When the lock was last taken or renewed (right before each send); 0 if never. */
  lockedAt: number;
}

/**
 * Whether a record under `lock` may be adopted now: its lock expired, or its owner is dead and
 * the send grace since the last renewal has passed (`ownerDead`: take it from that owner);
 * otherwise `retryAt`, the earliest time it is worth another look.
 */
export type LockVerdict = (lock: RecordedLock) => Promise<{ adoptable: boolean; ownerDead: boolean; retryAt: number }>;

/** What the recovery asks of the alert channels (src/channels) for each tenant it passes over. */
export interface ChannelRecovery {
  /**
   * Adopt the tenant's pending channel deliveries that `verdict` allows; `retryAt`: the earliest
   * time a skipped one, held by an owner that may be dead, is worth another look.
   */
  recoverTenant(tenantId: string, verdict: LockVerdict): Promise<{ adopted: number; retryAt?: number }>;
}

export interface OutboxRecovery {
  /** Beat the heartbeat; sweep now (in the background) and then every interval. */
  start(): void;
  /** One sweep; resolves with the number of items adopted. */
  sweep(): Promise<number>;
  /** Abort a running sweep, stop the timers and the heartbeat. Idempotent. */
  stop(): Promise<void>;
}

/** Beats an owner may miss before it counts as dead. */
const BEATS_TO_DEATH = 3;

/** Create the recovery. */
export function createOutboxRecovery(options: OutboxRecoveryOptions): OutboxRecovery {
  const { tenants, outbox, delivery, log } = options;
  const clock = options.clock ?? systemMailClock;
  const intervalMs = options.intervalMs ?? 15 * 60_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const followUpWindowMs = options.followUpWindowMs ?? 3 * 60_000;
  const sendGraceMs = options.sendGraceMs ?? 45_000;
  let startedAt = 0;
  let stopping = false;
  let cancelBeat: CancelTimer | undefined;
  let cancelFollowUp: CancelTimer | undefined;
  let followingUp: Promise<unknown> | undefined;

  /** Whether `owner` is dead now: its heartbeat lapsed, or it never had one. One read per owner per pass. */
  function deathCheck(): (owner: string) => Promise<{ dead: boolean; aliveUntil: number }> {
    const seen = new Map<string, Promise<number>>();
    return async (owner) => {
      if (!seen.has(owner)) seen.set(owner, outbox.aliveUntil(owner).then((until) => until ?? 0));
      const aliveUntil = await (seen.get(owner) as Promise<number>);
      return { dead: aliveUntil <= clock.now(), aliveUntil };
    };
  }

  /** Adopt what can be adopted in these tenants; the earliest time a skipped item may become adoptable. */
  async function pass(ids: AsyncIterable<{ id: string }> | Iterable<{ id: string }>, signal: AbortSignal): Promise<{ adopted: number; waiting: Map<string, number> }> {
    let adopted = 0;
    const waiting = new Map<string, number>();
    const isDead = deathCheck();
    const verdictOf: LockVerdict = (lock) => lockVerdict(lock, isDead);
    for await (const tenant of ids) {
      if (signal.aborted) break;
      try {
        for (const item of await outbox.list(tenant.id)) {
          if (signal.aborted) break;
          if (item.state === 'dead' || delivery.holds(item.tenantId, item.id)) continue;
          const verdict = await verdictOf(item);
          if (verdict.adoptable) {
            if (await delivery.adopt(item, { ownerDead: verdict.ownerDead })) adopted += 1;
          } else {
            waiting.set(tenant.id, Math.min(waiting.get(tenant.id) ?? Infinity, verdict.retryAt));
          }
        }
        if (options.channels) {
          const channels = await options.channels.recoverTenant(tenant.id, verdictOf);
          adopted += channels.adopted;
          if (channels.retryAt !== undefined) waiting.set(tenant.id, Math.min(waiting.get(tenant.id) ?? Infinity, channels.retryAt));
        }
      } catch (error) {
        log.warn({ tenant: tenant.id, code: failureCode(error) }, 'outbox recovery: a tenant could not be read');
      }
    }
    return { adopted, waiting };
  }

  async function lockVerdict(lock: RecordedLock, isDead: ReturnType<typeof deathCheck>): ReturnType<LockVerdict> {
    if (lock.lockedUntil <= clock.now()) return { adoptable: true, ownerDead: false, retryAt: 0 };
    if (!lock.lockedBy || lock.lockedBy === delivery.owner) return { adoptable: false, ownerDead: false, retryAt: lock.lockedUntil };
    const owner = await isDead(lock.lockedBy);
    if (!owner.dead) return { adoptable: false, ownerDead: false, retryAt: Math.min(lock.lockedUntil, owner.aliveUntil) };
    // Dead by its heartbeat, but a send it began under a fresh lock may still be under way.
    const settledAt = lock.lockedAt + sendGraceMs;
    return settledAt <= clock.now() ? { adoptable: true, ownerDead: true, retryAt: 0 } : { adoptable: false, ownerDead: false, retryAt: Math.min(lock.lockedUntil, settledAt) };
  }

  /** While the start's window lasts, look again at tenants whose items wait for a possibly dead owner. */
  function followUp(waiting: Map<string, number>, signal: AbortSignal): void {
    if (stopping || waiting.size === 0) return;
    const at = Math.min(...waiting.values()) + 1_000;
    if (at > startedAt + followUpWindowMs) return;
    cancelFollowUp?.();
    cancelFollowUp = clock.setTimer(() => {
      cancelFollowUp = undefined;
      followingUp = pass(
        [...waiting.keys()].map((id) => ({ id })),
        signal,
      )
        .then(({ adopted, waiting: still }) => {
          if (adopted > 0) log.info({ adopted }, 'outbox recovery adopted items');
          followUp(still, signal);
        })
        .catch((error: unknown) => log.warn({ code: failureCode(error) }, 'outbox recovery follow-up failed'));
    }, Math.max(0, at - clock.now()));
  }

  async function sweepOnce(signal: AbortSignal): Promise<number> {
    const { adopted, waiting } = await pass(tenants.listTenants(signal), signal);
    if (adopted > 0) log.info({ adopted }, 'outbox recovery adopted items');
    followUp(waiting, signal);
    return adopted;
  }

  function beat(): void {
    if (stopping) return;
    outbox
      .heartbeat(delivery.owner, clock.now() + BEATS_TO_DEATH * heartbeatMs)
      .catch((error: unknown) => log.warn({ code: failureCode(error) }, 'mailer heartbeat failed'))
      .finally(() => {
        if (!stopping) cancelBeat = clock.setTimer(beat, heartbeatMs);
      });
  }

  const periodic = createPeriodicWalk({ clock, log, failureMessage: 'outbox recovery failed', delayToNext: () => intervalMs, run: sweepOnce });

  let stopped: Promise<void> | undefined;
  return {
    start() {
      if (stopping) return;
      startedAt = clock.now();
      beat();
      periodic.start();
    },
    sweep: periodic.run,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        cancelBeat?.();
        cancelFollowUp?.();
        await periodic.stop();
        // The heartbeat is left to lapse, not deleted: the mailer still sends (flush) after this,
        // and the delivery's stop then releases every lock it holds for immediate takeover.
        await followingUp;
      })();
      return stopped;
    },
  };
}
