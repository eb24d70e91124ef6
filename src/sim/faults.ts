/**
 * Fault rules and the per-call decision. Decisions are a pure function of (seed, account,
 * service, operation, n-th call of that triple), so a test sees the same faults on every run
 * however calls to different accounts interleave.
 */
import { between, chance } from './prng.js';
import type { FaultSpec, SimService } from './types.js';

/** What happens to one call. */
export type FaultOutcome = 'pass' | 'reject' | 'throttle' | 'internal' | 'unavailable' | 'timeout';

export interface FaultDecision {
  latencyMs: number;
  outcome: FaultOutcome;
}

const SERVICES = new Set(['sts', 'cloudwatch', 'ce', 'guardduty', 'ses', 'health', 'securityhub', '*']);

/** Check a rule; throws a TypeError naming the bad field. */
export function validateFault(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('a fault is an object');
  const fault = input as Record<string, unknown>;
  for (const key of ['account', 'operation'] as const) {
    if (fault[key] !== undefined && typeof fault[key] !== 'string') throw new TypeError(`fault.${key} must be a string`);
  }
  if (fault.service !== undefined && !SERVICES.has(String(fault.service))) throw new TypeError(`fault.service must be ${[...SERVICES].join(', ')}`);
  for (const key of ['throttleRate', 'errorRate', 'timeoutRate'] as const) {
    const rate = fault[key];
    if (rate !== undefined && (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))) throw new TypeError(`fault.${key} must be a number in [0, 1]`);
  }
  const latency = fault.latencyMs;
  if (latency !== undefined) {
    const ok =
      (typeof latency === 'number' && latency >= 0) ||
      (typeof latency === 'object' &&
        latency !== null &&
        typeof (latency as { min?: unknown }).min === 'number' &&
        typeof (latency as { max?: unknown }).max === 'number' &&
        (latency as { min: number }).min >= 0 &&
        (latency as { min: number }).min <= (latency as { max: number }).max);
    if (!ok) throw new TypeError('fault.latencyMs must be a number >= 0 or { min, max } with 0 <= min <= max');
  }
  if (fault.rejectCredentials !== undefined && typeof fault.rejectCredentials !== 'boolean') throw new TypeError('fault.rejectCredentials must be a boolean');
  return { ...(fault as FaultSpec) };
}

function matches(fault: FaultSpec, account: string, service: SimService, operation: string): boolean {
  return (
    (fault.account === undefined || fault.account === '*' || fault.account === account) &&
    (fault.service === undefined || fault.service === '*' || fault.service === service) &&
    (fault.operation === undefined || fault.operation === '*' || fault.operation === operation)
  );
}

/** The rules in force and the decisions they lead to. */
export class FaultBook {
  private faults: FaultSpec[] = [];
  private readonly counters = new Map<string, number>();

  constructor(private readonly seed: number) {}

  set(faults: readonly unknown[]): void {
    this.faults = faults.map(validateFault);
  }

  add(fault: unknown): void {
    this.faults = [...this.faults, validateFault(fault)];
  }

  clear(): void {
    this.faults = [];
  }

  list(): FaultSpec[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** True when a rule refuses the credentials of `account` for this call (no PRNG draw). */
  rejects(account: string, service: SimService, operation: string): boolean {
    return this.faults.some((fault) => fault.rejectCredentials === true && matches(fault, account, service, operation));
  }

  /** Decide the fate of the next call of (account, service, operation). */
  decide(account: string, service: SimService, operation: string): FaultDecision {
    const key = `${account}|${service}|${operation}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    let latencyMs = 0;
    let outcome: FaultOutcome = 'pass';
    this.faults.forEach((fault, index) => {
      if (!matches(fault, account, service, operation)) return;
      // A later rule's latency replaces an earlier one's, so a test can refine a broad rule.
      if (typeof fault.latencyMs === 'number') latencyMs = fault.latencyMs;
      else if (fault.latencyMs) latencyMs = Math.round(between(fault.latencyMs.min, fault.latencyMs.max, this.seed, 'latency', key, n, index));
      if (outcome !== 'pass') return;
      if (fault.rejectCredentials) outcome = 'reject';
      else if (fault.throttleRate && chance(this.seed, 'throttle', key, n, index) < fault.throttleRate) outcome = 'throttle';
      else if (fault.errorRate && chance(this.seed, 'error', key, n, index) < fault.errorRate) {
        outcome = chance(this.seed, 'error-kind', key, n, index) < 0.5 ? 'internal' : 'unavailable';
      } else if (fault.timeoutRate && chance(this.seed, 'timeout', key, n, index) < fault.timeoutRate) outcome = 'timeout';
    });
    return { latencyMs, outcome };
  }
}
