/**
 * The in-process cache used when no Redis is configured (one instance, e.g. demo mode): an LRU
 * with a TTL. Values are stored as JSON so callers get fresh copies, as they do from Redis.
 */
import { LRUCache } from 'lru-cache';
import type { TenantCache } from './tenant-cache.js';

export interface MemoryCacheOptions {
  /** Entry lifetime (default 30 s). */
  ttlMs?: number;
  /** Most entries kept (default 10,000). */
  maxEntries?: number;
  /** Most characters of JSON kept over all entries (default 64 Mi); larger single values are not cached. */
  maxChars?: number;
}

/** An LRU-backed `TenantCache`. */
export function createMemoryCache(options: MemoryCacheOptions = {}): TenantCache {
  const maxChars = options.maxChars ?? 64 * 1024 * 1024;
  const entries = new LRUCache<string, string>({
    max: options.maxEntries ?? 10_000,
    ttl: options.ttlMs ?? 30_000,
    maxSize: maxChars,
    sizeCalculation: (json) => json.length || 1,
  });
  const generations = new Map<string, number>();
  return {
    kind: 'memory',
    async read<T>(tenantId: string, key: string, load: () => Promise<T>): Promise<T> {
      // The generation is read before loading: a write during the load makes this entry unreachable.
      const cacheKey = `${tenantId}\u0000${generations.get(tenantId) ?? 0}\u0000${key}`;
      const hit = entries.get(cacheKey);
      if (hit !== undefined) return JSON.parse(hit) as T;
      const value = await load();
      if (value !== undefined) {
        const json = JSON.stringify(value);
        // One huge result (a month of every series) must not flush everyone else's entries.
        if (json.length <= maxChars / 16) entries.set(cacheKey, json);
      }
      return value;
    },
    async invalidate(tenantId) {
      generations.set(tenantId, (generations.get(tenantId) ?? 0) + 1);
    },
    async close() {
      entries.clear();
    },
  };
}
