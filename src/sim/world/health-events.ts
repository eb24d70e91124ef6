/**
 * AWS Health events of an account over time: in each 6-hour slot an event may begin (about one
 * in two): an issue lasting 1-4 hours, a scheduled change announced two days ahead with a 2-hour
 * window, or an account notification open for three days. Every property is a pure function of
 * (seed, account, slot); its status a function of `now`.
 */
import { between, chance, hex, pick } from '../prng.js';

const SLOT_MS = 6 * 3_600_000;
const HOUR_MS = 3_600_000;
/** How far back events are generated (closed ones are listed by lastUpdatedTime). */
const HISTORY_MS = 14 * 86_400_000;

export type HealthCategory = 'issue' | 'scheduledChange' | 'accountNotification';

export interface SimHealthEvent {
  arn: string;
  service: string;
  eventTypeCode: string;
  eventTypeCategory: HealthCategory;
  region: string;
  startTime: number;
  endTime: number;
  /** When the event became visible (announced). */
  announcedAt: number;
  statusCode: 'open' | 'upcoming' | 'closed';
  lastUpdatedTime: number;
  entities: string[];
}

const KINDS: readonly { category: HealthCategory; service: string; code: string }[] = [
  { category: 'issue', service: 'EC2', code: 'AWS_EC2_OPERATIONAL_ISSUE' },
  { category: 'issue', service: 'RDS', code: 'AWS_RDS_OPERATIONAL_ISSUE' },
  { category: 'issue', service: 'LAMBDA', code: 'AWS_LAMBDA_OPERATIONAL_ISSUE' },
  { category: 'scheduledChange', service: 'EC2', code: 'AWS_EC2_INSTANCE_REBOOT_MAINTENANCE_SCHEDULED' },
  { category: 'scheduledChange', service: 'RDS', code: 'AWS_RDS_SYSTEM_UPGRADE_SCHEDULED' },
  { category: 'accountNotification', service: 'IAM', code: 'AWS_IAM_ACCESS_KEY_ROTATION_NOTIFICATION' },
  { category: 'accountNotification', service: 'LAMBDA', code: 'AWS_LAMBDA_RUNTIME_DEPRECATION_NOTIFICATION' },
];
const REGIONS = ['us-east-1', 'eu-west-1'];

/** The event that begins in `slot` for the account, if any, as it stands at `now`. */
function eventOf(seed: number, account: string, slot: number, now: number): SimHealthEvent | undefined {
  if (chance(seed, 'health', account, slot) >= 0.5) return undefined;
  const kind = pick(KINDS, seed, 'health-kind', account, slot);
  const region = kind.service === 'IAM' ? 'global' : pick(REGIONS, seed, 'health-region', account, slot);
  const slotStart = slot * SLOT_MS;
  let announcedAt = slotStart;
  let startTime = slotStart;
  let endTime: number;
  if (kind.category === 'issue') {
    endTime = startTime + between(1, 4, seed, 'health-len', account, slot) * HOUR_MS;
  } else if (kind.category === 'scheduledChange') {
    startTime = slotStart + 48 * HOUR_MS;
    endTime = startTime + 2 * HOUR_MS;
  } else {
    endTime = startTime + 72 * HOUR_MS;
  }
  if (now < announcedAt) return undefined;
  const statusCode = now < startTime ? 'upcoming' : now < endTime ? 'open' : 'closed';
  const lastUpdatedTime = statusCode === 'closed' ? endTime : statusCode === 'open' ? startTime : announcedAt;
  const id = hex(8, seed, 'health-id', account, slot).toUpperCase();
  const entityCount = kind.category === 'accountNotification' ? 1 : Math.floor(between(1, 3.99, seed, 'health-n', account, slot));
  const entities = Array.from({ length: entityCount }, (_, i) =>
    kind.service === 'IAM' ? `AKIA${hex(12, seed, 'health-key', account, slot, i).toUpperCase()}` : kind.service === 'RDS' ? `db-${hex(6, seed, 'health-db', account, slot, i)}` : kind.service === 'LAMBDA' ? `fn-${hex(6, seed, 'health-fn', account, slot, i)}` : `i-${hex(17, seed, 'health-i', account, slot, i)}`,
  );
  return {
    arn: `arn:aws:health:${region === 'global' ? 'us-east-1' : region}::event/${kind.service}/${kind.code}/${kind.code}_${id}`,
    service: kind.service,
    eventTypeCode: kind.code,
    eventTypeCategory: kind.category,
    region,
    startTime,
    endTime,
    announcedAt,
    statusCode,
    lastUpdatedTime,
    entities,
  };
}

/** The account's events visible at `now` (announced within the history window), newest first. */
export function healthEventsAt(seed: number, account: string, now: number): SimHealthEvent[] {
  const last = Math.floor(now / SLOT_MS);
  const first = Math.floor((now - HISTORY_MS) / SLOT_MS);
  const out: SimHealthEvent[] = [];
  for (let slot = last; slot >= first; slot--) {
    const event = eventOf(seed, account, slot, now);
    if (event) out.push(event);
  }
  return out;
}
