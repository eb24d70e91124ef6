/** Cost events: the spikes and budget thresholds a cost alert is sent about. */
import { detectBudgetCrossings, type BudgetCrossing } from './budget-threshold-rule.js';
import { detectCostSpikes, type CostSpike } from './cost-spike-rule.js';
import type { RuleInput } from './evaluate-rules.js';
import { resolveThresholds, type RuleThresholds } from './rule-thresholds.js';

/** A spike of one service on one day, or a budget's (tenant's or account's) highest threshold crossed this month. */
export type CostEvent = ({ kind: 'spike' } & CostSpike) | ({ kind: 'threshold' } & BudgetCrossing);

/**
 * The cost events in a tenant's data: spikes, found by the same detector as the `cost-spike`
 * recommendation (each carries its id), and budget threshold crossings (50/80/100 % of actual
 * and of forecast, for the tenant's budget and each account's).
 */
export function findCostEvents(input: RuleInput, thresholds: Partial<RuleThresholds> = {}): CostEvent[] {
  const t = resolveThresholds(thresholds);
  const events: CostEvent[] = [];
  for (const account of input.accounts) {
    const spikes = detectCostSpikes({ accountId: account.accountId, now: input.now, dailyCosts: account.dailyCosts ?? [] }, t);
    for (const spike of spikes) events.push({ kind: 'spike', ...spike });
  }
  const crossings = detectBudgetCrossings({ now: input.now, monthlyBudgetUsd: input.monthlyBudgetUsd, accounts: input.accounts, ...(input.accountBudgetsUsd ? { accountBudgetsUsd: input.accountBudgetsUsd } : {}) });
  for (const crossing of crossings) events.push({ kind: 'threshold', ...crossing });
  return events;
}
