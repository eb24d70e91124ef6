/**
 * CloudWatch through the real SDK: alarm states (the basis of health), metric discovery and
 * batched GetMetricData. Every GetMetricData call's metrics go to the billing ledger.
 */
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type ListMetricsCommandInput,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import pLimit from 'p-limit';
import type { CloudWatchGateway } from '../domain/gateway.js';
import type { AlarmState, MetricRef, MetricSeries } from '../domain/records.js';
import type { AwsCaller } from './aws-caller.js';
import type { BillingLedger } from './billing-ledger.js';
import { CATALOG_SERVICES, DEFAULT_METRIC_CATALOG, matchesEntry, type CatalogEntry } from './metric-catalog.js';
import { chunk } from './chunk.js';
import { BatchResults, isDue, longPeriodWindow, metricsPerCall, toQueries } from './metric-queries.js';
import { applySelection } from './metric-selection.js';
import { paginate } from './paginate.js';

export interface CloudWatchGatewayDeps {
  caller: AwsCaller;
  ledger: BillingLedger;
  /** Metrics to discover. Default `DEFAULT_METRIC_CATALOG`. */
  catalog?: readonly CatalogEntry[];
  /**
   * ListMetrics' RecentlyActive filter. Default 'PT3H': only metrics with data in the last 3 h,
   * so resources deleted up to two weeks ago (ListMetrics' memory) are not fetched and paid for.
   */
  recentlyActive?: 'PT3H' | undefined;
  /** ListMetrics calls in flight per listMetrics(). Default 4. */
  listConcurrency?: number;
  now?: () => number;
}

const ALARM_STATES = new Set(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

function toAlarmState(region: string, alarm: MetricAlarm | CompositeAlarm): AlarmState {
  const state = ALARM_STATES.has(alarm.StateValue ?? '') ? (alarm.StateValue as AlarmState['state']) : 'INSUFFICIENT_DATA';
  const record: AlarmState = {
    region,
    name: alarm.AlarmName ?? '',
    state,
    updatedAt: (alarm.StateUpdatedTimestamp ?? new Date(0)).toISOString(),
  };
  if (alarm.StateReason) record.reason = alarm.StateReason;
  if ('MetricName' in alarm && alarm.MetricName) record.metricName = alarm.MetricName;
  if ('Namespace' in alarm && alarm.Namespace) record.namespace = alarm.Namespace;
  if (alarm.AlarmArn) record.arn = alarm.AlarmArn;
  // MetricAlarm (CloudWatch API reference): StateTransitionedTimestamp is "the date and time that
  // the alarm's StateValue most recently changed"; StateUpdatedTimestamp also moves when only the
  // reason changes. Transitions are keyed on the former.
  if (alarm.StateTransitionedTimestamp) record.transitionedAt = alarm.StateTransitionedTimestamp.toISOString();
  if ('Threshold' in alarm && typeof alarm.Threshold === 'number') record.threshold = alarm.Threshold;
  if ('ComparisonOperator' in alarm && alarm.ComparisonOperator) record.comparison = alarm.ComparisonOperator;
  if ('Statistic' in alarm && alarm.Statistic) record.statistic = alarm.Statistic;
  if ('Dimensions' in alarm && alarm.Dimensions?.length) record.dimensions = alarm.Dimensions.map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
  return record;
}

/** The CloudWatch adapter. */
export function createCloudWatchGateway(deps: CloudWatchGatewayDeps): CloudWatchGateway {
  const catalog = deps.catalog ?? DEFAULT_METRIC_CATALOG;
  const recentlyActive = 'recentlyActive' in deps ? deps.recentlyActive : 'PT3H';
  const now = deps.now ?? Date.now;

  return {
    async describeAlarms(target, region, signal) {
      const request = { target, service: 'cloudwatch' as const, region, operation: 'DescribeAlarms', signal };
      return paginate(request, async (token) => {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(
            new DescribeAlarmsCommand({ AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100, NextToken: token }),
            { abortSignal },
          ),
        );
        const alarms = [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].map((a) => toAlarmState(region, a));
        return { items: alarms, next: out.NextToken };
      });
    },

    async listMetrics(target, region, signal) {
      const request = { target, service: 'cloudwatch' as const, region, operation: 'ListMetrics', signal };
      const limit = pLimit(deps.listConcurrency ?? 4);
      const perGroup = await Promise.all(
        discoveryGroups(catalog).map((group) =>
          limit(() =>
            paginate(request, async (token) => {
              const out = await deps.caller.call(request, (client, abortSignal) =>
                client.send(
                  new ListMetricsCommand({
                    ...group.filter,
                    NextToken: token,
                    ...(recentlyActive ? { RecentlyActive: recentlyActive } : {}),
                  }),
                  { abortSignal },
                ),
              );
              const refs: MetricRef[] = [];
              for (const metric of out.Metrics ?? []) {
                const dimensions = (metric.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
                const entry = group.entries.find((e) => e.metricName === metric.MetricName && matchesEntry(e, dimensions));
                if (!entry) continue;
                refs.push({ namespace: entry.namespace, metricName: entry.metricName, dimensions, stat: entry.stat, ...(entry.periodSec ? { periodSec: entry.periodSec } : {}) });
              }
              return { items: refs, next: out.NextToken };
            }),
          ),
        ),
      );
      return perGroup.flat();
    },

    async browseMetrics(target, region, namespace, limit, signal) {
      const request = { target, service: 'cloudwatch' as const, region, operation: 'ListMetrics', signal };
      const found: Omit<MetricRef, 'stat'>[] = [];
      let token: string | undefined;
      do {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(new ListMetricsCommand({ ...(namespace ? { Namespace: namespace } : {}), NextToken: token, ...(recentlyActive ? { RecentlyActive: recentlyActive } : {}) }), { abortSignal }),
        );
        for (const metric of out.Metrics ?? []) {
          if (found.length >= limit) break;
          found.push({ namespace: metric.Namespace ?? '', metricName: metric.MetricName ?? '', dimensions: (metric.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })) });
        }
        token = out.NextToken;
      } while (token && found.length < limit);
      return found;
    },

    async getMetricData(target, region, requested, window, signal) {
      const request = { target, service: 'cloudwatch' as const, region, operation: 'GetMetricData', signal };
      const series: MetricSeries[] = [];
      const metrics = applySelection(requested, region, target.metrics);
      // One call sets one StartTime/EndTime, so metrics of a longer period (S3's daily storage
      // metrics) go in calls of their own, and only on the poll that is due to fetch them.
      const byPeriod = new Map<number, MetricRef[]>();
      for (const metric of metrics) {
        const periodSec = Math.max(metric.periodSec ?? window.periodSec, window.periodSec);
        byPeriod.set(periodSec, [...(byPeriod.get(periodSec) ?? []), metric]);
      }
      for (const [periodSec, group] of [...byPeriod].sort((a, b) => a[0] - b[0])) {
        if (periodSec !== window.periodSec && !isDue(window, periodSec)) continue;
        const groupWindow = periodSec === window.periodSec ? window : longPeriodWindow(window.end, periodSec);
        // Batches run one after another: GetMetricData is limited to 50 TPS per account and region.
        const perCall = metricsPerCall(groupWindow.end.getTime() - groupWindow.start.getTime(), periodSec);
        for (const batch of chunk(group, perCall)) {
          const queries = toQueries(batch, periodSec);
          const results = new BatchResults(batch);
          await paginate(request, async (token) => {
            const out = await deps.caller.call(request, (client, abortSignal) =>
              client.send(
                new GetMetricDataCommand({
                  MetricDataQueries: queries,
                  StartTime: groupWindow.start,
                  EndTime: groupWindow.end,
                  ScanBy: 'TimestampAscending',
                  NextToken: token,
                }),
                { abortSignal },
              ),
            );
            // Billed per metric requested, on every call that answered (pages included).
            deps.ledger.record(target.tenantId, target.id, 'getMetricDataMetrics', queries.length, new Date(now()));
            results.add(out.MetricDataResults);
            return { items: [], next: out.NextToken };
          });
          series.push(...results.series(region, periodSec));
        }
      }
      return series;
    },
  };
}

/** One ListMetrics query per catalog service (filtered on its resource dimension), or per metric for entries added by hand. */
function discoveryGroups(catalog: readonly CatalogEntry[]): { filter: ListMetricsCommandInput; entries: CatalogEntry[] }[] {
  const groups = new Map<string, { filter: ListMetricsCommandInput; entries: CatalogEntry[] }>();
  for (const entry of catalog) {
    const service = entry.service ? CATALOG_SERVICES.find((s) => s.id === entry.service) : undefined;
    const key = service ? `${entry.namespace}|dim|${service.discoveryDimension}` : `${entry.namespace}|name|${entry.metricName}`;
    const filter: ListMetricsCommandInput = service
      ? { Namespace: entry.namespace, Dimensions: [{ Name: service.discoveryDimension }] }
      : { Namespace: entry.namespace, MetricName: entry.metricName };
    const group = groups.get(key) ?? { filter, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  return [...groups.values()];
}
