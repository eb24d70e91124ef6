/**
 * A tenant's settings are checked inside its actor: bad data from the store crashes that
 * tenant (and is supervised), never the fleet or the process.
 */
import { AppError } from '../domain/errors.js';
import { COLLECTOR_KINDS, type Tenant } from '../domain/tenant.js';

/** Shortest collector interval a tenant may ask for. */
export const MIN_INTERVAL_MS = 60_000;

/** Throws an AppError `INVALID_TENANT` naming the first bad field. */
export function validateTenant(tenant: Tenant): void {
  const bad = (field: string): never => {
    throw new AppError('INVALID_TENANT', `tenant ${tenant.id}: invalid ${field}`);
  };
  if (!tenant.id) bad('id');
  if (!Array.isArray(tenant.accounts)) bad('accounts');
  for (const kind of COLLECTOR_KINDS) {
    const interval = tenant.settings?.intervalsMs?.[kind];
    if (interval !== undefined && (!Number.isFinite(interval) || interval < MIN_INTERVAL_MS)) bad(`intervalsMs.${kind}`);
  }
  for (const account of tenant.accounts) {
    if (!account.id || !Array.isArray(account.regions) || account.regions.length === 0) bad(`account ${account.id ?? '?'}`);
  }
}
