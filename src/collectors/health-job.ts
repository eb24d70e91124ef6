/**
 * The AWS Health collector: open and upcoming issues, scheduled changes and account notifications
 * affecting the account, with the affected resources of the current ones. AWS Health needs a
 * Business or Enterprise support plan; without one DescribeEvents answers
 * SubscriptionRequiredException, recorded as a `feature` step (a setup state, not an error), and
 * the collector asks again only once a day.
 */
import type { AccountTarget } from '../domain/gateway.js';
import type { HealthEvent } from '../domain/records.js';
import { forEachAccount, type CollectorJob } from './collect-context.js';

/** The code AWS Health answers an account without a Business/Enterprise support plan with. */
export const SUBSCRIPTION_REQUIRED = 'SubscriptionRequiredException';
/** How often an account without the support plan is asked again. */
export const SUBSCRIPTION_RECHECK_MS = 86_400_000;
/** Closed events are kept on the list this long after their last update. */
const CLOSED_SHOWN_MS = 7 * 86_400_000;
/** Current events whose affected resources are read per run, and resources kept per event. */
const MAX_EVENTS_WITH_ENTITIES = 20;
const MAX_ENTITIES = 20;
/** Events stored per account (current ones first). */
const MAX_EVENTS = 100;

const RANK: Record<HealthEvent['status'], number> = { open: 0, upcoming: 1, closed: 2 };

/** Build the AWS Health job. */
export function createHealthJob(): CollectorJob {
  return (ctx) =>
    forEachAccount(ctx, async (run) => {
      const target: AccountTarget = run.account;
      const previous = ctx.previous(run.account.id);
      const last = previous?.accountRevision === run.account.revision ? previous.steps.find((s) => s.step === 'DescribeEvents') : undefined;
      // Without the support plan: once a day, not every run (the step keeps its `feature` record meanwhile).
      if (!ctx.force && last?.error?.code === SUBSCRIPTION_REQUIRED && ctx.now - Date.parse(last.lastAttemptAt) < SUBSCRIPTION_RECHECK_MS) return;

      const health = ctx.aws.health;
      const events = await run.step('DescribeEvents', undefined, () => ctx.call('health', (signal) => health.describeEvents(target, new Date(ctx.now - CLOSED_SHOWN_MS), signal)));
      if (events === undefined) return;
      const current = events.filter((e) => e.status !== 'closed').slice(0, MAX_EVENTS_WITH_ENTITIES);
      // A denied DescribeAffectedEntities still leaves the events stored, without their resources.
      const entities =
        current.length === 0
          ? new Map<string, string[]>()
          : ((await run.step('DescribeAffectedEntities', undefined, () =>
              ctx.call('health', (signal) => health.describeAffectedEntities(target, current.map((e) => e.arn), MAX_ENTITIES, signal)),
            )) ?? new Map<string, string[]>());
      const stored: HealthEvent[] = events
        .map((e) => ({ ...e, affectedEntities: entities.get(e.arn) ?? [] }))
        .sort((a, b) => RANK[a.status] - RANK[b.status] || b.lastUpdatedTime.localeCompare(a.lastUpdatedTime))
        .slice(0, MAX_EVENTS);
      await ctx.sink.write({ kind: 'health', tenantId: ctx.tenantId, accountId: run.account.id, collectedAt: new Date(ctx.now).toISOString(), events: stored }, ctx.signal);
      run.stored = true;
    });
}
