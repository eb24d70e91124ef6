/**
 * The permission check of a connected account (`POST /api/accounts/:id/check`): one cheap call
 * per IAM action in the operation table and per region, through the same adapters and
 * classification the collectors use, so what it reports is what collection will meet.
 *
 * What it costs the tenant: CloudWatch and GuardDuty reads are free, except GetMetricData, billed
 * per metric: the check asks for one metric per region ($0.00001 each). Cost Explorer bills $0.01
 * per request, so its four checks run only when asked (`includePaid`); otherwise they are reported
 * as not checked, and the caller may show the last cost run's outcome instead.
 */
import { AwsCallError, type AwsFailureKind } from '../domain/errors.js';
import type { AccountTarget, AwsGateway } from '../domain/gateway.js';
import type { MetricRef } from '../domain/records.js';
import { NO_DETECTOR } from '../domain/run-steps.js';
import { COST_EXPLORER_USD_PER_REQUEST, GET_METRIC_DATA_USD_PER_METRIC } from './aws-prices.js';
import { OPERATION_ACTIONS, type OperationAction } from './operation-actions.js';
import { stepAdvice } from './step-remedy.js';

/** How one action fared. */
export type CheckResult =
  | 'ok'
  | 'missing_permission'
  | 'region_disabled'
  | 'feature_not_enabled'
  | 'no_data'
  | 'identity_refused'
  | 'unavailable'
  | 'not_checked'
  | 'error';

export interface CheckItem {
  collector: OperationAction['collector'];
  operation: string;
  action: string;
  /** Absent for Cost Explorer (one global endpoint). */
  region?: string;
  result: CheckResult;
  /** The AWS error code behind a failed result. */
  code?: string;
  /** What to do about it. */
  remedy?: string;
  consoleUrl?: string;
  /** Why it was not checked, or what the check cost. */
  note?: string;
  /** What this check cost the tenant, USD. */
  costUsd: number;
}

export interface PermissionReport {
  checkedAt: string;
  /** False when STS refused the role or keys: nothing else could be checked. */
  identityOk: boolean;
  items: CheckItem[];
  /** What the whole check cost the tenant, USD. */
  costUsd: number;
}

export interface CheckOptions {
  /** Also make the billed Cost Explorer calls ($0.01 each). Default false. */
  includePaid?: boolean;
}

/** Check an account; `verifyIdentity` throws an AwsCallError when STS refuses it. */
export type CheckPermissions = (
  target: AccountTarget & { regions: readonly string[] },
  options: CheckOptions,
  signal: AbortSignal,
) => Promise<PermissionReport>;

const RESULT_OF: Record<AwsFailureKind, CheckResult> = {
  identity: 'identity_refused',
  permission: 'missing_permission',
  region: 'region_disabled',
  feature: 'feature_not_enabled',
  no_data: 'no_data',
  throttled: 'unavailable',
  transient: 'unavailable',
  other: 'error',
};

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A metric to ask GetMetricData for when discovery found none (an empty answer still proves access). */
const PROBE_METRIC: MetricRef = { namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: [], stat: 'Average' };

/** Create the check over the adapters. */
export function createPermissionCheck(deps: {
  aws: AwsGateway;
  verifyIdentity: (target: AccountTarget, signal: AbortSignal) => Promise<void>;
  now: () => number;
}): CheckPermissions {
  return async (target, options, signal) => {
    const now = deps.now();
    const items: CheckItem[] = [];
    const entry = (operation: string) => OPERATION_ACTIONS.find((e) => e.operation === operation)!;
    const item = (operation: string, region: string | undefined, result: CheckResult, extra: Partial<CheckItem> = {}): CheckItem => {
      const e = entry(operation);
      return { collector: e.collector, operation, action: e.action, ...(region ? { region } : {}), result, costUsd: 0, ...extra };
    };
    const failed = (operation: string, region: string | undefined, error: unknown): CheckItem => {
      if (!(error instanceof AwsCallError)) throw error;
      const advice = stepAdvice(entry(operation).collector, { operation, ...(region ? { region } : {}) }, {
        kind: error.kind,
        code: error.awsCode ?? error.code,
        ...(error.action ? { action: error.action } : {}),
        message: '',
        at: '',
      });
      return item(operation, region, RESULT_OF[error.kind], {
        code: error.awsCode ?? error.code,
        ...(advice.remedy ? { remedy: advice.remedy } : {}),
        ...(advice.consoleUrl ? { consoleUrl: advice.consoleUrl } : {}),
      });
    };
    /** Run one check; its value, or undefined after recording the failure. */
    const probe = async <T>(operation: string, region: string | undefined, fn: () => Promise<T>, costUsd = 0): Promise<T | undefined> => {
      try {
        const value = await fn();
        items.push(item(operation, region, 'ok', costUsd ? { costUsd, note: `billed: $${costUsd}` } : {}));
        return value;
      } catch (error) {
        signal.throwIfAborted();
        items.push(failed(operation, region, error));
        return undefined;
      }
    };

    try {
      await deps.verifyIdentity(target, signal);
    } catch (error) {
      signal.throwIfAborted();
      if (!(error instanceof AwsCallError)) throw error;
      const refused = item('DescribeAlarms', undefined, 'identity_refused', {
        code: error.awsCode ?? error.code,
        remedy: 'AWS refused the role or the keys: check the role\'s trust policy and ExternalId (or the keys), then update the account.',
      });
      const rest = OPERATION_ACTIONS.map((e) => item(e.operation, undefined, 'not_checked', { note: 'the identity was refused' }));
      return { checkedAt: new Date(now).toISOString(), identityOk: false, items: [{ ...refused, operation: 'AssumeRole', action: 'sts:AssumeRole' }, ...rest], costUsd: 0 };
    }

    const { cloudwatch, guardDuty, costExplorer } = deps.aws;
    for (const region of target.regions) {
      await probe('DescribeAlarms', region, () => cloudwatch.describeAlarms(target, region, signal));
      const metrics = await probe('ListMetrics', region, () => cloudwatch.listMetrics(target, region, signal));
      const end = Math.floor(now / 300_000) * 300_000;
      await probe(
        'GetMetricData',
        region,
        () => cloudwatch.getMetricData(target, region, [metrics?.[0] ?? PROBE_METRIC], { start: new Date(end - 300_000), end: new Date(end), periodSec: 300 }, signal),
        GET_METRIC_DATA_USD_PER_METRIC,
      );
      const detectors = await probe('ListDetectors', region, () => guardDuty.listDetectors(target, region, signal));
      const detectorId = detectors?.[0];
      if (detectors && !detectorId) {
        items.pop();
        items.push(item('ListDetectors', region, 'feature_not_enabled', { ...adviceOf('security', 'ListDetectors', region) }));
      }
      if (!detectorId) {
        const why = detectors ? 'GuardDuty is not enabled in this region' : 'ListDetectors failed';
        items.push(item('ListFindings', region, 'not_checked', { note: why }), item('GetFindings', region, 'not_checked', { note: why }));
        continue;
      }
      const ids = await probe('ListFindings', region, () => guardDuty.listFindingIds(target, region, detectorId, new Date(now - DAY_MS), signal));
      if (ids && ids.length > 0) await probe('GetFindings', region, () => guardDuty.getFindings(target, region, detectorId, ids.slice(0, 1), signal));
      else items.push(item('GetFindings', region, 'not_checked', { note: ids ? 'no recent finding to read; the next collection will tell' : 'ListFindings failed' }));
    }

    const range = { start: day(now - DAY_MS), end: day(now) };
    const ceChecks: [string, () => Promise<unknown>][] = [
      ['GetCostAndUsage', () => costExplorer.getDailyCost(target, range, signal)],
      ['GetCostForecast', () => costExplorer.getForecast(target, { start: day(now), end: day(now + DAY_MS) }, signal)],
      ['GetAnomalies', () => costExplorer.getAnomalies(target, range, signal)],
      ['GetRightsizingRecommendation', () => costExplorer.getRightsizing(target, signal)],
    ];
    for (const [operation, fn] of ceChecks) {
      if (options.includePaid) await probe(operation, undefined, fn, COST_EXPLORER_USD_PER_REQUEST);
      else items.push(item(operation, undefined, 'not_checked', { note: `not checked: Cost Explorer bills $${COST_EXPLORER_USD_PER_REQUEST} per request` }));
    }
    // Failed requests are not billed (AWS-FACTS.md), and a failed probe records no cost.
    const costUsd = Math.round(items.reduce((sum, i) => sum + i.costUsd, 0) * 1e6) / 1e6;
    return { checkedAt: new Date(now).toISOString(), identityOk: true, items, costUsd };
  };
}

function adviceOf(collector: string, operation: string, region: string): Partial<CheckItem> {
  const advice = stepAdvice(collector, { operation, region }, { kind: 'feature', code: NO_DETECTOR, message: '', at: '' });
  return { code: NO_DETECTOR, ...(advice.remedy ? { remedy: advice.remedy } : {}), ...(advice.consoleUrl ? { consoleUrl: advice.consoleUrl } : {}) };
}
