/**
 * The health registry across a thread boundary. When collection runs in a worker thread
 * (src/service/collection-thread.ts), its registry records every named transition it is given and
 * hands them over in batches; the API's thread replays them, in order, into a registry of its own.
 * The registry is a function of its transitions and the clock (both threads read the same one),
 * so the mirror answers what the collection thread's registry would, a batch later.
 *
 * Two transitions come once per AWS call and are folded before they cross: `awsCallMade` as a count
 * per service, and `breakerChanged` only when the state differs from the one recorded.
 */
import type { AwsService } from '../domain/gateway.js';
import type { AccountHealth, BreakerState } from '../domain/worker-health.js';
import { HealthRegistry, type LagSettings } from './health-registry.js';

/** The registry's named transitions: what a batch may name, and all the mirror replays. */
const TRANSITIONS = [
  'tenantStarted',
  'tenantSupervised',
  'tenantRemoved',
  'accountsChanged',
  'breakerChanged',
  'collectorStarted',
  'collectorSupervised',
  'collectorStoppedWithTenant',
  'collectorScheduled',
  'collectorRunStarted',
  'collectorRunEnded',
  'awsCallMade',
  'reconciled',
] as const satisfies readonly (keyof HealthRegistry)[];

export type TransitionName = (typeof TRANSITIONS)[number];
/** One transition as it crosses: its name and its arguments (structured-cloneable data). */
export type Transition = [name: TransitionName, args: unknown[]];

const KNOWN = new Set<string>(TRANSITIONS);

/** A registry that also records its transitions until `take()`. */
export class RecordingRegistry extends HealthRegistry {
  #batch: Transition[] = [];
  readonly #calls = new Map<AwsService, number>();

  constructor(options: { now?: () => number; lag?: Partial<LagSettings> } = {}) {
    super(options);
    const self = this as unknown as Record<TransitionName, (...args: unknown[]) => void>;
    for (const name of TRANSITIONS) {
      if (name === 'awsCallMade' || name === 'breakerChanged' || name === 'accountsChanged') continue;
      const apply = HealthRegistry.prototype[name] as (...args: unknown[]) => void;
      self[name] = (...args: unknown[]) => {
        this.#batch.push([name, args]);
        apply.apply(this, args);
      };
    }
  }

  override awsCallMade(service: AwsService, count = 1): void {
    this.#calls.set(service, (this.#calls.get(service) ?? 0) + count);
    super.awsCallMade(service, count);
  }

  override breakerChanged(tenantId: string, service: AwsService, state: BreakerState): void {
    if (this.breakerState(tenantId, service) === state) return;
    this.#batch.push(['breakerChanged', [tenantId, service, state]]);
    super.breakerChanged(tenantId, service, state);
  }

  override accountsChanged(tenantId: string, accounts: Record<string, AccountHealth>): void {
    // Copied now: the caller's object may change before the batch crosses.
    this.#batch.push(['accountsChanged', [tenantId, Object.fromEntries(Object.entries(accounts).map(([k, a]) => [k, { ...a }]))]]);
    super.accountsChanged(tenantId, accounts);
  }

  /** The transitions since the last take, in order (the call counts last). */
  take(): Transition[] {
    const batch = this.#batch;
    this.#batch = [];
    for (const [service, count] of this.#calls) batch.push(['awsCallMade', [service, count]]);
    this.#calls.clear();
    return batch;
  }
}

/** Replay a batch into `registry`; names that are not transitions are ignored. */
export function applyTransitions(registry: HealthRegistry, batch: readonly Transition[]): void {
  const target = registry as unknown as Record<TransitionName, (...args: unknown[]) => void>;
  for (const [name, args] of batch) {
    if (KNOWN.has(name) && Array.isArray(args)) target[name](...args);
  }
}
