/**
 * Collector state per account (pk = tenant): watermarks (`<account>#wm#<collector>`), the run
 * status of each collector (`<account>#run#<collector>`: steps, last success, errors) and the
 * latest CloudWatch alarm states per region (`<account>#alarms#<region>`), which the overview
 * shows as health; the AWS Health events (`<account>#health`) and the Security Hub standards with
 * their scores per region (`<account>#compliance#<region>`), each replaced by the run that read them.
 */
import type { AlarmState, ComplianceStandard, HealthEvent } from '../domain/records.js';
import type { RunStatus } from '../domain/sink.js';
import type { CollectorKind } from '../domain/tenant.js';
import type { Db } from './db.js';
import { assertId } from './ids.js';
import type { WriteMemo } from './write-memo.js';

/** What a collector's runs recorded for an account. */
export type RunRecord = RunStatus;

export interface AlarmSnapshot {
  accountId: string;
  region: string;
  alarms: AlarmState[];
  /** True when the list was cut to fit one item. */
  truncated: boolean;
}

/** An account's AWS Health events as last read. */
export interface HealthSnapshot {
  accountId: string;
  events: HealthEvent[];
  collectedAt: string;
}

/** An account's Security Hub standards in one region as last read. */
export interface ComplianceSnapshot {
  accountId: string;
  region: string;
  standards: ComplianceStandard[];
  collectedAt: string;
}

export interface StateRepository {
  getWatermark(tenantId: string, accountId: string, collector: CollectorKind): Promise<string | undefined>;
  setWatermark(tenantId: string, accountId: string, collector: CollectorKind, value: string): Promise<void>;
  getRun(tenantId: string, accountId: string, collector: CollectorKind, signal?: AbortSignal): Promise<RunRecord | undefined>;
  /** Store a run status (one small item per account and collector, replaced by each run). */
  putRun(run: RunRecord, signal?: AbortSignal): Promise<void>;
  /** Replace the alarm states of the regions given (regions that failed are left as they were). */
  putAlarms(tenantId: string, accountId: string, byRegion: Map<string, AlarmState[]>, signal?: AbortSignal): Promise<void>;
  /** The stored alarm states of one account and region; undefined when that region was never read. */
  getAlarms(tenantId: string, accountId: string, region: string, signal?: AbortSignal): Promise<AlarmState[] | undefined>;
  /** The account's AWS Health events as last stored; undefined when the account was never read (what new events are compared with). */
  getHealth(tenantId: string, accountId: string, signal?: AbortSignal): Promise<HealthEvent[] | undefined>;
  /** Replace the account's AWS Health events. */
  putHealth(tenantId: string, accountId: string, events: HealthEvent[], collectedAt: string, signal?: AbortSignal): Promise<void>;
  /** Replace the standards of the regions given (a region with none: Security Hub not enabled there). */
  putCompliance(tenantId: string, accountId: string, byRegion: Map<string, ComplianceStandard[]>, collectedAt: string, signal?: AbortSignal): Promise<void>;
  /** Every run record and snapshot of a tenant (one Query). */
  snapshot(tenantId: string, signal?: AbortSignal): Promise<StateSnapshot>;
}

/** What `snapshot` returns. */
export interface StateSnapshot {
  runs: RunRecord[];
  alarms: AlarmSnapshot[];
  health: HealthSnapshot[];
  compliance: ComplianceSnapshot[];
}

// One item holds at most ~400 KB; alarms beyond this many are dropped (ALARM ones kept first).
// An alarm with its rule (threshold, dimensions, ARN) and a 300-character reason is up to ~700 bytes.
const MAX_ALARMS = 500;
const MAX_REASON = 300;
// Failed controls' resources kept per item (each failed control keeps up to 20 from the adapter).
const MAX_STORED_RESOURCES = 5;

/** Create the state repository. */
export function createStateRepository(deps: { db: Db; memo: WriteMemo }): StateRepository {
  const { db, memo } = deps;
  const key = (tenantId: string, accountId: string, rest: string) => ({
    pk: assertId('tenant', tenantId),
    sk: `${assertId('account', accountId)}#${rest}`,
  });
  return {
    async getWatermark(tenantId, accountId, collector) {
      const item = await db.get('state', { Key: key(tenantId, accountId, `wm#${collector}`), ConsistentRead: true });
      return item?.value as string | undefined;
    },

    async setWatermark(tenantId, accountId, collector, value) {
      await db.put('state', { Item: { ...key(tenantId, accountId, `wm#${collector}`), kind: 'watermark', value } });
    },

    async getRun(tenantId, accountId, collector, signal) {
      const item = await db.get('state', { Key: key(tenantId, accountId, `run#${collector}`) }, signal);
      return item?.kind === 'run' && Array.isArray(item.steps) ? runOf(item) : undefined;
    },

    async putRun(run, signal) {
      const item = { ...key(run.tenantId, run.accountId, `run#${run.collector}`), kind: 'run', ...run };
      await db.put('state', { Item: item }, signal);
    },

    async putAlarms(tenantId, accountId, byRegion, signal) {
      const requests = [];
      for (const [region, alarms] of byRegion) {
        const ordered = [...alarms]
          .sort((a, b) => Number(b.state === 'ALARM') - Number(a.state === 'ALARM') || a.name.localeCompare(b.name))
          .map((alarm) => (alarm.reason && alarm.reason.length > MAX_REASON ? { ...alarm, reason: alarm.reason.slice(0, MAX_REASON) } : alarm));
        const item = {
          ...key(tenantId, accountId, `alarms#${region}`),
          kind: 'alarms',
          accountId,
          region,
          alarms: ordered.slice(0, MAX_ALARMS),
          truncated: ordered.length > MAX_ALARMS,
        };
        const memoKey = `state|${item.pk}|${item.sk}`;
        if (!memo.unchanged(memoKey, item)) requests.push({ memoKey, item });
      }
      await db.batchWrite('state', requests.map(({ item }) => ({ put: item })), signal);
      for (const { memoKey, item } of requests) memo.remember(memoKey, item);
    },

    async getAlarms(tenantId, accountId, region, signal) {
      // Consistent: the transitions are decided against exactly what the last write left.
      const item = await db.get('state', { Key: key(tenantId, accountId, `alarms#${region}`), ConsistentRead: true }, signal);
      return item?.kind === 'alarms' && Array.isArray(item.alarms) ? (item.alarms as AlarmState[]) : undefined;
    },

    async getHealth(tenantId, accountId, signal) {
      // Consistent: the openings are decided against exactly what the last write left.
      const item = await db.get('state', { Key: key(tenantId, accountId, 'health'), ConsistentRead: true }, signal);
      return item?.kind === 'health' && Array.isArray(item.events) ? (item.events as HealthEvent[]) : undefined;
    },

    async putHealth(tenantId, accountId, events, collectedAt, signal) {
      const item = { ...key(tenantId, accountId, 'health'), kind: 'health', accountId, events, collectedAt };
      const memoKey = `state|${item.pk}|${item.sk}`;
      if (memo.unchanged(memoKey, { ...item, collectedAt: '' })) return;
      await db.put('state', { Item: item }, signal);
      memo.remember(memoKey, { ...item, collectedAt: '' });
    },

    async putCompliance(tenantId, accountId, byRegion, collectedAt, signal) {
      const requests = [];
      for (const [region, list] of byRegion) {
        const standards = list.map((st) => ({ ...st, failedControls: st.failedControls.map((c) => ({ ...c, resources: c.resources.slice(0, MAX_STORED_RESOURCES) })) }));
        const item = { ...key(tenantId, accountId, `compliance#${region}`), kind: 'compliance', accountId, region, standards, collectedAt };
        const memoKey = `state|${item.pk}|${item.sk}`;
        if (!memo.unchanged(memoKey, { ...item, collectedAt: '' })) requests.push({ memoKey, item });
      }
      await db.batchWrite('state', requests.map(({ item }) => ({ put: item })), signal);
      for (const { memoKey, item } of requests) memo.remember(memoKey, { ...item, collectedAt: '' });
    },

    async snapshot(tenantId, signal) {
      const runs: RunRecord[] = [];
      const alarms: AlarmSnapshot[] = [];
      const health: HealthSnapshot[] = [];
      const compliance: ComplianceSnapshot[] = [];
      const items = db.queryAll('state', { KeyConditionExpression: 'pk = :t', ExpressionAttributeValues: { ':t': assertId('tenant', tenantId) } }, signal);
      for await (const item of items) {
        // Run items written before run statuses had steps are skipped: the next run replaces them.
        if (item.kind === 'run' && Array.isArray(item.steps)) {
          runs.push(runOf(item));
        } else if (item.kind === 'alarms') {
          alarms.push({
            accountId: item.accountId as string,
            region: item.region as string,
            alarms: item.alarms as AlarmState[],
            truncated: item.truncated === true,
          });
        } else if (item.kind === 'health') {
          health.push({ accountId: item.accountId as string, events: item.events as HealthEvent[], collectedAt: item.collectedAt as string });
        } else if (item.kind === 'compliance') {
          compliance.push({ accountId: item.accountId as string, region: item.region as string, standards: item.standards as ComplianceStandard[], collectedAt: item.collectedAt as string });
        }
      }
      return { runs, alarms, health, compliance };
    },
  };
}

/** A stored run item as a RunRecord (key attributes dropped). */
function runOf(item: Record<string, unknown>): RunRecord {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return rest as unknown as RunRecord;
}
