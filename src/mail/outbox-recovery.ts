/**
 * Recovery of the outbox: at start and every `intervalMs`, each tenant's outbox items are read
 * (one Query per tenant, `begins_with(sk, 'outbox#')`; an empty one reads nothing billable
 * beyond the minimum) and every item whose lock has expired — its instance crashed, was stopped
 * mid-send, or is backing off — is adopted by this instance's delivery, which finishes it.
 *
 * Cost: at 10k tenants, one sweep is 10k eventually consistent Queries of 0.5 read units each
 * (an empty result still bills the minimum); every 15 min that is ~480k read units a day, ~15M a
 * month: about $1.80 a month on demand at $0.125 per million. Each instance sweeps every tenant
 * until the fleet holds leases; the locks keep two instances from sending the same item.
 */
import type { Logger } from '../log.js';
import type { AlertOutbox } from '../store/index.js';
import { systemMailClock, type MailClock } from './mail-clock.js';
import { createPeriodicWalk } from './periodic-walk.js';
import { failureCode } from './failure-code.js';
import type { OutboxDelivery } from './outbox-delivery.js';

export interface OutboxRecoveryOptions {
  tenants: { listTenants(signal?: AbortSignal): AsyncIterable<{ id: string }> };
  outbox: Pick<AlertOutbox, 'list'>;
  delivery: Pick<OutboxDelivery, 'adopt' | 'holds'>;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** Sweep every this often, besides once at start. Default 15 min. */
  intervalMs?: number;
}

export interface OutboxRecovery {
  /** Sweep now (in the background) and then every interval. */
  start(): void;
  /** One sweep; resolves with the number of items adopted. */
  sweep(): Promise<number>;
  /** Abort a running sweep and stop the timer. Idempotent. */
  stop(): Promise<void>;
}

/** Create the recovery. */
export function createOutboxRecovery(options: OutboxRecoveryOptions): OutboxRecovery {
  const { tenants, outbox, delivery, log } = options;
  const clock = options.clock ?? systemMailClock;
  const intervalMs = options.intervalMs ?? 15 * 60_000;

  async function sweepOnce(signal: AbortSignal): Promise<number> {
    let adopted = 0;
    for await (const tenant of tenants.listTenants(signal)) {
      if (signal.aborted) break;
      try {
        for (const item of await outbox.list(tenant.id)) {
          if (signal.aborted) break;
          if (item.state === 'dead' || delivery.holds(item.tenantId, item.id) || item.lockedUntil > clock.now()) continue;
          if (await delivery.adopt(item)) adopted += 1;
        }
      } catch (error) {
        log.warn({ tenant: tenant.id, code: failureCode(error) }, 'outbox recovery: a tenant could not be read');
      }
    }
    if (adopted > 0) log.info({ adopted }, 'outbox recovery adopted items');
    return adopted;
  }

  const periodic = createPeriodicWalk({ clock, log, failureMessage: 'outbox recovery failed', delayToNext: () => intervalMs, run: sweepOnce });

  return { start: periodic.start, sweep: periodic.run, stop: periodic.stop };
}
