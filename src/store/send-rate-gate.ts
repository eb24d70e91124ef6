/**
 * The SES account's send rate shared by every instance when REDIS_URL is set: before each send
 * an instance takes a slot from a counter in Redis (rate-limiter-flexible's RateLimiterRedis,
 * one atomic script per slot, windows of one second), so N instances together keep to the
 * account's maximum send rate instead of N times it. While Redis cannot answer, slots come from
 * an in-process limiter at the same rate (the library's insurance limiter): mail still goes out,
 * at most the rate per instance, rather than stopping.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** Where a send queue takes its slots (src/mail/send-queue.ts). */
export interface SendRateGate {
  /** Take one send slot: 0 when a send may start now, else how many ms to wait before asking again. */
  take(): Promise<number>;
}

export interface RedisSendRateGateOptions {
  /** A connected ioredis client (the store's rate-limit connection). */
  redis: Redis;
  /** Key prefix, e.g. `cloud-health:ses-rate` (tests use one per run). */
  prefix: string;
  /** The account's maximum send rate, emails per second (rounded down, at least 1). */
  ratePerSecond: number;
}

/** A gate over Redis shared by every instance that uses the same prefix. */
export function createRedisSendRateGate(options: RedisSendRateGateOptions): SendRateGate {
  const points = Math.max(1, Math.floor(options.ratePerSecond));
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: options.prefix,
    points,
    duration: 1,
    // A Redis outage must not stop mail: count in this process meanwhile.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: options.prefix, points, duration: 1 }),
    rejectIfRedisNotReady: true,
  });
  return {
    async take() {
      try {
        await limiter.consume('account', 1);
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
        // Neither store answered (not expected with the insurance limiter): wait one window.
        return 1_000;
      }
    },
  };
}
