/**
 * The in-process cache used when no Redis is configured (one instance, e.g. demo mode): an LRU
 * with a TTL. Values are stored as JSON so callers get fresh copies, as they do from Redis.
 * Simultaneous misses of a key are merged into one load, and an entry older than
 * `refreshAfterMs` is served while one background load replaces it (stale-while-revalidate),
 * so a busy key never expires under its readers.
 */
import { LRUCache } from 'lru-cache';
import { SingleFlight } from './single-flight.js';
import type { TenantCache } from './tenant-cache.js';

export interface MemoryCacheOptions {
  /** Entry lifetime (default 30 s). */
  ttlMs?: number;
  /** Age after which a hit also starts a background reload (default two thirds of `ttlMs`). */
  refreshAfterMs?: number;
  /** Most entries kept (default 10,000). */
  maxEntries?: number;
  /** Most characters of JSON kept over all entries (default 64 Mi); larger single values are not cached. */
  maxChars?: number;
  /** Clock (default Date.now). */
  now?: () => number;
}

interface Entry {
  json: string;
  at: number;
}

/** An LRU-backed `TenantCache`. */
export function createMemoryCache(options: MemoryCacheOptions = {}): TenantCache {
  const maxChars = options.maxChars ?? 64 * 1024 * 1024;
  const ttlMs = options.ttlMs ?? 30_000;
  const refreshAfterMs = options.refreshAfterMs ?? Math.floor((ttlMs * 2) / 3);
  const now = options.now ?? Date.now;
  const entries = new LRUCache<string, Entry>({
    max: options.maxEntries ?? 10_000,
    maxSize: maxChars,
    sizeCalculation: (entry) => entry.json.length || 1,
  });
  const generations = new Map<string, number>();
  const flights = new SingleFlight<string | undefined>();

  /** Load and keep the JSON under `cacheKey` (a key of the generation read before loading). */
  const load = (cacheKey: string, loader: (signal?: AbortSignal) => Promise<unknown>, signal?: AbortSignal) =>
    flights.run(
      cacheKey,
      async (shared) => {
        const value = await loader(shared);
        if (value === undefined) return undefined;
        const json = JSON.stringify(value);
        // One huge result (a month of every series) must not flush everyone else's entries.
        if (json.length <= maxChars / 16) entries.set(cacheKey, { json, at: now() });
        return json;
      },
      signal,
    );

  return {
    kind: 'memory',
    async read<T>(tenantId: string, key: string, loader: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
      // The generation is read before loading: a write during the load makes this entry unreachable.
      const cacheKey = `${tenantId}\u0000${generations.get(tenantId) ?? 0}\u0000${key}`;
      const hit = entries.get(cacheKey);
      const age = hit ? now() - hit.at : Infinity;
      if (hit && age < ttlMs) {
        // Stale-while-revalidate: the readers keep the old value while one load replaces it.
        if (age >= refreshAfterMs && !flights.has(cacheKey)) load(cacheKey, loader).catch(() => {});
        return JSON.parse(hit.json) as T;
      }
      const json = await load(cacheKey, loader, signal);
      return (json === undefined ? undefined : JSON.parse(json)) as T;
    },
    async invalidate(tenantId) {
      generations.set(tenantId, (generations.get(tenantId) ?? 0) + 1);
    },
    async close() {
      entries.clear();
    },
  };
}
