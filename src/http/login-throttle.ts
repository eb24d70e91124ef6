/**
 * Login throttling that slows guessing without letting anyone lock a user out (OWASP
 * Authentication Cheat Sheet, "Login throttling" and "Slow down online guessing with device
 * cookies"):
 *
 * - per client IP: a plain limit on attempts (a guesser spraying many emails);
 * - per (IP, email): a limit on failures — the attacker's own IP is refused, nobody else's;
 * - per email, from every IP: a growing delay, not a lock. Past a few failures each further
 *   attempt must wait 1 s, 2 s, 4 s ... (capped) after the latest failure; the wait is short and
 *   the right password then succeeds;
 * - a browser that signed in to this email before (a trusted-device cookie) skips the per-email
 *   delay, with its own failure limit: a distributed attack cannot keep the user out of the
 *   browsers they already use.
 *
 * Loopback clients skip the per-IP rules (a local proxy without TRUST_PROXY would make every
 * user one IP); the per-email delay applies to them too.
 */
import { clientError } from './problem.js';
import { isLoopbackIp, type LoginThrottleRules, type RateLimiter } from './rate-limiter.js';

/** Who is trying: the client IP, the email, and the trusted-device id when the browser has one for this email. */
export interface LoginAttempt {
  ip: string;
  email: string;
  /** Hash of the trusted-device token (never the token). */
  device?: string | undefined;
}

/** The delay before the next attempt after `failures` failures (0 while under `freeFailures`). */
export function loginDelayMs(failures: number, rules: LoginThrottleRules): number {
  if (failures < rules.freeFailures) return 0;
  return Math.min(rules.maxDelayMs, rules.baseDelayMs * 2 ** Math.min(30, failures - rules.freeFailures));
}

const tooMany = (retryAfterMs: number) =>
  clientError(429, 'RATE_LIMITED', 'too many attempts; try again later', { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });

/** The throttle over a limiter (its store and clock). */
export class LoginThrottle {
  readonly #limiter: RateLimiter;
  readonly #rules: LoginThrottleRules;
  readonly #now: () => number;

  constructor(limiter: RateLimiter, rules: LoginThrottleRules, now: () => number) {
    this.#limiter = limiter;
    this.#rules = rules;
    this.#now = now;
  }

  #clientKey(attempt: LoginAttempt): string | undefined {
    if (attempt.device) return `login:device:${attempt.device}:${attempt.email}`;
    return isLoopbackIp(attempt.ip) ? undefined : `login:ip-email:${attempt.ip}:${attempt.email}`;
  }

  /** Throw 429 (with Retry-After) when this attempt must not be checked now. */
  async before(attempt: LoginAttempt): Promise<void> {
    await this.#limiter.consumeIp('login', attempt.ip, this.#rules.perIp);
    const client = this.#clientKey(attempt);
    if (client) await this.#limiter.check(client, this.#rules.failuresPerClient);
    if (attempt.device) return;
    const { hits, newest } = await this.#limiter.count(`login:email:${attempt.email}`, this.#rules.failureWindowMs);
    const delay = loginDelayMs(hits, this.#rules);
    if (delay > 0 && newest !== undefined) {
      const wait = newest + delay - this.#now();
      if (wait > 0) throw tooMany(wait);
    }
  }

  /** Count a failure; returns the email's failures in the window and whether its owner should be told now. */
  async failed(attempt: LoginAttempt): Promise<{ failures: number; notify: boolean }> {
    const client = this.#clientKey(attempt);
    if (client) await this.#limiter.hit(client, this.#rules.failuresPerClient);
    const emailKey = `login:email:${attempt.email}`;
    await this.#limiter.hit(emailKey, { limit: Number.MAX_SAFE_INTEGER, windowMs: this.#rules.failureWindowMs });
    const { hits } = await this.#limiter.count(emailKey, this.#rules.failureWindowMs);
    let notify = false;
    if (hits >= this.#rules.notifyAfter) {
      // At most one mail a day per address, however long an attack lasts.
      notify = await this.#limiter.consume(`login:notified:${attempt.email}`, { limit: 1, windowMs: 86_400_000 }).then(
        () => true,
        () => false,
      );
    }
    return { failures: hits, notify };
  }

  /** A success clears this client's failures and the email's delay. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    const client = this.#clientKey(attempt);
    if (client) await this.#limiter.reset(client);
    await this.#limiter.reset(`login:email:${attempt.email}`);
  }
}
