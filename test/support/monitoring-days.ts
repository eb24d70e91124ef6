/**
 * Simulated days of monitoring, measured (issue 15): the real collector jobs run through the real
 * adapters against the simulator, on an injected clock, on the README's reference account (3
 * regions, 50 EC2 instances and the simulator's mix of other resources, the default metric set),
 * storing into the real store (dynalite, ReturnConsumedCapacity). Each collector runs at its tick
 * as the collector actor runs it: its status loaded once, merged after the run and stored. Used by
 * `test/aws/monitoring-cost.test.ts` (which asserts) and `bench/monitoring-cost.bench.ts` (which
 * prints).
 */
import { silentLogger } from '../../src/log.js';
import type { CollectorKind, TenantSettings } from '../../src/domain/tenant.js';
import type { RunStatus } from '../../src/domain/sink.js';
import { defaultJobs, createFeePlans, type CollectContext } from '../../src/collectors/index.js';
import { mergeRunStatus } from '../../src/actors/run-status.js';
import { estimateFeeUsd } from '../../src/aws/index.js';
import { isHeadline } from '../../src/aws/metric-catalog.js';
import { REFERENCE_ACCOUNT, REFERENCE_EC2, startReferenceWorld } from './connect-world.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/**
 * The collectors measured: the ones whose calls AWS bills or whose writes dominate (AWS Health and
 * Security Hub read calls are free and write one item per account or region per run).
 */
type MeasuredKind = 'metrics' | 'security' | 'cost';
/** How often each measured collector ticks (`COLLECTOR_TICK_MS`, the production defaults). */
const TICKS: Record<MeasuredKind, number> = { metrics: 5 * MIN, security: 15 * MIN, cost: HOUR };
/** us-east-1 on-demand, standard table class: $ per million request units. */
export const DYNAMO_PRICES = { writePerMillion: 0.625, readPerMillion: 0.125 };
export { REFERENCE_ACCOUNT, REFERENCE_EC2 };

export interface MonitoringDaysOptions {
  /** Tenant settings (e.g. a monitoring cap). Default none. */
  settings?: TenantSettings;
  /** Called when something fails (a step error); default: throw. */
  onFailure?: (what: string) => void;
}

export interface MonitoringDaysReport {
  account: string;
  regions: string[];
  resources: { ec2: number; metrics: number; headline: number; other: number; daily: number };
  /** The measured second day (steady state). */
  perDay: { getMetricDataMetrics: number; getMetricDataCalls: number; costExplorerRequests: number; describeAlarmsCalls: number; dynamoWriteUnits: number; dynamoReadUnits: number };
  /** Paid calls the restart in day 2 caused (the first runs after it). */
  restart: { costExplorerRequests: number; getMetricDataMetrics: number };
  /** The ledger's totals equal the simulator's bill. */
  ledgerMatchesSimulator: boolean;
  feeUsdMonth: number;
  getMetricDataUsdMonth: number;
  costExplorerUsdMonth: number;
  dynamoUsdMonth: number;
  /**
   * The same without the findings table: the simulator's GuardDuty stream (a new finding every
   * 6 minutes, half of them recurring) is far busier than a typical account's.
   */
  dynamoUsdMonthWithoutFindings: number;
  /** Write units of the measured day per table and operation. */
  capacityByTable: Record<string, Record<string, { requests: number; units: number }>>;
}

/**
 * Run day 1 (first runs, backfill) and day 2 with a restart in it (new jobs and memory, statuses
 * read back from the store); report day 2 priced per month (x 30).
 */
export async function measureMonitoringDays(options: MonitoringDaysOptions = {}): Promise<MonitoringDaysReport> {
  const fail = options.onFailure ?? ((what: string) => { throw new Error(what); });
  let clock = Date.UTC(2026, 10, 2, 0, 0, 0);
  const now = () => clock;
  const world = await startReferenceWorld(now, 'tenant-ref', 'md-');
  const { sim, aws, store, tenantId, account } = world;
  try {
    const settings = options.settings ?? {};

    const incarnation = () => {
      const plans = createFeePlans();
      return { jobs: defaultJobs({ plans }), memory: { metrics: new Map(), security: new Map(), cost: new Map() } as Record<CollectorKind, Map<string, unknown>>, statuses: new Map<CollectorKind, RunStatus | undefined>() };
    };
    let live = incarnation();

    const run = async (kind: MeasuredKind) => {
      if (!live.statuses.has(kind)) live.statuses.set(kind, await store.results.getRunStatus(tenantId, account.id, kind));
      const ctx: CollectContext = {
        tenantId,
        kind,
        accounts: [account],
        settings,
        now: clock,
        intervalMs: TICKS[kind],
        force: false,
        previous: () => live.statuses.get(kind),
        signal: new AbortController().signal,
        aws,
        call: (_service, fn) => fn(new AbortController().signal),
        sink: store.results,
        memory: live.memory[kind],
        log: silentLogger(),
      };
      const [outcome] = await live.jobs[kind](ctx);
      if (!outcome) throw new Error('no outcome');
      const failed = [outcome.error, ...outcome.steps.map((s) => s.error)].filter((e) => e !== undefined);
      if (failed.length > 0) fail(`${kind} run at ${new Date(clock).toISOString()} failed: ${failed.map(String).join('; ')}`);
      const previous = live.statuses.get(kind);
      const status = mergeRunStatus(previous, { tenantId, account, collector: kind, outcome, now: clock });
      await store.results.putRunStatus(status, previous);
      live.statuses.set(kind, status);
    };
    const simulate = async (to: number) => {
      for (; clock < to; clock += TICKS.metrics) {
        for (const kind of ['metrics', 'security', 'cost'] as const) if (clock % TICKS[kind] === 0) await run(kind);
      }
    };
    const billed = () => sim.billable(REFERENCE_ACCOUNT);
    const gmdCalls = () => sim.calls({ account: REFERENCE_ACCOUNT, operation: 'GetMetricData' }).length;
    const alarmCalls = () => sim.calls({ account: REFERENCE_ACCOUNT, operation: 'DescribeAlarms' }).length;

    const start = clock;
    await simulate(start + DAY);

    // Day 2, measured; a restart in its middle, between two ticks (2 min after the 07:00 one), with
    // new jobs and memory and the statuses read back from the store: the new incarnation runs at
    // once, as a restarted collector does, and must not add a paid call to the day.
    const atDay2 = billed();
    const gmdCallsAtDay2 = gmdCalls();
    const alarmCallsAtDay2 = alarmCalls();
    store.capacity.reset();
    await simulate(start + DAY + 7 * HOUR + 5 * MIN);
    clock = start + DAY + 7 * HOUR + 2 * MIN;
    live = incarnation();
    const beforeRestart = billed();
    await run('cost');
    await run('metrics');
    const restart = {
      costExplorerRequests: billed().costExplorerRequests - beforeRestart.costExplorerRequests,
      getMetricDataMetrics: billed().getMetricDataMetrics - beforeRestart.getMetricDataMetrics,
    };
    clock = start + DAY + 7 * HOUR + 5 * MIN;
    await simulate(start + 2 * DAY);
    const capacity = store.capacity.sum();
    const perDay = {
      getMetricDataMetrics: billed().getMetricDataMetrics - atDay2.getMetricDataMetrics,
      getMetricDataCalls: gmdCalls() - gmdCallsAtDay2,
      costExplorerRequests: billed().costExplorerRequests - atDay2.costExplorerRequests,
      describeAlarmsCalls: alarmCalls() - alarmCallsAtDay2,
      dynamoWriteUnits: capacity.writeUnits,
      dynamoReadUnits: capacity.readUnits,
    };
    const usage = aws.ledger.usage(tenantId, '2026-11');
    const total = billed();

    const discovered = (await Promise.all(account.regions.map((r) => aws.cloudwatch.listMetrics(account, r, new AbortController().signal)))).flat();
    const headline = discovered.filter((m) => isHeadline(m) && m.periodSec === undefined).length;
    const daily = discovered.filter((m) => (m.periodSec ?? 0) >= 86_400).length;
    const dynamoUsdMonth = ((capacity.writeUnits * DYNAMO_PRICES.writePerMillion + capacity.readUnits * DYNAMO_PRICES.readPerMillion) * 30) / 1e6;
    const snapshot = store.capacity.snapshot();
    const findingUnits = Object.values(snapshot.findings ?? {}).reduce((sum, e) => sum + e.units, 0);
    const withoutFindings = (((capacity.writeUnits - findingUnits) * DYNAMO_PRICES.writePerMillion + capacity.readUnits * DYNAMO_PRICES.readPerMillion) * 30) / 1e6;
    return {
      account: REFERENCE_ACCOUNT,
      regions: account.regions,
      resources: {
        ec2: discovered.filter((m) => m.namespace === 'AWS/EC2' && m.metricName === 'CPUUtilization').length,
        metrics: discovered.length,
        headline,
        other: discovered.length - headline - daily,
        daily,
      },
      perDay,
      restart,
      ledgerMatchesSimulator: usage.costExplorerRequests === total.costExplorerRequests && usage.getMetricDataMetrics === total.getMetricDataMetrics,
      feeUsdMonth: estimateFeeUsd({ getMetricDataMetrics: perDay.getMetricDataMetrics * 30, costExplorerRequests: perDay.costExplorerRequests * 30 }),
      getMetricDataUsdMonth: estimateFeeUsd({ getMetricDataMetrics: perDay.getMetricDataMetrics * 30, costExplorerRequests: 0 }),
      costExplorerUsdMonth: estimateFeeUsd({ getMetricDataMetrics: 0, costExplorerRequests: perDay.costExplorerRequests * 30 }),
      dynamoUsdMonth: Math.round(dynamoUsdMonth * 10_000) / 10_000,
      dynamoUsdMonthWithoutFindings: Math.round(withoutFindings * 10_000) / 10_000,
      capacityByTable: Object.fromEntries(
        Object.entries(snapshot).map(([table, ops]) => [table, Object.fromEntries(Object.entries(ops).map(([op, e]) => [op, { requests: e.requests, units: e.units }]))]),
      ),
    };
  } finally {
    await world.close();
  }
}
