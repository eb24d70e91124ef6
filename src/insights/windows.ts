/**
 * The one definition of the time windows derived figures read: every cost read (the overview,
 * the rules, the cost alerts, the digest) uses `costWindow`, every metric rule `metricWindow`.
 */
import { resolveThresholds, type RuleThresholds } from '../rules/index.js';

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** YYYY-MM-DD (UTC) of a time. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Start of the UTC month of `ms`. */
export function monthStartOf(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** Days of cost history always read, whatever the thresholds: a month back for the costs page's comparisons. */
const MIN_COST_HISTORY_DAYS = 31;

/**
 * Cost rows read for derived figures: from the earlier of the month's 1st and the spike rule's
 * history (at least 31 days) up to today included (`end` is exclusive).
 */
export function costWindow(now: number, thresholds: Partial<RuleThresholds> = {}): { start: string; end: string } {
  const t = resolveThresholds(thresholds);
  const historyDays = Math.max(MIN_COST_HISTORY_DAYS, t.costSpikeHistoryDays + t.costSpikeRecentDays + 1);
  return { start: dayOf(Math.min(monthStartOf(now), now - historyDays * DAY_MS)), end: dayOf(now + DAY_MS) };
}

/**
 * The EC2 CPU series the EC2 rules judge: their longest lookback in whole days plus two, so the
 * first and the current partial day never shorten it. `hourKey` changes once an hour: the
 * cache key of the read.
 */
export function ec2Window(now: number, thresholds: Partial<RuleThresholds> = {}): { from: string; to: string; hourKey: string } {
  const t = resolveThresholds(thresholds);
  const days = Math.max(t.ec2LookbackDays, t.ec2HotLookbackDays) + 2;
  const from = new Date(now - days * DAY_MS).toISOString();
  return { from, to: new Date(now).toISOString(), hourKey: from.slice(0, 13) };
}
