/**
 * From a stored collection result to pending alert emails. A security result's new Critical and
 * High findings (Medium for users who asked for warnings) and a cost result's spikes and budget
 * overruns (for users who asked for cost alerts) become one outbox item per tenant and result,
 * addressed to the tenant's verified users; delivery claims, merges and sends them.
 *
 * The guarantee (issue 12): recording is part of storing the result. `onResult` resolves only
 * once the outbox item holding every new alert of the result is durable in the store, and rejects
 * when it could not be written; the notifying sink then fails the collector's write, so the
 * collector does not move its watermark (GuardDuty's `updatedAt` mark, the alarm snapshot) and
 * its next run reads the same findings or transitions again and records them then. Nothing is
 * kept only in memory: a crash at any point either finds the intent in the outbox (recovery
 * delivers it) or finds the watermark unmoved (the next run re-derives it). Re-deriving an alert
 * already in an item cannot mail it twice: each alert's conditional-put marker is claimed by
 * exactly one item (alert-claims.ts), and the item that owns none is deleted.
 */
import type { Finding } from '../domain/records.js';
import type { SuppressionRule } from '../domain/suppression.js';
import { severityBand } from '../domain/records.js';
import type { AlarmState, HealthEvent } from '../domain/records.js';
import type { CollectionResult, CostResult, HealthResult, MetricsResult, RunStatus, SecurityResult } from '../domain/sink.js';
import type { Logger } from '../log.js';
import {
  accessChanges,
  costAlertKey,
  decideCostAlerts,
  decideFindingAlerts,
  alarmTransitions,
  decideAlarmAlerts,
  decideHealthAlerts,
  findCostEvents,
  healthOpenings,
  findingAlertKey,
  groupAlerts,
  type AlertPreferences,
  type CostEvent,
  type RuleThresholds,
} from '../rules/index.js';
import type { AlarmHistory, CostRepository, TenantRecord, TenantRepository, UserRecord, UserRepository } from '../store/index.js';
import { CHANNEL_RECIPIENT, type AlertRecipient, type PendingAccess, type PendingAlarm, type PendingCost, type PendingFinding, type PendingHealth } from './alert-payload.js';
import { loadCostRuleInput } from './cost-input.js';
import { systemMailClock, type MailClock } from './mail-clock.js';
import { AppError } from '../domain/errors.js';
import { failureCode } from './failure-code.js';
import type { OutboxDelivery } from './outbox-delivery.js';

export interface AlertDispatcherOptions {
  users: Pick<UserRepository, 'listByTenant'>;
  tenants: Pick<TenantRepository, 'get'>;
  costs: Pick<CostRepository, 'daily' | 'forecasts'>;
  delivery: Pick<OutboxDelivery, 'submit'>;
  log: Logger;
  /** Default: the system clock. */
  clock?: MailClock;
  /** Findings last updated longer ago than this do not alert (a first collection's 90-day backlog). Default 7 days. */
  maxFindingAgeMs?: number;
  /** Rule threshold overrides for the cost events. */
  thresholds?: Partial<RuleThresholds>;
  /** Alert keys remembered as already in an outbox item, so a repeated collection costs no writes. Default 50,000. */
  rememberKeys?: number;
  /**
   * The stored alarm states and the alarm history: a metrics result's transitions are decided
   * against the former and written to the latter before the result replaces the states. Default:
   * none (alarm transitions are not looked at).
   */
  alarms?: Pick<AlarmHistory, 'lastStates' | 'record'>;
  /** The tenant's finding suppression rules (suppressed findings never alert). Default: none. */
  suppressions?: { list(tenantId: string): Promise<SuppressionRule[]> };
  /**
   * The accounts' stored AWS Health events: a health result's openings are decided against them
   * before the result replaces them. Default: none (AWS Health events do not alert).
   */
  health?: { getHealth(tenantId: string, accountId: string): Promise<HealthEvent[] | undefined> };
  /**
   * The tenant's alert channels (Slack, webhooks). A tenant with one has every alert decided for
   * its channels too (CHANNEL_RECIPIENT), even one no user wants by email. Default: none.
   */
  channels?: { list(tenantId: string): Promise<readonly unknown[]> };
}

/**
 * Findings per outbox item: keeps an item far below DynamoDB's 400 KB. A larger batch becomes
 * several items, which delivery merges back into one email per recipient.
 */
export const FINDINGS_PER_ITEM = 200;

export interface AlertDispatcher {
  /**
   * A result was stored: record its alerts durably. Resolves once they are in the outbox; rejects
   * when they could not be written (the caller then fails the write, so the watermark stays).
   */
  onResult(result: CollectionResult): Promise<void>;
  /** The sink's recorder, before a result is stored: alarm transitions and AWS Health openings against the stored snapshot. */
  before(result: CollectionResult): Promise<void>;
  /** The sink's recorder, after a result is stored: `onResult`. */
  after(result: CollectionResult): Promise<void>;
  /**
   * A run status is about to be stored: record the account access transitions it shows (identity
   * refused, permission missing, and their recoveries) for the tenant's owners. Resolves once they
   * are durable, before the status that would hide the transition is written; rejects when they
   * could not be recorded (the caller then does not store the status, so the next run sees the
   * same transition again).
   */
  onRunStatus(status: RunStatus, previous: RunStatus | undefined): Promise<void>;
  /** Refuse new results, wait for work in progress. Idempotent. */
  stop(): Promise<void>;
}

/** The tenant's verified users as recipients, with what each asked for. */
export function recipientsOf(users: readonly UserRecord[]): AlertRecipient[] {
  return users
    .filter((u) => u.emailVerified)
    .map((u) => ({
      userId: u.id,
      to: u.email,
      critical: u.preferences.critical,
      warning: u.preferences.warning,
      costTips: u.preferences.costTips,
      alarms: u.preferences.alarms,
      alarmRecovered: u.preferences.alarmRecovered,
      healthIssues: u.preferences.healthIssues,
      healthScheduled: u.preferences.healthScheduled,
    }));
}

/** What any recipient asked for: an alert is decided (and claimed) once for the tenant. */
function unionOf(recipients: readonly AlertRecipient[]): AlertPreferences {
  return {
    critical: recipients.some((r) => r.critical),
    warning: recipients.some((r) => r.warning),
    costAlerts: recipients.some((r) => r.costTips),
  };
}

function costItem(event: CostEvent, tenant: TenantRecord): PendingCost['item'] {
  if (event.kind === 'threshold') {
    const account = event.scope === 'account' ? tenant.accounts.find((a) => a.id === event.accountId) : undefined;
    return {
      kind: 'threshold',
      month: event.month,
      threshold: event.threshold,
      basis: event.basis,
      budgetUsd: event.budgetUsd,
      actualToDateUsd: event.actualToDateUsd,
      projectedUsd: event.projectedUsd,
      ...(event.scope === 'account' ? { accountId: event.accountId } : {}),
      ...(account ? { accountName: account.name } : {}),
    };
  }
  const accountName = tenant.accounts.find((a) => a.id === event.accountId)?.name;
  return { kind: 'spike', service: event.service, day: event.day, amountUsd: event.amountUsd, meanUsd: event.meanUsd, ...(accountName ? { accountName } : {}) };
}

function costKeys(events: readonly CostEvent[], now: number): string[] {
  return events.map((event) => costAlertKey(event, new Date(now)).key);
}

/** Create the dispatcher. */
export function createAlertDispatcher(options: AlertDispatcherOptions): AlertDispatcher {
  const { users, tenants, costs, delivery, log } = options;
  const clock = options.clock ?? systemMailClock;
  const maxAgeMs = options.maxFindingAgeMs ?? 7 * 86_400_000;
  const work = new Set<Promise<void>>();
  const rememberKeys = options.rememberKeys ?? 50_000;
  /**
   * `tenant|key` of alerts in a durable item already: another item would own none of them. Only
   * saves writes; the markers decide. Oldest forgotten first.
   */
  const handled = new Set<string>();
  const remember = (tenantId: string, keys: readonly string[]) => {
    for (const key of keys) {
      handled.delete(`${tenantId}|${key}`);
      handled.add(`${tenantId}|${key}`);
    }
    for (const oldest of handled) {
      if (handled.size <= rememberKeys) break;
      handled.delete(oldest);
    }
  };
  const BANDS = ['medium', 'high', 'critical'] as const;
  /** Whom a tenant's alerts are decided for: its recipients, and its channels when it has one. */
  const audienceOf = async (tenantId: string, recipients: readonly AlertRecipient[]): Promise<readonly AlertRecipient[]> =>
    options.channels && (await options.channels.list(tenantId)).length > 0 ? [...recipients, CHANNEL_RECIPIENT] : recipients;
  let stopped: Promise<void> | undefined;

  const alertable = (f: Finding, now: number) =>
    !f.archived && severityBand(f.severity) !== 'low' && (Date.parse(f.updatedAt) || 0) >= now - maxAgeMs;

  async function onSecurity(result: SecurityResult): Promise<void> {
    const now = clock.now();
    const fresh = result.findings.filter((f) => alertable(f, now));
    if (fresh.length === 0) return;
    const recipients = recipientsOf(await users.listByTenant(result.tenantId));
    const preferences = unionOf(await audienceOf(result.tenantId, recipients));
    if (!preferences.critical && !preferences.warning) return;
    const sent = new Set<string>();
    for (const f of fresh) {
      for (const band of BANDS) {
        const key = findingAlertKey(result.accountId, f.id, band);
        if (handled.has(`${result.tenantId}|${key}`)) sent.add(key);
      }
    }
    const suppressions = (await options.suppressions?.list(result.tenantId)) ?? [];
    const alerts = decideFindingAlerts({
      tenantId: result.tenantId,
      preferences,
      sent,
      suppressions,
      now,
      findings: fresh.map((finding) => ({ accountId: result.accountId, finding })),
    });
    const [batch] = groupAlerts(alerts);
    if (!batch || batch.findings.length === 0) return;
    const tenant = await tenants.get(result.tenantId);
    if (!tenant) return;
    const accountName = tenant.accounts.find((a) => a.id === result.accountId)?.name;
    const findings: PendingFinding[] = batch.findings.map(({ key, accountId, band, finding: f }) => ({
      key,
      accountId,
      findingId: f.id,
      band,
      title: f.title,
      severity: f.severity,
      type: f.type,
      region: f.region,
      updatedAt: f.updatedAt,
      count: f.count,
      ...(f.resourceId ? { resourceId: f.resourceId } : {}),
      ...(f.resourceType ? { resourceType: f.resourceType } : {}),
      ...(accountName ? { accountName } : {}),
    }));
    for (let i = 0; i < findings.length; i += FINDINGS_PER_ITEM) {
      const chunk = findings.slice(i, i + FINDINGS_PER_ITEM);
      await delivery.submit(result.tenantId, { kind: 'findings', tenantName: tenant.name, recipients, findings: chunk });
      remember(result.tenantId, chunk.map((f) => f.key));
    }
    log.info({ tenant: result.tenantId, account: result.accountId, findings: findings.length }, 'finding alert queued');
  }

  async function onCost(result: CostResult): Promise<void> {
    const recipients = recipientsOf(await users.listByTenant(result.tenantId));
    const preferences = unionOf(await audienceOf(result.tenantId, recipients));
    if (!preferences.costAlerts) return;
    const tenant = await tenants.get(result.tenantId);
    if (!tenant) return;
    const now = clock.now();
    const input = await loadCostRuleInput(costs, tenant, now, options.thresholds);
    const events = findCostEvents(input, options.thresholds);
    const sent = new Set<string>();
    for (const key of costKeys(events, now)) if (handled.has(`${tenant.id}|${key}`)) sent.add(key);
    const alerts = decideCostAlerts({ tenantId: tenant.id, preferences, events, now: new Date(now), sent });
    const [batch] = groupAlerts(alerts);
    if (!batch || batch.costs.length === 0) return;
    const pending: PendingCost[] = batch.costs.map((alert) => ({ key: alert.key, item: costItem(alert.event, tenant) }));
    await delivery.submit(tenant.id, { kind: 'costs', tenantName: tenant.name, recipients, costs: pending });
    remember(tenant.id, pending.map((c) => c.key));
    log.info({ tenant: tenant.id, events: pending.length }, 'cost alert queued');
  }

  /**
   * A metrics result's alarm transitions, before it replaces the stored states: the history and
   * the outbox item are written first, so a crash before the states are replaced leaves the same
   * transitions to be found again (same keys: the history item is rewritten, the marker is
   * claimed once), and a crash after finds them written.
   */
  async function onAlarms(result: MetricsResult): Promise<void> {
    const history = options.alarms;
    if (!history || result.alarmRegions.length === 0) return;
    const previous = new Map<string, AlarmState[]>();
    await Promise.all(
      result.alarmRegions.map(async (region) => {
        const stored = await history.lastStates(result.tenantId, result.accountId, region);
        if (stored) previous.set(region, stored);
      }),
    );
    const transitions = alarmTransitions(previous, result.alarms, result.alarmRegions);
    if (transitions.length === 0) return;
    await history.record(
      result.tenantId,
      transitions.map((t) => ({
        accountId: result.accountId,
        region: t.alarm.region,
        name: t.alarm.name,
        to: t.alarm.state,
        at: t.at,
        ...(t.alarm.arn ? { arn: t.alarm.arn } : {}),
        ...(t.from ? { from: t.from } : {}),
        ...(t.alarm.metricName ? { metricName: t.alarm.metricName } : {}),
        ...(t.alarm.namespace ? { namespace: t.alarm.namespace } : {}),
      })),
    );
    const recipients = recipientsOf(await users.listByTenant(result.tenantId));
    const audience = await audienceOf(result.tenantId, recipients);
    const wanted = {
      alarms: audience.some((r) => r.alarms !== false),
      alarmRecovered: audience.some((r) => r.alarmRecovered === true),
    };
    const sent = new Set(transitions.map((t) => t.key).filter((key) => handled.has(`${result.tenantId}|${key}`)));
    const alerts = decideAlarmAlerts(transitions, wanted, sent);
    if (alerts.length === 0) return;
    const tenant = await tenants.get(result.tenantId);
    if (!tenant) return;
    const accountName = tenant.accounts.find((a) => a.id === result.accountId)?.name;
    const changes: PendingAlarm[] = alerts.map((t) => ({
      key: t.key,
      item: {
        state: t.kind === 'fired' ? 'fired' : 'recovered',
        name: t.alarm.name,
        accountId: result.accountId,
        region: t.alarm.region,
        at: t.at,
        ...(accountName ? { accountName } : {}),
        ...(t.alarm.namespace ? { namespace: t.alarm.namespace } : {}),
        ...(t.alarm.metricName ? { metricName: t.alarm.metricName } : {}),
        ...(t.alarm.comparison ? { comparison: t.alarm.comparison } : {}),
        ...(t.alarm.threshold !== undefined ? { threshold: t.alarm.threshold } : {}),
        ...(t.alarm.reason ? { reason: t.alarm.reason.slice(0, 300) } : {}),
      },
    }));
    await delivery.submit(tenant.id, { kind: 'alarms', tenantName: tenant.name, recipients, changes });
    remember(tenant.id, changes.map((c) => c.key));
    log.info({ tenant: tenant.id, account: result.accountId, alarms: changes.map((c) => c.key) }, 'alarm alert queued');
  }

  /**
   * A health result's openings, before it replaces the stored events: the outbox item is written
   * first, so a crash before the events are replaced finds the same openings again (same keys:
   * the marker is claimed once), and a crash after finds them written. An account never read
   * before records its events as the baseline and mails nothing.
   */
  async function onHealth(result: HealthResult): Promise<void> {
    const stored = options.health;
    if (!stored) return;
    const openings = healthOpenings(result.accountId, await stored.getHealth(result.tenantId, result.accountId), result.events);
    if (openings.every((o) => o.baseline)) return;
    const recipients = recipientsOf(await users.listByTenant(result.tenantId));
    const audience = await audienceOf(result.tenantId, recipients);
    const wanted = { healthIssues: audience.some((r) => r.healthIssues !== false), healthScheduled: audience.some((r) => r.healthScheduled === true) };
    const sent = new Set(openings.map((o) => o.key).filter((key) => handled.has(`${result.tenantId}|${key}`)));
    const alerts = decideHealthAlerts(openings, wanted, sent);
    if (alerts.length === 0) return;
    const tenant = await tenants.get(result.tenantId);
    if (!tenant) return;
    const accountName = tenant.accounts.find((a) => a.id === result.accountId)?.name;
    const events: PendingHealth[] = alerts.map(({ key, kind, event: e }) => ({
      key,
      item: {
        kind,
        service: e.service,
        eventTypeCode: e.eventTypeCode,
        region: e.region,
        resources: e.affectedEntities,
        accountId: result.accountId,
        arn: e.arn,
        ...(e.startTime ? { startTime: e.startTime } : {}),
        ...(accountName ? { accountName } : {}),
      },
    }));
    await delivery.submit(tenant.id, { kind: 'health', tenantName: tenant.name, recipients, events });
    remember(tenant.id, events.map((e) => e.key));
    log.info({ tenant: tenant.id, account: result.accountId, events: events.map((e) => e.key) }, 'AWS Health alert queued');
  }

  async function onRunStatus(status: RunStatus, previous: RunStatus | undefined): Promise<void> {
    const changes = accessChanges(previous, status).filter((c) => !handled.has(`${status.tenantId}|${c.key}`));
    if (changes.length === 0) return;
    const owners = (await users.listByTenant(status.tenantId)).filter((u) => u.role === 'owner');
    const recipients = recipientsOf(owners);
    if ((await audienceOf(status.tenantId, recipients)).length === 0) return;
    const tenant = await tenants.get(status.tenantId);
    const account = tenant?.accounts.find((a) => a.id === status.accountId);
    if (!tenant || !account) return;
    const pending: PendingAccess[] = changes.map((c) => ({
      key: c.key,
      item: {
        state: c.state,
        kind: c.problem.kind,
        accountName: account.name,
        awsAccountId: account.awsAccountId,
        ...(c.problem.action ? { action: c.problem.action } : {}),
        regions: c.problem.regions,
        since: c.problem.since,
      },
    }));
    await delivery.submit(tenant.id, { kind: 'access', tenantName: tenant.name, recipients, changes: pending });
    remember(tenant.id, pending.map((c) => c.key));
    log.info({ tenant: tenant.id, account: account.id, changes: pending.map((c) => c.key) }, 'account access alert queued');
  }

  async function handle(result: SecurityResult | CostResult): Promise<void> {
    try {
      if (result.kind === 'security') await onSecurity(result);
      else await onCost(result);
    } catch (error) {
      // No retry here: the write fails with this, the watermark stays, the next run records it.
      log.warn({ tenant: result.tenantId, account: result.accountId, kind: result.kind, code: failureCode(error) }, 'alerts of a result could not be recorded; the result is not stored as read');
      throw error;
    }
  }

  function track(promise: Promise<void>): Promise<void> {
    work.add(promise);
    // The caller sees the rejection; this copy only keeps the set tidy.
    promise.finally(() => work.delete(promise)).catch(() => undefined);
    return promise;
  }

  const dispatcher: AlertDispatcher = {
    before(result) {
      if (result.kind !== 'metrics' && result.kind !== 'health') return Promise.resolve();
      if (stopped) return Promise.reject(new AppError('ALERTS_STOPPED', 'the alert dispatcher is stopped'));
      return track(
        (result.kind === 'metrics' ? onAlarms(result) : onHealth(result)).catch((error: unknown) => {
          log.warn({ tenant: result.tenantId, account: result.accountId, kind: result.kind, code: failureCode(error) }, 'alerts of a result could not be recorded; the snapshot it replaces is kept');
          throw error;
        }),
      );
    },
    after(result) {
      return dispatcher.onResult(result);
    },
    onRunStatus(status, previous) {
      if (stopped) return Promise.resolve();
      return track(onRunStatus(status, previous));
    },
    onResult(result) {
      if (result.kind !== 'security' && result.kind !== 'cost') return Promise.resolve();
      // A stopped dispatcher cannot record: the write fails, so the watermark stays for the next process.
      if (stopped) return Promise.reject(new AppError('ALERTS_STOPPED', 'the alert dispatcher is stopped'));
      return track(handle(result));
    },
    stop() {
      stopped ??= (async () => {
        await Promise.allSettled([...work]);
      })();
      return stopped;
    },
  };
  return dispatcher;
}
