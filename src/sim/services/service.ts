/** What a simulated service is: its wire protocol, how its operations are routed and handled. */
import type { AccountBook } from '../account-book.js';
import type { SessionBook } from '../credentials.js';
import type { FindingStore } from '../world/findings.js';
import type { ProtocolInfo } from '../protocols/write-response.js';
import type { SentEmail, SimService } from '../types.js';

/** Shared state the operations read and change. */
export interface SimContext {
  seed: number;
  now(): number;
  sessions: SessionBook;
  /** Per-account configuration: role trust, new accounts, GuardDuty detectors. */
  accounts: AccountBook;
  /** The platform's SES: sandbox or not, and its verified identities (lower case). */
  ses: { sandbox: boolean; verifiedIdentities: readonly string[] };
  findings: FindingStore;
  sendEmail(email: SentEmail): void;
}

/** A request routed to an operation. */
export interface SimRequest {
  service: SimService;
  operation: string;
  /** The account the call is for. */
  account: string;
  region: string;
  accessKeyId: string;
  requestId: string;
  method: string;
  /** Parsed body: JSON object for JSON protocols, form fields for awsQuery. */
  input: Record<string, unknown>;
  /** URL query parameters (restJson GET inputs). */
  query: URLSearchParams;
  /** Path labels of a restJson route, e.g. `{ detectorId }`. */
  labels: Record<string, string>;
}

/** An operation's answer. */
export interface OperationResult {
  output: unknown;
  /** Billable units when the call succeeds (see recorder). */
  billableUnits?: number;
  /** Parameters to record with the call. */
  params?: Record<string, string>;
}

export type Operation = (request: SimRequest, context: SimContext) => OperationResult;

/** A restJson1 route: method, path pattern with named groups, operation name. */
export interface RestRoute {
  method: string;
  path: RegExp;
  operation: string;
}

export interface ServiceDefinition {
  service: SimService;
  /** SigV4 signing name in the credential scope. */
  signingName: string;
  wire: ProtocolInfo;
  /** awsJson: the `x-amz-target` prefix. */
  target?: string;
  /** restJson1: the routes. */
  routes?: RestRoute[];
  operations: Record<string, Operation>;
  /** Parameters to record with a call whatever its outcome (AssumeRole: role ARN and ExternalId). */
  paramsFor?(operation: string, input: Record<string, unknown>): Record<string, string> | undefined;
  /** The account a call is for when it is not the caller's (AssumeRole: the role's account). */
  accountFor?(operation: string, input: Record<string, unknown>): string | undefined;
}
