/**
 * The one assembler of the rules' input: which stored data each rule reads, over which window
 * (`windows.ts`). The recommendations read everything; the cost alerts only costs and forecasts
 * (the other rules stay quiet without their data).
 */
import { regionsWithoutDetector } from '../domain/run-steps.js';
import { ec2InstancesFromSeries, RULE_SERIES, type AccountRuleData, type RuleInput } from '../rules/index.js';
import { cachedRead, type CostSources, type InsightSources, type InsightTenant } from './insight-sources.js';
import { forecasts, openFindings, recentCosts, stateSnapshot } from './tenant-inputs.js';
import { DAY_MS, ec2Window } from './windows.js';

/** The tenant's budget and the accounts' own, those set to a positive figure. */
function budgetOf(tenant: InsightTenant): { monthlyBudgetUsd?: number; accountBudgetsUsd?: Record<string, number> } {
  const budget = tenant.settings.monthlyBudgetUsd;
  const accounts = Object.fromEntries(tenant.accounts.filter((a) => a.monthlyBudgetUsd !== undefined && a.monthlyBudgetUsd > 0).map((a) => [a.id, a.monthlyBudgetUsd!]));
  return { ...(budget !== undefined && budget > 0 ? { monthlyBudgetUsd: budget } : {}), ...(Object.keys(accounts).length > 0 ? { accountBudgetsUsd: accounts } : {}) };
}

/** The cost rules' input: each account's daily costs and latest forecast. Two reads. */
export async function costRuleInput(sources: CostSources, tenant: InsightTenant, signal?: AbortSignal): Promise<RuleInput> {
  const now = sources.now();
  const [costs, allForecasts] = await Promise.all([recentCosts(sources, tenant.id, signal), forecasts(sources, tenant.id, signal)]);
  const accounts = tenant.accounts.map((account): AccountRuleData => {
    const forecast = allForecasts.find((f) => f.accountId === account.id);
    return {
      accountId: account.id,
      dailyCosts: costs.rows.filter((row) => row.accountId === account.id).map(({ day, service, amountUsd }) => ({ day, service, amountUsd })),
      ...(forecast ? { forecast: { start: forecast.start, end: forecast.end, meanUsd: forecast.meanUsd } } : {}),
    };
  });
  return { now: new Date(now), accounts, ...budgetOf(tenant) };
}

/** Every rule's input: costs, forecasts, rightsizing, EC2 and service series, findings, detector coverage. */
export async function fullRuleInput(sources: InsightSources, tenant: InsightTenant, signal?: AbortSignal): Promise<RuleInput> {
  const now = sources.now();
  const tenantId = tenant.id;
  const ec2 = ec2Window(now, sources.thresholds);
  const [costInput, rightsizing, snapshot, findings] = await Promise.all([
    costRuleInput(sources, tenant, signal),
    cachedRead(sources, tenantId, 'costs:rightsizing', (shared) => sources.costs.rightsizing(tenantId, shared), signal),
    stateSnapshot(sources, tenantId, signal),
    openFindings(sources, tenantId, ['high', 'critical'], signal),
  ]);
  const accounts = await Promise.all(
    costInput.accounts.map(async (costs): Promise<AccountRuleData> => {
      const accountId = costs.accountId;
      const series = await cachedRead(
        sources,
        tenantId,
        `metrics:ec2cpu:${accountId}:${ec2.hourKey}`,
        (shared) => sources.metrics.query(tenantId, { accountId, namespace: 'AWS/EC2', metricName: 'CPUUtilization', from: ec2.from, to: ec2.to }, shared),
        signal,
      );
      // The service rules' series (SQS age, DynamoDB throttling, Lambda errors), each over the days its rule needs.
      const ruleSeries = await Promise.all(
        RULE_SERIES.map((r) => {
          const since = new Date(now - r.days * DAY_MS).toISOString();
          return cachedRead(
            sources,
            tenantId,
            `metrics:rule:${accountId}:${r.namespace}:${r.metricName}:${ec2.to.slice(0, 15)}`,
            (shared) => sources.metrics.query(tenantId, { accountId, namespace: r.namespace, metricName: r.metricName, from: since, to: ec2.to }, shared),
            signal,
          );
        }),
      );
      const security = snapshot.runs.find((run) => run.accountId === accountId && run.collector === 'security');
      return {
        ...costs,
        instances: ec2InstancesFromSeries(series),
        rightsizing: rightsizing.filter((r) => r.accountId === accountId),
        findings: findings.filter((f) => f.accountId === accountId),
        regionsWithoutDetector: regionsWithoutDetector(security),
        series: ruleSeries.flat(),
      };
    }),
  );
  return { ...costInput, accounts };
}
