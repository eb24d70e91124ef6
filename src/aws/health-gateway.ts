/**
 * AWS Health through the real SDK. Its API has one global endpoint, in us-east-1 (AWS Health
 * user guide, "Accessing the AWS Health API": health.us-east-1.amazonaws.com), and needs a
 * Business, Enterprise On-Ramp or Enterprise support plan: without one every call answers
 * SubscriptionRequiredException (classified `feature`). DescribeEvents pages with nextToken,
 * up to 100 events a page; DescribeAffectedEntities takes one event ARN per call in its filter
 * here (its filter accepts up to 10) and pages the same way (AWS Health API reference).
 */
import { DescribeAffectedEntitiesCommand, DescribeEventsCommand, type Event as SdkEvent } from '@aws-sdk/client-health';
import type { HealthGateway } from '../domain/gateway.js';
import type { HealthEvent } from '../domain/records.js';
import type { AwsCaller } from './aws-caller.js';
import { paginate } from './paginate.js';

/** AWS Health's only endpoint region. */
export const HEALTH_REGION = 'us-east-1';

const CATEGORY: Record<string, HealthEvent['category']> = {
  issue: 'issue',
  scheduledChange: 'scheduledChange',
  accountNotification: 'accountNotification',
  investigation: 'investigation',
};

/** An SDK event as our record (without its entities). */
export function toHealthEvent(e: SdkEvent): Omit<HealthEvent, 'affectedEntities'> {
  const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);
  const status = e.statusCode === 'open' || e.statusCode === 'upcoming' ? e.statusCode : 'closed';
  return {
    arn: e.arn ?? '',
    service: e.service ?? '',
    eventTypeCode: e.eventTypeCode ?? '',
    category: CATEGORY[e.eventTypeCategory ?? ''] ?? 'accountNotification',
    region: e.region ?? 'global',
    status,
    ...(e.startTime ? { startTime: iso(e.startTime) } : {}),
    ...(e.endTime ? { endTime: iso(e.endTime) } : {}),
    lastUpdatedTime: iso(e.lastUpdatedTime ?? e.startTime) ?? new Date(0).toISOString(),
  };
}

/** The AWS Health adapter. */
export function createHealthGateway(deps: { caller: AwsCaller }): HealthGateway {
  return {
    async describeEvents(target, closedSince, signal) {
      const request = { target, service: 'health' as const, region: HEALTH_REGION, operation: 'DescribeEvents', signal };
      const page = (filter: Record<string, unknown>) =>
        paginate(request, async (token) => {
          const out = await deps.caller.call(request, (client, abortSignal) =>
            client.send(new DescribeEventsCommand({ filter, maxResults: 100, ...(token ? { nextToken: token } : {}) }), { abortSignal }),
          );
          return { items: out.events ?? [], next: out.nextToken };
        });
      // Open and upcoming events whatever their age, and those updated since `closedSince` (closed ones included).
      const [current, recent] = [await page({ eventStatusCodes: ['open', 'upcoming'] }), await page({ lastUpdatedTimes: [{ from: closedSince }] })];
      const byArn = new Map<string, Omit<HealthEvent, 'affectedEntities'>>();
      for (const e of [...current, ...recent]) if (e.arn) byArn.set(e.arn, toHealthEvent(e));
      return [...byArn.values()];
    },

    async describeAffectedEntities(target, eventArns, perEvent, signal) {
      const request = { target, service: 'health' as const, region: HEALTH_REGION, operation: 'DescribeAffectedEntities', signal };
      const out = new Map<string, string[]>();
      for (const arn of eventArns) {
        const entities = await paginate(request, async (token) => {
          const page = await deps.caller.call(request, (client, abortSignal) =>
            client.send(new DescribeAffectedEntitiesCommand({ filter: { eventArns: [arn] }, maxResults: 100, ...(token ? { nextToken: token } : {}) }), { abortSignal }),
          );
          return { items: page.entities ?? [], next: page.nextToken };
        });
        out.set(arn, entities.map((e) => e.entityValue ?? e.entityArn ?? '').filter(Boolean).slice(0, perEvent));
      }
      return out;
    },
  };
}
