/**
 * The mailer (DESIGN.md's `mailer` in the actor tree), as plain modules: the rate-limited send
 * queue, the outbox delivery and its recovery, the alert dispatcher and the digest scheduler.
 * Started after the store, stopped after the runtime and before the store closes; stopping
 * sends what it can within `flushMs` and leaves the rest, unlocked, in the outbox.
 */
import type { MailMessage, MailSender } from '../aws/index.js';
import type { Logger } from '../log.js';
import type { RuleThresholds } from '../rules/index.js';
import type { Store, UserRecord } from '../store/index.js';
import { createAlertDispatcher, type AlertDispatcher } from './alert-dispatcher.js';
import { loadDigestData } from './digest-data.js';
import { createDigestScheduler } from './digest-scheduler.js';
import { systemMailClock, type MailClock } from './mail-clock.js';
import type { MailContext } from './mail-layout.js';
import { createOutboxDelivery, type ChannelFanOut, type OutboxDelivery } from './outbox-delivery.js';
import { createOutboxRecovery, type ChannelRecovery } from './outbox-recovery.js';
import { createSendQueue, type SendQueue } from './send-queue.js';
import type { SendRateGate } from '../store/index.js';

/** Tuning; each has a default. */
export interface MailerOptions {
  /** SES emails per second (the account's maximum send rate). Default 1 (the sandbox). */
  ratePerSecond?: number;
  /** Slots of that rate shared with the other instances (the store's, with Redis). Default none: the rate holds per instance. */
  sendRateGate?: SendRateGate;
  /** Outbox lock lifetime. Default 2 min. */
  lockMs?: number;
  /** A new alert waits this long for the rest of its run. Default 10 s. */
  batchWindowMs?: number;
  /** Outbox recovery sweep interval. Default 15 min. */
  recoveryIntervalMs?: number;
  /** Digest check interval. Default 1 h. */
  digestIntervalMs?: number;
  /** Findings updated longer ago do not alert. Default 7 days. */
  maxFindingAgeMs?: number;
  /** Retry of failed outbox items. Default 30 s doubling to 1 h, 40 attempts. */
  retry?: { minMs?: number; maxMs?: number; maxAttempts?: number };
  /** How long stop() keeps sending. Default 5 s. */
  flushMs?: number;
  thresholds?: Partial<RuleThresholds>;
  clock?: MailClock;
  /** Lock owner of this instance. Default random. */
  owner?: string;
}

export interface MailerDeps {
  store: Pick<Store, 'users' | 'tenants' | 'costs' | 'findings' | 'recommendations' | 'alerts' | 'outbox'> & Partial<Pick<Store, 'alarmHistory' | 'healthEvents' | 'channels'>>;
  sender: Pick<MailSender, 'send'>;
  mail: MailContext;
  log: Logger;
  /** A user's digest hour and zone. Default 8 o'clock UTC. */
  scheduleOf?: (user: UserRecord) => { hour: number; timezone: string };
  /** Before a tenant's digest is built: persist fresh recommendations. */
  beforeDigest?: (tenantId: string) => Promise<void>;
  options?: MailerOptions;
  /**
   * Alert channels besides email (src/channels), built for this mailer's lock owner: the outbox
   * fans each alert item out to them and the recovery finishes their pending deliveries.
   * Stopped with the mailer. Default none.
   */
  channels?: (owner: string) => ChannelFanOut & ChannelRecovery & { stop(): Promise<void> };
}

export interface Mailer {
  /** Records a collection result's alerts as part of its write (the sink's recorder); rejects when it cannot. */
  readonly dispatcher: Pick<AlertDispatcher, 'before' | 'after' | 'onResult' | 'onRunStatus'>;
  readonly delivery: Pick<OutboxDelivery, 'held' | 'owner'>;
  readonly queue: Pick<SendQueue, 'pending'>;
  /**
   * Send one email at the account's rate, before any alert (verification links). Not through the
   * outbox: its body holds a one-time token, which must not be stored.
   */
  send(message: MailMessage): Promise<void>;
  /** Recover the outbox and start the digest checks. */
  start(): void;
  /** Idempotent. */
  stop(): Promise<void>;
}

/** Build the mailer; nothing runs until `start` (results are accepted before it). */
export function createMailer(deps: MailerDeps): Mailer {
  const { store } = deps;
  const options = deps.options ?? {};
  const clock = options.clock ?? systemMailClock;
  const log = deps.log.child({ component: 'mailer' });
  const queue = createSendQueue({
    sender: deps.sender,
    log,
    clock,
    ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
    ...(options.sendRateGate ? { gate: options.sendRateGate } : {}),
  });
  // Built right after the delivery, whose owner it shares; the delivery calls it only later.
  let channels: ReturnType<NonNullable<MailerDeps['channels']>> | undefined;
  const delivery = createOutboxDelivery({
    ...(deps.channels ? { channels: { fanOut: (tenantId, itemId, payload) => channels?.fanOut(tenantId, itemId, payload) ?? Promise.resolve() } satisfies ChannelFanOut } : {}),
    outbox: store.outbox,
    alerts: store.alerts,
    queue,
    mail: deps.mail,
    log,
    clock,
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.lockMs ? { lockMs: options.lockMs } : {}),
    ...(options.batchWindowMs !== undefined ? { batchWindowMs: options.batchWindowMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  channels = deps.channels?.(delivery.owner);
  const recovery = createOutboxRecovery({
    ...(channels ? { channels } : {}),
    tenants: store.tenants,
    outbox: store.outbox,
    delivery,
    log,
    clock,
    ...(options.recoveryIntervalMs ? { intervalMs: options.recoveryIntervalMs } : {}),
  });
  const dispatcher = createAlertDispatcher({
    users: store.users,
    tenants: store.tenants,
    costs: store.costs,
    suppressions: store.findings.suppressions,
    ...(store.alarmHistory ? { alarms: store.alarmHistory } : {}),
    ...(store.healthEvents ? { health: store.healthEvents } : {}),
    // Only where the channels are delivered: otherwise an alert decided for them would reach nobody.
    ...(deps.channels && store.channels ? { channels: store.channels } : {}),
    delivery,
    log,
    clock,
    ...(options.maxFindingAgeMs ? { maxFindingAgeMs: options.maxFindingAgeMs } : {}),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
  });
  const digests = createDigestScheduler({
    tenants: store.tenants,
    users: store.users,
    load: (tenant, now) => loadDigestData(store, tenant, now),
    ...(deps.scheduleOf ? { scheduleOf: deps.scheduleOf } : {}),
    ...(deps.beforeDigest ? { beforeLoad: deps.beforeDigest } : {}),
    delivery,
    log,
    clock,
    ...(options.digestIntervalMs ? { intervalMs: options.digestIntervalMs } : {}),
  });
  let stopped: Promise<void> | undefined;

  return {
    dispatcher,
    delivery,
    queue,
    async send(message) {
      await queue.send(message, { priority: 'high' });
    },
    start() {
      if (stopped) return;
      recovery.start();
      digests.start();
      log.info({ owner: delivery.owner }, 'mailer started');
    },
    stop() {
      stopped ??= (async () => {
        let left = 0;
        const steps: [string, () => Promise<void>][] = [
          ['dispatcher', () => dispatcher.stop()],
          ['digests', () => digests.stop()],
          ['recovery', () => recovery.stop()],
          ['flush', () => delivery.flush(options.flushMs ?? 5_000)],
          ['queue', () => ((left = delivery.held), queue.stop())],
          ['delivery', () => delivery.stop()],
          ['channels', async () => channels?.stop()],
        ];
        // Each step runs even when one before it failed.
        for (const [name, step] of steps) {
          try {
            await step();
          } catch (error) {
            log.error({ err: error, step: name }, 'stopping the mailer: a step failed');
          }
        }
        log.info({ left }, 'mailer stopped');
      })();
      return stopped;
    },
  };
}
