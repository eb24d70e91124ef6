/** Every rule over one tenant's collected data, in one call. */
import type { CostForecast, DailyCost, Finding, MetricSeries, RightsizingRecommendation } from '../domain/records.js';
import { dynamoThrottleRule } from './dynamodb-throttle-rule.js';
import { lambdaErrorRateRule } from './lambda-error-rate-rule.js';
import { sqsQueueAgeRule } from './sqs-queue-age-rule.js';
import { budgetForecastRule } from './budget-forecast-rule.js';
import { costSpikeRule } from './cost-spike-rule.js';
import { ec2HotRule } from './ec2-hot-rule.js';
import type { Ec2Instance } from './ec2-instance.js';
import { ec2RightsizeRule } from './ec2-rightsize-rule.js';
import { guardDutyCoverageRule } from './guardduty-coverage-rule.js';
import { guardDutyFindingRule } from './guardduty-finding-rule.js';
import type { InstancePriceTable } from './instance-cost.js';
import { compareRecommendations, type Recommendation } from './recommendation.js';
import { rightsizingRule } from './rightsizing-rule.js';
import { resolveThresholds, type RuleThresholds } from './rule-thresholds.js';

/** What was collected for one AWS account; every part optional, rules without data stay quiet. */
export interface AccountRuleData {
  /** Our id of the account (the connection id), part of every recommendation id. */
  accountId: string;
  instances?: readonly Ec2Instance[];
  dailyCosts?: readonly DailyCost[];
  /** Cost Explorer's forecast for the rest of the current month. */
  forecast?: CostForecast;
  rightsizing?: readonly RightsizingRecommendation[];
  findings?: readonly Finding[];
  regionsWithoutDetector?: readonly string[];
  /** Other collected series the service rules read (SQS age, DynamoDB throttling, Lambda errors and invocations). */
  series?: readonly MetricSeries[];
}

/** One tenant's input to the rules. */
export interface RuleInput {
  /** The evaluation time. Rules never read the clock: the same input gives the same output. */
  now: Date;
  accounts: readonly AccountRuleData[];
  /** The tenant's monthly budget in USD (TenantSettings.monthlyBudgetUsd). */
  monthlyBudgetUsd?: number;
  /** Account id -> the account's own monthly budget in USD (Account.monthlyBudgetUsd). */
  accountBudgetsUsd?: Readonly<Record<string, number>>;
  /** On-demand prices for instance savings; without them, savings come from the EC2 cost share. */
  prices?: InstancePriceTable;
}

/**
 * Run every rule and return the recommendations, highest impact first. Where Cost Explorer has
 * its own rightsizing recommendation for an instance, ours for the same instance is dropped: its
 * figure uses real prices and more than CPU, and listing both would count one saving twice in
 * any total. Throws `AppError('INVALID_THRESHOLDS')` for bad overrides.
 */
export function evaluateRules(input: RuleInput, thresholds: Partial<RuleThresholds> = {}): Recommendation[] {
  const t = resolveThresholds(thresholds);
  const { now } = input;
  const all: Recommendation[] = [];
  for (const account of input.accounts) {
    const { accountId } = account;
    const instances = account.instances ?? [];
    const coveredByCe = new Set((account.rightsizing ?? []).map((r) => r.resourceId));
    const ours = ec2RightsizeRule({ accountId, now, instances, dailyCosts: account.dailyCosts ?? [], prices: input.prices }, t);
    all.push(...ours.filter((r) => !r.resources.some((res) => coveredByCe.has(res.id))));
    all.push(...rightsizingRule({ accountId, rightsizing: account.rightsizing ?? [] }, t));
    all.push(...ec2HotRule({ accountId, now, instances }, t));
    all.push(...costSpikeRule({ accountId, now, dailyCosts: account.dailyCosts ?? [] }, t));
    all.push(...guardDutyFindingRule({ accountId, findings: account.findings ?? [] }, t));
    all.push(...guardDutyCoverageRule({ accountId, regionsWithoutDetector: account.regionsWithoutDetector ?? [] }));
    const series = account.series ?? [];
    all.push(...sqsQueueAgeRule({ accountId, now, series }, t));
    all.push(...dynamoThrottleRule({ accountId, now, series }, t));
    all.push(...lambdaErrorRateRule({ accountId, now, series }, t));
  }
  all.push(...budgetForecastRule({ now, monthlyBudgetUsd: input.monthlyBudgetUsd, accounts: input.accounts }, t));
  return all.sort(compareRecommendations);
}
