/**
 * Cost Explorer through the real SDK. Every request — every page — costs the tenant $0.01, so
 * each successful one goes to the billing ledger, and callers should ask rarely (cost every
 * 12 h by default: Cost Explorer's data refreshes at most three times a day).
 */
import {
  GetAnomaliesCommand,
  GetCostAndUsageCommand,
  GetCostForecastCommand,
  GetRightsizingRecommendationCommand,
  type Anomaly,
  type CostExplorerClient,
  type RightsizingRecommendation as SdkRecommendation,
} from '@aws-sdk/client-cost-explorer';
import type { AccountTarget, CostExplorerGateway } from '../domain/gateway.js';
import type { CostAnomaly, CostForecast, DailyCost, MonthlyCost, RightsizingRecommendation } from '../domain/records.js';
import type { AwsCaller } from './aws-caller.js';
import type { BillingLedger } from './billing-ledger.js';
import { COST_EXPLORER_REGION } from './client-factory.js';
import { paginate } from './paginate.js';

/** Anomalies asked per GetAnomalies page (the simulator caps MaxResults at 100). */
export const ANOMALIES_PER_PAGE = 100;

export interface CostExplorerGatewayDeps {
  caller: AwsCaller;
  ledger: BillingLedger;
  now?: () => number;
}

/** A Cost Explorer amount ("12.3456789") as a number; absent or malformed is 0. */
function amount(text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}

function toAnomaly(a: Anomaly): CostAnomaly {
  const record: CostAnomaly = {
    id: a.AnomalyId ?? '',
    startDay: (a.AnomalyStartDate ?? '').slice(0, 10),
    impactUsd: a.Impact?.TotalImpact ?? a.Impact?.MaxImpact ?? 0,
  };
  const service = a.RootCauses?.find((cause) => cause.Service)?.Service;
  if (service) record.service = service;
  if (a.AnomalyEndDate) record.endDay = a.AnomalyEndDate.slice(0, 10);
  const score = a.AnomalyScore?.CurrentScore ?? a.AnomalyScore?.MaxScore;
  if (score !== undefined) record.score = score;
  const causes = (a.RootCauses ?? [])
    .slice(0, 10)
    .map((c) => ({
      ...(c.Service ? { service: c.Service } : {}),
      ...(c.Region ? { region: c.Region } : {}),
      ...(c.LinkedAccount ? { linkedAccount: c.LinkedAccount } : {}),
      ...(c.UsageType ? { usageType: c.UsageType } : {}),
    }))
    .filter((c) => Object.keys(c).length > 0);
  if (causes.length > 0) record.rootCauses = causes;
  return record;
}

function toRecommendation(r: SdkRecommendation): RightsizingRecommendation | undefined {
  const resourceId = r.CurrentInstance?.ResourceId;
  if (!resourceId || (r.RightsizingType !== 'MODIFY' && r.RightsizingType !== 'TERMINATE')) return undefined;
  const current = r.CurrentInstance?.ResourceDetails?.EC2ResourceDetails;
  const target = r.ModifyRecommendationDetail?.TargetInstances?.find((t) => t.DefaultTargetInstance) ?? r.ModifyRecommendationDetail?.TargetInstances?.[0];
  const record: RightsizingRecommendation = {
    resourceId,
    action: r.RightsizingType === 'MODIFY' ? 'Modify' : 'Terminate',
    monthlySavingUsd: amount(r.RightsizingType === 'MODIFY' ? target?.EstimatedMonthlySavings : r.TerminateRecommendationDetail?.EstimatedMonthlySavings),
  };
  if (current?.InstanceType) record.currentType = current.InstanceType;
  if (current?.Region) record.region = current.Region;
  const targetType = target?.ResourceDetails?.EC2ResourceDetails?.InstanceType;
  if (targetType) record.targetType = targetType;
  return record;
}

/** The Cost Explorer adapter (one global endpoint, us-east-1). */
export function createCostExplorerGateway(deps: CostExplorerGatewayDeps): CostExplorerGateway {
  const now = deps.now ?? Date.now;

  /** One Cost Explorer request; billed, and so recorded, only when it succeeds. */
  async function request<T>(
    target: AccountTarget,
    operation: string,
    signal: AbortSignal,
    send: (client: CostExplorerClient, abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const out = await deps.caller.call({ target, service: 'ce', region: COST_EXPLORER_REGION, operation, signal }, send);
    deps.ledger.record(target.tenantId, target.id, 'costExplorerRequests', 1, new Date(now()));
    return out;
  }

  /**
   * Cost by service and region per DAILY or MONTHLY bucket over [start, end), every page (each
   * billed). REGION is the second GroupBy ("up to two different groups", GetCostAndUsage API
   * reference, GroupBy), so the region view costs no extra request; a page holds fewer buckets,
   * so a long range may take one more page.
   */
  function costByService(target: AccountTarget, range: { start: string; end: string }, granularity: 'DAILY' | 'MONTHLY', signal: AbortSignal) {
    return paginate<DailyCost>({ service: 'ce', operation: 'GetCostAndUsage' }, async (token) => {
      const out = await request(target, 'GetCostAndUsage', signal, (client, abortSignal) =>
        client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: range.start, End: range.end },
            Granularity: granularity,
            Metrics: ['UnblendedCost'],
            GroupBy: [
              { Type: 'DIMENSION', Key: 'SERVICE' },
              { Type: 'DIMENSION', Key: 'REGION' },
            ],
            NextPageToken: token,
          }),
          { abortSignal },
        ),
      );
      const items: DailyCost[] = [];
      for (const bucket of out.ResultsByTime ?? []) {
        const start = bucket.TimePeriod?.Start;
        if (!start) continue;
        for (const group of bucket.Groups ?? []) {
          const [service, region] = group.Keys ?? [];
          // Costs with no region (some global charges) come with an empty key: kept as `global`.
          if (service) items.push({ day: start, service, region: region || 'global', amountUsd: amount(group.Metrics?.UnblendedCost?.Amount) });
        }
      }
      return { items, next: out.NextPageToken };
    });
  }

  return {
    getDailyCost: (target, range, signal) => costByService(target, range, 'DAILY', signal),

    async getMonthlyCost(target, range, signal) {
      // A MONTHLY bucket starts on the 1st, or on the range's start when it falls mid-month.
      const rows = await costByService(target, range, 'MONTHLY', signal);
      return rows.map((row): MonthlyCost => ({ month: row.day.slice(0, 7), service: row.service, amountUsd: row.amountUsd, ...(row.region ? { region: row.region } : {}) }));
    },

    async getForecast(target, range, signal) {
      const out = await request(target, 'GetCostForecast', signal, (client, abortSignal) =>
        client.send(
          new GetCostForecastCommand({
            TimePeriod: { Start: range.start, End: range.end },
            Metric: 'UNBLENDED_COST',
            Granularity: 'MONTHLY',
            PredictionIntervalLevel: 80,
          }),
          { abortSignal },
        ),
      );
      const periods = out.ForecastResultsByTime ?? [];
      const forecast: CostForecast = { start: range.start, end: range.end, meanUsd: amount(out.Total?.Amount) };
      if (periods.length > 0 && periods.every((p) => p.PredictionIntervalLowerBound !== undefined)) {
        forecast.lowerUsd = periods.reduce((sum, p) => sum + amount(p.PredictionIntervalLowerBound), 0);
      }
      if (periods.length > 0 && periods.every((p) => p.PredictionIntervalUpperBound !== undefined)) {
        forecast.upperUsd = periods.reduce((sum, p) => sum + amount(p.PredictionIntervalUpperBound), 0);
      }
      return forecast;
    },

    async getAnomalies(target, range, signal) {
      return paginate<CostAnomaly>({ service: 'ce', operation: 'GetAnomalies' }, async (token) => {
        const out = await request(target, 'GetAnomalies', signal, (client, abortSignal) =>
          client.send(
            // MaxResults ("the number of entries a paginated response contains", GetAnomalies API
            // reference): without it the service's default page is small and 30 days of anomalies
            // of a spiky account would take several billed pages; 100 holds them in one.
            new GetAnomaliesCommand({ DateInterval: { StartDate: range.start, EndDate: range.end }, MaxResults: ANOMALIES_PER_PAGE, NextPageToken: token }),
            { abortSignal },
          ),
        );
        return { items: (out.Anomalies ?? []).filter((a) => a.AnomalyId).map(toAnomaly), next: out.NextPageToken };
      });
    },

    async getRightsizing(target, signal) {
      return paginate<RightsizingRecommendation>({ service: 'ce', operation: 'GetRightsizingRecommendation' }, async (token) => {
        const out = await request(target, 'GetRightsizingRecommendation', signal, (client, abortSignal) =>
          client.send(
            new GetRightsizingRecommendationCommand({
              Service: 'AmazonEC2',
              Configuration: { RecommendationTarget: 'SAME_INSTANCE_FAMILY', BenefitsConsidered: true },
              PageSize: 100,
              NextPageToken: token,
            }),
            { abortSignal },
          ),
        );
        const items = (out.RightsizingRecommendations ?? []).map(toRecommendation).filter((r) => r !== undefined);
        return { items, next: out.NextPageToken };
      });
    },
  };
}
