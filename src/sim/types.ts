/** The simulator's public types: its options, fault specs, recorded calls and captured mail. */
import type { Logger } from '../log.js';

/** The simulated AWS services, named by their SigV4 signing scope (CloudWatch's is `monitoring`). */
export type SimService = 'sts' | 'cloudwatch' | 'ce' | 'guardduty' | 'ses' | 'health' | 'securityhub';

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

/**
 * How AWS treats one simulated account (explicit configuration: demo world, tests). An account
 * with no configuration follows the default world (DESIGN.md "AWS simulator").
 */
export interface SimAccountConfig {
  /**
   * Roles that exist in the account, by role name, each with the ExternalId its trust policy
   * requires (undefined: no ExternalId condition). AssumeRole into any other role name, or with a
   * missing/different ExternalId: AccessDenied 403 (STS). Without `roles`: the default-world rule
   * (one role `CloudHealthMonitor` pinning the first non-empty ExternalId it is assumed with).
   */
  roles?: Record<string, { externalId?: string }>;
  /**
   * IAM actions denied to every identity in this account, e.g. 'ce:GetRightsizingRecommendation'
   * (`*` matches any characters, as in IAM). The call answers the service's own access-denied
   * error. `sts:GetCallerIdentity` is never denied (AWS needs no permission for it).
   */
  deniedActions?: string[];
  /**
   * Opt-in regions the account has not enabled: STS still works; every other call signed for such
   * a region answers as AWS does (InvalidClientTokenId / UnrecognizedClientException 403).
   */
  disabledRegions?: string[];
  /** false: Cost Explorer never enabled: every ce:* call is AccessDeniedException. Default true. */
  costExplorerEnabled?: boolean;
  /** false: rightsizing not opted in: GetRightsizingRecommendation is AccessDeniedException. Default true. */
  rightsizingOptIn?: boolean;
  /**
   * true: a new account (opened 3 days before it was configured, by the simulator's clock):
   * GetCostForecast answers DataUnavailableException; costs and anomalies start on its first day.
   * Default false.
   */
  newAccount?: boolean;
  /**
   * Regions where GuardDuty has no detector (ListDetectors returns []); when given, every other
   * region has one. Default: the generated world's choice.
   */
  guardDutyDisabledRegions?: string[];
  /**
   * How long each state of the flapping alarms (the error-prone Lambda functions' `lambda-errors-*`)
   * lasts before the next deterministic draw, in ms (at least 1000). Default 3 hours; tests set
   * seconds so an alarm enters ALARM and returns to OK while they watch.
   */
  alarmFlapMs?: number;
  /**
   * EC2 instances in the account, spread evenly over its generated regions (each has one root
   * volume); the other resources stay as generated. Default: the generated 3-6 per region.
   */
  ec2Instances?: number;
  /**
   * false: no Business/Enterprise support plan: every AWS Health call answers
   * SubscriptionRequiredException. Default true.
   */
  healthSubscription?: boolean;
  /** Regions where Security Hub is not enabled: its calls there answer InvalidAccessException (401). */
  securityHubDisabledRegions?: string[];
}

/** The simulated SES of the platform's account. */
export interface SimSesOptions {
  /** true: the account is in the SES sandbox: recipients must be verified identities too. Default false. */
  sandbox?: boolean;
  /** Verified identities: email addresses or domains (a domain covers its subdomains). Default ['example.com']. */
  verifiedIdentities?: string[];
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
  /** Explicitly configured accounts, by 12-digit id; default none (every account follows the default world). */
  accounts?: Record<string, SimAccountConfig>;
  /** SES identities and sandbox; default: `example.com` verified, not in the sandbox. */
  ses?: SimSesOptions;
  /**
   * The `/_sim/` control routes (fault injection, outbox, accounts). `false` (the default): not
   * mounted. `{}`: mounted for anyone (tests). `{ token }`: mounted, each request needs
   * `Authorization: Bearer <token>`.
   */
  control?: { token?: string } | false;
  /**
   * What the simulator keeps in memory, so a long run (demo mode for weeks) stays bounded: recorded
   * calls (default 200,000; billable totals are kept in full regardless), captured emails (default
   * 10,000; `emailsAccepted()` still counts them all) and GuardDuty findings per account (default
   * 2,000, the oldest dropped first: AWS keeps findings 90 days, which at the simulated world's one
   * finding every 6 minutes would be 21,600 an account).
   */
  retain?: { calls?: number; emails?: number; findingsPerAccount?: number };
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
  /** Captured emails, oldest first (the most recent `retain.emails`). */
  outbox(): SentEmail[];
  /** Emails SES accepted since the start, including those no longer kept in the outbox. */
  emailsAccepted(): number;
  /** Replace an account's configuration (validated: a TypeError names the bad field). */
  configureAccount(awsAccountId: string, config: SimAccountConfig): void;
  /** An account's explicit configuration, or undefined when it follows the default world. */
  accountConfig(awsAccountId: string): SimAccountConfig | undefined;
  /** Stop serving; drops held responses and open connections. Idempotent. */
  close(): Promise<void>;
}
