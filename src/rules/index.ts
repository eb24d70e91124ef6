/** Recommendations and alert decisions: pure functions over collected data (no I/O, no clock). */
export { evaluateRules, type AccountRuleData, type RuleInput } from './evaluate-rules.js';
export { DEFAULT_THRESHOLDS, resolveThresholds, type RuleThresholds } from './rule-thresholds.js';
export {
  compareRecommendations,
  recommendationId,
  type Evidence,
  type Priority,
  type Recommendation,
  type RecommendationCategory,
  type ResourceRef,
  type RuleId,
} from './recommendation.js';
export { ec2InstancesFromSeries, type Ec2Instance } from './ec2-instance.js';
export { EC2_COMPUTE_SERVICE, HOURS_PER_MONTH, type CostBasis, type InstancePriceTable } from './instance-cost.js';
export { ec2RightsizeRule, type Ec2RightsizeInput } from './ec2-rightsize-rule.js';
export { ec2HotRule, type Ec2HotInput } from './ec2-hot-rule.js';
export { costSpikeRule, detectCostSpikes, type CostSpike, type CostSpikeInput } from './cost-spike-rule.js';
export {
  budgetForecastRule,
  detectBudgetOverrun,
  projectMonthSpend,
  projectSpend,
  type SpendProjection,
  type BudgetInput,
  type BudgetProjection,
} from './budget-forecast-rule.js';
export {
  actualToDate,
  budgetThresholdKey,
  BUDGET_THRESHOLDS,
  detectBudgetCrossings,
  lowerThresholdKeys,
  type BudgetBasis,
  type BudgetCrossing,
  type BudgetThreshold,
  type BudgetThresholdInput,
} from './budget-threshold-rule.js';
export { rightsizingRule, type RightsizingInput } from './rightsizing-rule.js';
export { guardDutyFindingRule, type GuardDutyFindingInput } from './guardduty-finding-rule.js';
export { guardDutyCoverageRule, type GuardDutyCoverageInput } from './guardduty-coverage-rule.js';
export { sqsQueueAgeRule, SQS_DEFAULT_RETENTION_SEC, type SqsQueueAgeInput } from './sqs-queue-age-rule.js';
export { dynamoThrottleRule, type DynamoThrottleInput } from './dynamodb-throttle-rule.js';
export { lambdaErrorRateRule, type LambdaErrorRateInput } from './lambda-error-rate-rule.js';
export { RULE_SERIES } from './rule-series.js';
export { findCostEvents, type CostEvent } from './cost-events.js';
export {
  costAlertKey,
  decideCostAlerts,
  decideFindingAlerts,
  findingAlertKey,
  wantsFindingAlert,
  type Alert,
  type AlertPreferences,
  type CostAlert,
  type CostAlertInput,
  type FindingAlert,
  type FindingAlertInput,
} from './alert-decisions.js';
export { groupAlerts, type AlertBatch } from './alert-batch.js';
export {
  decideHealthAlerts,
  healthAlertKey,
  healthAlertKind,
  healthOpenings,
  wantsHealthAlert,
  type HealthAlertKind,
  type HealthAlertPreferences,
  type HealthOpening,
} from './alert-health.js';
export { accessChanges, accessProblems, type AccessChange, type AccessProblem } from './access-alerts.js';
export {
  alarmEpisodes,
  alarmTransitionKey,
  alarmTransitions,
  decideAlarmAlerts,
  transitionTime,
  type AlarmAlertPreferences,
  type AlarmEpisode,
  type AlarmTransition,
  type AlarmTransitionView,
} from './alert-alarms.js';
