/**
 * CloudWatch alarm transitions of a tenant's accounts, kept `ALARM_HISTORY_DAYS` for the overview's
 * alarm history (when each alarm fired, how long it lasted). In the alerts table beside the
 * markers and the outbox: pk = tenant, sk = `alarmhist#<transition time>#<account>#<alarm hash>`,
 * so one Query per tenant reads a time range, newest first, and the same transition written twice
 * (a run repeated after a crash) is one item.
 */
import { createHash } from 'node:crypto';
import type { AlarmState } from '../domain/records.js';
import type { Db } from './db.js';
import { assertId, ttlAfter } from './ids.js';
import type { StateRepository } from './state-repository.js';

/** How long a transition is kept (DynamoDB TTL). */
export const ALARM_HISTORY_DAYS = 30;
/** At most this many transitions are read per tenant (the newest). */
export const ALARM_HISTORY_READ_LIMIT = 1_000;

const PREFIX = 'alarmhist#';

/** One change of an alarm's state value. */
export interface AlarmTransitionRecord {
  accountId: string;
  region: string;
  name: string;
  arn?: string;
  /** The state before; absent when the alarm was first seen. */
  from?: AlarmState['state'];
  to: AlarmState['state'];
  /** When it changed (ISO-8601, the alarm's StateTransitionedTimestamp). */
  at: string;
  metricName?: string;
  namespace?: string;
}

export interface AlarmHistory {
  /** Store transitions (idempotent per account, alarm and time). */
  record(tenantId: string, transitions: readonly AlarmTransitionRecord[], signal?: AbortSignal): Promise<void>;
  /** The tenant's transitions at or after `sinceMs`, oldest first (at most the newest ALARM_HISTORY_READ_LIMIT). */
  list(tenantId: string, sinceMs: number, signal?: AbortSignal): Promise<AlarmTransitionRecord[]>;
  /** The alarm states the last metrics write stored for an account's region (what a new answer is compared with). */
  lastStates(tenantId: string, accountId: string, region: string, signal?: AbortSignal): Promise<AlarmState[] | undefined>;
}

const alarmHash = (t: Pick<AlarmTransitionRecord, 'arn' | 'region' | 'name'>) =>
  createHash('sha256').update(t.arn ?? `${t.region}/${t.name}`).digest('base64url').slice(0, 16);

/** Create the alarm history repository. */
export function createAlarmHistory(deps: { db: Db; state: Pick<StateRepository, 'getAlarms'>; now?: () => number }): AlarmHistory {
  const { db, state } = deps;
  const now = deps.now ?? Date.now;
  return {
    lastStates: (tenantId, accountId, region, signal) => state.getAlarms(tenantId, accountId, region, signal),

    async record(tenantId, transitions, signal) {
      const pk = assertId('tenant', tenantId);
      const ttl = ttlAfter(now(), ALARM_HISTORY_DAYS);
      await db.batchWrite(
        'alerts',
        transitions.map((t) => ({
          put: {
            pk,
            sk: `${PREFIX}${t.at}#${assertId('account', t.accountId)}#${alarmHash(t)}`,
            kind: 'alarm-transition',
            accountId: t.accountId,
            region: t.region,
            name: t.name,
            to: t.to,
            at: t.at,
            ttl,
            ...(t.arn ? { arn: t.arn } : {}),
            ...(t.from ? { from: t.from } : {}),
            ...(t.metricName ? { metricName: t.metricName } : {}),
            ...(t.namespace ? { namespace: t.namespace } : {}),
          },
        })),
        signal,
      );
    },

    async list(tenantId, sinceMs, signal) {
      const out: AlarmTransitionRecord[] = [];
      const items = db.queryAll(
        'alerts',
        {
          KeyConditionExpression: 'pk = :t AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':t': assertId('tenant', tenantId), ':from': `${PREFIX}${new Date(sinceMs).toISOString()}`, ':to': `${PREFIX}~` },
          ScanIndexForward: false,
        },
        signal,
      );
      for await (const item of items) {
        out.push({
          accountId: item.accountId as string,
          region: item.region as string,
          name: item.name as string,
          to: item.to as AlarmState['state'],
          at: item.at as string,
          ...(typeof item.arn === 'string' ? { arn: item.arn } : {}),
          ...(typeof item.from === 'string' ? { from: item.from as AlarmState['state'] } : {}),
          ...(typeof item.metricName === 'string' ? { metricName: item.metricName } : {}),
          ...(typeof item.namespace === 'string' ? { namespace: item.namespace } : {}),
        });
        if (out.length >= ALARM_HISTORY_READ_LIMIT) break;
      }
      return out.reverse();
    },
  };
}
