/**
 * The zod schemas of every request body and query: validated at the edge, and turned into
 * JSON Schema for /api/openapi.json. Objects are strict, so a misspelt field is an error rather
 * than silently ignored.
 */
import { z } from 'zod';
import { SUPPRESSION_KINDS } from '../domain/suppression.js';
import { FINDING_SORT_KEYS } from '../store/index.js';

const email = z.string().trim().toLowerCase().min(3).max(254).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'not an email address');
/** NIST SP 800-63B: at least 8 characters, no composition rules; capped to bound the hashing. */
const newPassword = z.string().min(8, 'at least 8 characters').max(200);
const anyPassword = z.string().min(1).max(200);
const token = z.string().min(16).max(200).regex(/^[A-Za-z0-9_-]+$/, 'not a token');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'not an AWS region name');
const regions = z.array(region).min(1).max(30);
const accountName = z.string().trim().min(1).max(100);
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not an id');

/** Path parameters `{ id }` of a stored item of `kind` (tenant, account, member, session, token, channel, rule): an id's shape, else 400. */
export const idParams = (kind: string) => z.strictObject({ id: id.describe(`the ${kind} id`) });
/** Path parameters of a recommendation: its id is derived from the rule and the resource (lowercase, dashes). */
export const recommendationParamsSchema = z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,128}$/, 'not a recommendation id').describe('the recommendation id') });

/** POST /api/auth/signup (SignupRequest). */
export const signupSchema = z.strictObject({
  email,
  password: newPassword,
  organization: z.string().trim().min(1).max(100),
});
/** POST /api/auth/verify (VerifyRequest). */
export const verifySchema = z.strictObject({ token });
/** POST /api/auth/resend (ResendRequest). */
export const resendSchema = z.strictObject({ email });
/** POST /api/auth/reset/request (PasswordResetRequest). */
export const resetRequestSchema = z.strictObject({ email });
/** POST /api/auth/reset (PasswordReset): the emailed token and the new password. */
export const resetSchema = z.strictObject({ token, password: newPassword });
/** POST /api/auth/password (PasswordChange). */
export const changePasswordSchema = z.strictObject({ currentPassword: anyPassword, newPassword });
/** POST /api/tenant/delete: the owner's password again, so a stolen session alone cannot delete the organization. */
export const tenantDeleteSchema = z.strictObject({ password: anyPassword });
/** POST /api/auth/login (LoginRequest); the password is not checked against the policy, only the hash. */
export const loginSchema = z.strictObject({ email, password: anyPassword });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** PUT /api/accounts/:id/budget (AccountBudgetUpdate): a cent to a billion USD (DynamoDB numbers hold it exactly enough), or null to remove it. */
export const accountBudgetSchema = z.strictObject({
  monthlyBudgetUsd: z.number().min(0.01).max(1e9).nullable(),
});

/** PUT /api/settings (SettingsUpdate); `monthlyBudgetUsd: null` removes the budget. */
export const settingsUpdateSchema = z.strictObject({
  email: email.optional(),
  notifications: z
    .strictObject({ critical: z.boolean(), warning: z.boolean(), costTips: z.boolean(), dailyDigest: z.boolean(), alarms: z.boolean(), alarmRecovered: z.boolean(), healthIssues: z.boolean(), healthScheduled: z.boolean() })
    .partial()
    .optional(),
  digestHour: z.number().int().min(0).max(23).optional(),
  timezone: z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone').optional(),
  // At least a cent: a positive number as small as 5e-324 underflows DynamoDB's number type.
  monthlyBudgetUsd: z.number().min(0.01).max(1e9).nullable().optional(),
  // Below a cent a month the stretch would be absurd (years between polls); null removes the cap.
  monitoringCapUsd: z.number().min(0.01).max(1e6).nullable().optional(),
});

/** POST /api/accounts (ConnectAccountRequest): by role or by keys, never both. */
export const connectAccountSchema = z.union([
  z.strictObject({
    name: accountName,
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'not an IAM role ARN'),
    regions,
  }),
  z.strictObject({
    name: accountName,
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'not an access key id'),
    secretAccessKey: z.string().min(16).max(256),
    regions,
  }),
]);

/**
 * PATCH /api/accounts/:id (UpdateAccountRequest): rename, change regions, replace the role ARN
 * (the ExternalId stays the tenant's) or rotate access keys (both fields together).
 */
export const updateAccountSchema = z
  .strictObject({
    name: accountName.optional(),
    regions: regions.optional(),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'not an IAM role ARN').optional(),
    accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/, 'not an access key id').optional(),
    secretAccessKey: z.string().min(16).max(256).optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' })
  .refine((b) => (b.accessKeyId === undefined) === (b.secretAccessKey === undefined), {
    message: 'rotate keys with both accessKeyId and secretAccessKey',
    path: ['secretAccessKey'],
  })
  .refine((b) => b.roleArn === undefined || b.accessKeyId === undefined, { message: 'a role or keys, not both', path: ['roleArn'] });

/** POST /api/accounts/:id/check (CheckRequest). */
export const checkAccountSchema = z
  .strictObject({
    /** Also make the billed Cost Explorer checks ($0.01 a request). */
    includePaid: z.boolean().optional(),
  })
  .optional();

/** Years the API takes: wide enough for any real query, narrow enough that every date maths stays valid. */
const MIN_YEAR = 1970;
const MAX_YEAR = 2200;

/** True when y-m-d names a day of the calendar (no 2026-02-30, no month 00) within the years above. */
function isCalendarDay(year: number, month: number, dayOfMonth: number): boolean {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || dayOfMonth < 1) return false;
  return dayOfMonth <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;
// Date.parse alone accepts 2026-02-30 (rolling it to March) and years a Date cannot hold; a
// time that parses here can be turned back into an ISO string without a RangeError.
const isoTime = z
  .string()
  .max(40)
  .refine((text) => {
    const match = ISO_TIME.exec(text);
    if (!match || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
    if (Number(match[4] ?? 0) > 23 || Number(match[5] ?? 0) > 59 || Number(match[6] ?? 0) > 59) return false;
    return Number.isFinite(Date.parse(text));
  }, 'not an ISO-8601 time');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'not a YYYY-MM-DD day')
  .refine((text) => isCalendarDay(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))), 'not a day of the calendar');

/** GET /api/metrics query. */
export const metricsQuerySchema = z.strictObject({
  accountId: id.optional(),
  region: region.optional(),
  namespace: z.string().min(1).max(255).optional(),
  metric: z.string().min(1).max(255).optional(),
  resourceId: z.string().min(1).max(1024).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});

/** GET /api/costs query; days are YYYY-MM-DD, `to` exclusive. */
export const costsQuerySchema = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  accountId: id.optional(),
});

const band = z.enum(['low', 'medium', 'high', 'critical']);
/** GET /api/findings query; `severity` is a comma-separated list of bands. */
export const findingsQuerySchema = z.strictObject({
  severity: z
    .string()
    .max(100)
    .transform((text) => text.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(band))
    .optional(),
  status: z.enum(['open', 'suppressed', 'archived', 'all']).optional(),
  accountId: id.optional(),
  region: region.optional(),
  type: z.string().trim().max(200).optional(),
  resource: z.string().trim().max(1024).optional(),
  sort: z.enum(FINDING_SORT_KEYS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  cursor: z.string().min(1).max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** GET /api/findings.csv query: the page's filters and order, every matching row. */
export const findingsExportQuerySchema = findingsQuerySchema.omit({ cursor: true, limit: true });

/** POST /api/findings/suppressions (SuppressionRuleRequest); the expiry must be in the future (checked by the route). */
export const suppressionRuleSchema = z.strictObject({
  kind: z.enum(SUPPRESSION_KINDS),
  value: z.string().trim().min(1, 'say which type, resource or account').max(1024),
  reason: z.string().trim().min(1, 'say why these findings are accepted').max(500),
  expiresAt: isoTime.optional(),
});

/** A recommendation's status. */
export const recommendationStatus = z.enum(['open', 'done', 'dismissed']);
/** GET /api/recommendations query. */
export const recommendationsQuerySchema = z.strictObject({ status: recommendationStatus.optional() });
/** PATCH /api/recommendations/:id (RecommendationPatch). */
export const recommendationPatchSchema = z.strictObject({ status: recommendationStatus });

/** GET /ops/workers query. */
export const workersQuerySchema = z.strictObject({
  state: z.enum(['idle', 'running', 'backoff', 'parked', 'stopped']).optional(),
  tenant: id.optional(),
  /** Case-insensitive substring of the tenant's id or name, or an account's id, name or AWS account id. */
  q: z.string().trim().max(200).optional(),
  sort: z.enum(['name', 'state', 'restarts', 'errors']).optional(),
  /** Workers returned (default 200); `total` says how many matched. */
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

// --- metric selection (issue 18) ------------------------------------------------------------

const cwName = z.string().min(1).max(255);
const customMetric = z.strictObject({
  region,
  namespace: cwName,
  metricName: cwName,
  // CloudWatch allows up to 30 dimensions per metric.
  dimensions: z.array(z.strictObject({ name: cwName, value: z.string().min(1).max(1024) })).max(30),
  stat: z.string().regex(/^(Average|Sum|SampleCount|Maximum|Minimum|p\d{1,2}(\.\d+)?)$/, 'not a CloudWatch statistic'),
});

/** PUT /api/accounts/:id/metric-selection and its preview: what is switched off and the custom metrics (at most 50). */
export const metricSelectionSchema = z.strictObject({
  disabledServices: z.array(z.string().regex(/^[a-z0-9]{1,32}$/)).max(50).optional(),
  disabledMetrics: z.array(z.string().regex(/^[a-z0-9]{1,32}:[\w.\-]{1,255}$/)).max(200).optional(),
  custom: z.array(customMetric).max(50).optional(),
});

/** GET /api/accounts/:id/metric-browser query. */
export const metricBrowserQuerySchema = z.strictObject({ region, namespace: cwName.optional() });

/** GET /api/audit query: `before` is the id of the last entry of the previous page. */
export const auditQuerySchema = z.strictObject({
  before: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

const memberRole = z.enum(['owner', 'admin', 'viewer']);
/** POST /api/members (MemberInvite). */
export const memberInviteSchema = z.strictObject({ email, role: memberRole });
/** PATCH /api/members/:id (MemberPatch). */
export const memberPatchSchema = z.strictObject({ role: memberRole });

/** POST /api/tokens (NewApiTokenRequest). */
export const apiTokenCreateSchema = z.strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(['read', 'admin']) });

const totpCode = z.string().trim().regex(/^\d{6}$/, 'six digits');
const recoveryCode = z.string().trim().min(16).max(24).regex(/^[A-Za-z2-7-]+$/, 'not a recovery code');
/** POST /api/auth/login/mfa (MfaLogin): the pending sign-in and one of a TOTP code or a recovery code. */
export const mfaLoginSchema = z
  .strictObject({ mfaToken: token, code: totpCode.optional(), recoveryCode: recoveryCode.optional() })
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), { message: 'give a code or a recovery code', path: ['code'] });
/** POST /api/auth/mfa/confirm: the first code of the new secret. */
export const mfaConfirmSchema = z.strictObject({ code: totpCode });
/** POST /api/auth/mfa/disable (MfaDisable). */
export const mfaDisableSchema = z
  .strictObject({ password: anyPassword, code: totpCode.optional(), recoveryCode: recoveryCode.optional() })
  .refine((body) => (body.code === undefined) !== (body.recoveryCode === undefined), { message: 'give a code or a recovery code', path: ['code'] });
/** PUT /api/auth/mfa/required (MfaRequirement, owners). */
export const mfaRequirementSchema = z.strictObject({ required: z.boolean() });
/** POST /api/auth/switch (OrganizationSwitch). */
export const organizationSwitchSchema = z.strictObject({ tenantId: id });
