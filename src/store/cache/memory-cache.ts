/**
 * The in-process cache used when no Redis is configured (one instance, e.g. demo mode): an LRU
 * with a TTL. Values are kept parsed and deeply frozen: a hit costs no JSON.parse and no copy
 * (a busy overview reads a dozen entries per request), and a caller that tried to change a
 * shared value would throw instead of corrupting every later reader's copy.
 * Simultaneous misses of a key are merged into one load, and an entry older than
 * `refreshAfterMs` is served while one background load replaces it (stale-while-revalidate),
 * so a busy key never expires under its readers.
 */
import { LRUCache } from 'lru-cache';
import { DATA_KINDS, dependenciesOf, type DataKind } from './data-kinds.js';
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
  value: unknown;
  /** Length of the value's JSON: what the size bound counts. */
  size: number;
  at: number;
}

/** Freeze `value` and everything reachable from it; returns it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** An LRU-backed `TenantCache`; `entries()` counts what it holds (for tests and leak hunts). */
export function createMemoryCache(options: MemoryCacheOptions = {}): TenantCache & { entries(): number } {
  const maxChars = options.maxChars ?? 64 * 1024 * 1024;
  const ttlMs = options.ttlMs ?? 30_000;
  const refreshAfterMs = options.refreshAfterMs ?? Math.floor((ttlMs * 2) / 3);
  const now = options.now ?? Date.now;
  const entries = new LRUCache<string, Entry>({
    max: options.maxEntries ?? 10_000,
    maxSize: maxChars,
    sizeCalculation: (entry) => entry.size || 1,
    // Expired entries, and those a write made unreachable (their generation tag is old), go at
    // the next purge instead of staying until the size bound pushes them out: a 100-tenant demo's
    // heap grew ~4 MB a minute for half an hour with dead entries before this.
    ttl: ttlMs,
    // Our clock (tests inject one), read at every check rather than cached for a millisecond.
    perf: { now },
    ttlResolution: 0,
  });
  const purge = setInterval(() => entries.purgeStale(), ttlMs);
  purge.unref();
  /** Per tenant, the generation of each data kind, bumped by the writes of that kind. */
  const generations = new Map<string, Record<DataKind, number>>();
  const flights = new SingleFlight<unknown>();

  const tagOf = (tenantId: string, kinds: readonly DataKind[]): string => {
    const gens = generations.get(tenantId);
    let tag = '';
    for (const kind of kinds) tag += `${gens?.[kind] ?? 0}.`;
    return tag;
  };
  const generationTag = (tenantId: string, key: string): string => tagOf(tenantId, dependenciesOf(key));

  /** Load and keep the value under `cacheKey` (a key of the generations read before loading). */
  const load = (cacheKey: string, loader: (signal?: AbortSignal) => Promise<unknown>, signal?: AbortSignal) =>
    flights.run(
      cacheKey,
      async (shared) => {
        const value = await loader(shared);
        if (value === undefined) return undefined;
        // The JSON round trip keeps what Redis would keep (no Dates, Maps or undefined fields).
        const json = JSON.stringify(value);
        const parsed = deepFreeze(JSON.parse(json) as unknown);
        // One huge result (a month of every series) must not flush everyone else's entries.
        if (json.length <= maxChars / 16) entries.set(cacheKey, { value: parsed, size: json.length, at: now() });
        return parsed;
      },
      signal,
    );

  return {
    kind: 'memory',
    async read<T>(tenantId: string, key: string, loader: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
      // The generations are read before loading: a write during the load makes this entry unreachable.
      const cacheKey = `${tenantId}\u0000${generationTag(tenantId, key)}\u0000${key}`;
      const hit = entries.get(cacheKey);
      const age = hit ? now() - hit.at : Infinity;
      if (hit && age < ttlMs) {
        // Stale-while-revalidate: the readers keep the old value while one load replaces it.
        if (age >= refreshAfterMs && !flights.has(cacheKey)) load(cacheKey, loader).catch(() => {});
        return hit.value as T;
      }
      return (await load(cacheKey, loader, signal)) as T;
    },
    async invalidate(tenantId, kinds = DATA_KINDS) {
      let gens = generations.get(tenantId);
      if (!gens) {
        gens = Object.fromEntries(DATA_KINDS.map((kind) => [kind, 0])) as Record<DataKind, number>;
        generations.set(tenantId, gens);
      }
      for (const kind of kinds) gens[kind] += 1;
    },
    async generations(tenantId, kinds) {
      const gens = generations.get(tenantId);
      return kinds.map((kind) => String(gens?.[kind] ?? 0));
    },
    entries: () => entries.size,
    async close() {
      clearInterval(purge);
      entries.clear();
    },
  };
}
