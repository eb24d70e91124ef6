/**
 * Cost Explorer's GetAnomalies (one anomaly per spike day, reported from the next day on) and
 * GetRightsizingRecommendation (the idle EC2 instances: downsize, or terminate the idlest).
 */
import { DAY_MS, SERVICE, actualCost, costModel, dayString, expectedCost, parseDay, spikeFactor } from '../world/costs.js';
import { EC2_HOURLY, inventoryFor } from '../world/inventory.js';
import { fingerprint } from '../paging.js';
import { between, hex } from '../prng.js';
import { SimError, validationError } from '../sim-error.js';
import { pageOf, uuidFrom } from './cost-common.js';
import type { Operation } from './service.js';

const HOURS_PER_MONTH = 730;
const SPIKY_SERVICES = [SERVICE.ec2, SERVICE.ec2Other, SERVICE.lambda, SERVICE.s3];

/** Cost Explorer's location names, as rightsizing details spell regions. */
const LOCATION: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
};

/** The next size down: within the family, or across families when allowed. */
const SMALLER_SAME_FAMILY: Readonly<Record<string, string>> = { 'm5.2xlarge': 'm5.xlarge', 'm5.xlarge': 'm5.large', 'c5.xlarge': 'c5.large', 'r5.xlarge': 'r5.large', 't3.large': 't3.medium', 't3.medium': 't3.micro' };
const SMALLER_CROSS_FAMILY: Readonly<Record<string, string>> = { ...SMALLER_SAME_FAMILY, 'm5.large': 't3.large', 'r5.large': 't3.large', 'c5.large': 't3.medium' };
const VCPU: Readonly<Record<string, string>> = { 't3.micro': '2', 't3.medium': '2', 't3.large': '2', 'm5.large': '2', 'm5.xlarge': '4', 'm5.2xlarge': '8', 'c5.large': '2', 'c5.xlarge': '4', 'r5.large': '2', 'r5.xlarge': '4' };
const MEMORY: Readonly<Record<string, string>> = { 't3.micro': '1 GiB', 't3.medium': '4 GiB', 't3.large': '8 GiB', 'm5.large': '8 GiB', 'm5.xlarge': '16 GiB', 'm5.2xlarge': '32 GiB', 'c5.large': '4 GiB', 'c5.xlarge': '8 GiB', 'r5.large': '16 GiB', 'r5.xlarge': '32 GiB' };

function monitorArn(seed: number, account: string): string {
  return `arn:aws:ce::${account}:anomalymonitor/${uuidFrom(hex(32, seed, account, 'monitor'))}`;
}

function money(value: number): string {
  return value.toFixed(2);
}

export const getAnomalies: Operation = (request, context) => {
  const input = request.input as { DateInterval?: { StartDate?: unknown; EndDate?: unknown }; MonitorArn?: string; TotalImpact?: { NumericOperator?: string; StartValue?: number; EndValue?: number }; MaxResults?: number; NextPageToken?: string };
  const start = parseDay(input.DateInterval?.StartDate);
  if (start === undefined) throw validationError('ce', 'DateInterval.StartDate is required as YYYY-MM-DD');
  const today = Math.floor(context.now() / DAY_MS);
  const end = input.DateInterval?.EndDate === undefined ? today : parseDay(input.DateInterval.EndDate);
  if (end === undefined || end < start) throw validationError('ce', 'DateInterval.EndDate must be a date on or after StartDate');
  const monitor = monitorArn(context.seed, request.account);
  if (input.MonitorArn !== undefined && input.MonitorArn !== monitor) {
    throw new SimError('UnknownMonitorException', `Cost anomaly monitor ${input.MonitorArn} does not exist`, { namespace: 'com.amazonaws.costexplorer' });
  }
  const maxResults = input.MaxResults ?? 20;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) throw validationError('ce', 'MaxResults must be between 1 and 100');
  const model = costModel(context.seed, request.account);
  const region = inventoryFor(context.seed, request.account).regions[0]?.region ?? 'us-east-1';
  const anomalies: Record<string, unknown>[] = [];
  // Anomaly detection runs on complete days, so a spike shows up the day after.
  const opened = context.accounts.openedDay(request.account) ?? start;
  for (let day = Math.max(start, opened); day <= Math.min(end, today - 1); day++) {
    for (const service of SPIKY_SERVICES) {
      if (spikeFactor(context.seed, model, service, day) === 1) continue;
      const actual = actualCost(context.seed, model, service, day);
      const expected = expectedCost(model, service, day);
      const impact = Math.round((actual - expected) * 100) / 100;
      const score = Math.round(between(0.6, 0.99, context.seed, request.account, 'score', service, day) * 100) / 100;
      anomalies.push({
        AnomalyId: uuidFrom(hex(32, context.seed, request.account, 'anomaly', service, day)),
        AnomalyStartDate: `${dayString(day)}T00:00:00Z`,
        AnomalyEndDate: `${dayString(day)}T00:00:00Z`,
        DimensionValue: service,
        RootCauses: [{ Service: service, Region: region, LinkedAccount: request.account, UsageType: service === SERVICE.ec2 ? 'BoxUsage:m5.xlarge' : 'Requests-Tier1' }],
        AnomalyScore: { MaxScore: score, CurrentScore: score },
        Impact: { MaxImpact: impact, TotalImpact: impact, TotalActualSpend: Math.round(actual * 100) / 100, TotalExpectedSpend: Math.round(expected * 100) / 100, TotalImpactPercentage: Math.round((impact / expected) * 10_000) / 100 },
        MonitorArn: monitor,
      });
    }
  }
  const filter = input.TotalImpact;
  const kept = anomalies.filter((a) => {
    if (!filter?.NumericOperator || filter.StartValue === undefined) return true;
    const v = (a.Impact as { TotalImpact: number }).TotalImpact;
    const s = filter.StartValue;
    switch (filter.NumericOperator) {
      case 'EQUAL':
        return v === s;
      case 'GREATER_THAN':
        return v > s;
      case 'GREATER_THAN_OR_EQUAL':
        return v >= s;
      case 'LESS_THAN':
        return v < s;
      case 'LESS_THAN_OR_EQUAL':
        return v <= s;
      case 'BETWEEN':
        return v >= s && v <= (filter.EndValue ?? Number.POSITIVE_INFINITY);
      default:
        return true;
    }
  });
  const { items, next } = pageOf(kept, input.NextPageToken, maxResults, fingerprint([input.DateInterval, input.MonitorArn, input.TotalImpact, maxResults]));
  return { output: next ? { Anomalies: items, NextPageToken: next } : { Anomalies: items }, billableUnits: 1 };
};

function details(type: string, region: string): Record<string, string> {
  return {
    HourlyOnDemandRate: String(EC2_HOURLY[type] ?? 0),
    InstanceType: type,
    Platform: 'Linux/UNIX',
    Region: LOCATION[region] ?? region,
    Sku: hex(16, 1, type, region).toUpperCase(),
    Memory: MEMORY[type] ?? '',
    NetworkPerformance: 'Up to 10 Gigabit',
    Storage: 'EBS only',
    Vcpu: VCPU[type] ?? '',
  };
}

export const getRightsizingRecommendation: Operation = (request, context) => {
  const input = request.input as { Service?: string; Configuration?: { RecommendationTarget?: string; BenefitsConsidered?: boolean }; PageSize?: number; NextPageToken?: string };
  if (input.Service !== 'AmazonEC2') throw validationError('ce', 'Service must be AmazonEC2');
  const target = input.Configuration?.RecommendationTarget ?? 'SAME_INSTANCE_FAMILY';
  if (target !== 'SAME_INSTANCE_FAMILY' && target !== 'CROSS_INSTANCE_FAMILY') throw validationError('ce', 'RecommendationTarget must be SAME_INSTANCE_FAMILY or CROSS_INSTANCE_FAMILY');
  const smaller = target === 'SAME_INSTANCE_FAMILY' ? SMALLER_SAME_FAMILY : SMALLER_CROSS_FAMILY;
  const today = Math.floor(context.now() / DAY_MS);
  const recommendations: Record<string, unknown>[] = [];
  let savings = 0;
  let spend = 0;
  for (const region of inventoryFor(context.seed, request.account).regions) {
    for (const instance of region.ec2.filter((i) => i.profile === 'idle')) {
      const monthly = (EC2_HOURLY[instance.type] ?? 0) * HOURS_PER_MONTH;
      const downsize = smaller[instance.type];
      // The idlest instances, and those with nothing smaller to move to, are best stopped.
      const terminate = instance.cpuLevel < 1.6 || downsize === undefined;
      const saving = terminate || !downsize ? monthly : monthly - (EC2_HOURLY[downsize] ?? 0) * HOURS_PER_MONTH;
      savings += saving;
      spend += monthly;
      const recommendation: Record<string, unknown> = {
        AccountId: request.account,
        CurrentInstance: {
          ResourceId: instance.id,
          InstanceName: instance.name,
          Tags: [{ Key: 'Name', Values: [instance.name] }],
          ResourceDetails: { EC2ResourceDetails: details(instance.type, region.region) },
          ResourceUtilization: { EC2ResourceUtilization: { MaxCpuUtilizationPercentage: (instance.cpuLevel * 1.5).toFixed(2), MaxMemoryUtilizationPercentage: '', MaxStorageUtilizationPercentage: '' } },
          ReservationCoveredHoursInLookbackPeriod: '0',
          SavingsPlansCoveredHoursInLookbackPeriod: '0',
          OnDemandHoursInLookbackPeriod: '336',
          TotalRunningHoursInLookbackPeriod: '336',
          MonthlyCost: money(monthly),
          CurrencyCode: 'USD',
        },
        RightsizingType: terminate ? 'TERMINATE' : 'MODIFY',
        FindingReasonCodes: ['CPU_OVER_PROVISIONED'],
      };
      if (terminate) recommendation.TerminateRecommendationDetail = { EstimatedMonthlySavings: money(saving), CurrencyCode: 'USD' };
      else if (downsize) {
        recommendation.ModifyRecommendationDetail = {
          TargetInstances: [
            {
              EstimatedMonthlyCost: money(monthly - saving),
              EstimatedMonthlySavings: money(saving),
              CurrencyCode: 'USD',
              DefaultTargetInstance: true,
              ResourceDetails: { EC2ResourceDetails: details(downsize, region.region) },
              ExpectedResourceUtilization: { EC2ResourceUtilization: { MaxCpuUtilizationPercentage: (instance.cpuLevel * 3).toFixed(2) } },
              PlatformDifferences: [],
            },
          ],
        };
      }
      recommendations.push(recommendation);
    }
  }
  const pageSize = input.PageSize ?? 100;
  const { items, next } = pageOf(recommendations, input.NextPageToken, pageSize, fingerprint([target, pageSize]));
  const output: Record<string, unknown> = {
    Metadata: { RecommendationId: uuidFrom(hex(32, context.seed, request.account, 'rightsizing', today)), GenerationTimestamp: `${dayString(today)}T00:00:00Z`, LookbackPeriodInDays: '14', AdditionalMetadata: '' },
    Summary: { TotalRecommendationCount: String(recommendations.length), EstimatedTotalMonthlySavingsAmount: money(savings), SavingsCurrencyCode: 'USD', SavingsPercentage: spend > 0 ? ((savings / spend) * 100).toFixed(2) : '0' },
    RightsizingRecommendations: items,
    Configuration: { RecommendationTarget: target, BenefitsConsidered: input.Configuration?.BenefitsConsidered ?? true },
  };
  if (next) output.NextPageToken = next;
  return { output, billableUnits: 1 };
};
