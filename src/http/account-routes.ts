/**
 * Connected AWS accounts: connect, update, check and disconnect. A new or changed connection is
 * validated live (STS GetCallerIdentity, after AssumeRole with the tenant's ExternalId for a role)
 * before it is stored; the real account id comes from STS, never from the request. A secret key
 * is sealed by the store and never returned or logged. A new or updated account is collected at
 * once (the runtime reconciles the tenant and runs every collector for that account).
 */
import { feeGuide } from '../collectors/index.js';
import { AppError, AwsCallError } from '../domain/errors.js';
import type { ConnectionCredentials } from '../aws/index.js';
import { cloudFormationTemplate, onboardingFor } from './onboarding.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import type { PermissionReport } from './api-types.js';
import { checkAccountSchema, connectAccountSchema, idParams, updateAccountSchema } from './schemas.js';
import { accountView } from './views.js';

/** Map a failed validation to what the tenant may read. */
function connectionError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return clientError(504, 'AWS_TIMEOUT', 'AWS did not answer in time; try again');
  if (error instanceof AwsCallError) {
    if (error.kind === 'throttled' || error.kind === 'transient') {
      return new AppError('AWS_UNAVAILABLE', 'AWS is not answering right now; try again in a minute', { status: 503, expose: true });
    }
    return clientError(
      422,
      'CREDENTIALS_REJECTED',
      'AWS refused these credentials: check the role trust policy and ExternalId, or the access key',
    );
  }
  return error;
}

const accountParams = idParams('account');
/** At most this many checks of one account a minute: each makes a few dozen AWS calls. */
const CHECKS_PER_MINUTE = 3;
/** A check makes up to ~10 calls per region, each with the SDK's own retries. */
const CHECK_TIMEOUT_MS = 60_000;

/** The tenant's stored account, or 404 (never another tenant's: the query is the session's tenant). */
async function storedAccount(rc: RouteContext, tenantId: string, accountId: string) {
  const tenant = await rc.deps.store.tenants.get(tenantId);
  const account = tenant?.accounts.find((a) => a.id === accountId);
  if (!tenant || !account) throw clientError(404, 'NOT_FOUND', 'no such account');
  return { tenant, account };
}

/** The account routes. */
export function accountRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  const timeoutMs = rc.deps.validateTimeoutMs ?? 15_000;
  const recentChecks = new Map<string, number[]>();
  return [
    defineRoute({
      method: 'get',
      path: '/api/accounts',
      summary: 'The connected AWS accounts',
      tag: 'accounts',
      auth: 'session',
      responses: { 200: 'AccountView[]', 401: 'Problem' },
      handler(_ctx, { tenant }) {
        return tenant.accounts.map((account) => accountView(account, tenant.createdAt));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/accounts/onboarding',
      summary: 'The ExternalId, trust policy and permission policy for the IAM role',
      tag: 'accounts',
      auth: 'session',
      responses: { 200: 'Onboarding', 401: 'Problem' },
      handler(_ctx, { tenant }) {
        const cap = tenant.settings.monitoringCapUsd;
        return {
          ...onboardingFor({ externalId: tenant.externalId, platformAccountId: rc.deps.platformAccountId }),
          monitoringFee: { ...feeGuide(), capUsd: typeof cap === 'number' && cap > 0 ? cap : null },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/accounts/onboarding/cloudformation.json',
      summary: 'The CloudFormation template that creates the monitoring role with this tenant\'s ExternalId',
      tag: 'accounts',
      auth: 'session',
      responses: { 200: 'CloudFormation template (JSON)', 401: 'Problem' },
      handler(ctx, { tenant }) {
        ctx.set('Content-Disposition', 'attachment; filename="cloud-health-role.json"');
        return cloudFormationTemplate({ externalId: tenant.externalId, platformAccountId: rc.deps.platformAccountId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/accounts',
      summary: 'Connect an AWS account by role (preferred) or access keys; validated live through STS',
      tag: 'accounts',
      auth: 'session',
      body: connectAccountSchema,
      responses: {
        201: 'AccountView',
        400: 'Problem (VALIDATION_FAILED, AWS_INVALID_ROLE_ARN)',
        409: 'Problem (ACCOUNT_EXISTS, TOO_MANY_ACCOUNTS)',
        422: 'Problem (CREDENTIALS_REJECTED, AWS_ACCOUNT_MISMATCH)',
        503: 'Problem (AWS_UNAVAILABLE)',
        504: 'Problem (AWS_TIMEOUT)',
      },
      async handler(_ctx, { body, tenant }) {
        const tenantId = tenant.id;
        const credentials: ConnectionCredentials =
          'roleArn' in body
            ? { type: 'role', roleArn: body.roleArn, externalId: tenant.externalId }
            : { type: 'keys', accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey };
        const signal = AbortSignal.timeout(timeoutMs);
        let awsAccountId: string;
        try {
          ({ awsAccountId } = await rc.deps.validateAccount({ tenantId, credentials }, signal));
        } catch (error) {
          rc.deps.log.info({ tenant: tenantId, method: credentials.type, code: (error as { code?: unknown }).code }, 'account connection refused');
          throw connectionError(error, signal);
        }
        const account = await store.tenants.addAccount(tenantId, {
          name: body.name,
          awsAccountId,
          regions: body.regions,
          credentials:
            'roleArn' in body
              ? { type: 'role', roleArn: body.roleArn }
              : { type: 'keys', accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey },
        });
        rc.deps.onTenantChanged(tenantId);
        rc.deps.log.info({ tenant: tenantId, account: account.id, method: credentials.type }, 'account connected');
        return accountView(account, new Date(rc.now()).toISOString());
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/api/accounts/:id',
      summary: 'Rename an account, change its regions, replace its role ARN or rotate its keys; validated live, applied at once',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      body: updateAccountSchema,
      responses: {
        200: 'AccountView',
        400: 'Problem (VALIDATION_FAILED)',
        401: 'Problem',
        404: 'Problem (NOT_FOUND)',
        422: 'Problem (CREDENTIALS_REJECTED, AWS_ACCOUNT_MISMATCH)',
        503: 'Problem (AWS_UNAVAILABLE)',
        504: 'Problem (AWS_TIMEOUT)',
      },
      async handler(_ctx, { body, params, session: { tenantId } }) {
        const { tenant, account } = await storedAccount(rc, tenantId, params.id);
        const newCredentials: ConnectionCredentials | undefined = body.roleArn
          ? { type: 'role', roleArn: body.roleArn, externalId: tenant.externalId }
          : body.accessKeyId && body.secretAccessKey
            ? { type: 'keys', accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey }
            : undefined;
        // New credentials or regions are checked like a new connection, against the same AWS account.
        if (newCredentials || body.regions) {
          const signal = AbortSignal.timeout(timeoutMs);
          try {
            await rc.deps.validateAccount(
              { tenantId, credentials: newCredentials ?? account.credentials, claimedAwsAccountId: account.awsAccountId, accountId: account.id },
              signal,
            );
          } catch (error) {
            rc.deps.log.info({ tenant: tenantId, account: account.id, code: (error as { code?: unknown }).code }, 'account update refused');
            throw connectionError(error, signal);
          }
        }
        const updated = await store.tenants.updateAccount(tenantId, account.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.regions ? { regions: body.regions } : {}),
          ...(body.roleArn ? { credentials: { type: 'role' as const, roleArn: body.roleArn } } : {}),
          ...(body.accessKeyId && body.secretAccessKey ? { credentials: { type: 'keys' as const, accessKeyId: body.accessKeyId, secretAccessKey: body.secretAccessKey } } : {}),
        });
        rc.deps.onTenantChanged(tenantId);
        rc.deps.log.info(
          { tenant: tenantId, account: account.id, changed: Object.keys(body).filter((k) => k !== 'secretAccessKey') },
          'account updated',
        );
        return accountView(updated, tenant.createdAt);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/accounts/:id/check',
      summary: 'Check the account\'s permissions: one cheap call per required action and region (Cost Explorer, billed, only with includePaid)',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      body: checkAccountSchema,
      responses: { 200: 'PermissionReport', 401: 'Problem', 404: 'Problem (NOT_FOUND)', 429: 'Problem (RATE_LIMITED)', 504: 'Problem (AWS_TIMEOUT)' },
      async handler(_ctx, { body, params, session: { tenantId } }) {
        const { account } = await storedAccount(rc, tenantId, params.id);
        const key = `${tenantId}/${account.id}`;
        const recent = (recentChecks.get(key) ?? []).filter((at) => rc.now() - at < 60_000);
        if (recent.length >= CHECKS_PER_MINUTE) throw clientError(429, 'RATE_LIMITED', `at most ${CHECKS_PER_MINUTE} checks of an account a minute`);
        if (recentChecks.size > 10_000) recentChecks.clear();
        recentChecks.set(key, [...recent, rc.now()]);
        const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
        let report: PermissionReport;
        try {
          report = await rc.deps.checkPermissions(account, { includePaid: body?.includePaid === true }, signal);
        } catch (error) {
          if (signal.aborted) throw clientError(504, 'AWS_TIMEOUT', 'AWS did not answer in time; try again');
          throw error;
        }
        rc.deps.log.info({ tenant: tenantId, account: account.id, includePaid: body?.includePaid === true }, 'permissions checked');
        return report;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/accounts/:id',
      summary: 'Disconnect an account; its monitoring stops at once',
      tag: 'accounts',
      auth: 'session',
      params: accountParams,
      responses: { 204: 'No content', 400: 'Problem (VALIDATION_FAILED)', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(_ctx, { params, session: { tenantId } }) {
        const accountId = params.id;
        if (!(await store.tenants.removeAccount(tenantId, accountId))) {
          throw clientError(404, 'NOT_FOUND', 'no such account');
        }
        rc.deps.onTenantChanged(tenantId);
        rc.deps.log.info({ tenant: tenantId, account: accountId }, 'account disconnected');
        return undefined;
      },
    }),
  ];
}
