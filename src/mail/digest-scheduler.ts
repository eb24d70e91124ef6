/**
 * The opt-in daily digest, at each user's digest hour in their time zone. Every hour (and once
 * at start) the scheduler walks the tenants and their users; a verified user with `dailyDigest`
 * whose local hour is their digest hour (or up to `catchUpHours` past it, so a restart across
 * the hour still sends it) gets the tenant's digest through the outbox, claimed as
 * `digest#<local date>#<user>` so it goes out once a day whichever instance or restart sends it.
 *
 * Cost at 10k tenants: a walk is the fleet listing (a GSI Query per bucket: ~10k items of 1-3 KB,
 * ~2.5-7.5k read units) plus one users Query per tenant (0.5 each, 5k): ~7.5-12.5k read units an
 * hour, 5-9M a month, about $0.70-1.15 a month on demand at $0.125 per million. Only tenants with
 * a user due that hour read their data (about six Queries) and write a digest (a few KB).
 */
import type { Tenant } from '../domain/tenant.js';
import type { Logger } from '../log.js';
import type { UserRecord, UserRepository } from '../store/index.js';
import { recipientsOf } from './alert-dispatcher.js';
import type { DailyDigestData } from './daily-digest-email.js';
import { localTime } from './local-time.js';
import { systemMailClock, type MailClock } from './mail-clock.js';
import { createPeriodicWalk } from './periodic-walk.js';
import { failureCode } from './failure-code.js';
import type { OutboxDelivery } from './outbox-delivery.js';

export interface DigestSchedulerOptions {
  tenants: { listTenants(signal?: AbortSignal): AsyncIterable<Tenant> };
  users: Pick<UserRepository, 'listByTenant'>;
  /** Build a tenant's digest as of `now` (digest-data.ts). */
  load(tenant: Tenant, now: number): Promise<DailyDigestData>;
  /** A user's digest hour (0-23) and IANA zone. Default 8 o'clock UTC. */
  scheduleOf?: (user: UserRecord) => { hour: number; timezone: string };
  /** Called before a tenant's digest is built, e.g. to persist fresh recommendations. Failures are logged. */
  beforeLoad?: (tenantId: string) => Promise<void>;
  delivery: Pick<OutboxDelivery, 'submit'>;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** Check every this often, on the boundary (+30 s). Default 1 h. */
  intervalMs?: number;
  /** A digest missed at its hour is still sent this many hours later. Default 3. */
  catchUpHours?: number;
}

export interface DigestScheduler {
  /** Check now (in the background) and then every interval. */
  start(): void;
  /** One walk; resolves with the number of digests queued. */
  check(): Promise<number>;
  /** Stop the timer, abort a walk. Idempotent. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/** The digest marker key of a user on a local date. */
export function digestKey(localDate: string, userId: string): string {
  return `digest#${localDate}#${userId}`;
}

/** Create the scheduler. */
export function createDigestScheduler(options: DigestSchedulerOptions): DigestScheduler {
  const { tenants, users, delivery, log } = options;
  const clock = options.clock ?? systemMailClock;
  const intervalMs = options.intervalMs ?? HOUR_MS;
  const catchUp = options.catchUpHours ?? 3;
  const scheduleOf = options.scheduleOf ?? (() => ({ hour: 8, timezone: 'UTC' }));
  /** Keys queued by this process, so the catch-up hours do not claim again (pruned after 2 days). */
  const queued = new Map<string, number>();

  /** The marker key of the digest due for `user` now, if one is. */
  function dueKey(user: UserRecord, now: number): string | undefined {
    if (!user.emailVerified || !user.preferences.dailyDigest) return undefined;
    const { hour, timezone } = scheduleOf(user);
    const late = (localTime(now, timezone).hour - hour + 24) % 24;
    if (late >= catchUp) return undefined;
    // The date of the hour it was due, so a digest caught up after midnight is not sent twice.
    return digestKey(localTime(now - late * HOUR_MS, timezone).date, user.id);
  }

  async function walk(signal: AbortSignal): Promise<number> {
    const now = clock.now();
    for (const [key, at] of queued) if (at < now - 2 * 24 * HOUR_MS) queued.delete(key);
    let count = 0;
    for await (const tenant of tenants.listTenants(signal)) {
      if (signal.aborted) break;
      try {
        const due = (await users.listByTenant(tenant.id))
          .map((user) => ({ user, key: dueKey(user, now) }))
          .filter((d): d is { user: UserRecord; key: string } => d.key !== undefined && !queued.has(d.key));
        if (due.length === 0) continue;
        await options.beforeLoad?.(tenant.id).catch((error: unknown) => log.warn({ tenant: tenant.id, code: failureCode(error) }, 'digest: refreshing recommendations failed'));
        const digest = await options.load(tenant, now);
        for (const { user, key } of due) {
          await delivery.submit(tenant.id, { kind: 'digest', recipients: recipientsOf([user]), key, digest });
          queued.set(key, now);
          count += 1;
        }
      } catch (error) {
        log.warn({ tenant: tenant.id, code: failureCode(error) }, 'digest: a tenant failed; next check retries');
      }
    }
    if (count > 0) log.info({ digests: count }, 'daily digests queued');
    return count;
  }

  const periodic = createPeriodicWalk({
    clock,
    log,
    failureMessage: 'digest check failed',
    // On the boundary plus half a minute, so "8 o'clock" is not read as 7:59 by a skewed clock.
    delayToNext: (now) => Math.floor(now / intervalMs) * intervalMs + intervalMs + 30_000 - now,
    run: walk,
  });

  return { start: periodic.start, check: periodic.run, stop: periodic.stop };
}
