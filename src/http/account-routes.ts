/**
 * Connected AWS accounts. A new connection is validated live (STS GetCallerIdentity, after
 * AssumeRole with the tenant's ExternalId for a role) before it is stored; the real account id
 * comes from STS, never from the request. A secret key is sealed by the store and never returned
 * or logged.
 */
import { AppError, AwsCallError } from '../domain/errors.js';
import type { ConnectionCredentials } from '../aws/index.js';
import { onboardingFor } from './onboarding.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';
import { defineRoute, type AnyRoute } from './route-spec.js';
import { connectAccountSchema } from './schemas.js';
import { sessionOf } from './session-cookie.js';
import { tenantOf } from './tenant-view.js';
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

/** The account routes. */
export function accountRoutes(rc: RouteContext): AnyRoute[] {
  const { store } = rc.deps;
  const timeoutMs = rc.deps.validateTimeoutMs ?? 15_000;
  return [
    defineRoute({
      method: 'get',
      path: '/api/accounts',
      summary: 'The connected AWS accounts',
      tag: 'accounts',
      auth: 'session',
      responses: { 200: 'AccountView[]', 401: 'Problem' },
      async handler(ctx) {
        const tenant = await tenantOf(rc, sessionOf(ctx).tenantId);
        ctx.body = tenant.accounts.map((account) => accountView(account, tenant.createdAt));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/accounts/onboarding',
      summary: 'The ExternalId, trust policy and permission policy for the IAM role',
      tag: 'accounts',
      auth: 'session',
      responses: { 200: 'Onboarding', 401: 'Problem' },
      async handler(ctx) {
        const tenant = await tenantOf(rc, sessionOf(ctx).tenantId);
        ctx.body = onboardingFor({ externalId: tenant.externalId, platformAccountId: rc.deps.platformAccountId });
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
      async handler(ctx, { body }) {
        const { tenantId } = sessionOf(ctx);
        const tenant = await store.tenants.get(tenantId);
        if (!tenant) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
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
        ctx.status = 201;
        ctx.body = accountView(account, new Date(rc.now()).toISOString());
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/accounts/:id',
      summary: 'Disconnect an account; its monitoring stops at once',
      tag: 'accounts',
      auth: 'session',
      responses: { 204: 'No content', 401: 'Problem', 404: 'Problem (NOT_FOUND)' },
      async handler(ctx, { params }) {
        const { tenantId } = sessionOf(ctx);
        const accountId = params.id ?? '';
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(accountId) || !(await store.tenants.removeAccount(tenantId, accountId))) {
          throw clientError(404, 'NOT_FOUND', 'no such account');
        }
        rc.deps.onTenantChanged(tenantId);
        rc.deps.log.info({ tenant: tenantId, account: accountId }, 'account disconnected');
        ctx.status = 204;
      },
    }),
  ];
}
