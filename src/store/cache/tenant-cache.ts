/**
 * The read cache in front of DynamoDB. Entries are scoped to a tenant and tagged with the
 * tenant's generation of each data kind they read (data-kinds.ts); a write for the tenant bumps
 * the generations of the kinds it changed, so every cached read of that tenant that depends on
 * them is stale at once, whichever instance wrote, and the others stay.
 */
import type { DataKind } from './data-kinds.js';

export type { DataKind };

/** Read-through cache of one tenant's query results (JSON-safe values only). */
export interface TenantCache {
  readonly kind: 'redis' | 'memory';
  /**
   * The cached value of `key` for `tenantId`, or `load()`'s result, cached for the TTL.
   * Simultaneous misses share one load; `signal` (a request's) stops this caller waiting, and
   * the load's own signal aborts only when every caller that joined it has (single-flight.ts).
   */
  read<T>(tenantId: string, key: string, load: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /**
   * Make the cached reads of `tenantId` that depend on `kinds` stale (all of them when `kinds` is
   * left out). Never throws: a cache outage must not fail a write.
   */
  invalidate(tenantId: string, kinds?: readonly DataKind[]): Promise<void>;
  /**
   * `tenantId`'s current generation of each of `kinds`, in their order: one changes whenever a
   * write of its kind does (`invalidate`), so together they can key what was built from those
   * kinds (a rendered response). Undefined when they cannot be known (Redis unreachable, no
   * cache): cache nothing then.
   */
  generations(tenantId: string, kinds: readonly DataKind[]): Promise<readonly string[] | undefined>;
  /** Release connections. Idempotent. */
  close(): Promise<void>;
}

/** A cache that caches nothing (for tools and tests that want every read to hit DynamoDB). */
export function noCache(): TenantCache {
  return {
    kind: 'memory',
    read: (_tenantId, _key, load, signal) => load(signal),
    invalidate: async () => {},
    generations: async () => undefined,
    close: async () => {},
  };
}
