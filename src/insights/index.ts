/** Derived data, below http: the rules' input, recommendations, month-to-date and forecast, open findings. */
export { cachedRead, insightSources, type CachedRead, type CostSources, type InsightSources, type InsightStore, type InsightTenant } from './insight-sources.js';
export { costWindow, dayOf, DAY_MS, ec2Window, monthStartOf } from './windows.js';
export { monthForecast, monthForecastUsd, monthToDateUsd, usd, type MonthForecast } from './month-cost.js';
export { monthsBeyondDaily } from './month-history.js';
export { findingCounts, forecasts, openFindings, recentCosts, stateSnapshot, suppressionRules } from './tenant-inputs.js';
export { costRuleInput, fullRuleInput } from './rule-input.js';
export { CATEGORY_OF_RULE, categoryOf, PRIORITY_RANK, priorityOf, SEVERITY_OF_PRIORITY } from './recommendation-maps.js';
export { currentRecommendations, refreshRecommendations, storedRecommendation, type CurrentRecommendation } from './recommendations.js';
export { budgetStatuses, type BudgetAccount, type BudgetStatus } from './budget-status.js';
