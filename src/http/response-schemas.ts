/**
 * The zod schemas of every response body, named as the route table's `responses` name them
 * ('AccountView[]' is an array of AccountView). /api/openapi.json is generated from them, and
 * response-schema-types.ts checks at compile time that each matches its type in api-types.ts,
 * so the document, the types the dashboard imports and the code cannot drift apart.
 * The document is exact (no field beyond those declared), so validating live responses against
 * it also catches a field that should never have left the server.
 */
import { z } from 'zod';
import type * as api from './api-types.js';
import { COLLECTOR_KINDS } from '../collectors/index.js';
import type { CollectorKind } from '../domain/tenant.js';

const time = z.string().describe('ISO-8601 time');
const day = z.string().describe('YYYY-MM-DD');
const errorInfo = z.object({ kind: z.string(), code: z.string(), message: z.string(), at: time });
const band = z.enum(['low', 'medium', 'high', 'critical']);

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  code: z.string().describe('Stable machine-readable error code'),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const SignupResponse = z.object({ status: z.literal('verification_sent'), email: z.string() });
export const VerifyResponse = z.object({ email: z.string(), emailVerified: z.literal(true) });
export const Accepted = z.object({ status: z.literal('accepted') });
const role = z.enum(['owner', 'admin', 'viewer']);
export const OrganizationMembership = z.object({ tenantId: z.string(), name: z.string(), role, current: z.boolean() });
export const Me = z.object({
  user: z.object({ id: z.string(), email: z.string(), emailVerified: z.boolean(), mfaEnabled: z.boolean() }),
  tenant: z.object({ id: z.string(), name: z.string(), requireMfa: z.boolean() }),
  role,
  memberships: z.array(OrganizationMembership),
  mfaEnrolmentRequired: z.boolean(),
});
export const MfaChallenge = z.object({ status: z.literal('mfa_required'), mfaToken: z.string(), expiresAt: time });
export const MfaStatus = z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int(), required: z.boolean() });
export const MfaEnrolment = z.object({ secret: z.string(), otpauthUri: z.string() });
export const MfaEnabled = z.object({ status: z.literal('mfa_enabled'), recoveryCodes: z.array(z.string()) });

export const PasswordUpdated = z.object({ status: z.literal('password_updated'), sessionsEnded: z.number().int() });
export const SessionView = z.object({ id: z.string(), createdAt: time, expiresAt: time, userAgent: z.string().optional(), current: z.boolean() });
export const SessionsEnded = z.object({ sessionsEnded: z.number().int() });

export const AuditEntryView = z.object({
  id: z.string(),
  at: time,
  action: z.string(),
  actor: z.object({
    kind: z.enum(['user', 'operator', 'system']),
    userId: z.string().optional(),
    email: z.string().optional(),
    tokenId: z.string().optional(),
    tokenName: z.string().optional(),
  }),
  target: z.string().optional(),
  ip: z.string().optional(),
  detail: z.record(z.string(), z.string()).optional(),
});
export const AuditPage = z.object({ items: z.array(AuditEntryView), next: z.string().optional() });

export const MemberView = z.object({ id: z.string(), email: z.string(), role: z.enum(['owner', 'admin', 'viewer']), active: z.boolean(), mfa: z.boolean(), createdAt: time });
export const Invited = z.object({ status: z.literal('invited'), email: z.string() });

export const ApiTokenView = z.object({ id: z.string(), name: z.string(), scope: z.enum(['read', 'admin']), createdAt: time, lastUsedAt: time.optional() });
export const NewApiToken = ApiTokenView.extend({ token: z.string() });
export const ChannelView = z.object({
  id: z.string(),
  kind: z.enum(['slack', 'webhook']),
  name: z.string(),
  maskedUrl: z.string(),
  status: z.enum(['ok', 'failing']),
  failures: z.number().int(),
  lastError: z.string().optional(),
  lastErrorAt: time.optional(),
  lastSuccessAt: time.optional(),
  createdAt: time,
});
export const NewChannelView = ChannelView.extend({ signingSecret: z.string().optional() });
export const ChannelTestView = z.object({ delivered: z.boolean(), status: z.number().int().optional(), error: z.string().optional() });

export const NotificationPreferences = z.object({ critical: z.boolean(), warning: z.boolean(), costTips: z.boolean(), dailyDigest: z.boolean(), alarms: z.boolean(), alarmRecovered: z.boolean(), healthIssues: z.boolean(), healthScheduled: z.boolean() });
export const Settings = z.object({
  email: z.string(),
  emailVerified: z.boolean(),
  pendingEmail: z.string().optional(),
  notifications: NotificationPreferences,
  digestHour: z.number().int().min(0).max(23),
  timezone: z.string(),
  monthlyBudgetUsd: z.number().nullable(),
  monitoringCapUsd: z.number().nullable(),
});

export const Onboarding = z.object({
  externalId: z.string(),
  platformAccountId: z.string(),
  suggestedRoleName: z.string(),
  trustPolicy: z.record(z.string(), z.unknown()),
  permissionPolicy: z.record(z.string(), z.unknown()),
  cloudFormation: z.object({ template: z.record(z.string(), z.unknown()), templatePath: z.string(), createStackUrl: z.string(), stackName: z.string() }),
  monitoringFee: z.object({
    costExplorerUsdPerAccount: z.number(),
    headlineMetricUsd: z.number(),
    otherMetricUsd: z.number(),
    reference: z.object({ ec2Instances: z.number(), regions: z.number(), headlineMetrics: z.number(), otherMetrics: z.number(), dailyMetrics: z.number(), feeUsd: z.number() }),
    oneOff: z.object({ metricBackfillUsdPerMetric: z.number(), costHistoryRequests: z.number(), costHistoryUsd: z.number(), referenceUsd: z.number() }),
    capUsd: z.number().nullable(),
  }),
});
export const AccountView = z.object({
  id: z.string(),
  name: z.string(),
  awsAccountId: z.string(),
  regions: z.array(z.string()),
  method: z.enum(['role', 'keys']),
  credentialHint: z.string(),
  status: z.enum(['active', 'credentials_invalid']),
  statusReason: z.string().optional(),
  createdAt: time,
  monthlyBudgetUsd: z.number().optional(),
});

const stepError = z.object({ kind: z.string(), code: z.string(), action: z.string().optional(), message: z.string(), at: time });
const collectorName = z.enum(COLLECTOR_KINDS);
const collectorStatus = z.object({
  state: z.enum(['idle', 'running', 'backoff', 'parked', 'stopped', 'unknown']),
  lastSuccessAt: time.optional(),
  lastDataAt: time.optional(),
  lastRunAt: time.optional(),
  nextRunAt: time.optional(),
  lastError: stepError.optional(),
  steps: z.array(
    z.object({
      step: z.string(),
      operation: z.string(),
      region: z.string().optional(),
      state: z.enum(['ok', 'failed', 'setup']),
      lastAttemptAt: time,
      lastSuccessAt: time.optional(),
      error: stepError.optional(),
      remedy: z.string().optional(),
      consoleUrl: z.string().optional(),
    }),
  ),
});

/** POST /api/accounts/:id/check. */
export const PermissionReport = z.object({
  checkedAt: time,
  identityOk: z.boolean(),
  items: z.array(
    z.object({
      collector: collectorName,
      operation: z.string(),
      action: z.string(),
      region: z.string().optional(),
      result: z.enum(['ok', 'missing_permission', 'region_disabled', 'feature_not_enabled', 'no_data', 'identity_refused', 'unavailable', 'not_checked', 'error']),
      code: z.string().optional(),
      remedy: z.string().optional(),
      consoleUrl: z.string().optional(),
      note: z.string().optional(),
      costUsd: z.number(),
    }),
  ),
  costUsd: z.number(),
});
export const RecommendationView = z.object({
  id: z.string(),
  category: z.enum(['cost', 'performance', 'security', 'reliability']),
  priority: z.enum(['high', 'medium', 'low']),
  impactScore: z.number(),
  title: z.string(),
  summary: z.string(),
  estimatedMonthlySavingUsd: z.number().optional(),
  accountId: z.string().optional(),
  resources: z.array(z.object({ type: z.string(), id: z.string(), region: z.string().optional() })),
  evidence: z.record(z.string(), z.unknown()),
  status: z.enum(['open', 'done', 'dismissed']),
  updatedAt: time,
});
export const RecommendationsResponse = z.object({ items: z.array(RecommendationView) });
export const Overview = z.object({
  generatedAt: time,
  accounts: z.array(
    z.object({
      account: AccountView,
      health: z.object({
        ok: z.number(),
        alarm: z.number(),
        insufficientData: z.number(),
        alarms: z.array(
          z.object({
            name: z.string(),
            region: z.string(),
            state: z.string(),
            reason: z.string().optional(),
            namespace: z.string().optional(),
            metricName: z.string().optional(),
            comparison: z.string().optional(),
            threshold: z.number().optional(),
            statistic: z.string().optional(),
            dimensions: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
          }),
        ),
      }),
      collectors: z.record(collectorName, collectorStatus),
      healthEvents: z.array(
        z.object({
          arn: z.string(),
          service: z.string(),
          eventTypeCode: z.string(),
          category: z.enum(['issue', 'scheduledChange', 'accountNotification', 'investigation']),
          region: z.string(),
          status: z.enum(['open', 'upcoming', 'closed']),
          startTime: time.optional(),
          endTime: time.optional(),
          lastUpdatedTime: time,
          affectedEntities: z.array(z.string()),
          consoleUrl: z.string(),
        }),
      ),
      compliance: z.array(
        z.object({
          region: z.string(),
          standardsArn: z.string(),
          name: z.string(),
          totalControls: z.number().int(),
          passedControls: z.number().int(),
          scorePct: z.number().nullable(),
          failedControls: z.array(
            z.object({ controlId: z.string(), title: z.string(), severity: z.string(), remediationUrl: z.string().optional(), consoleUrl: z.string(), resources: z.array(z.string()) }),
          ),
          collectedAt: time,
        }),
      ),
      findingsBySeverity: z.object({ low: z.number(), medium: z.number(), high: z.number(), critical: z.number() }),
      cost: z.object({ monthToDateUsd: z.number(), forecastMonthUsd: z.number().nullable(), currency: z.literal('USD') }),
    }),
  ),
  topRecommendations: z.array(RecommendationView),
  monitoringCost: z.object({
    month: z.string(),
    costExplorerRequests: z.number(),
    getMetricDataMetrics: z.number(),
    estimatedFeeUsd: z.number(),
    projectedFeeUsd: z.number(),
    capUsd: z.number().nullable(),
    defaultFeeUsd: z.number(),
    plannedFeeUsd: z.number(),
    stretch: z.number(),
    freshness: z.array(
      z.object({
        collector: collectorName,
        step: z.string(),
        data: z.string(),
        paid: z.boolean(),
        defaultEveryMs: z.number(),
        everyMs: z.number(),
      }),
    ),
  }),
  alarmHistory: z.array(
    z.object({
      accountId: z.string(),
      accountName: z.string().optional(),
      region: z.string(),
      name: z.string(),
      namespace: z.string().optional(),
      metricName: z.string().optional(),
      firedAt: time,
      endedAt: time.optional(),
      endedIn: z.string().optional(),
      durationMs: z.number(),
    }),
  ),
});
export const MetricsResponse = z.object({
  from: time,
  to: time,
  series: z.array(
    z.object({
      accountId: z.string(),
      region: z.string(),
      namespace: z.string(),
      metric: z.string(),
      resourceId: z.string(),
      stat: z.string(),
      periodSec: z.number(),
      points: z.array(z.object({ t: time, v: z.number() })),
    }),
  ),
});
export const CostsResponse = z.object({
  from: day,
  to: day,
  daily: z.array(z.object({ day, service: z.string(), amountUsd: z.number(), accountId: z.string() })),
  monthly: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), service: z.string(), amountUsd: z.number(), accountId: z.string() })),
  regions: z.array(z.object({ day, region: z.string(), amountUsd: z.number(), accountId: z.string() })),
  monthlyRegions: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), region: z.string(), amountUsd: z.number(), accountId: z.string() })),
  byService: z.array(z.object({ service: z.string(), totalUsd: z.number() })),
  forecast: z.object({ start: z.string(), end: z.string(), meanUsd: z.number(), lowerUsd: z.number().optional(), upperUsd: z.number().optional() }).nullable(),
  monthToDateUsd: z.number(),
  monthForecast: z.object({ meanUsd: z.number(), lowerUsd: z.number().optional(), upperUsd: z.number().optional(), remainingUsd: z.number() }).nullable(),
  spikes: z.array(z.object({ day, service: z.string(), amountUsd: z.number(), baselineUsd: z.number() })),
  anomalies: z.array(
    z.object({
      id: z.string(),
      accountId: z.string(),
      startDay: day,
      endDay: day.optional(),
      service: z.string().optional(),
      impactUsd: z.number(),
      score: z.number().optional(),
      rootCauses: z.array(z.object({ service: z.string().optional(), region: z.string().optional(), linkedAccount: z.string().optional(), usageType: z.string().optional() })),
    }),
  ),
  budgets: z.array(
    z.object({
      accountId: z.string().nullable(),
      budgetUsd: z.number(),
      actualToDateUsd: z.number(),
      projectedUsd: z.number().nullable(),
      crossedActual: z.union([z.literal(50), z.literal(80), z.literal(100)]).nullable(),
      crossedForecast: z.union([z.literal(50), z.literal(80), z.literal(100)]).nullable(),
    }),
  ),
});
export const FindingView = z.object({
  id: z.string(),
  accountId: z.string(),
  region: z.string(),
  type: z.string(),
  title: z.string(),
  description: z.string(),
  severity: z.number(),
  band,
  resourceType: z.string().optional(),
  resourceId: z.string().optional(),
  createdAt: time,
  updatedAt: time,
  status: z.enum(['open', 'suppressed', 'archived']),
  count: z.number(),
  suppression: z
    .object({ ruleId: z.string(), kind: z.enum(['type', 'resource', 'account']), reason: z.string(), expiresAt: time.optional() })
    .optional(),
});
export const FindingsPage = z.object({
  items: z.array(FindingView),
  total: z.number(),
  offset: z.number(),
  truncated: z.boolean(),
  nextCursor: z.string().optional(),
});
export const SuppressionRuleView = z.object({
  id: z.string(),
  kind: z.enum(['type', 'resource', 'account']),
  value: z.string(),
  reason: z.string(),
  createdAt: time,
  expiresAt: time.optional(),
  active: z.boolean(),
});

const counts = z.record(z.string(), z.number());
const fleet = z.object({ tenants: z.number(), lastReconcileAt: time.optional(), lastReconcileError: errorInfo.partial({ kind: true }).optional() });
const lag = z.object({ behind: z.boolean(), oldestOverdueMs: z.number(), overdue: z.number(), collectors: z.number(), lateShare: z.number(), recentRuns: z.number() });
export const WorkersResponse = z.object({
  summary: z.object({ tenants: counts, collectors: counts }),
  fleet,
  lag,
  total: z.number(),
  workers: z.array(
    z.object({
      tenantId: z.string(),
      tenantName: z.string().optional(),
      state: z.enum(['running', 'backoff', 'parked', 'stopped']),
      restarts: z.number(),
      parkedUntil: time.optional(),
      lastError: errorInfo.optional(),
      breakers: z.record(z.string(), z.enum(['closed', 'open', 'halfOpen'])),
      accounts: z.record(z.string(), z.object({ status: z.string(), reason: z.string().optional(), name: z.string().optional(), awsAccountId: z.string().optional() })),
      collectors: z.record(
        z.string(),
        z.object({
          state: z.string(),
          restarts: z.number(),
          runs: z.number(),
          failures: counts,
          lastRunAt: time.optional(),
          lastDurationMs: z.number().optional(),
          lastSuccessAt: time.optional(),
          nextRunAt: time.optional(),
          parkedUntil: time.optional(),
          lastError: errorInfo.optional(),
        }),
      ),
    }),
  ),
});
export const Meta = z.object({
  mode: z.enum(['demo', 'production']),
  collectors: z.array(z.object({ name: collectorName, label: z.string(), summary: z.string(), alerts: z.boolean() })),
});
export const HealthStatus = z.object({ status: z.enum(['ok', 'degraded', 'behind', 'down']) });
const LeasesView = z.object({
  instanceId: z.string(),
  held: z.number(),
  share: z.number(),
  lastRebalanceAt: z.string().optional(),
  lastError: z.string().optional(),
  instances: z.array(z.object({ id: z.string(), live: z.boolean(), leases: z.number(), self: z.boolean() })),
});
export const HealthDetail = HealthStatus.extend({
  fleet: fleet.extend({ lastReconcileError: errorInfo.optional() }),
  summary: WorkersResponse.shape.summary,
  lag,
  leases: LeasesView.optional(),
});
const dimension = z.object({ name: z.string(), value: z.string() });
const customMetric = z.object({ region: z.string(), namespace: z.string(), metricName: z.string(), dimensions: z.array(dimension), stat: z.string() });
/** GET/PUT /api/accounts/:id/metric-selection and its preview. */
export const MetricSelectionView = z.object({
  accountId: z.string(),
  intervalMs: z.number(),
  selection: z.object({ disabledServices: z.array(z.string()), disabledMetrics: z.array(z.string()), custom: z.array(customMetric) }),
  services: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      namespace: z.string(),
      enabled: z.boolean(),
      resources: z.number(),
      metrics: z.array(z.object({ metricName: z.string(), stat: z.string(), enabled: z.boolean(), series: z.number(), monthlyFeeUsd: z.number() })),
      monthlyFeeUsd: z.number(),
    }),
  ),
  custom: z.array(z.object({ metric: customMetric, monthlyFeeUsd: z.number() })),
  monthlyFeeUsd: z.number(),
  fullCatalogFeeUsd: z.number(),
});
/** GET /api/accounts/:id/metric-browser. */
export const MetricBrowserResponse = z.object({
  region: z.string(),
  namespace: z.string().optional(),
  metrics: z.array(z.object({ namespace: z.string(), metricName: z.string(), dimensions: z.array(dimension) })),
  monthlyFeeUsdPerMetric: z.number(),
  truncated: z.boolean(),
});

/** POST /ops/tenants/:id/restart (202). */
export const RestartAccepted = z.object({ status: z.literal('restarting'), tenantId: z.string() });
export const SentEmail = z.object({
  messageId: z.string(),
  account: z.string(),
  region: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  html: z.string().optional(),
  text: z.string().optional(),
  time,
});

/** Every named response schema; a route's `responses` text names one of these (or `X[]`, `X | Y`). */
export const RESPONSE_SCHEMAS = Object.freeze({
  Problem,
  SignupResponse,
  VerifyResponse,
  Accepted,
  Me,
  MfaChallenge,
  MfaStatus,
  MfaEnrolment,
  MfaEnabled,
  ApiTokenView,
  NewApiToken,
  ChannelView,
  NewChannelView,
  ChannelTestView,
  MemberView,
  Invited,
  AuditEntryView,
  AuditPage,
  PasswordUpdated,
  SessionView,
  SessionsEnded,
  Settings,
  Onboarding,
  AccountView,
  RecommendationView,
  RecommendationsResponse,
  Overview,
  PermissionReport,
  MetricsResponse,
  CostsResponse,
  FindingView,
  FindingsPage,
  SuppressionRuleView,
  Meta,
  WorkersResponse,
  HealthStatus,
  HealthDetail,
  RestartAccepted,
  SentEmail,
  MetricSelectionView,
  MetricBrowserResponse,
} satisfies Record<string, z.ZodType>);

/** The body type of each named schema: what a handler returns for a response that names it. */
export type ResponseTypes = { [K in keyof typeof RESPONSE_SCHEMAS]: z.output<(typeof RESPONSE_SCHEMAS)[K]> };


// Compile-time: each schema's output is the api-types.ts type (both ways), so neither can drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Out<S extends z.ZodType> = z.output<S>;
/** Checked by `tsc`; never read. */
export const RESPONSE_TYPES_MATCH: Record<string, true> = {
  Problem: true satisfies Same<Out<typeof Problem>, api.Problem>,
  SignupResponse: true satisfies Same<Out<typeof SignupResponse>, api.SignupResponse>,
  VerifyResponse: true satisfies Same<Out<typeof VerifyResponse>, api.VerifyResponse>,
  Me: true satisfies Same<Out<typeof Me>, api.Me>,
  MfaChallenge: true satisfies Same<Out<typeof MfaChallenge>, api.MfaChallenge>,
  MfaStatus: true satisfies Same<Out<typeof MfaStatus>, api.MfaStatus>,
  MfaEnrolment: true satisfies Same<Out<typeof MfaEnrolment>, api.MfaEnrolment>,
  MfaEnabled: true satisfies Same<Out<typeof MfaEnabled>, api.MfaEnabled>,
  ApiTokenView: true satisfies Same<Out<typeof ApiTokenView>, api.ApiTokenView>,
  NewApiToken: true satisfies Same<Out<typeof NewApiToken>, api.NewApiToken>,
  ChannelView: true satisfies Same<Out<typeof ChannelView>, api.ChannelView>,
  NewChannelView: true satisfies Same<Out<typeof NewChannelView>, api.NewChannelView>,
  ChannelTestView: true satisfies Same<Out<typeof ChannelTestView>, api.ChannelTestView>,
  MemberView: true satisfies Same<Out<typeof MemberView>, api.MemberView>,
  AuditPage: true satisfies Same<Out<typeof AuditPage>, api.AuditPage>,
  PasswordUpdated: true satisfies Same<Out<typeof PasswordUpdated>, api.PasswordUpdated>,
  SessionView: true satisfies Same<Out<typeof SessionView>, api.SessionView>,
  SessionsEnded: true satisfies Same<Out<typeof SessionsEnded>, api.SessionsEnded>,
  Settings: true satisfies Same<Out<typeof Settings>, api.Settings>,
  Onboarding: true satisfies Same<Out<typeof Onboarding>, api.Onboarding>,
  AccountView: true satisfies Same<Out<typeof AccountView>, api.AccountView>,
  RecommendationView: true satisfies Same<Out<typeof RecommendationView>, api.RecommendationView>,
  RecommendationsResponse: true satisfies Same<Out<typeof RecommendationsResponse>, api.RecommendationsResponse>,
  Overview: true satisfies Same<Out<typeof Overview>, api.Overview>,
  PermissionReport: true satisfies Same<Out<typeof PermissionReport>, api.PermissionReport>,
  MetricsResponse: true satisfies Same<Out<typeof MetricsResponse>, api.MetricsResponse>,
  CostsResponse: true satisfies Same<Out<typeof CostsResponse>, api.CostsResponse>,
  FindingView: true satisfies Same<Out<typeof FindingView>, api.FindingView>,
  FindingsPage: true satisfies Same<Out<typeof FindingsPage>, api.FindingsPage>,
  SuppressionRuleView: true satisfies Same<Out<typeof SuppressionRuleView>, api.SuppressionRuleView>,
  Meta: true satisfies Same<Out<typeof Meta>, api.Meta>,
  WorkersResponse: true satisfies Same<Out<typeof WorkersResponse>, api.WorkersResponse>,
  MetricSelectionView: true satisfies Same<Out<typeof MetricSelectionView>, api.MetricSelectionView>,
  MetricBrowserResponse: true satisfies Same<Out<typeof MetricBrowserResponse>, api.MetricBrowserResponse>,
  HealthStatus: true satisfies Same<Out<typeof HealthStatus>, api.HealthStatus>,
  HealthDetail: true satisfies Same<Out<typeof HealthDetail>, api.HealthDetail>,
};
