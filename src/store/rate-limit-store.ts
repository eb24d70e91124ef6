/**
 * Where rate-limit hits are counted: a log of hit times per key (a sliding window). In memory for
 * one instance; in Redis (one sorted set per key, scored by hit time) when REDIS_URL is set, so
 * every instance counts the same login failures. Time comes from the caller, so a test's clock
 * drives both.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

/** The hits of one key inside a window. */
export interface WindowCount {
  hits: number;
  /** Time of the oldest hit in the window. */
  oldest?: number;
  /** Time of the newest hit in the window. */
  newest?: number;
}

/** Where hits are counted. */
export interface RateLimitStore {
  /** Hits of `key` within the window ending at `now`. */
  count(key: string, windowMs: number, now: number): Promise<WindowCount>;
  /** Record a hit at `now`. */
  add(key: string, windowMs: number, now: number): Promise<void>;
  /** Forget `key` (e.g. a successful login clears its failures). */
  reset(key: string): Promise<void>;
  /** Release connections. Idempotent. */
  close(): Promise<void>;
}

/** Only the newest hits up to this bound are kept per key: no rule needs more. */
const MAX_HITS_PER_KEY = 1_000;

/** An in-memory store; keys are swept lazily, so it holds no timer. Default at most 100,000 keys. */
export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const log = new Map<string, { windowMs: number; hits: number[] }>();
  let writes = 0;
  const live = (key: string, windowMs: number, now: number): number[] => {
    const entry = log.get(key);
    if (!entry) return [];
    const hits = entry.hits.filter((at) => at > now - windowMs);
    if (hits.length === 0) log.delete(key);
    else entry.hits = hits;
    return hits;
  };
  const sweep = (now: number) => {
    for (const [key, entry] of log) live(key, entry.windowMs, now);
    // Still too many live keys (an attack spraying keys): drop the oldest entries.
    for (const key of log.keys()) {
      if (log.size <= maxKeys) break;
      log.delete(key);
    }
  };
  return {
    async count(key, windowMs, now) {
      const hits = live(key, windowMs, now);
      return { hits: hits.length, ...(hits.length > 0 ? { oldest: hits[0], newest: hits[hits.length - 1] } : {}) };
    },
    async add(key, windowMs, now) {
      const entry = log.get(key) ?? { windowMs, hits: [] };
      entry.hits.push(now);
      if (entry.hits.length > MAX_HITS_PER_KEY) entry.hits.splice(0, entry.hits.length - MAX_HITS_PER_KEY);
      log.delete(key);
      log.set(key, entry);
      if (++writes % 1_000 === 0 || log.size > maxKeys) sweep(now);
    },
    async reset(key) {
      log.delete(key);
    },
    async close() {
      log.clear();
    },
  };
}

/** Options of `createRedisRateLimitStore`. */
export interface RedisRateLimitOptions {
  url: string;
  /** Key prefix (default `cloud-health:rl:`); tests use a private one. */
  prefix?: string;
  log: Logger;
}

/**
 * A Redis store shared by every instance. While Redis cannot answer, hits are counted in this
 * process instead (limits then hold per instance) rather than failing logins.
 */
export function createRedisRateLimitStore(options: RedisRateLimitOptions): RateLimitStore & { ready(): Promise<void>; readonly redis: Redis } {
  const prefix = options.prefix ?? 'cloud-health:rl:';
  const log = options.log.child({ component: 'rate-limit' });
  const fallback = createMemoryRateLimitStore();
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(times * 250, 5_000),
    ...({ disconnectTimeout: 100 } as object),
  });
  let warned = 0;
  redis.on('error', () => undefined);
  const viaRedis = async <T>(call: () => Promise<T>, instead: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') return instead();
    try {
      return await call();
    } catch (error) {
      if (Date.now() - warned > 60_000) {
        warned = Date.now();
        log.warn({ err: { name: (error as Error).name } }, 'redis rate-limit store failed; counting in this process');
      }
      return instead();
    }
  };
  const keyOf = (key: string) => `${prefix}${key}`;
  let closing: Promise<void> | undefined;
  return {
    /** The connection, for other limits kept in the same Redis (the shared SES send rate). */
    redis,
    /** Resolves once connected (tests wait for it; the service counts in memory until then). */
    ready: () => (redis.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => redis.once('ready', () => resolve()))),
    count: (key, windowMs, now) =>
      viaRedis(
        async () => {
          const k = keyOf(key);
          const results = await redis
            .multi()
            .zremrangebyscore(k, '-inf', now - windowMs)
            .zcard(k)
            .zrange(k, '0', '0', 'WITHSCORES')
            .zrange(k, '-1', '-1', 'WITHSCORES')
            .exec();
          if (!results) throw new Error('transaction aborted');
          for (const [error] of results) if (error) throw error;
          const hits = Number(results[1]?.[1] ?? 0);
          const oldest = (results[2]?.[1] as string[] | undefined)?.[1];
          const newest = (results[3]?.[1] as string[] | undefined)?.[1];
          return { hits, ...(hits > 0 && oldest && newest ? { oldest: Number(oldest), newest: Number(newest) } : {}) };
        },
        () => fallback.count(key, windowMs, now),
      ),
    add: (key, windowMs, now) =>
      viaRedis(
        async () => {
          const k = keyOf(key);
          // A unique member per hit: two hits in the same millisecond both count.
          const results = await redis
            .multi()
            .zadd(k, now, `${now}:${randomBytes(6).toString('base64url')}`)
            .zremrangebyrank(k, 0, -(MAX_HITS_PER_KEY + 1))
            .pexpire(k, windowMs + 60_000)
            .exec();
          if (!results) throw new Error('transaction aborted');
          for (const [error] of results) if (error) throw error;
        },
        () => fallback.add(key, windowMs, now),
      ),
    reset: (key) =>
      viaRedis(
        async () => {
          await redis.del(keyOf(key));
          await fallback.reset(key);
        },
        () => fallback.reset(key),
      ),
    close: () =>
      (closing ??= (async () => {
        await fallback.close();
        try {
          await redis.quit();
        } catch {
          redis.disconnect();
        }
      })()),
  };
}
