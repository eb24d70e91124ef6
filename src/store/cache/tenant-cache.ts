/**
 * The read cache in front of DynamoDB. Entries are scoped to a tenant and tagged with the
 * tenant's generation; a write for the tenant bumps the generation, so every cached read of that
 * tenant is stale at once, whichever instance wrote.
 */

/** Read-through cache of one tenant's query results (JSON-safe values only). */
export interface TenantCache {
  readonly kind: 'redis' | 'memory';
  /**
   * The cached value of `key` for `tenantId`, or `load()`'s result, cached for the TTL.
   * Simultaneous misses share one load; `signal` (a request's) stops this caller waiting, and
   * the load's own signal aborts only when every caller that joined it has (single-flight.ts).
   */
  read<T>(tenantId: string, key: string, load: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Make every cached read of `tenantId` stale. Never throws: a cache outage must not fail a write. */
  invalidate(tenantId: string): Promise<void>;
  /** Release connections. Idempotent. */
  close(): Promise<void>;
}

/** A cache that caches nothing (for tools and tests that want every read to hit DynamoDB). */
export function noCache(): TenantCache {
  return {
    kind: 'memory',
    read: (_tenantId, _key, load, signal) => load(signal),
    invalidate: async () => {},
    close: async () => {},
  };
}
