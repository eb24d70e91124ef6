/**
 * Tenant and account names for the operator view, which the health registry does not hold: one
 * listing of the tenants table (the fleet index), kept for a minute and shared by concurrent
 * requests. Only the operator page reads it, every 10 s while open, so a 10k-tenant fleet costs
 * one listing a minute, not one per refresh.
 */
import type { Tenant } from '../domain/tenant.js';

export interface TenantNames {
  name: string;
  accounts: Record<string, { name: string; awsAccountId: string }>;
}

export interface TenantDirectory {
  /** Names by tenant id (a tenant created in the last minute may be missing). */
  names(): Promise<ReadonlyMap<string, TenantNames>>;
}

/** Default lifetime of a listing. */
export const DIRECTORY_TTL_MS = 60_000;

/** Create the directory over the tenants listing. */
export function createTenantDirectory(deps: { list: () => AsyncIterable<Pick<Tenant, 'id' | 'name' | 'accounts'>>; now: () => number; ttlMs?: number }): TenantDirectory {
  const ttlMs = deps.ttlMs ?? DIRECTORY_TTL_MS;
  let cached: { at: number; names: Promise<ReadonlyMap<string, TenantNames>> } | undefined;
  const load = async () => {
    const names = new Map<string, TenantNames>();
    for await (const tenant of deps.list()) {
      names.set(tenant.id, {
        name: tenant.name,
        accounts: Object.fromEntries(tenant.accounts.map((a) => [a.id, { name: a.name, awsAccountId: a.awsAccountId }])),
      });
    }
    return names;
  };
  return {
    names() {
      const now = deps.now();
      if (!cached || now - cached.at >= ttlMs) {
        const names = load();
        cached = { at: now, names };
        // A failed listing is not kept: the next request tries again.
        names.catch(() => {
          if (cached?.names === names) cached = undefined;
        });
      }
      return cached.names;
    },
  };
}
