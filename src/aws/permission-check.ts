/**
 * The permission check of a connected account (`POST /api/accounts/:id/check`): one cheap call
 * per IAM action in the operation table and per region, through the same adapters and
 * classification the collectors use, so what it reports is what collection will meet. Each call
 * is the operation's `probe` in its collector's descriptor (src/collectors/operation-probe.ts).
 *
 * What it costs the tenant: CloudWatch, GuardDuty, Health and Security Hub reads are free, except GetMetricData, billed
 * per metric: the check asks for one metric per region ($0.00001 each). Cost Explorer bills $0.01
 * per request, so its four checks run only when asked (`includePaid`); otherwise they are reported
 * as not checked, and the caller may show the last cost run's outcome instead.
 */
import { AwsCallError, type AwsFailureKind } from '../domain/errors.js';
import type { AccountTarget, AwsGateway } from '../domain/gateway.js';
import { COLLECTOR_KINDS } from '../domain/tenant.js';
import { COST_EXPLORER_USD_PER_REQUEST, GET_METRIC_DATA_USD_PER_METRIC } from './aws-prices.js';
import { OPERATION_ACTIONS, SERVICE_NAMES, type Billing, type OperationAction } from './operation-actions.js';
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

/**
 * What one successful probe costs the tenant, by how its operation is billed: GetMetricData is
 * billed per metric (a probe asks for one); the only per-request operations are Cost Explorer's.
 */
const PROBE_COST_USD: Record<Billing, number> = { free: 0, 'per-metric': GET_METRIC_DATA_USD_PER_METRIC, 'per-request': COST_EXPLORER_USD_PER_REQUEST };

/**
 * Create the check over the adapters. The probe list is the collectors' operation table
 * (OPERATION_ACTIONS, from the descriptors): each operation is called once per region (a global
 * one once) through its own probe, so it is checked against its own service, and a denied
 * action shows on the collector that needs it only.
 */
export function createPermissionCheck(deps: {
  aws: AwsGateway;
  verifyIdentity: (target: AccountTarget, signal: AbortSignal) => Promise<void>;
  now: () => number;
}): CheckPermissions {
  return async (target, options, signal) => {
    const now = deps.now();
    const items: CheckItem[] = [];
    const item = (e: OperationAction, region: string | undefined, result: CheckResult, extra: Partial<CheckItem> = {}): CheckItem => ({
      collector: e.collector,
      operation: e.operation,
      action: e.action,
      ...(region ? { region } : {}),
      result,
      costUsd: 0,
      ...extra,
    });
    const advised = (e: OperationAction, region: string | undefined, kind: AwsFailureKind, code: string, action?: string): Partial<CheckItem> => {
      const advice = stepAdvice(e.collector, { operation: e.operation, ...(region ? { region } : {}) }, { kind, code, ...(action ? { action } : {}), message: '', at: '' });
      return { code, ...(advice.remedy ? { remedy: advice.remedy } : {}), ...(advice.consoleUrl ? { consoleUrl: advice.consoleUrl } : {}) };
    };

    try {
      await deps.verifyIdentity(target, signal);
    } catch (error) {
      signal.throwIfAborted();
      if (!(error instanceof AwsCallError)) throw error;
      const first = OPERATION_ACTIONS[0]!;
      const refused = item(first, undefined, 'identity_refused', {
        operation: 'AssumeRole',
        action: 'sts:AssumeRole',
        code: error.awsCode ?? error.code,
        remedy: 'AWS refused the role or the keys: check the role\'s trust policy and ExternalId (or the keys), then update the account.',
      });
      const rest = OPERATION_ACTIONS.map((e) => item(e, undefined, 'not_checked', { note: 'the identity was refused' }));
      return { checkedAt: new Date(now).toISOString(), identityOk: false, items: [refused, ...rest], costUsd: 0 };
    }

    /** Probe the operations of one collector in one region (undefined: its global ones), in table order. */
    const probeAll = async (operations: readonly OperationAction[], region: string | undefined) => {
      const earlier = new Map<string, unknown>();
      for (const e of operations) {
        const price = PROBE_COST_USD[e.billing];
        if (e.billing === 'per-request' && !options.includePaid) {
          items.push(item(e, region, 'not_checked', { note: `not checked: ${SERVICE_NAMES[e.service]} bills $${price} per request` }));
          continue;
        }
        const skipped = e.probe.skip?.(earlier);
        if (skipped) {
          items.push(item(e, region, skipped.result, skipped.note ? { note: skipped.note } : {}));
          continue;
        }
        let value: unknown;
        try {
          value = await e.probe.run({ aws: deps.aws, target, region, now, signal, earlier });
        } catch (error) {
          signal.throwIfAborted();
          if (!(error instanceof AwsCallError)) throw error;
          items.push(item(e, region, RESULT_OF[error.kind], advised(e, region, error.kind, error.awsCode ?? error.code, error.action)));
          continue;
        }
        earlier.set(e.operation, value);
        const verdict = e.probe.judge?.(value);
        if (verdict) {
          items.push(item(e, region, verdict.result, { ...(verdict.note ? { note: verdict.note } : {}), ...(verdict.code ? advised(e, region, 'feature', verdict.code) : {}) }));
          continue;
        }
        items.push(item(e, region, 'ok', price ? { costUsd: price, note: `billed: $${price}` } : {}));
      }
    };

    for (const d of COLLECTOR_KINDS) {
      const operations = OPERATION_ACTIONS.filter((e) => e.collector === d);
      const regional = operations.filter((e) => e.regional);
      if (regional.length > 0) for (const region of target.regions) await probeAll(regional, region);
      const global = operations.filter((e) => !e.regional);
      if (global.length > 0) await probeAll(global, undefined);
    }
    // Failed requests are not billed (AWS-FACTS.md), and a failed probe records no cost.
    const costUsd = Math.round(items.reduce((sum, i) => sum + i.costUsd, 0) * 1e6) / 1e6;
    return { checkedAt: new Date(now).toISOString(), identityOk: true, items, costUsd };
  };
}
