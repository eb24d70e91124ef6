/**
 * The shapes the tenant API and the operator endpoint send and accept: the contract between
 * src/http and web/ (the dashboard imports these types). Times are ISO-8601 strings, money is
 * USD as numbers, severities are GuardDuty's numbers with their band beside them.
 */
import type { HealthEvent } from '../domain/records.js';
import type { CollectorKind } from '../domain/tenant.js';

/** Every error: RFC 9457 problem details with a stable `code` (content type application/problem+json). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  /** For validation errors: which fields were wrong. */
  errors?: { path: string; message: string }[];
}

// --- auth -----------------------------------------------------------------------------

export interface SignupRequest {
  email: string;
  password: string;
  organization: string;
}
export interface VerifyRequest {
  token: string;
}
export interface ResendRequest {
  email: string;
}
export interface LoginRequest {
  email: string;
  password: string;
}

/** POST /api/auth/signup (201): the same whether or not the address was already registered. */
export interface SignupResponse {
  status: 'verification_sent';
  email: string;
}

/** POST /api/auth/verify (200). */
export interface VerifyResponse {
  email: string;
  emailVerified: true;
}

/** GET /api/me, and the body of a successful login. */
/** GET /api/meta (public). */
export interface Meta {
  /** `demo`: simulated AWS accounts, an embedded store, and emails captured at /dev/outbox instead of sent. */
  mode: 'demo' | 'production';
  /** The collectors each account runs, in display order (from their descriptors). */
  collectors: CollectorInfo[];
}

/** One collector as the dashboard lists it. */
export interface CollectorInfo {
  name: CollectorName;
  label: string;
  summary: string;
  /** Whether its results can send an alert email. */
  alerts: boolean;
}

/** GET /dev/outbox (demo mode): one email the simulated SES captured (the simulator's SentEmail). */
export interface OutboxEmail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  /** ISO-8601, by the simulator's clock. */
  time: string;
}

export interface Me {
  user: { id: string; email: string; emailVerified: boolean; mfaEnabled: boolean };
  /** The current organization (every tenant-scoped route acts in it). */
  tenant: { id: string; name: string; requireMfa: boolean };
  /** The user's role in the current organization. */
  role: 'owner' | 'admin' | 'viewer';
  /** Every organization the user belongs to. */
  memberships: OrganizationMembership[];
  /** The organization requires MFA and the user has none: only sign-in routes answer until they enrol. */
  mfaEnrolmentRequired: boolean;
}
/** One organization of the signed-in user. */
export interface OrganizationMembership {
  tenantId: string;
  name: string;
  role: 'owner' | 'admin' | 'viewer';
  current: boolean;
}
/** POST /api/auth/switch: make another of the user's organizations the current one. */
export interface OrganizationSwitch {
  tenantId: string;
}
/** POST /api/auth/login (202) when the user has MFA: no session yet, only a pending sign-in. */
export interface MfaChallenge {
  status: 'mfa_required';
  /** Single use, 5 minutes; send it with the code to /api/auth/login/mfa. */
  mfaToken: string;
  expiresAt: string;
}
/** POST /api/auth/login/mfa: the pending sign-in and either a TOTP code or a recovery code. */
export interface MfaLogin {
  mfaToken: string;
  code?: string;
  recoveryCode?: string;
}
/** GET /api/auth/mfa. */
export interface MfaStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
  /** The current organization requires MFA of its members. */
  required: boolean;
}
/** POST /api/auth/mfa/enrol: the new secret, shown once; confirm it with a code. */
export interface MfaEnrolment {
  secret: string;
  /** The otpauth:// URI an authenticator app reads (render it as a QR code). */
  otpauthUri: string;
}
/** POST /api/auth/mfa/confirm (200): MFA is on; the recovery codes are shown this once. */
export interface MfaEnabled {
  status: 'mfa_enabled';
  recoveryCodes: string[];
}
/** POST /api/auth/mfa/disable: the password and a current code (or a recovery code). */
export interface MfaDisable {
  password: string;
  code?: string;
  recoveryCode?: string;
}
/** PUT /api/auth/mfa/required (owners). */
export interface MfaRequirement {
  required: boolean;
}

/** POST /api/auth/reset/request {email}: 202 whether or not the address is registered. */
export interface PasswordResetRequest {
  email: string;
}
/** POST /api/auth/reset: the token from the emailed link (single use, 1 h) and the new password. */
export interface PasswordReset {
  token: string;
  password: string;
}
/** POST /api/auth/password: change the password of the signed-in user. */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}
/** POST /api/auth/reset and /api/auth/password (200): how many sessions were ended. */
export interface PasswordUpdated {
  status: 'password_updated';
  sessionsEnded: number;
}
/** GET /api/auth/sessions: one signed-in browser of the user. */
export interface SessionView {
  id: string;
  createdAt: string;
  expiresAt: string;
  userAgent?: string;
  /** The session of this request. */
  current: boolean;
}
/** DELETE /api/auth/sessions ("sign out everywhere else"). */
export interface SessionsEnded {
  sessionsEnded: number;
}

/** One event of the audit trail (GET /api/audit). */
export interface AuditEntryView {
  /** Also the cursor: pass the last one as `before` for the next page. */
  id: string;
  at: string;
  /** e.g. auth.login, auth.login_failed, account.connected, settings.changed, operator.tenant_restarted. */
  action: string;
  /** `tokenId` and `tokenName` name the API token a script acted with (absent for a person's own request). */
  actor: { kind: 'user' | 'operator' | 'system'; userId?: string; email?: string; tokenId?: string; tokenName?: string };
  target?: string;
  ip?: string;
  detail?: Record<string, string>;
}
/** GET /api/audit?before=&limit= */
export interface AuditPage {
  items: AuditEntryView[];
  /** Absent on the last page. */
  next?: string;
}

/** GET /api/members: a person in the tenant. */
export interface MemberView {
  id: string;
  email: string;
  role: 'owner' | 'admin' | 'viewer';
  /** False until an invited person sets their password through the emailed link. */
  active: boolean;
  /** True when the member signs in with a second factor. */
  mfa: boolean;
  createdAt: string;
}
/** POST /api/members (owners): invite by email; 202 whether or not the address already has an account. */
export interface MemberInvite {
  email: string;
  role: 'owner' | 'admin' | 'viewer';
}
/** PATCH /api/members/:id (owners). */
export interface MemberPatch {
  role: 'owner' | 'admin' | 'viewer';
}

/** GET /api/tokens: an API token without its secret. */
export interface ApiTokenView {
  id: string;
  name: string;
  /** read: GET only, as a viewer; admin: as an admin (never more than its creator). */
  scope: 'read' | 'admin';
  createdAt: string;
  lastUsedAt?: string;
}
/** POST /api/tokens (201): the secret, shown this once. */
export interface NewApiToken extends ApiTokenView {
  token: string;
}

/** GET /api/channels: an alert channel; its URL masked, its secrets never. */
export interface ChannelView {
  id: string;
  /** slack: a Slack incoming webhook; webhook: any HTTPS URL, signed (X-CloudHealth-Signature). */
  kind: 'slack' | 'webhook';
  name: string;
  /** Host and the URL's last 4 characters, e.g. `hooks.slack.com/…x9Qz`. */
  maskedUrl: string;
  /** failing: deliveries keep failing (see lastError); ok again after the next success. */
  status: 'ok' | 'failing';
  /** Failed deliveries in a row. */
  failures: number;
  /** The last failure's code, e.g. `CHANNEL_HTTP_STATUS:500`, `CHANNEL_CONNECT_FAILED`. */
  lastError?: string;
  lastErrorAt?: string;
  lastSuccessAt?: string;
  createdAt: string;
}
/** POST /api/channels. */
export interface NewChannelRequest {
  kind: 'slack' | 'webhook';
  name: string;
  /** https only; Slack: https://hooks.slack.com/services/... */
  url: string;
}
/** POST /api/channels (201): for a webhook, the signing secret, shown this once. */
export interface NewChannelView extends ChannelView {
  signingSecret?: string;
}
/** POST /api/channels/:id/test: whether the receiver accepted the test message. */
export interface ChannelTestView {
  delivered: boolean;
  /** The receiver's HTTP status when delivered. */
  status?: number;
  /** Why not, when not delivered (a code, as `lastError`). */
  error?: string;
}

// --- settings -------------------------------------------------------------------------

export interface NotificationPreferences {
  /** Email for High and Critical findings. Default true. */
  critical: boolean;
  /** Email for Medium findings too. Default false. */
  warning: boolean;
  /** Email for cost spikes and budget overruns. Default true. */
  costTips: boolean;
  /** A daily digest. Default false. */
  dailyDigest: boolean;
  /** Email when a CloudWatch alarm enters ALARM. Default true. */
  alarms: boolean;
  /** Email when a CloudWatch alarm returns to OK. Default false. */
  alarmRecovered: boolean;
  /** Email when an AWS Health issue affecting an account opens. Default true. */
  healthIssues: boolean;
  /** Email when AWS Health announces scheduled maintenance affecting an account. Default false. */
  healthScheduled: boolean;
}

/** GET /api/settings; PUT takes a partial of it. Changing `email` sends a new verification. */
export interface Settings {
  email: string;
  emailVerified: boolean;
  /** An email change waiting for verification, if any. */
  pendingEmail?: string;
  notifications: NotificationPreferences;
  /** Hour of the day (0-23) in `timezone` the digest is sent at. Default 8. */
  digestHour: number;
  /** IANA time zone, e.g. "Europe/Paris". Default "UTC". */
  timezone: string;
  /** Monthly budget in USD for the budget rule; null for none. */
  monthlyBudgetUsd: number | null;
  /** Monthly cap in USD on the AWS fees monitoring causes (the paid steps stretch to stay under it); null for none. */
  monitoringCapUsd: number | null;
}
export type SettingsUpdate = Partial<Pick<Settings, 'email' | 'notifications' | 'digestHour' | 'timezone' | 'monthlyBudgetUsd' | 'monitoringCapUsd'>>;

// --- accounts -------------------------------------------------------------------------

/** GET /api/accounts/onboarding: what the tenant needs to create the IAM role. */
export interface Onboarding {
  /** Generated by the service for this tenant (never chosen by the tenant). */
  externalId: string;
  /** The AWS account the service runs in, which the role must trust. */
  platformAccountId: string;
  suggestedRoleName: string;
  /** IAM JSON documents, ready to paste. */
  trustPolicy: Record<string, unknown>;
  permissionPolicy: Record<string, unknown>;
  /** A CloudFormation template creating the role (upload it on `createStackUrl`, capability CAPABILITY_NAMED_IAM). */
  cloudFormation: { template: Record<string, unknown>; templatePath: string; createStackUrl: string; stackName: string };
  /** What monitoring an account will cost a month in AWS fees at the default freshness, before it is connected. */
  monitoringFee: {
    costExplorerUsdPerAccount: number;
    headlineMetricUsd: number;
    otherMetricUsd: number;
    reference: { ec2Instances: number; regions: number; headlineMetrics: number; otherMetrics: number; dailyMetrics: number; feeUsd: number };
    /** Once, on connect: the 24-hour metric backfill ($ per metric) and the Cost Explorer history. */
    oneOff: { metricBackfillUsdPerMetric: number; costHistoryRequests: number; costHistoryUsd: number; referenceUsd: number };
    /** The tenant's cap, if set: the paid steps stretch to stay under it. */
    capUsd: number | null;
  };
}

/** PATCH /api/accounts/:id: any of these; keys are rotated with both fields. */
export interface UpdateAccountRequest {
  name?: string;
  regions?: string[];
  roleArn?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** One line of POST /api/accounts/:id/check. */
export interface PermissionCheckItem {
  collector: CollectorName;
  operation: string;
  action: string;
  region?: string;
  result: 'ok' | 'missing_permission' | 'region_disabled' | 'feature_not_enabled' | 'no_data' | 'identity_refused' | 'unavailable' | 'not_checked' | 'error';
  code?: string;
  remedy?: string;
  consoleUrl?: string;
  note?: string;
  costUsd: number;
}

/** POST /api/accounts/:id/check. */
export interface PermissionReport {
  checkedAt: string;
  identityOk: boolean;
  items: PermissionCheckItem[];
  costUsd: number;
}

/** POST /api/accounts: by role (preferred) or by access keys. */
export type ConnectAccountRequest =
  | { name: string; roleArn: string; regions: string[] }
  | { name: string; accessKeyId: string; secretAccessKey: string; regions: string[] };

export interface AccountView {
  id: string;
  name: string;
  awsAccountId: string;
  regions: string[];
  method: 'role' | 'keys';
  /** Role ARN, or the access key id with the middle masked; never a secret. */
  credentialHint: string;
  status: 'active' | 'credentials_invalid';
  statusReason?: string;
  createdAt: string;
  /** The account's own monthly budget in USD; absent: none. */
  monthlyBudgetUsd?: number;
}

/** PUT /api/accounts/:id/budget: the account's monthly budget; null removes it. */
export interface AccountBudgetUpdate {
  monthlyBudgetUsd: number | null;
}

// --- data -----------------------------------------------------------------------------

/** A collector's name: its kind (src/collectors has one descriptor per kind). */
export type CollectorName = CollectorKind;
export type SeverityBand = 'low' | 'medium' | 'high' | 'critical';

/** One step of a collector for one account (an AWS operation, per region where regional). */
export interface StepView {
  step: string;
  operation: string;
  region?: string;
  /** `setup`: a feature to enable or data AWS does not have yet, not an error. */
  state: 'ok' | 'failed' | 'setup';
  lastAttemptAt: string;
  lastSuccessAt?: string;
  error?: { kind: string; code: string; action?: string; message: string; at: string };
  /** What the tenant can do about it. */
  remedy?: string;
  consoleUrl?: string;
}

export interface CollectorStatus {
  state: 'idle' | 'running' | 'backoff' | 'parked' | 'stopped' | 'unknown';
  /** When a run of this collector last completed with every step ok, for this account. */
  lastSuccessAt?: string;
  /** When this collector last stored data for this account; absent: never collected yet. */
  lastDataAt?: string;
  lastRunAt?: string;
  nextRunAt?: string;
  lastError?: { kind: string; code: string; action?: string; message: string; at: string };
  /** Each step's latest outcome for this account. */
  steps: StepView[];
}

export interface AccountOverview {
  account: AccountView;
  /** An alarm's `namespace` and `metricName` (when CloudWatch reported them) link it to its chart. */
  health: { ok: number; alarm: number; insufficientData: number; alarms: AlarmView[] };
  collectors: Record<CollectorName, CollectorStatus>;
  /** AWS Health events affecting the account: open and upcoming first, then closed in the last week. */
  healthEvents: HealthEventView[];
  /** Security Hub standards per region with their compliance score and failed controls. */
  compliance: ComplianceView[];
  findingsBySeverity: Record<SeverityBand, number>;
  cost: { monthToDateUsd: number; forecastMonthUsd: number | null; currency: 'USD' };
}

/** An AWS Health event (issue, scheduled change, account notification), linked to the AWS Health Dashboard. */
export interface HealthEventView extends HealthEvent {
  consoleUrl: string;
}

/** A Security Hub control that failed, linked to the console. */
export interface FailedControlView {
  controlId: string;
  title: string;
  severity: string;
  remediationUrl?: string;
  consoleUrl: string;
  /** Some of the failing resources. */
  resources: string[];
}

/** One enabled Security Hub standard in one region. */
export interface ComplianceView {
  region: string;
  standardsArn: string;
  name: string;
  totalControls: number;
  passedControls: number;
  /** passed / total, as a whole percentage; null when the standard has no enabled control. */
  scorePct: number | null;
  failedControls: FailedControlView[];
  collectedAt: string;
}

export interface MonitoringCost {
  month: string; // YYYY-MM
  costExplorerRequests: number;
  getMetricDataMetrics: number;
  /** What the tenant's own AWS bill is charged for our API calls this month so far. */
  estimatedFeeUsd: number;
  /** The same, projected to the month's end at the current cadence. */
  projectedFeeUsd: number;
  /** The tenant's monthly cap on these fees (PUT /api/settings `monitoringCapUsd`); null: none. */
  capUsd: number | null;
  /** A month at the default freshness, for the resources the last discovery found. */
  defaultFeeUsd: number;
  /** A month as scheduled: under the cap when one is set. */
  plannedFeeUsd: number;
  /** How many times less often the paid steps run to stay under the cap (1: not stretched). */
  stretch: number;
  /** How fresh each data kind is kept (free ones never stretch). */
  freshness: { collector: CollectorName; step: string; data: string; paid: boolean; defaultEveryMs: number; everyMs: number }[];
}

/** An alarm's state, with its rule (threshold and metric) when CloudWatch reported one, to draw on the metric's chart. */
export interface AlarmView {
  name: string;
  region: string;
  state: string;
  reason?: string;
  namespace?: string;
  metricName?: string;
  /** E.g. `GreaterThanThreshold`. */
  comparison?: string;
  threshold?: number;
  statistic?: string;
  dimensions?: { name: string; value: string }[];
}

/** One firing of a CloudWatch alarm (the overview's alarm history, from stored transitions). */
export interface AlarmEpisodeView {
  accountId: string;
  accountName?: string;
  region: string;
  name: string;
  namespace?: string;
  metricName?: string;
  firedAt: string;
  /** Absent while the alarm is still in ALARM. */
  endedAt?: string;
  endedIn?: string;
  /** How long it lasted (up to now when still in ALARM). */
  durationMs: number;
}

/** GET /api/overview */
export interface Overview {
  generatedAt: string;
  accounts: AccountOverview[];
  topRecommendations: RecommendationView[];
  monitoringCost: MonitoringCost;
  /** Alarm firings of the last 7 days, newest first (at most 50). */
  alarmHistory: AlarmEpisodeView[];
}

/** GET /api/metrics?accountId=&region=&resourceId=&metric=&from=&to= (without resourceId: the list of series). */
export interface MetricSeriesView {
  accountId: string;
  region: string;
  namespace: string;
  metric: string;
  resourceId: string;
  stat: string;
  periodSec: number;
  points: { t: string; v: number }[];
}
export interface MetricsResponse {
  from: string;
  to: string;
  series: MetricSeriesView[];
}

/** GET /api/costs?from=&to=&accountId= */
export interface CostsResponse {
  from: string;
  to: string;
  daily: { day: string; service: string; amountUsd: number; accountId: string }[];
  /**
   * Whole months starting in the range whose days the daily rows do not all cover, from the
   * 12-month history fetched once on connect: each month's cost beyond its daily rows.
   */
  monthly: { month: string; service: string; amountUsd: number; accountId: string }[];
  /**
   * Daily cost per region and account (Cost Explorer's REGION; `unknown` for days stored before
   * regions were collected), and the month history's cost per region beyond those days.
   */
  regions: { day: string; region: string; amountUsd: number; accountId: string }[];
  monthlyRegions: { month: string; region: string; amountUsd: number; accountId: string }[];
  /** Totals per service over the range, daily and monthly rows together. */
  byService: { service: string; totalUsd: number }[];
  /** Cost Explorer's forecasts summed as they come (their own period, usually today to the month's end). */
  forecast: { start: string; end: string; meanUsd: number; lowerUsd?: number; upperUsd?: number } | null;
  monthToDateUsd: number;
  /**
   * The month's expected total (actuals before each account's forecast plus the forecast) and
   * its likely range; `remainingUsd` is what is still to come. Null without a forecast for this month.
   */
  monthForecast: { meanUsd: number; lowerUsd?: number; upperUsd?: number; remainingUsd: number } | null;
  /** Days flagged as spikes by the cost-spike rule. */
  spikes: { day: string; service: string; amountUsd: number; baselineUsd: number }[];
  /** Anomalies AWS Cost Anomaly Detection found in the range (already paid for: Cost Explorer bills them). */
  anomalies: CostAnomalyView[];
  /**
   * This month's budgets: the tenant's (accountId null; not with an account filter) and each shown
   * account's own, with spend to date, the forecast and the highest threshold (50/80/100 %) crossed.
   */
  budgets: BudgetStatusView[];
}

/** One budget's month so far (thresholds alert once a month each, on actual and on forecast). */
export interface BudgetStatusView {
  accountId: string | null;
  budgetUsd: number;
  actualToDateUsd: number;
  projectedUsd: number | null;
  crossedActual: 50 | 80 | 100 | null;
  crossedForecast: 50 | 80 | 100 | null;
}

/** One anomaly from Cost Explorer's GetAnomalies, with its root causes. */
export interface CostAnomalyView {
  id: string;
  accountId: string;
  /** The day it started (YYYY-MM-DD): the chart day it is linked to. */
  startDay: string;
  endDay?: string;
  service?: string;
  impactUsd: number;
  score?: number;
  rootCauses: { service?: string; region?: string; linkedAccount?: string; usageType?: string }[];
}

/**
 * GET /api/findings?severity=&status=open|suppressed|archived|all&accountId=&region=&type=&resource=
 * &sort=&order=&cursor=&limit= (GET /api/findings.csv takes the same filters, without paging).
 */
export interface FindingView {
  id: string;
  accountId: string;
  region: string;
  type: string;
  title: string;
  description: string;
  severity: number;
  band: SeverityBand;
  resourceType?: string;
  resourceId?: string;
  createdAt: string;
  updatedAt: string;
  /** `suppressed`: not archived, but an active suppression rule matches it (it never alerts). */
  status: 'open' | 'suppressed' | 'archived';
  count: number;
  /** The rule that suppresses it, when `status` is `suppressed`. */
  suppression?: { ruleId: string; kind: SuppressionRuleView['kind']; reason: string; expiresAt?: string };
}
export interface FindingsPage {
  items: FindingView[];
  /** Findings matching the filters, across all pages. */
  total: number;
  /** Position of the first item among the `total`. */
  offset: number;
  /** True when the tenant has more findings than the server sorts in memory (FINDING_SET_LIMIT, the most severe kept). */
  truncated: boolean;
  /** Opaque; absent on the last page. */
  nextCursor?: string;
}

/** GET|POST /api/findings/suppressions, DELETE /api/findings/suppressions/:id */
export interface SuppressionRuleView {
  id: string;
  kind: 'type' | 'resource' | 'account';
  value: string;
  reason: string;
  createdAt: string;
  expiresAt?: string;
  /** False once `expiresAt` has passed (kept until removed or its TTL). */
  active: boolean;
}
export interface SuppressionRuleRequest {
  kind: 'type' | 'resource' | 'account';
  value: string;
  reason: string;
  /** ISO time; omit for "until removed". */
  expiresAt?: string;
}

/** GET /api/recommendations; PATCH /api/recommendations/:id {status} */
export interface RecommendationView {
  id: string;
  category: 'cost' | 'performance' | 'security' | 'reliability';
  priority: 'high' | 'medium' | 'low';
  impactScore: number;
  title: string;
  summary: string;
  estimatedMonthlySavingUsd?: number;
  accountId?: string;
  resources: { type: string; id: string; region?: string }[];
  evidence: Record<string, unknown>;
  status: 'open' | 'done' | 'dismissed';
  updatedAt: string;
}
export interface RecommendationsResponse {
  items: RecommendationView[];
}
export interface RecommendationPatch {
  status: 'open' | 'done' | 'dismissed';
}

// --- operator -------------------------------------------------------------------------

/** GET /ops/health without a token. `behind`: serving, but collection is late (see FleetLagView). */
export interface HealthStatus {
  status: 'ok' | 'degraded' | 'behind' | 'down';
}

/** How far behind its cadences the fleet is (collectors overdue now, runs that ended late recently). */
export interface FleetLagView {
  behind: boolean;
  /** How long the most overdue collector has been overdue, ms (0: none). */
  oldestOverdueMs: number;
  overdue: number;
  collectors: number;
  /** Share (0..1) of the runs that ended in the recent window which ended after their interval. */
  lateShare: number;
  recentRuns: number;
}

/** GET /ops/health with the operator token (or from loopback when no token is configured). */
export interface HealthDetail extends HealthStatus {
  fleet: WorkersResponse['fleet'] & { lastReconcileError?: { kind: string; code: string; message: string; at: string } };
  summary: WorkersResponse['summary'];
  lag: FleetLagView;
  /** Present when leases are on (several instances): this instance, its share and every instance seen. */
  leases?: LeasesView;
}

/** The lease view of one instance (GET /ops/health with the operator token). */
export interface LeasesView {
  instanceId: string;
  /** Tenants this instance holds, and its fair share at the last rebalance. */
  held: number;
  share: number;
  lastRebalanceAt?: string;
  lastError?: string;
  instances: { id: string; live: boolean; leases: number; self: boolean }[];
}

/** GET /ops/workers?state=&tenant= */
export interface WorkersResponse {
  summary: { tenants: Record<string, number>; collectors: Record<string, number> };
  fleet: { tenants: number; lastReconcileAt?: string; lastReconcileError?: { code: string; message: string; at: string } };
  lag: FleetLagView;
  /** Workers matching the query (the list holds at most `limit`). */
  total: number;
  workers: {
    tenantId: string;
    /** The tenant's organization name (absent for a tenant the directory does not know yet). */
    tenantName?: string;
    state: 'running' | 'backoff' | 'parked' | 'stopped';
    restarts: number;
    parkedUntil?: string;
    lastError?: { kind: string; code: string; message: string; at: string };
    breakers: Record<string, 'closed' | 'open' | 'halfOpen'>;
    accounts: Record<string, { status: string; reason?: string; name?: string; awsAccountId?: string }>;
    collectors: Record<
      string,
      {
        state: string;
        restarts: number;
        runs: number;
        failures: Record<string, number>;
        lastRunAt?: string;
        lastDurationMs?: number;
        lastSuccessAt?: string;
        nextRunAt?: string;
        parkedUntil?: string;
        lastError?: { kind: string; code: string; message: string; at: string };
      }
    >;
  }[];
}

// --- metric selection (issue 18) ------------------------------------------------------------

/** A custom metric, as stored in an account's selection. */
export interface CustomMetricView {
  region: string;
  namespace: string;
  metricName: string;
  dimensions: { name: string; value: string }[];
  stat: string;
}

/** One account's metric selection with what it costs a month (GetMetricData, $0.01 per 1,000 metrics a poll). */
export interface MetricSelectionView {
  accountId: string;
  /** The account's metrics cadence the fees are computed at. */
  intervalMs: number;
  selection: { disabledServices: string[]; disabledMetrics: string[]; custom: CustomMetricView[] };
  services: {
    id: string;
    label: string;
    namespace: string;
    enabled: boolean;
    resources: number;
    metrics: { metricName: string; stat: string; enabled: boolean; series: number; monthlyFeeUsd: number }[];
    monthlyFeeUsd: number;
  }[];
  custom: { metric: CustomMetricView; monthlyFeeUsd: number }[];
  monthlyFeeUsd: number;
  fullCatalogFeeUsd: number;
}

/** What ListMetrics shows in a region (free): the metrics a tenant may add. */
export interface MetricBrowserResponse {
  region: string;
  namespace?: string;
  metrics: { namespace: string; metricName: string; dimensions: { name: string; value: string }[] }[];
  /** The fee one more metric adds a month at the account's cadence. */
  monthlyFeeUsdPerMetric: number;
  /** True when more metrics exist than were listed. */
  truncated: boolean;
}
