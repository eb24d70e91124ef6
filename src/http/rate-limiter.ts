/**
 * Sliding-window rate limiting (a log of hit times per key). The store behind it is an
 * interface, so several instances can later share one (Redis sorted sets); the default lives
 * in memory and bounds itself, which is right for one instance.
 */
import { clientError } from './problem.js';

/** At most `limit` hits per `windowMs`. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/** Where hits are counted. */
export interface RateLimitStore {
  /** Hits of `key` within the window ending at `now`. */
  count(key: string, windowMs: number, now: number): Promise<{ hits: number; oldest?: number }>;
  /** Record a hit at `now`. */
  add(key: string, windowMs: number, now: number): Promise<void>;
  /** Forget `key` (e.g. a successful login clears its failures). */
  reset(key: string): Promise<void>;
}

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
      return { hits: hits.length, ...(hits.length > 0 ? { oldest: hits[0] } : {}) };
    },
    async add(key, windowMs, now) {
      const entry = log.get(key) ?? { windowMs, hits: [] };
      entry.hits.push(now);
      // Only the newest hits up to a bound matter for any rule.
      if (entry.hits.length > 1_000) entry.hits.splice(0, entry.hits.length - 1_000);
      log.delete(key);
      log.set(key, entry);
      if (++writes % 1_000 === 0 || log.size > maxKeys) sweep(now);
    },
    async reset(key) {
      log.delete(key);
    },
  };
}

/** A limiter over a store and a clock. */
export class RateLimiter {
  readonly #store: RateLimitStore;
  readonly #now: () => number;

  constructor(store: RateLimitStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** Throw 429 `RATE_LIMITED` (with Retry-After) when `key` already used up `rule`. */
  async check(key: string, rule: RateRule): Promise<void> {
    const now = this.#now();
    const { hits, oldest } = await this.#store.count(key, rule.windowMs, now);
    if (hits < rule.limit) return;
    const retryAfterSec = Math.max(1, Math.ceil(((oldest ?? now) + rule.windowMs - now) / 1000));
    throw clientError(429, 'RATE_LIMITED', 'too many attempts; try again later', { 'Retry-After': String(retryAfterSec) });
  }

  /** Count a hit of `key`. */
  async hit(key: string, rule: RateRule): Promise<void> {
    await this.#store.add(key, rule.windowMs, this.#now());
  }

  /** Check, then count: throws without counting when over the limit. */
  async consume(key: string, rule: RateRule): Promise<void> {
    await this.check(key, rule);
    await this.hit(key, rule);
  }

  async reset(key: string): Promise<void> {
    await this.#store.reset(key);
  }

  /**
   * Count a hit of the client IP under `name`, unless the IP says nothing about the client: a
   * loopback peer is a local tool or a reverse proxy (set `trustProxy` behind one), and limiting
   * it would limit every user at once. Per-email limits apply either way.
   */
  async consumeIp(name: string, ip: string, rule: RateRule): Promise<void> {
    if (isLoopbackIp(ip)) return;
    await this.consume(`${name}:ip:${ip}`, rule);
  }
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackIp(ip: string): boolean {
  return /^(?:::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === '::1';
}

/** The limits of the auth routes; each documents its default. */
export interface AuthRateLimits {
  /** Login attempts per client IP (default 100 per 10 min: generous for offices behind one NAT). */
  loginPerIp: RateRule;
  /** Failed logins per email (default 5 per 15 min; a success clears them). */
  loginFailuresPerEmail: RateRule;
  /** Signups per client IP (default 20 per hour). */
  signupPerIp: RateRule;
  /** Signups per email (default 5 per hour). */
  signupPerEmail: RateRule;
  /** Verification resends per client IP (default 20 per hour). */
  resendPerIp: RateRule;
  /** Verification resends per email (default 5 per hour). */
  resendPerEmail: RateRule;
  /** Email changes (PUT /api/settings with a new email) per user (default 5 per hour). */
  emailChangePerUser: RateRule;
}

const MINUTE = 60_000;

/** The defaults of `AuthRateLimits`. */
export const DEFAULT_AUTH_RATE_LIMITS: Readonly<AuthRateLimits> = Object.freeze({
  loginPerIp: { limit: 100, windowMs: 10 * MINUTE },
  loginFailuresPerEmail: { limit: 5, windowMs: 15 * MINUTE },
  signupPerIp: { limit: 20, windowMs: 60 * MINUTE },
  signupPerEmail: { limit: 5, windowMs: 60 * MINUTE },
  resendPerIp: { limit: 20, windowMs: 60 * MINUTE },
  resendPerEmail: { limit: 5, windowMs: 60 * MINUTE },
  emailChangePerUser: { limit: 5, windowMs: 60 * MINUTE },
});
