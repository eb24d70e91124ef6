/**
 * Store records -> the API's view types (api-types.ts). Views are built field by field, so a
 * stored field that must not leave the server (a sealed secret, an ExternalId, a TTL) never does.
 */
import type { Account } from '../domain/tenant.js';
import type { PublicCredentials } from './tenant-view.js';
import type { StoredFinding, TenantRecord, UserRecord } from '../store/index.js';
import type { AccountView, FindingView, Settings } from './api-types.js';
import { notificationsOf, profileOf } from './user-profile.js';

/** An access key id with its middle masked: `AKIA…SIMK`. */
export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length <= 8 ? '…' : `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

/** The view of a connected account; `createdAt` from the tenant record when the account has none. */
export function accountView(account: Omit<Account, 'credentials'> & { credentials: PublicCredentials; createdAt?: string }, fallbackCreatedAt: string): AccountView {
  const credentials = account.credentials;
  return {
    id: account.id,
    name: account.name,
    awsAccountId: account.awsAccountId,
    regions: [...account.regions],
    method: credentials.type === 'role' ? 'role' : 'keys',
    credentialHint: credentials.type === 'role' ? credentials.roleArn : maskKeyId(credentials.accessKeyId),
    status: account.status,
    ...(account.statusReason ? { statusReason: account.statusReason } : {}),
    createdAt: account.createdAt ?? fallbackCreatedAt,
    ...(account.monthlyBudgetUsd !== undefined && account.monthlyBudgetUsd > 0 ? { monthlyBudgetUsd: account.monthlyBudgetUsd } : {}),
  };
}

/** `GET /api/settings`. A budget of 0 is stored for "none" (see settings-routes.ts). */
export function settingsView(user: UserRecord, tenant: Pick<TenantRecord, 'settings'>): Settings {
  const profile = profileOf(user);
  const budget = tenant.settings.monthlyBudgetUsd;
  return {
    email: user.email,
    emailVerified: user.emailVerified,
    ...(profile.pendingEmail ? { pendingEmail: profile.pendingEmail } : {}),
    notifications: notificationsOf(user),
    digestHour: profile.digestHour,
    timezone: profile.timezone,
    monthlyBudgetUsd: typeof budget === 'number' && budget > 0 ? budget : null,
    monitoringCapUsd: typeof tenant.settings.monitoringCapUsd === 'number' && tenant.settings.monitoringCapUsd > 0 ? tenant.settings.monitoringCapUsd : null,
  };
}

/** A stored finding as the API shows it. */
export function findingView(finding: StoredFinding): FindingView {
  return {
    id: finding.id,
    accountId: finding.accountId,
    region: finding.region,
    type: finding.type,
    title: finding.title,
    description: finding.description,
    severity: finding.severity,
    band: finding.band,
    ...(finding.resourceType ? { resourceType: finding.resourceType } : {}),
    ...(finding.resourceId ? { resourceId: finding.resourceId } : {}),
    createdAt: finding.createdAt,
    updatedAt: finding.updatedAt,
    status: finding.archived ? 'archived' : 'open',
    count: finding.count,
  };
}
