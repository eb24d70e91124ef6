/**
 * The session's tenant as the routes use it, read through the cache. Only what the API shows
 * is cached: credentials are reduced to their public part (role ARN or access key id), so no
 * sealed secret is ever copied into Redis.
 */
import type { Account, TenantSettings } from '../domain/tenant.js';
import type { TenantRecord } from '../store/index.js';
import { clientError } from './problem.js';
import type { RouteContext } from './route-context.js';

/** How an account is reached, without anything secret. */
export type PublicCredentials = { type: 'role'; roleArn: string } | { type: 'keys'; accessKeyId: string };

/** A connected account as the routes see it. */
export type TenantAccount = Omit<Account, 'credentials'> & { credentials: PublicCredentials };

/** A tenant as the routes see it. */
export interface TenantView {
  id: string;
  name: string;
  settings: TenantSettings;
  /** Shown on the onboarding screen; not a secret, but never taken from a request. */
  externalId: string;
  createdAt: string;
  accounts: TenantAccount[];
}

/** Project a stored tenant. */
export function tenantView(record: TenantRecord): TenantView {
  return {
    id: record.id,
    name: record.name,
    settings: { ...record.settings },
    externalId: record.externalId,
    createdAt: record.createdAt,
    accounts: record.accounts.map(({ credentials, ...account }) => ({
      ...account,
      regions: [...account.regions],
      credentials: credentials.type === 'role' ? { type: 'role', roleArn: credentials.roleArn } : { type: 'keys', accessKeyId: credentials.accessKeyId },
    })),
  };
}

/** The session's tenant through the cache; 401 when it no longer exists. */
export async function tenantOf(rc: RouteContext, tenantId: string): Promise<TenantView> {
  const tenant = await rc.cached(tenantId, 'tenant', async () => {
    const record = await rc.deps.store.tenants.get(tenantId);
    return record && tenantView(record);
  });
  if (!tenant) throw clientError(401, 'UNAUTHENTICATED', 'sign in first');
  return tenant;
}
