/**
 * EC2 idle and underused instances. The judged figure is the highest daily-average CPU over the
 * window: an instance is idle only if even its busiest day was quiet.
 */
import type { DailyCost } from '../domain/records.js';
import { dailyAverages } from './daily-average.js';
import { impactOfMonthlyUsd, impactOfScore, type Impact } from './impact.js';
import { ec2MonthlySpend, estimateInstanceCosts, type InstanceCost, type InstancePriceTable } from './instance-cost.js';
import type { Ec2Instance } from './ec2-instance.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';
import { daysBefore, utcDay } from './utc-day.js';

/** Input of the idle/underused rule, for one account. */
export interface Ec2RightsizeInput {
  accountId: string;
  /** The evaluation time; the window is the whole UTC days before its day. */
  now: Date;
  instances: readonly Ec2Instance[];
  /** The account's daily costs, for the cost-share estimate when an instance has no price. */
  dailyCosts?: readonly DailyCost[];
  prices?: InstancePriceTable;
}

/** A downsize by one size roughly halves the price within a family (sizes double in vCPU and price). */
const DOWNSIZE_SAVING_SHARE = 0.5;
/** Scores used when no cost estimate exists: an idle instance still deserves attention, a downsize less. */
const UNKNOWN_COST_SCORE = { idle: 40, underused: 20 } as const;

interface Judged {
  instance: Ec2Instance;
  maxDailyAvg: number;
  daysWithData: number;
}

/**
 * Stop idle instances (busiest day below `ec2IdleCpuPct`) and downsize underused ones (below
 * `ec2UnderusedCpuPct`). Instances with fewer than `ec2MinDays` days of data in the window are
 * not judged. One id per instance for both verdicts, so a dismissal sticks even if the instance
 * wavers around the idle threshold.
 */
export function ec2RightsizeRule(input: Ec2RightsizeInput, thresholds: RuleThresholds): Recommendation[] {
  const window = daysBefore(utcDay(input.now), thresholds.ec2LookbackDays);
  const inWindow = new Set(window);
  const judged: Judged[] = [];
  for (const instance of input.instances) {
    const daily = [...dailyAverages(instance.cpu)].filter(([day]) => inWindow.has(day)).map(([, avg]) => avg);
    if (daily.length === 0) continue;
    judged.push({ instance, maxDailyAvg: Math.max(...daily), daysWithData: daily.length });
  }
  const costs = estimateInstanceCosts(
    judged.map((j) => j.instance),
    input.prices,
    input.dailyCosts ? ec2MonthlySpend(input.dailyCosts, window) : undefined,
  );
  const recommendations: Recommendation[] = [];
  for (const j of judged) {
    if (j.daysWithData < thresholds.ec2MinDays) continue;
    const verdict =
      j.maxDailyAvg < thresholds.ec2IdleCpuPct ? 'idle' : j.maxDailyAvg < thresholds.ec2UnderusedCpuPct ? 'underused' : undefined;
    if (verdict === undefined) continue;
    recommendations.push(toRecommendation(input.accountId, j, verdict, costs.get(j.instance.instanceId), thresholds));
  }
  return recommendations;
}

function toRecommendation(
  accountId: string,
  j: Judged,
  verdict: 'idle' | 'underused',
  cost: InstanceCost | undefined,
  thresholds: RuleThresholds,
): Recommendation {
  const { instanceId, region, instanceType } = j.instance;
  const saving = cost === undefined ? undefined : round(verdict === 'idle' ? cost.monthlyUsd : cost.monthlyUsd * DOWNSIZE_SAVING_SHARE);
  const impact: Impact = saving === undefined ? impactOfScore(UNKNOWN_COST_SCORE[verdict]) : impactOfMonthlyUsd(saving, thresholds);
  const cpu = round(j.maxDailyAvg, 1);
  const name = instanceType ? `${instanceId} (${instanceType})` : instanceId;
  const threshold = verdict === 'idle' ? thresholds.ec2IdleCpuPct : thresholds.ec2UnderusedCpuPct;
  const days = thresholds.ec2LookbackDays;
  return {
    id: recommendationId('ec2-rightsize', [accountId, region, instanceId]),
    rule: 'ec2-rightsize',
    category: 'cost',
    ...impact,
    ...(saving === undefined ? {} : { estimatedMonthlySavingUsd: saving }),
    accountId,
    resources: [{ type: 'ec2-instance', id: instanceId, region }],
    evidence: {
      verdict,
      maxDailyAvgCpuPct: cpu,
      thresholdCpuPct: threshold,
      daysWithData: j.daysWithData,
      lookbackDays: days,
      ...(instanceType ? { instanceType } : {}),
      ...(cost ? { monthlyCostUsd: round(cost.monthlyUsd), costBasis: cost.basis } : {}),
    },
    title: verdict === 'idle' ? `Stop idle EC2 instance ${name}` : `Downsize underused EC2 instance ${name}`,
    summary:
      verdict === 'idle'
        ? `Its busiest day in the last ${days} days averaged ${cpu}% CPU (below ${threshold}%). Stop or terminate it if nothing needs it.`
        : `Its busiest day in the last ${days} days averaged ${cpu}% CPU (below ${threshold}%). One size smaller would likely do and costs about half.`,
  };
}
