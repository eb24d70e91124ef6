/**
 * The /metrics registry, one per app (never prom-client's global one, so tests can build many
 * apps). Runtime figures are read from the health registry when Prometheus scrapes, not pushed:
 * the actors keep updating their registry synchronously and know nothing of Prometheus.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type Koa from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FleetLag } from '../domain/worker-health.js';
import type { AppHealth } from './app-deps.js';

/** The registry and the HTTP middleware that feeds its request histogram. */
export interface AppMetrics {
  registry: Registry;
  /** Observe every request's latency by method, route template and status. */
  middleware: Koa.Middleware;
  /** Start timing a request the middleware does not see (fast-reads.ts); the result observes it. */
  timeRequest(): (method: string, route: string, status: number) => void;
  /** Count a request fast-reads.ts answered (`http_fast_reads_total`). */
  fastRead(): void;
  /** Count a failed password sign-in (`login_failures_total`), by whether the address is registered. */
  signInFailed(address: 'known' | 'unknown'): void;
  /** Stop the event-loop monitor. Idempotent. */
  close(): void;
}

/** Mirror a running total into a counter at scrape time. */
function setCounter(counter: Counter<string>, values: [Record<string, string>, number][]): void {
  counter.reset();
  for (const [labels, value] of values) if (value > 0) counter.inc(labels, value);
}

/** Create the registry. `prefix` defaults to `cloud_health_`. */
export function createAppMetrics(health: AppHealth, options: { prefix?: string } = {}): AppMetrics {
  const prefix = options.prefix ?? 'cloud_health_';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: `${prefix}process_` });
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const { registry: workers } = health;

  const requests = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Failures for unregistered addresses are in no tenant's audit trail; this is where an operator
  // sees credential stuffing or a sprayer.
  const loginFailures = new Counter({
    name: `${prefix}login_failures_total`,
    help: 'Failed password sign-ins, by whether the address is registered (known) or not (unknown)',
    labelNames: ['address'],
    registers: [registry],
  });
  for (const address of ['known', 'unknown']) loginFailures.inc({ address }, 0);
  new Gauge({
    name: `${prefix}event_loop_delay_p99_seconds`,
    help: 'Event-loop delay, 99th percentile since the last scrape',
    registers: [registry],
    collect() {
      this.set(loop.percentile(99) / 1e9);
      loop.reset();
    },
  });
  new Gauge({
    name: `${prefix}tenants`,
    help: 'Tenants by supervision state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(workers.summary().tenants)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: `${prefix}collectors`,
    help: 'Collectors by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(workers.summary().collectors)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: `${prefix}breakers`,
    help: 'Circuit breakers (per tenant and AWS service) by state',
    labelNames: ['service', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const tenant of workers.list()) {
        for (const [service, state] of Object.entries(tenant.breakers)) counts.set(`${service}\u0000${state}`, (counts.get(`${service}\u0000${state}`) ?? 0) + 1);
      }
      for (const [key, n] of counts) {
        const [service = '', state = ''] = key.split('\u0000');
        this.set({ service, state }, n);
      }
    },
  });
  new Counter({
    name: `${prefix}collector_runs_total`,
    help: 'Collector runs by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      setCounter(this, Object.entries(workers.counters().collectorRuns).map(([kind, n]) => [{ kind }, n]));
    },
  });
  new Counter({
    name: `${prefix}collector_runs_late_total`,
    help: 'Collector runs that ended after their interval had passed (their cadence stretched), by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      setCounter(this, Object.entries(workers.counters().collectorRunsLate).map(([kind, n]) => [{ kind }, n]));
    },
  });
  // Fleet lag, computed once per scrape for the three gauges below.
  let lagAt = -Infinity;
  let lagValue: FleetLag | undefined;
  const lagNow = (): FleetLag => {
    const now = Date.now();
    if (!lagValue || now - lagAt > 1_000) {
      lagValue = workers.lag();
      lagAt = now;
    }
    return lagValue;
  };
  const lagGauges: [string, string, (lag: FleetLag) => number][] = [
    ['fleet_oldest_overdue_seconds', 'How long the most overdue collector has been past the slot its next run owed (0: none)', (lag) => lag.oldestOverdueMs / 1000],
    ['fleet_late_run_ratio', 'Share of the collector runs that ended in the recent window which ended late', (lag) => lag.lateShare],
    ['fleet_behind', '1 when the fleet is behind its cadences (/ops/health says behind), else 0', (lag) => (lag.behind ? 1 : 0)],
    ['collectors_overdue', 'Collectors past the slot their next run owed', (lag) => lag.overdue],
  ];
  for (const [name, help, value] of lagGauges) {
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(value(lagNow()));
      },
    });
  }
  new Counter({
    name: `${prefix}collector_failures_total`,
    help: 'Failed collector runs by collector and failure kind',
    labelNames: ['collector', 'kind'],
    registers: [registry],
    collect() {
      setCounter(
        this,
        Object.entries(workers.counters().collectorFailures).map(([key, n]) => {
          const [collector = '', kind = ''] = key.split(':');
          return [{ collector, kind }, n ?? 0];
        }),
      );
    },
  });
  new Counter({
    name: `${prefix}restarts_total`,
    help: 'Supervised restarts by level',
    labelNames: ['level'],
    registers: [registry],
    collect() {
      const counters = workers.counters();
      setCounter(this, [
        [{ level: 'collector' }, counters.collectorRestarts],
        [{ level: 'tenant' }, counters.tenantRestarts],
      ]);
    },
  });
  new Counter({
    name: `${prefix}aws_calls_total`,
    help: 'AWS calls made by the collectors, by service',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      setCounter(this, Object.entries(workers.counters().awsCalls).map(([service, n]) => [{ service }, n ?? 0]));
    },
  });
  if (health.collectionLoopDelayP99Ms) {
    const delay = health.collectionLoopDelayP99Ms;
    new Gauge({
      name: `${prefix}collection_event_loop_delay_p99_seconds`,
      help: 'Event-loop delay p99 of the collection thread over its last second (the API thread\'s is nodejs_eventloop_lag_*)',
      registers: [registry],
      collect() {
        this.set(delay() / 1000);
      },
    });
  }
  if (health.billableTotals) {
    const totals = health.billableTotals;
    new Counter({
      name: `${prefix}aws_billable_units_total`,
      help: 'Billable AWS units the monitoring caused (Cost Explorer requests, GetMetricData metrics)',
      labelNames: ['unit'],
      registers: [registry],
      collect() {
        const counts = totals();
        setCounter(this, [
          [{ unit: 'ce_request' }, counts.costExplorerRequests],
          [{ unit: 'getmetricdata_metric' }, counts.getMetricDataMetrics],
        ]);
      },
    });
  }

  const fastReads = new Counter({
    name: `${prefix}http_fast_reads_total`,
    help: 'Requests answered from a current rendered response before Koa (also in http_request_duration_seconds)',
    registers: [registry],
  });
  const timeRequest = () => {
    const end = requests.startTimer();
    return (method: string, route: string, status: number) => end({ method, route, status: String(status) });
  };
  let closed = false;
  return {
    registry,
    signInFailed: (address) => loginFailures.inc({ address }),
    middleware: async (ctx, next) => {
      const end = timeRequest();
      try {
        await next();
      } finally {
        // The route template, never the raw path: ids in paths would explode the label set.
        end(ctx.method, ctx._matchedRoute ? String(ctx._matchedRoute) : 'unmatched', ctx.status);
      }
    },
    timeRequest,
    fastRead: () => fastReads.inc(),
    close() {
      if (closed) return;
      closed = true;
      loop.disable();
    },
  };
}
