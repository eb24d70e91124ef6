/**
 * What the cost alerts need of a tenant's stored costs: the rules' cost input as src/insights
 * assembles it (the same window the overview and the recommendations read). Two Queries per
 * tenant (costs by day, forecasts).
 */
import type { Tenant } from '../domain/tenant.js';
import { costRuleInput } from '../insights/index.js';
import type { RuleInput, RuleThresholds } from '../rules/index.js';
import type { CostRepository } from '../store/index.js';

/** The rules' input for cost events (no metrics or findings: those rules stay quiet). */
export function loadCostRuleInput(
  costs: Pick<CostRepository, 'daily' | 'forecasts'>,
  tenant: Pick<Tenant, 'id' | 'accounts' | 'settings'>,
  now: number,
  thresholds: Partial<RuleThresholds> = {},
): Promise<RuleInput> {
  return costRuleInput({ costs, now: () => now, thresholds }, tenant);
}
