/** The simulator's public types: its options, fault specs, recorded calls and captured mail. */
import type { Logger } from '../log.js';

/** The simulated AWS services, named by their SigV4 signing scope (CloudWatch's is `monitoring`). */
export type SimService = 'sts' | 'cloudwatch' | 'ce' | 'guardduty' | 'ses';

/**
 * One fault rule. It applies to calls that match `account` (12-digit id, default every account),
 * `service` (default every service) and `operation` (e.g. `GetMetricData`, default every one).
 * Rates are probabilities in [0, 1], decided with a seeded PRNG so runs repeat.
 */
export interface FaultSpec {
  account?: string;
  service?: SimService | '*';
  operation?: string;
  /** Delay before answering: a fixed number of ms or a uniform range. */
  latencyMs?: number | { min: number; max: number };
  /** Share of calls answered with the service's own throttling error. */
  throttleRate?: number;
  /** Share of calls answered with a 500 or a 503 (half each). */
  errorRate?: number;
  /** Share of calls never answered (held until the client gives up or the simulator closes). */
  timeoutRate?: number;
  /** Every call is refused as if the credentials were revoked; AssumeRole into the account is denied. */
  rejectCredentials?: boolean;
}

/** Options of `startSimulator`; each documents its default. */
export interface SimulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** Seed of all generated data and fault decisions; default 1. */
  seed?: number;
  /** The clock generated data depends on (ms since epoch); default `Date.now`. */
  now?: () => number;
  /** Fault rules in force from the start; default none. */
  faults?: FaultSpec[];
  /** Logger; default silent. */
  log?: Logger;
  /** How long a "timeout" fault holds a response before dropping the connection; default 5 minutes. */
  holdMs?: number;
}

/** One call the simulator answered (or held). */
export interface SimCall {
  /** The 12-digit account the call was for (for AssumeRole: the role's account). */
  account: string;
  service: SimService;
  operation: string;
  region: string;
  /** When the call arrived, by the simulator's clock (ISO-8601). */
  time: string;
  /** HTTP status sent; 0 when the response was held (timeout fault) and never sent. */
  status: number;
  /** The AWS error code sent, if any. */
  errorCode?: string;
  /** Billable units this call cost the account (0 when it failed or is free). */
  billableUnits: number;
  /** Parameters worth checking in tests (AssumeRole's role ARN and ExternalId). */
  params?: Record<string, string>;
}

/** An email captured by the simulated SES. */
export interface SentEmail {
  messageId: string;
  /** The account whose SES sent it. */
  account: string;
  region: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html?: string;
  text?: string;
  /** When it was sent, by the simulator's clock (ISO-8601). */
  time: string;
}

/** A finding injected at run time. */
export interface InjectedFinding {
  title: string;
  /** GuardDuty numeric severity, 1.0-10.0. */
  severity: number;
  /** Finding type; default `UnauthorizedAccess:EC2/SSHBruteForce`. */
  type?: string;
  description?: string;
}

/** Billable usage of one account, as AWS would bill it. */
export interface BillableUsage {
  /** Successful Cost Explorer requests (every page counts). */
  costExplorerRequests: number;
  /** Metrics requested through successful GetMetricData calls (every page counts). */
  getMetricDataMetrics: number;
}

/** A running simulator. */
export interface Simulator {
  /** Base URL to give the SDK clients as `endpoint`, e.g. http://127.0.0.1:45123. */
  readonly endpoint: string;
  /** Replace the fault rules. */
  setFaults(faults: FaultSpec[]): void;
  /** Add one fault rule. */
  addFault(fault: FaultSpec): void;
  /** Remove every fault rule. */
  clearFaults(): void;
  /** Add a finding to an account's GuardDuty in a region (enabling GuardDuty there); returns its id. */
  injectFinding(awsAccountId: string, region: string, finding: InjectedFinding): string;
  /** Recorded calls, oldest first, optionally filtered. */
  calls(filter?: { account?: string; service?: SimService; operation?: string }): SimCall[];
  /** What the account's monitoring has cost so far. */
  billable(awsAccountId: string): BillableUsage;
  /** Captured emails, oldest first. */
  outbox(): SentEmail[];
  /** Stop serving; drops held responses and open connections. Idempotent. */
  close(): Promise<void>;
}
