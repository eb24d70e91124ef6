/** Cost events: the spikes and budget overruns a cost alert is sent about. */
import { detectBudgetOverrun, type BudgetProjection } from './budget-forecast-rule.js';
import { detectCostSpikes, type CostSpike } from './cost-spike-rule.js';
import type { RuleInput } from './evaluate-rules.js';
import { resolveThresholds, type RuleThresholds } from './rule-thresholds.js';

/** A spike of one service on one day, or the month's projection above the budget. */
export type CostEvent = ({ kind: 'spike' } & CostSpike) | ({ kind: 'budget' } & BudgetProjection);

/**
 * The cost events in a tenant's data, found by the same detectors as the `cost-spike` and
 * `budget-forecast` recommendations (each event carries that recommendation's id).
 */
export function findCostEvents(input: RuleInput, thresholds: Partial<RuleThresholds> = {}): CostEvent[] {
  const t = resolveThresholds(thresholds);
  const events: CostEvent[] = [];
  for (const account of input.accounts) {
    const spikes = detectCostSpikes({ accountId: account.accountId, now: input.now, dailyCosts: account.dailyCosts ?? [] }, t);
    for (const spike of spikes) events.push({ kind: 'spike', ...spike });
  }
  const overrun = detectBudgetOverrun({ now: input.now, monthlyBudgetUsd: input.monthlyBudgetUsd, accounts: input.accounts });
  if (overrun) events.push({ kind: 'budget', ...overrun });
  return events;
}
