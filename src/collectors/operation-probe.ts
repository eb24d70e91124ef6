/**
 * How the account permission check (src/aws/permission-check.ts) calls one operation of a
 * collector once, cheaply, to learn whether the role may. Each `OperationSpec` of a descriptor
 * carries its probe, so a collector's operations are probed against its own service (Security
 * Hub's GetFindings is not GuardDuty's) and a new operation cannot be left unprobed.
 */
import type { AccountTarget, AwsGateway } from '../domain/gateway.js';

/** What a probe is run with. */
export interface ProbeContext {
  aws: AwsGateway;
  target: AccountTarget;
  /** The region probed; undefined for a global operation (its gateway knows the endpoint). */
  region: string | undefined;
  /** The check's time (ms). */
  now: number;
  signal: AbortSignal;
  /**
   * What the probes run before it for the same collector and region returned, by operation;
   * absent: that probe failed or was not run.
   */
  earlier: ReadonlyMap<string, unknown>;
}

/** A probe's verdict other than `ok`/an AWS error: the operation is not callable meaningfully yet. */
export interface ProbeSkip {
  /** `not_checked`: a prerequisite is missing; `feature_not_enabled`: the answer shows a setup step. */
  result: 'not_checked' | 'feature_not_enabled';
  note?: string;
  /** The step code a `feature_not_enabled` verdict carries (e.g. NoDetector). */
  code?: string;
}

/** One operation's probe. */
export interface OperationProbe {
  /** Why it cannot be probed given the earlier probes (a prerequisite failed or found nothing); undefined: probe it. */
  skip?(earlier: ReadonlyMap<string, unknown>): ProbeSkip | undefined;
  /** Make the call; its value is kept for the later probes (`earlier`). Throws `AwsCallError` when AWS refuses. */
  run(ctx: ProbeContext): Promise<unknown>;
  /** What a successful answer still means (an empty detector list: GuardDuty is off); undefined: ok. */
  judge?(value: unknown): ProbeSkip | undefined;
}

/** The window the probes ask about: the last day. */
export const PROBE_WINDOW_MS = 86_400_000;
