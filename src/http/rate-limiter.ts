/**
 * Sliding-window rate limiting (a log of hit times per key). The store behind it
 * (src/store/rate-limit-store.ts) lives in memory for one instance, in Redis when several share
 * their counts.
 */
import { createMemoryRateLimitStore, type RateLimitStore, type WindowCount } from '../store/index.js';
import { clientError } from './problem.js';

export { createMemoryRateLimitStore, type RateLimitStore, type WindowCount };

/** At most `limit` hits per `windowMs`. */
export interface RateRule {
  limit: number;
  windowMs: number;
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

  /** Hits of `key` in the window ending now (for rules that are not a plain limit). */
  async count(key: string, windowMs: number): Promise<WindowCount> {
    return this.#store.count(key, windowMs, this.#now());
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

const MINUTE = 60_000;

/** The rules; each documents its default (DEFAULT_LOGIN_THROTTLE). */
export interface LoginThrottleRules {
  /** Attempts per client IP (default 100 per 10 min: generous for offices behind one NAT). */
  perIp: RateRule;
  /** Failures per (client IP, email) or per (trusted device, email) (default 10 per 15 min). */
  failuresPerClient: RateRule;
  /** Failures of an email, from anywhere, before the delay starts (default 5). */
  freeFailures: number;
  /** Window in which an email's failures are counted (default 15 min). */
  failureWindowMs: number;
  /** First delay after `freeFailures` (default 1 s), doubling per further failure. */
  baseDelayMs: number;
  /** Longest delay (default 60 s). */
  maxDelayMs: number;
  /** Failures of an email in the window after which its owner is mailed, once a day (default 10). */
  notifyAfter: number;
}

/** The defaults of `LoginThrottleRules`. */
export const DEFAULT_LOGIN_THROTTLE: Readonly<LoginThrottleRules> = Object.freeze({
  perIp: { limit: 100, windowMs: 10 * MINUTE },
  failuresPerClient: { limit: 10, windowMs: 15 * MINUTE },
  freeFailures: 5,
  failureWindowMs: 15 * MINUTE,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  notifyAfter: 10,
});

/** The limits of the auth routes; each documents its default. */
export interface AuthRateLimits {
  /** Login throttling (login-throttle.ts documents each rule and its default). */
  login: LoginThrottleRules;
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
  /** Password reset requests per client IP (default 20 per hour). */
  resetPerIp: RateRule;
  /** Password reset requests per email (default 3 per hour). */
  resetPerEmail: RateRule;
  /** Password change attempts per user (default 10 per hour: the current password is guessable otherwise). */
  passwordChangePerUser: RateRule;
}

/** The defaults of `AuthRateLimits`. */
export const DEFAULT_AUTH_RATE_LIMITS: Readonly<AuthRateLimits> = Object.freeze({
  login: DEFAULT_LOGIN_THROTTLE,
  signupPerIp: { limit: 20, windowMs: 60 * MINUTE },
  signupPerEmail: { limit: 5, windowMs: 60 * MINUTE },
  resendPerIp: { limit: 20, windowMs: 60 * MINUTE },
  resendPerEmail: { limit: 5, windowMs: 60 * MINUTE },
  emailChangePerUser: { limit: 5, windowMs: 60 * MINUTE },
  resetPerIp: { limit: 20, windowMs: 60 * MINUTE },
  resetPerEmail: { limit: 3, windowMs: 60 * MINUTE },
  passwordChangePerUser: { limit: 10, windowMs: 60 * MINUTE },
});

/** Overrides of the limits (AppDeps.rateLimits): any rule, and any part of the login throttle. */
export type AuthRateLimitOverrides = Partial<Omit<AuthRateLimits, 'login'>> & { login?: Partial<LoginThrottleRules> };
