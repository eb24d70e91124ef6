/**
 * AWS Health over awsJson1_1 (target AWSHealth_20160804): DescribeEvents and
 * DescribeAffectedEntities. Timestamps travel as epoch seconds (awsJson). Paging follows the AWS
 * Health API reference: `maxResults` 10-100, `nextToken` (an invalid one: InvalidPaginationToken).
 * An account without the support plan gets SubscriptionRequiredException before any operation
 * runs (account-refusal.ts).
 */
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { SimError, validationError } from '../sim-error.js';
import { healthEventsAt, type SimHealthEvent } from '../world/health-events.js';
import type { ServiceDefinition } from './service.js';

const NS = 'com.amazonaws.health';

function maxResults(value: unknown): number {
  const n = value === undefined || value === null ? 100 : Number(value);
  if (!Number.isInteger(n) || n < 10 || n > 100) {
    throw validationError('health', `1 validation error detected: Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value between 10 and 100`);
  }
  return n;
}

/** The page of `items` a token points at, and the next token. */
function page<T>(items: T[], input: { nextToken?: string; maxResults?: number }, print: string, now: number): { items: T[]; next?: string; asOf: number } {
  const limit = maxResults(input.maxResults);
  let offset = 0;
  let asOf = now;
  if (input.nextToken !== undefined) {
    const position = decodeToken(input.nextToken, print);
    if (!position) throw new SimError('InvalidPaginationToken', 'The specified pagination token is not valid.', { namespace: NS });
    offset = Number(position.o);
    asOf = Number(position.n);
  }
  const slice = items.slice(offset, offset + limit);
  return { items: slice, asOf, ...(offset + limit < items.length ? { next: encodeToken({ o: offset + limit, n: asOf }, print) } : {}) };
}

const seconds = (ms: number) => ms / 1000;

function toWire(e: SimHealthEvent): Record<string, unknown> {
  return {
    arn: e.arn,
    service: e.service,
    eventTypeCode: e.eventTypeCode,
    eventTypeCategory: e.eventTypeCategory,
    region: e.region,
    startTime: seconds(e.startTime),
    endTime: seconds(e.endTime),
    lastUpdatedTime: seconds(e.lastUpdatedTime),
    statusCode: e.statusCode,
    eventScopeCode: 'ACCOUNT_SPECIFIC',
  };
}

interface EventFilter {
  eventStatusCodes?: string[];
  lastUpdatedTimes?: { from?: number; to?: number }[];
  eventArns?: string[];
}

export const health: ServiceDefinition = {
  service: 'health',
  signingName: 'health',
  wire: { protocol: 'awsJson1_1' },
  target: 'AWSHealth_20160804',
  operations: {
    DescribeEvents(request, context) {
      const input = request.input as { filter?: EventFilter; nextToken?: string; maxResults?: number };
      const filter = input.filter ?? {};
      const print = fingerprint([filter, input.maxResults ?? null]);
      const asOf = input.nextToken ? Number(decodeToken(input.nextToken, print)?.n ?? context.now()) : context.now();
      const events = healthEventsAt(context.seed, request.account, asOf).filter(
        (e) =>
          (filter.eventStatusCodes === undefined || filter.eventStatusCodes.includes(e.statusCode)) &&
          (filter.eventArns === undefined || filter.eventArns.includes(e.arn)) &&
          (filter.lastUpdatedTimes === undefined ||
            filter.lastUpdatedTimes.some((r) => (r.from === undefined || e.lastUpdatedTime >= r.from * 1000) && (r.to === undefined || e.lastUpdatedTime <= r.to * 1000))),
      );
      const got = page(events, input, print, context.now());
      return { output: { events: got.items.map(toWire), ...(got.next ? { nextToken: got.next } : {}) } };
    },

    DescribeAffectedEntities(request, context) {
      const input = request.input as { filter?: { eventArns?: string[] }; nextToken?: string; maxResults?: number };
      const arns = input.filter?.eventArns ?? [];
      if (arns.length < 1 || arns.length > 10) {
        throw validationError('health', "1 validation error detected: Value at 'filter.eventArns' failed to satisfy constraint: Member must have length between 1 and 10");
      }
      const print = fingerprint([arns, input.maxResults ?? null]);
      const events = healthEventsAt(context.seed, request.account, context.now()).filter((e) => arns.includes(e.arn));
      const entities = events.flatMap((e) =>
        e.entities.map((value) => ({
          entityArn: `arn:aws:health:us-east-1:${request.account}:entity/${value}`,
          eventArn: e.arn,
          entityValue: value,
          awsAccountId: request.account,
          lastUpdatedTime: seconds(e.lastUpdatedTime),
          statusCode: e.statusCode === 'open' ? 'IMPAIRED' : e.statusCode === 'closed' ? 'UNIMPAIRED' : 'UNKNOWN',
        })),
      );
      const got = page(entities, input, print, context.now());
      return { output: { entities: got.items, ...(got.next ? { nextToken: got.next } : {}) } };
    },
  },
};
