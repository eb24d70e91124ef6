/**
 * The one limiter every AWS call passes: a process-wide cap on calls in flight, shared fairly.
 * When demand exceeds the cap, waiting calls are served round-robin per tenant (not first come,
 * first served), so a tenant with many queued calls cannot push others back; and no tenant, no
 * AWS service and no group of sick tenants can hold more than its share of the cap:
 *
 * - tenant share: ceil(capacity / tenants with calls waiting or in flight), at least 1;
 * - service share: ceil(capacity / services with demand) (or a set fraction of the capacity), so
 *   hung CloudWatch calls leave room for GuardDuty and Cost Explorer;
 * - per tenant and service: a fixed concurrency (Cost Explorer 1: it bills per request);
 * - suspect tenants (whose latest call timed out, was throttled or failed transiently) share
 *   `suspectShare` of the cap between them, so half the fleet hanging cannot fill it.
 *
 * Every blocked lane has a call in flight that will release (the deadline bounds it), so no
 * lane waits forever. Cost per call is O(1) amortised; nothing scans all tenants.
 */

export interface FairLimiterOptions {
  /** Calls in flight at most, process-wide. */
  capacity: number;
  /** Calls in flight per tenant and service, by service; absent services get 1. */
  perTenantService: Readonly<Record<string, number>>;
  /** Share of the capacity that suspect tenants may hold together. Default 0.25. */
  suspectShare?: number;
  /**
   * Share of the capacity one service may hold while others have demand. Default: an equal split
   * (capacity / services with demand), right for AWS calls. The run admission uses 1 (no share):
   * its "services" are collector kinds whose runs last from a second to a minute, and an equal
   * split of the slots gave the fast kinds several times the runs of the slow ones under overload.
   */
  serviceShare?: number;
  /**
   * Which tenants are suspect, when another limiter knows (the run admission asks the AWS call
   * limiter): then this limiter's own outcomes mark nobody.
   */
  suspectOf?: (tenantId: string) => boolean;
}

/**
 * What cancels a wait: an AbortSignal, or a run's scope (RunScope), which keeps its own listeners.
 * Node makes every AbortSignal with a map of its own (it sets the prototype of a new EventTarget),
 * so each property access on a signal misses V8's inline caches; the runtime passes its scopes.
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** How the call went, for the suspect mark: `suspect` (timeout, throttled, 5xx), `ok`, or `neutral` (says nothing). */
export type CallOutcome = 'ok' | 'suspect' | 'neutral';

interface Waiter {
  service: string;
  /** Resolves the wait; `suspect`: the slot counts against the suspect share. */
  grant: (suspect: boolean) => void;
  reject: (reason: unknown) => void;
  signal: AbortSource;
  onAbort: () => void;
}

interface Lane {
  tenantId: string;
  waiting: Waiter[];
  inflight: number;
  byService: Map<string, number>;
  queued: boolean;
  /** The service whose share blocks it (it waits in that service's queue), if any. */
  blockedOn: string | undefined;
  /** Waiting in the suspect queue. */
  blockedSuspect: boolean;
}

/** Idle lanes kept for reuse at most. */
const SPARE_LANES = 256;

/** A FIFO of lanes: O(1) push and shift (an array with a moving head, compacted as it drains). */
class LaneQueue {
  #items: Lane[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(lane: Lane): void {
    this.#items.push(lane);
  }

  shift(): Lane | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const lane = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return lane;
  }
}

export class FairLimiter {
  readonly capacity: number;
  readonly #perTenantService: Readonly<Record<string, number>>;
  readonly #suspectCap: number;
  readonly #suspectOf: ((tenantId: string) => boolean) | undefined;
  readonly #serviceShareOf: number | undefined;
  readonly #lanes = new Map<string, Lane>();
  /**
   * Lanes of tenants gone idle, kept for the next tenant to need one: a lane lives for one run
   * (~2 calls), and making it with its service Map each time was ~0.2 KB of garbage a run.
   */
  readonly #spareLanes: Lane[] = [];
  /** Tenants marked suspect, kept while their lane is gone. */
  readonly #suspect = new Set<string>();
  /** Lanes that may have an admissible waiter, in round-robin order. */
  #ready: Lane[] = [];
  #readyHead = 0;
  /**
   * Lanes blocked only by a service's share, in the order they were blocked. A release of that
   * service wakes as many as it has free slots, not all of them: waking every blocked lane on
   * every release made each release scan them all again (at 4,000 tenants the limiter took half
   * the first sweep's CPU).
   */
  readonly #blockedByService = new Map<string, LaneQueue>();
  /** Suspect lanes blocked by the suspect share; a suspect call's release wakes as many as are free. */
  readonly #blockedSuspect = new LaneQueue();
  #inflight = 0;
  #suspectInflight = 0;
  /** Per service: calls in flight, and calls waiting or in flight (its demand). */
  readonly #serviceInflight = new Map<string, number>();
  readonly #serviceDemand = new Map<string, number>();
  #closed = false;

  constructor(options: FairLimiterOptions) {
    this.capacity = Math.max(1, options.capacity);
    this.#perTenantService = options.perTenantService;
    this.#suspectCap = Math.max(1, Math.floor(this.capacity * (options.suspectShare ?? 0.25)));
    this.#suspectOf = options.suspectOf;
    if (options.serviceShare !== undefined && !(options.serviceShare > 0 && options.serviceShare <= 1)) throw new RangeError('serviceShare must be in (0, 1]');
    this.#serviceShareOf = options.serviceShare;
  }

  /** Calls in flight now. */
  get inflight(): number {
    return this.#inflight;
  }

  /** Calls waiting for a slot. */
  get pending(): number {
    let n = 0;
    for (const lane of this.#lanes.values()) n += lane.waiting.length;
    return n;
  }

  /**
   * Run `fn` in a slot of `tenantId`'s lane for `service`. `classify` turns the result into the
   * suspect mark. Rejects with the signal's reason if it aborts while waiting. Not an async
   * function: a call granted at once (most, below the cap) starts in this turn, with no promise
   * or microtask of the limiter's own before it.
   */
  run<T>(tenantId: string, service: string, signal: AbortSource, fn: () => Promise<T>, classify: (error: unknown) => CallOutcome): Promise<T> {
    const slot = this.acquire(tenantId, service, signal);
    if (typeof slot === 'boolean') return this.#runIn(tenantId, service, slot, fn, classify);
    return slot.then((suspect) => this.#runIn(tenantId, service, suspect, fn, classify));
  }

  /**
   * Take a slot of `tenantId`'s lane for `service`, to give back with `release`: at once when the
   * shares allow it (most calls below the cap; the result is then the slot's suspect mark, with no
   * promise made), else a promise of the mark once the pump grants one, rejected with the
   * signal's reason if it aborts first (nothing to release then).
   */
  acquire(tenantId: string, service: string, signal: AbortSource): boolean | Promise<boolean> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.reject(new Error('limiter closed'));
    let lane = this.#lanes.get(tenantId);
    if (!lane) {
      lane = this.#spareLanes.pop();
      if (lane) lane.tenantId = tenantId;
      else lane = { tenantId, waiting: [], inflight: 0, byService: new Map(), queued: false, blockedOn: undefined, blockedSuspect: false };
      this.#lanes.set(tenantId, lane);
    }
    this.#demand(service, 1);
    return this.#grantNow(lane, service) ?? this.#wait(lane, service, signal);
  }

  /** Run `fn` in the slot just taken, and release it when `fn` settles. */
  #runIn<T>(tenantId: string, service: string, countedSuspect: boolean, fn: () => Promise<T>, classify: (error: unknown) => CallOutcome): Promise<T> {
    let call: Promise<T>;
    try {
      call = fn();
    } catch (error) {
      this.release(tenantId, service, classify(error), countedSuspect);
      return Promise.reject(error);
    }
    return call.then(
      (value) => {
        this.release(tenantId, service, 'ok', countedSuspect);
        return value;
      },
      (error: unknown) => {
        this.release(tenantId, service, classify(error), countedSuspect);
        throw error;
      },
    );
  }

  /** Whether the tenant is marked suspect (for tests and the operator view). */
  isSuspect(tenantId: string): boolean {
    return this.#suspectOf ? this.#suspectOf(tenantId) : this.#suspect.has(tenantId);
  }

  /** The tenant is gone: drop its mark (its waiters were aborted by its runs' signals). */
  forget(tenantId: string): void {
    this.#suspect.delete(tenantId);
  }

  /** Reject every waiting call; nothing new is admitted. */
  close(): void {
    this.#closed = true;
    for (const lane of this.#lanes.values()) {
      for (const waiter of lane.waiting.splice(0)) {
        waiter.signal.removeEventListener('abort', waiter.onAbort);
        this.#demand(waiter.service, -1);
        waiter.reject(new Error('limiter closed'));
      }
    }
  }

  /** Queue a call the shares do not allow now; resolves with the suspect mark of its slot once the pump grants one. */
  #wait(lane: Lane, service: string, signal: AbortSource): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const waiter: Waiter = {
        service,
        grant: resolve,
        reject,
        signal,
        onAbort: () => {
          const i = lane.waiting.indexOf(waiter);
          if (i < 0) return;
          lane.waiting.splice(i, 1);
          this.#demand(service, -1);
          this.#dropIfIdle(lane);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      lane.waiting.push(waiter);
      this.#enqueue(lane);
      this.#pump();
    });
  }

  /**
   * Nobody waits ahead and every share allows the call: grant it at once, as the pump would,
   * without a waiter, a promise executor and an abort listener (most calls, when the cap is not
   * full). Returns whether the slot counts as suspect, or undefined to queue it.
   */
  #grantNow(lane: Lane, service: string): boolean | undefined {
    if (this.#readyHead < this.#ready.length || lane.waiting.length > 0 || this.#inflight >= this.capacity) return undefined;
    const suspect = this.isSuspect(lane.tenantId);
    if (suspect && this.#suspectInflight >= this.#suspectCap) return undefined;
    if (lane.inflight >= Math.max(1, Math.ceil(this.capacity / this.#lanes.size))) return undefined;
    if ((lane.byService.get(service) ?? 0) >= (this.#perTenantService[service] ?? 1)) return undefined;
    if ((this.#serviceInflight.get(service) ?? 0) >= this.#serviceShare()) return undefined;
    this.#take(lane, service, suspect);
    return suspect;
  }

  /** Count a granted slot against every share it uses. */
  #take(lane: Lane, service: string, suspect: boolean): void {
    lane.inflight++;
    lane.byService.set(service, (lane.byService.get(service) ?? 0) + 1);
    this.#inflight++;
    if (suspect) this.#suspectInflight++;
    this.#serviceInflight.set(service, (this.#serviceInflight.get(service) ?? 0) + 1);
  }

  /** Give back a slot taken with `acquire` (`wasSuspect`: its mark), with how the call went. */
  release(tenantId: string, service: string, outcome: CallOutcome, wasSuspect: boolean): void {
    const lane = this.#lanes.get(tenantId)!;
    lane.inflight--;
    lane.byService.set(service, (lane.byService.get(service) ?? 1) - 1);
    this.#inflight--;
    if (wasSuspect) this.#suspectInflight--;
    this.#serviceInflight.set(service, (this.#serviceInflight.get(service) ?? 1) - 1);
    this.#demand(service, -1);
    if (outcome === 'suspect') this.#suspect.add(tenantId);
    else if (outcome === 'ok') this.#suspect.delete(tenantId);
    // Wake what this release may have unblocked: as many lanes as there are free slots (a
    // woken lane that still cannot go is blocked again, or re-queued by its own next release).
    const blocked = this.#blockedByService.get(service);
    if (blocked) {
      // A lane woken already, or blocked on another service since, is skipped.
      this.#wake(blocked, this.#serviceShare() - (this.#serviceInflight.get(service) ?? 0), (other) => {
        if (other.blockedOn !== service) return false;
        other.blockedOn = undefined;
        return true;
      });
      if (blocked.size === 0) this.#blockedByService.delete(service);
    }
    if (wasSuspect) {
      this.#wake(this.#blockedSuspect, this.#suspectCap - this.#suspectInflight, (other) => {
        if (!other.blockedSuspect) return false;
        other.blockedSuspect = false;
        return true;
      });
    }
    this.#enqueue(lane);
    this.#dropIfIdle(lane);
    this.#pump();
  }

  #demand(service: string, delta: number): void {
    const n = (this.#serviceDemand.get(service) ?? 0) + delta;
    if (n <= 0) this.#serviceDemand.delete(service);
    else this.#serviceDemand.set(service, n);
  }

  /** Re-queue up to `free` (at least one) lanes of `queue` that `unblock` says were still waiting there. */
  #wake(queue: LaneQueue, free: number, unblock: (lane: Lane) => boolean): void {
    for (let woken = 0; woken < Math.max(1, free); ) {
      const lane = queue.shift();
      if (!lane) break;
      if (unblock(lane) && this.#enqueue(lane)) woken++;
    }
  }

  /** Put a lane with waiters at the back of the ready queue; false when it is there already or has none. */
  #enqueue(lane: Lane): boolean {
    if (lane.queued || lane.waiting.length === 0) return false;
    lane.queued = true;
    this.#ready.push(lane);
    return true;
  }

  #serviceShare(): number {
    if (this.#serviceDemand.size <= 1) return this.capacity;
    if (this.#serviceShareOf !== undefined) return Math.max(1, Math.ceil(this.capacity * this.#serviceShareOf));
    return Math.max(1, Math.ceil(this.capacity / this.#serviceDemand.size));
  }

  /**
   * Forget an idle lane. It is kept as a spare only when nothing else refers to it: not queued as
   * blocked (a stale entry there is skipped by its flags, which a reused lane would reset).
   */
  #dropIfIdle(lane: Lane): void {
    if (lane.inflight !== 0 || lane.waiting.length !== 0 || lane.queued) return;
    if (this.#lanes.get(lane.tenantId) !== lane) return;
    this.#lanes.delete(lane.tenantId);
    if (lane.blockedOn === undefined && !lane.blockedSuspect && this.#spareLanes.length < SPARE_LANES) {
      // Every count is back to zero: the service Map keeps its keys, at 0.
      this.#spareLanes.push(lane);
    }
  }

  /** Grant slots round-robin until the cap is full or no ready lane can take one. */
  #pump(): void {
    while (this.#inflight < this.capacity && this.#readyHead < this.#ready.length) {
      const lane = this.#ready[this.#readyHead++]!;
      lane.queued = false;
      if (this.#readyHead > 1024 && this.#readyHead * 2 > this.#ready.length) {
        this.#ready = this.#ready.slice(this.#readyHead);
        this.#readyHead = 0;
      }
      if (lane.waiting.length === 0) {
        this.#dropIfIdle(lane);
        continue;
      }
      const suspect = this.isSuspect(lane.tenantId);
      if (suspect && this.#suspectInflight >= this.#suspectCap) {
        if (!lane.blockedSuspect) {
          lane.blockedSuspect = true;
          this.#blockedSuspect.push(lane);
        }
        continue;
      }
      // Share of the cap per tenant with demand; the lane's own release re-queues it.
      if (lane.inflight >= Math.max(1, Math.ceil(this.capacity / this.#lanes.size))) continue;
      const serviceShare = this.#serviceShare();
      let chosen = -1;
      let shareBlocked: string | undefined;
      for (let i = 0; i < lane.waiting.length; i++) {
        const service = lane.waiting[i]!.service;
        if ((lane.byService.get(service) ?? 0) >= (this.#perTenantService[service] ?? 1)) continue; // its own release re-queues
        if ((this.#serviceInflight.get(service) ?? 0) >= serviceShare) {
          shareBlocked ??= service;
          continue;
        }
        chosen = i;
        break;
      }
      if (chosen < 0) {
        if (shareBlocked !== undefined && lane.blockedOn !== shareBlocked) {
          let queue = this.#blockedByService.get(shareBlocked);
          if (!queue) this.#blockedByService.set(shareBlocked, (queue = new LaneQueue()));
          lane.blockedOn = shareBlocked;
          queue.push(lane);
        }
        continue;
      }
      const [waiter] = lane.waiting.splice(chosen, 1) as [Waiter];
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.#take(lane, waiter.service, suspect);
      this.#enqueue(lane); // round-robin: back of the queue
      waiter.grant(suspect);
    }
  }
}
