/**
 * CloudWatch over awsJson1_0 (target GraniteServiceVersion20100801, awsQueryCompatible):
 * DescribeAlarms, ListMetrics and GetMetricData.
 */
import { regionAlarms } from '../world/alarms.js';
import { regionOf } from '../world/inventory.js';
import { regionSeries, type Dimension } from '../world/metric-series.js';
import { decodeToken, encodeToken, fingerprint } from '../paging.js';
import { SimError } from '../sim-error.js';
import { getMetricData, invalidParameter } from './get-metric-data.js';
import type { ServiceDefinition } from './service.js';

/**
 * ListMetrics answers 500 metrics per page on AWS; the simulator pages at 25 so that callers'
 * pagination is exercised by accounts of a few dozen metrics.
 */
export const LIST_METRICS_PAGE_SIZE = 25;

function invalidToken(): SimError {
  return new SimError('InvalidNextToken', 'The service returned an invalid token.', { queryCode: 'InvalidNextToken', namespace: 'com.amazonaws.cloudwatch' });
}

function page<T>(items: T[], token: unknown, size: number, requestPrint: string): { items: T[]; next?: string } {
  let offset = 0;
  if (token !== undefined) {
    const position = decodeToken(token, requestPrint);
    if (!position) throw invalidToken();
    offset = Number(position.o);
  }
  const slice = items.slice(offset, offset + size);
  return offset + size < items.length ? { items: slice, next: encodeToken({ o: offset + size }, requestPrint) } : { items: slice };
}

export const cloudwatch: ServiceDefinition = {
  service: 'cloudwatch',
  signingName: 'monitoring',
  wire: { protocol: 'awsJson1_0', queryCompatible: true },
  target: 'GraniteServiceVersion20100801',
  operations: {
    DescribeAlarms(request, context) {
      const input = request.input as { AlarmNames?: string[]; AlarmNamePrefix?: string; AlarmTypes?: string[]; StateValue?: string; MaxRecords?: number; NextToken?: string };
      const maxRecords = input.MaxRecords ?? 50;
      if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 100) throw invalidParameter('The parameter MaxRecords must be between 1 and 100.');
      if (input.StateValue !== undefined && !['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(input.StateValue)) throw invalidParameter(`The value ${input.StateValue} for parameter StateValue is not valid.`);
      const types = input.AlarmTypes ?? ['MetricAlarm'];
      const region = regionOf(context.seed, request.account, request.region);
      const alarms = (region ? regionAlarms(context.seed, request.account, region, context.now(), context.accounts.config(request.account)?.alarmFlapMs) : []).filter(
        (alarm) =>
          (input.AlarmNames === undefined || input.AlarmNames.length === 0 || input.AlarmNames.includes(alarm.AlarmName)) &&
          (input.AlarmNamePrefix === undefined || alarm.AlarmName.startsWith(input.AlarmNamePrefix)) &&
          (input.StateValue === undefined || alarm.StateValue === input.StateValue),
      );
      const { items, next } = page(types.includes('MetricAlarm') ? alarms : [], input.NextToken, maxRecords, fingerprint([input.AlarmNames, input.AlarmNamePrefix, types, input.StateValue, maxRecords]));
      const output: Record<string, unknown> = { MetricAlarms: items };
      if (types.includes('CompositeAlarm')) output.CompositeAlarms = [];
      if (next) output.NextToken = next;
      return { output };
    },

    ListMetrics(request, context) {
      const input = request.input as { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[]; NextToken?: string; RecentlyActive?: string };
      const filters = input.Dimensions ?? [];
      if (filters.length > 10) throw invalidParameter('The collection Dimensions must not have a size greater than 10.');
      // ListMetrics API reference: "The only valid value is PT3H" for RecentlyActive. Every
      // simulated metric has recent data, so the filter itself changes nothing here.
      if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H') throw invalidParameter(`The value ${input.RecentlyActive} for parameter RecentlyActive is not valid.`);
      const region = regionOf(context.seed, request.account, request.region);
      const matches = (dimensions: Dimension[]) => filters.every((f) => dimensions.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)));
      const metrics = (region ? regionSeries(context.seed, request.account, region) : [])
        .filter((s) => (input.Namespace === undefined || s.namespace === input.Namespace) && (input.MetricName === undefined || s.metricName === input.MetricName) && matches(s.dimensions))
        .map((s) => ({ Namespace: s.namespace, MetricName: s.metricName, Dimensions: s.dimensions }));
      const { items, next } = page(metrics, input.NextToken, LIST_METRICS_PAGE_SIZE, fingerprint([input.Namespace, input.MetricName, filters]));
      return { output: next ? { Metrics: items, NextToken: next } : { Metrics: items } };
    },

    GetMetricData: getMetricData,
  },
};
