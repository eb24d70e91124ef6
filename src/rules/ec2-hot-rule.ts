/** EC2 instances running hot most of the time: a performance risk, not a saving. */
import { impactOfScore } from './impact.js';
import type { Ec2Instance } from './ec2-instance.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { round } from './stats.js';
import { daysBefore, utcDay, utcDayOf } from './utc-day.js';

/** Input of the hot-instance rule, for one account. */
export interface Ec2HotInput {
  accountId: string;
  now: Date;
  instances: readonly Ec2Instance[];
}

/**
 * Flag instances whose CPU was above `ec2HotCpuPct` in at least `ec2HotShare` of their
 * datapoints over the last `ec2HotLookbackDays` whole days, given data on `ec2HotMinDays` days.
 * Raw datapoints, not daily averages: a daily average hides the hours an instance is saturated.
 * The score rises with the hot share: 60 at 75 % (medium), 80 at 100 % (high).
 */
export function ec2HotRule(input: Ec2HotInput, thresholds: RuleThresholds): Recommendation[] {
  const inWindow = new Set(daysBefore(utcDay(input.now), thresholds.ec2HotLookbackDays));
  const recommendations: Recommendation[] = [];
  for (const instance of input.instances) {
    const days = new Set<string>();
    let total = 0;
    let hot = 0;
    for (const point of instance.cpu) {
      const day = utcDayOf(point.t);
      if (day === undefined || !inWindow.has(day) || !Number.isFinite(point.v)) continue;
      days.add(day);
      total += 1;
      if (point.v > thresholds.ec2HotCpuPct) hot += 1;
    }
    if (days.size < thresholds.ec2HotMinDays || total === 0) continue;
    const share = hot / total;
    if (share < thresholds.ec2HotShare) continue;
    const { instanceId, region, instanceType } = instance;
    const pct = round(share * 100, 1);
    const name = instanceType ? `${instanceId} (${instanceType})` : instanceId;
    recommendations.push({
      id: recommendationId('ec2-hot', [input.accountId, region, instanceId]),
      rule: 'ec2-hot',
      category: 'performance',
      ...impactOfScore(share * 80),
      accountId: input.accountId,
      resources: [{ type: 'ec2-instance', id: instanceId, region }],
      evidence: {
        hotSharePct: pct,
        hotDatapoints: hot,
        datapoints: total,
        thresholdCpuPct: thresholds.ec2HotCpuPct,
        daysWithData: days.size,
        lookbackDays: thresholds.ec2HotLookbackDays,
        ...(instanceType ? { instanceType } : {}),
      },
      title: `Scale up or out EC2 instance ${name}`,
      summary: `CPU was above ${thresholds.ec2HotCpuPct}% in ${pct}% of datapoints over the last ${thresholds.ec2HotLookbackDays} days. Move to a larger size or spread the load.`,
    });
  }
  return recommendations;
}
