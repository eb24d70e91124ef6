/**
 * The shared cache when REDIS_URL is set: one hash per tenant holding a generation counter per
 * data kind (`gen:<kind>`, data-kinds.ts) and the entries, each tagged with the generations of
 * the kinds it depends on and an expiry. A read is one HMGET; an invalidation bumps the
 * generations of the kinds written in one script (an entry left behind is unreachable and is
 * replaced by the next load of its key). Redis being
 * down never fails a read: the breaker skips Redis and reads go straight to DynamoDB.
 * Simultaneous misses of a key on this instance are merged into one load, and an entry past
 * `refreshAfterMs` is served while one background load replaces it (stale-while-revalidate).
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { createBreaker, type Breaker } from './breaker.js';
import { DATA_KINDS, dependenciesOf } from './data-kinds.js';
import { SingleFlight } from './single-flight.js';
import type { TenantCache } from './tenant-cache.js';

export interface RedisCacheOptions {
  url: string;
  /** Key prefix, e.g. `cloud-health:` (tests use one per run). */
  prefix: string;
  log: Logger;
  /** Entry lifetime (default 30 s). */
  ttlMs?: number;
  /** Age after which a hit also starts a background reload on this instance (default two thirds of `ttlMs`). */
  refreshAfterMs?: number;
  /** Per-command timeout (default 250 ms): a hung Redis must not hold a request. */
  commandTimeoutMs?: number;
  /** Connect timeout (default 1,000 ms). */
  connectTimeoutMs?: number;
  /** How long the breaker skips Redis after a failure (default 5,000 ms). */
  breakerOpenMs?: number;
  now?: () => number;
}

interface Entry {
  g: string;
  e: number;
  d: unknown;
}

/** Larger results are not cached: one tenant's month of series must not fill Redis. */
const MAX_ENTRY_CHARS = 1024 * 1024;

function parseEntry(text: string | null | undefined): Entry | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Entry;
  } catch {
    return undefined;
  }
}

// Bump the generations named (ARGV[2..]), keep the hash from living forever.
const INVALIDATE = `
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[1], 'gen:' .. ARGV[i], 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** A Redis-backed `TenantCache`. Connects in the background; until connected, reads go to DynamoDB. */
export function createRedisCache(options: RedisCacheOptions): TenantCache & { readonly breaker: Breaker; readonly stats: { attempted: number; bypassed: number; failed: number } } {
  const ttlMs = options.ttlMs ?? 30_000;
  const refreshAfterMs = options.refreshAfterMs ?? Math.floor((ttlMs * 2) / 3);
  const flights = new SingleFlight<string | undefined>();
  const now = options.now ?? Date.now;
  const log = options.log.child({ component: 'cache' });
  const redis = new Redis(options.url, {
    // Fail at once when disconnected instead of queueing: the caller falls back to DynamoDB.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    commandTimeout: options.commandTimeoutMs ?? 250,
    retryStrategy: (times) => Math.min(times * 250, 5_000),
    lazyConnect: false,
    // ioredis waits this long (default 2 s) for a socket to close on disconnect, even one that never
    // connected; that timer would hold the process open after close(). Untyped, hence the spread.
    ...({ disconnectTimeout: 100 } as object),
  });
  let lastErrorLog = 0;
  redis.on('error', (error: Error) => {
    // ioredis emits an error per reconnect attempt; one line a minute is enough.
    if (now() - lastErrorLog > 60_000) {
      lastErrorLog = now();
      log.warn({ err: { name: error.name, code: (error as { code?: string }).code } }, 'redis error; reads fall through to DynamoDB');
    }
  });
  const breaker = createBreaker({
    openMs: options.breakerOpenMs ?? 5_000,
    now,
    onChange: (state) => log.info({ breaker: state }, 'redis cache breaker changed state'),
  });
  const hashKey = (tenantId: string) => `${options.prefix}t:{${tenantId}}`;

  const stats = { attempted: 0, bypassed: 0, failed: 0 };

  /** Run a Redis call if Redis is usable; undefined when skipped or failed. */
  async function guarded<T>(call: () => Promise<T>): Promise<T | undefined> {
    if (redis.status !== 'ready' || !breaker.allow()) {
      stats.bypassed++;
      return undefined;
    }
    stats.attempted++;
    try {
      const value = await call();
      breaker.success();
      return value;
    } catch (error) {
      stats.failed++;
      breaker.failure();
      log.debug({ err: { name: (error as Error).name } }, 'redis command failed');
      return undefined;
    }
  }

  let closing: Promise<void> | undefined;
  return {
    kind: 'redis',
    breaker,
    /** Redis calls made, skipped (not ready or breaker open) and failed: what a dead Redis cost. */
    stats,
    async read<T>(tenantId: string, key: string, load: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
      const field = `q:${key}`;
      const kinds = dependenciesOf(key);
      const cached = await guarded(() => redis.hmget(hashKey(tenantId), ...kinds.map((kind) => `gen:${kind}`), field));
      const gen = cached ? cached.slice(0, kinds.length).map((g) => g ?? '0').join('.') : '0';
      const entry = parseEntry(cached?.[kinds.length]);
      // Merged per key and generation: a load that started before a write is not joined after it.
      // A background refresh passes no signal: it runs to the end whoever goes away.
      const reload = (waiter?: AbortSignal) =>
        flights.run(`${tenantId}\u0000${gen}\u0000${key}`, async (shared) => {
          const value = await load(shared);
          if (value === undefined) return undefined;
          // Stored under the generation read before loading: a write during the load wins.
          if (cached) {
            const json = JSON.stringify({ g: gen, e: now() + ttlMs, d: value } satisfies Entry);
            if (json.length <= MAX_ENTRY_CHARS) {
              await guarded(() => redis.multi().hset(hashKey(tenantId), field, json).pexpire(hashKey(tenantId), ttlMs * 2).exec());
            }
          }
          return JSON.stringify(value);
        }, waiter);
      if (entry && entry.g === gen && entry.e > now()) {
        if (entry.e - now() <= ttlMs - refreshAfterMs) reload().catch(() => {});
        return entry.d as T;
      }
      const json = await reload(signal);
      return (json === undefined ? undefined : JSON.parse(json)) as T;
    },
    async invalidate(tenantId, kinds = DATA_KINDS) {
      if (kinds.length === 0) return;
      const done = await guarded(() => redis.eval(INVALIDATE, 1, hashKey(tenantId), String(ttlMs * 2), ...kinds));
      if (done === undefined && redis.status === 'ready') {
        log.warn({ tenant: tenantId }, 'could not invalidate cached reads; they expire within the cache TTL');
      }
    },
    async generations(tenantId, kinds) {
      if (kinds.length === 0) return [];
      const gens = await guarded(() => redis.hmget(hashKey(tenantId), ...kinds.map((kind) => `gen:${kind}`)));
      return gens?.map((g) => g ?? '0');
    },
    close() {
      closing ??= (async () => {
        if (redis.status === 'ready') {
          try {
            await redis.quit();
            return;
          } catch {
            // fall through to a hard disconnect
          }
        }
        redis.disconnect(false);
      })();
      return closing;
    },
  };
}
