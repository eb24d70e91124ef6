/** A service's daily cost far above its recent normal. */
import type { DailyCost } from '../domain/records.js';
import { impactOfMonthlyUsd } from './impact.js';
import { DAYS_PER_MONTH } from './instance-cost.js';
import { recommendationId, type Recommendation } from './recommendation.js';
import type { RuleThresholds } from './rule-thresholds.js';
import { mean, round, standardDeviation } from './stats.js';
import { addDays, daysBefore, utcDay } from './utc-day.js';
import { usdText } from './usd-text.js';

/** Input of the cost-spike rule, for one account. */
export interface CostSpikeInput {
  accountId: string;
  now: Date;
  dailyCosts: readonly DailyCost[];
}

/** One detected spike: the event the recommendation and the cost alert are about. */
export interface CostSpike {
  accountId: string;
  service: string;
  day: string;
  amountUsd: number;
  meanUsd: number;
  stdDevUsd: number;
  historyDays: number;
  /** The id of the recommendation raised for it. */
  recommendationId: string;
}

/**
 * Find spikes on the last `costSpikeRecentDays` calendar days, today included: a day's cost strictly above
 * mean + `costSpikeStdDevs` sigma of the `costSpikeHistoryDays` before it, and strictly more than
 * `costSpikeMinIncreaseUsd` above that mean. A history day counts when the account has any cost
 * row that day; a service absent on such a day cost $0 then (Cost Explorer omits empty groups),
 * so a brand-new service's first big day is a spike once the account has enough history.
 */
export function detectCostSpikes(input: CostSpikeInput, thresholds: RuleThresholds): CostSpike[] {
  const today = utcDay(input.now);
  const covered = new Set<string>();
  const byService = new Map<string, Map<string, number>>();
  for (const cost of input.dailyCosts) {
    if (cost.day > today || !Number.isFinite(cost.amountUsd)) continue;
    covered.add(cost.day);
    const days = byService.get(cost.service) ?? new Map<string, number>();
    days.set(cost.day, (days.get(cost.day) ?? 0) + cost.amountUsd);
    byService.set(cost.service, days);
  }
  // Calendar days, not "the latest rows": an account whose collection stalled must not have
  // last month's spike reported as news when it resumes.
  const recent = daysBefore(addDays(today, 1), thresholds.costSpikeRecentDays);
  const spikes: CostSpike[] = [];
  for (const [service, days] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    for (const day of recent) {
      const amount = days.get(day);
      if (amount === undefined) continue;
      const history = daysBefore(day, thresholds.costSpikeHistoryDays)
        .filter((d) => covered.has(d))
        .map((d) => days.get(d) ?? 0);
      if (history.length < thresholds.costSpikeMinHistoryDays) continue;
      const m = mean(history);
      const sd = standardDeviation(history);
      if (!(amount > m + thresholds.costSpikeStdDevs * sd && amount - m > thresholds.costSpikeMinIncreaseUsd)) continue;
      spikes.push({
        accountId: input.accountId,
        service,
        day,
        amountUsd: amount,
        meanUsd: m,
        stdDevUsd: sd,
        historyDays: history.length,
        recommendationId: recommendationId('cost-spike', [input.accountId, service, day]),
      });
    }
  }
  return spikes;
}

/**
 * Cost spikes as recommendations, one per service and day. No saving is claimed (the spike may be
 * wanted); the impact is the excess over the mean as if it lasted a month.
 */
export function costSpikeRule(input: CostSpikeInput, thresholds: RuleThresholds): Recommendation[] {
  return detectCostSpikes(input, thresholds).map((spike) => {
    const excess = spike.amountUsd - spike.meanUsd;
    const [amount, usual] = [round(spike.amountUsd), round(spike.meanUsd)];
    return {
      id: spike.recommendationId,
      rule: 'cost-spike',
      category: 'cost',
      ...impactOfMonthlyUsd(excess * DAYS_PER_MONTH, thresholds),
      accountId: spike.accountId,
      resources: [{ type: 'aws-service', id: spike.service }],
      evidence: {
        day: spike.day,
        amountUsd: amount,
        meanUsd: usual,
        stdDevUsd: round(spike.stdDevUsd),
        excessUsd: round(excess),
        historyDays: spike.historyDays,
        monthlyImpactUsd: round(excess * DAYS_PER_MONTH),
      },
      title: `Cost spike in ${spike.service} on ${spike.day}`,
      summary: `${spike.service} cost ${usdText(amount)} on ${spike.day}, against a usual ${usdText(usual)} a day over the previous ${spike.historyDays} days. Check what changed.`,
    };
  });
}
