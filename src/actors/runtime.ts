/**
 * The supervision runtime: an actor system holding the fleet, its shards and one actor per
 * tenant, which owns and supervises its collectors (state, not actors). `createRuntime` wires it from injected parts (tenant source,
 * AWS gateway, result sink, clock), `start` spawns it and runs the first reconcile, `stop`
 * shuts it down within a deadline. Nothing outside src/actors sees nact.
 */
import type { Logger } from 'pino';
import type { AwsGateway, AwsService } from '../domain/gateway.js';
import type { ResultSink } from '../domain/sink.js';
import type { CollectorKind, TenantSource } from '../domain/tenant.js';
import { defaultIntervalsMs, defaultJobs, type CollectorJob } from '../collectors/index.js';
import { SharedAwsLimits, type BreakerSettings } from './aws-access.js';
import { Scheduler, systemClock, type Clock } from './clock.js';
import { describeFailure } from './failure.js';
import type { WorkerHealthView } from '../domain/worker-health.js';
import { spawnFleet, type FleetMessage, type ReconcileResult } from './fleet-actor.js';
import { HealthRegistry, type LagSettings } from './health-registry.js';
import { dispatch, startSystem, stopSystem, type ActorRef, type SystemRef } from './nact-facade.js';
import type { ChildSpec } from './restart-policy.js';
import { FairLimiter } from './fair-limiter.js';
import { InflightTracker, type RuntimeServices } from './services.js';

/** Default supervision of each level; every field can be overridden. */
export const DEFAULT_SPECS: { shard: ChildSpec; tenant: ChildSpec; collector: ChildSpec } = {
  shard: { restart: 'permanent', backoff: { minMs: 100, maxMs: 10_000, jitter: 0.2 }, intensity: { maxRestarts: 10, withinMs: 60_000 }, stableAfterMs: 60_000, parkMs: 60_000 },
  tenant: { restart: 'permanent', backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0.2 }, intensity: { maxRestarts: 5, withinMs: 600_000 }, stableAfterMs: 600_000, parkMs: 1_800_000 },
  collector: { restart: 'permanent', backoff: { minMs: 1_000, maxMs: 300_000, jitter: 0.2 }, intensity: { maxRestarts: 5, withinMs: 3_600_000 }, stableAfterMs: 3_600_000, parkMs: 3_600_000 },
};

/** Each collector's production cadence (its tick), from its descriptor. */
export const DEFAULT_INTERVALS_MS: Record<CollectorKind, number> = defaultIntervalsMs('production');

export interface RuntimeOptions {
  source: TenantSource;
  gateway: AwsGateway;
  sink: ResultSink;
  log: Logger;
  /** Default: the system clock. Tests pass a ManualClock. */
  clock?: Clock;
  /** Default: Math.random (backoff jitter). */
  random?: () => number;
  /** Default 16. */
  shards?: number;
  /** Default 30 s. */
  reconcileIntervalMs?: number;
  /** Default: each collector's production cadence (its descriptor). */
  intervalsMs?: Partial<Record<CollectorKind, number>>;
  /** First runs after start are spread over this window. Default 60 s. */
  startupSpreadMs?: number;
  /**
   * The scheduler's timer slack: timers due within one slot of this many ms fire in one turn, at
   * most this late (Scheduler in clock.ts). Default 0 (exact, as tests on a ManualClock expect);
   * the service passes TIMER_SLACK.
   */
  timerSlackMs?: number;
  /** Process-wide cap on AWS calls in flight. Default 64. */
  maxInflight?: number;
  /** Share of the in-flight cap that suspect tenants (latest call timed out, throttled, 5xx) hold together. Default 0.25. */
  suspectShare?: number;
  /**
   * Process-wide cap on collector runs in flight (admission: runs past it wait, round-robin per
   * tenant, before their deadlines start). Default twice `maxInflight`.
   */
  maxRunsInflight?: number;
  breaker?: Partial<BreakerSettings>;
  serviceConcurrency?: Partial<Record<AwsService, number>>;
  specs?: { shard?: Partial<ChildSpec>; tenant?: Partial<ChildSpec>; collector?: Partial<ChildSpec> };
  /** Default: the standard metrics, cost and security jobs. */
  jobs?: Partial<Record<CollectorKind, CollectorJob>>;
  /** How fleet lag is judged (defaults in DEFAULT_LAG_SETTINGS). */
  lag?: Partial<LagSettings>;
  /** Actor system name; unique per process. Default: generated. */
  name?: string;
  /** The registry the runtime writes (e.g. one that also records its transitions, registry-mirror.ts). Default: a new one. */
  registry?: HealthRegistry;
}

/** What stop did. */
export interface StopReport {
  /** Runs that finished on their own within the deadline. */
  finished: number;
  /** Runs aborted at the deadline. */
  aborted: number;
  durationMs: number;
}

export interface Runtime {
  /** Worker health, read-only: snapshots of tenants, collectors, the fleet and its lag. */
  readonly registry: WorkerHealthView;
  /** Spawn the tree and run the first reconcile. */
  start(): Promise<ReconcileResult>;
  /** Reconcile now (also runs every reconcile interval). */
  reconcile(): Promise<ReconcileResult>;
  /** Apply one tenant's change now (reads just that tenant when the source can; else reconciles). */
  refreshTenant(tenantId: string): Promise<ReconcileResult>;
  /** Stop and start a tenant afresh (operator action). */
  restartTenant(tenantId: string): boolean;
  /** Run a tenant's collectors now instead of at their next slot. */
  runNow(tenantId: string): boolean;
  /** Stop ticks, let runs finish until `deadlineMs` then abort them, flush, release. Idempotent. */
  stop(deadlineMs?: number): Promise<StopReport>;
}

let systems = 0;

/** Build a runtime from its parts. Nothing runs until `start`. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const clock = options.clock ?? systemClock;
  const scheduler = new Scheduler(clock, { slackMs: options.timerSlackMs ?? 0 });
  const registry = options.registry ?? new HealthRegistry({ now: () => clock.now(), ...(options.lag ? { lag: options.lag } : {}) });
  const log = options.log;
  const abort = new AbortController();
  let stopping = false;
  let system: SystemRef | undefined;
  let fleet: ActorRef<FleetMessage> | undefined;
  let stopped: Promise<StopReport> | undefined;
  const name = options.name ?? `cloud-health-${process.pid}-${++systems}`;

  const maxInflight = options.maxInflight ?? 64;
  const limits = new SharedAwsLimits(scheduler, {
    maxInflight,
    ...(options.suspectShare !== undefined ? { suspectShare: options.suspectShare } : {}),
    ...(options.breaker ? { breaker: options.breaker } : {}),
    ...(options.serviceConcurrency ? { serviceConcurrency: options.serviceConcurrency } : {}),
  });
  const services: RuntimeServices = {
    scheduler,
    registry,
    log,
    limits,
    // Runs are shared fairly: round-robin per tenant, each tenant's due runs in the order they
    // came due, so all its collectors' cadences stretch alike under overload; suspect tenants (as
    // the call limiter marks them: their calls time out, are throttled or fail) hold at most their
    // share, so hung runs cannot fill the slots. No share per collector kind: runs last from a
    // second to a minute, and a split of the slots by kind gave the fast kinds several times the
    // runs of the slow ones (test/actors/run-admission.test.ts); a hung AWS service is bounded by
    // the call limiter's service share, the call deadlines and the suspect share.
    admission: new FairLimiter({
      capacity: options.maxRunsInflight ?? 2 * maxInflight,
      perTenantService: {},
      serviceShare: 1,
      ...(options.suspectShare !== undefined ? { suspectShare: options.suspectShare } : {}),
      suspectOf: (tenantId) => limits.fair.isSuspect(tenantId),
    }),
    gateway: options.gateway,
    sink: options.sink,
    jobs: { ...defaultJobs(), ...options.jobs },
    intervalsMs: { ...DEFAULT_INTERVALS_MS, ...options.intervalsMs },
    startupSpreadMs: options.startupSpreadMs ?? 60_000,
    specs: {
      shard: { ...DEFAULT_SPECS.shard, ...options.specs?.shard },
      tenant: { ...DEFAULT_SPECS.tenant, ...options.specs?.tenant },
      collector: { ...DEFAULT_SPECS.collector, ...options.specs?.collector },
    },
    random: options.random ?? Math.random,
    inflight: new InflightTracker(),
    abortAll: abort.signal,
    onFault: (where, actor, error) => log.error({ where, actor, error: describeFailure(error, clock.now()) }, 'supervision hook threw'),
    stopping: () => stopping,
  };

  const spawnTheFleet = () => {
    fleet = spawnFleet(system!, {
      source: options.source,
      shards: options.shards ?? 16,
      reconcileIntervalMs: options.reconcileIntervalMs ?? 30_000,
      services,
      log,
      onCrash: (error) => {
        log.fatal({ error: describeFailure(error, clock.now()) }, 'fleet crashed; starting a new one');
        fleet = undefined;
        // The crashed fleet is stopping (its children with it); a new one takes its name next turn.
        scheduler.after(1_000, () => {
          if (!stopping) {
            spawnTheFleet();
            dispatch(fleet!, { type: 'reconcile' });
          }
        });
      },
    });
  };

  const reconcile = (): Promise<ReconcileResult> =>
    new Promise((resolve, reject) => {
      if (!fleet || stopping) return reject(new Error('runtime is not running'));
      dispatch(fleet, { type: 'reconcile', reply: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    });

  const refreshTenant = (tenantId: string): Promise<ReconcileResult> => {
    if (!options.source.get) return reconcile();
    return new Promise((resolve, reject) => {
      if (!fleet || stopping) return reject(new Error('runtime is not running'));
      dispatch(fleet, { type: 'refresh', tenantId, reply: (result) => (result instanceof Error ? reject(result) : resolve(result)) });
    });
  };

  const toTenant = (tenantId: string, message: Extract<FleetMessage, { type: 'to-tenant' }>['message']): boolean => {
    if (!fleet || stopping || !registry.get(tenantId)) return false;
    dispatch(fleet, { type: 'to-tenant', tenantId, message });
    return true;
  };

  return {
    registry,
    async start() {
      if (system) throw new Error('runtime already started');
      system = startSystem(name);
      spawnTheFleet();
      return reconcile();
    },
    reconcile,
    refreshTenant,
    restartTenant: (tenantId) => toTenant(tenantId, { type: 'restart-tenant', tenantId, fresh: true }),
    runNow: (tenantId) => toTenant(tenantId, { type: 'run-now', tenantId }),
    stop(deadlineMs = 10_000) {
      stopped ??= (async () => {
        const began = clock.now();
        stopping = true;
        scheduler.close(); // no new ticks, reconciles or restarts
        const inflight = services.inflight.size;
        let timedOut = false;
        await new Promise<void>((resolve) => {
          const timer = clock.setTimer(() => {
            timedOut = true;
            resolve();
          }, deadlineMs);
          services.inflight.drain().then(() => {
            timer();
            resolve();
          });
        });
        const aborted = timedOut ? services.inflight.size : 0;
        abort.abort(new Error('runtime stopping'));
        services.inflight.abortAll();
        await services.inflight.drain();
        const flushed = options.sink.flush().catch((error: unknown) => {
          log.error({ error: describeFailure(error, clock.now()) }, 'flush on stop failed');
        });
        await flushed;
        if (system) stopSystem(system);
        services.limits.close();
        // Breakers belong to tenant actors; their onStop runs a turn after the system stops.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const report = { finished: inflight - aborted, aborted, durationMs: clock.now() - began };
        log.info(report, 'runtime stopped');
        return report;
      })();
      return stopped;
    },
  };
}
