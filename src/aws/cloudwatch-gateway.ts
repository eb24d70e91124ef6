/**
 * CloudWatch through the real SDK: alarm states (the basis of health), metric discovery and
 * batched GetMetricData. Every GetMetricData call's metrics go to the billing ledger.
 */
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  ListMetricsCommand,
  type CompositeAlarm,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import pLimit from 'p-limit';
import type { CloudWatchGateway } from '../domain/gateway.js';
import type { AlarmState, MetricRef, MetricSeries } from '../domain/records.js';
import type { AwsCaller } from './aws-caller.js';
import type { BillingLedger } from './billing-ledger.js';
import { DEFAULT_METRIC_CATALOG, hasExactDimensions, type CatalogEntry } from './metric-catalog.js';
import { chunk } from './chunk.js';
import { BatchResults, MAX_QUERIES_PER_CALL, toQueries } from './metric-queries.js';
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
      const perEntry = await Promise.all(
        catalog.map((entry) =>
          limit(() =>
            paginate(request, async (token) => {
              const out = await deps.caller.call(request, (client, abortSignal) =>
                client.send(
                  new ListMetricsCommand({
                    Namespace: entry.namespace,
                    MetricName: entry.metricName,
                    NextToken: token,
                    ...(recentlyActive ? { RecentlyActive: recentlyActive } : {}),
                  }),
                  { abortSignal },
                ),
              );
              const refs: MetricRef[] = [];
              for (const metric of out.Metrics ?? []) {
                const dimensions = (metric.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
                if (!hasExactDimensions(entry, dimensions.map((d) => d.name))) continue;
                refs.push({ namespace: entry.namespace, metricName: entry.metricName, dimensions, stat: entry.stat });
              }
              return { items: refs, next: out.NextToken };
            }),
          ),
        ),
      );
      return perEntry.flat();
    },

    async getMetricData(target, region, metrics, window, signal) {
      const request = { target, service: 'cloudwatch' as const, region, operation: 'GetMetricData', signal };
      const series: MetricSeries[] = [];
      // Batches run one after another: GetMetricData is limited to 50 TPS per account and region.
      for (const batch of chunk(metrics, MAX_QUERIES_PER_CALL)) {
        const queries = toQueries(batch, window.periodSec);
        const results = new BatchResults(batch);
        await paginate(request, async (token) => {
          const out = await deps.caller.call(request, (client, abortSignal) =>
            client.send(
              new GetMetricDataCommand({
                MetricDataQueries: queries,
                StartTime: window.start,
                EndTime: window.end,
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
        series.push(...results.series(region, window.periodSec));
      }
      return series;
    },
  };
}
