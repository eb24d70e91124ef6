/** The sliding-window limiter: windows slide, Retry-After is exact, the memory store stays bounded. */
import t from 'tap';
import { AppError } from '../../src/domain/errors.js';
import { createMemoryRateLimitStore, isLoopbackIp, RateLimiter } from '../../src/http/rate-limiter.js';

const rule = { limit: 3, windowMs: 10_000 };

t.test('allows `limit` hits per window, then 429 with the seconds until the oldest hit leaves it', async (t) => {
  let now = 1_000_000;
  const limiter = new RateLimiter(createMemoryRateLimitStore(), () => now);
  await limiter.consume('k', rule);
  now += 2_000;
  await limiter.consume('k', rule);
  await limiter.consume('k', rule);
  const error = await limiter.consume('k', rule).catch((e: unknown) => e);
  t.ok(error instanceof AppError);
  t.equal((error as AppError).status, 429);
  t.equal((error as AppError).code, 'RATE_LIMITED');
  t.same((error as unknown as { headers: Record<string, string> }).headers, { 'Retry-After': '8' });
  now += 8_001;
  await limiter.consume('k', rule);
  t.pass('the first hit slid out of the window');
  await t.rejects(limiter.consume('k', rule), 'but the next two still count');
  await limiter.reset('k');
  await limiter.consume('k', rule);
  await limiter.consume('other', rule);
});

t.test('check does not count; a refused consume does not count either', async (t) => {
  let now = 0;
  const limiter = new RateLimiter(createMemoryRateLimitStore(), () => now);
  for (let i = 0; i < 10; i += 1) await limiter.check('k', rule);
  for (let i = 0; i < 3; i += 1) await limiter.consume('k', rule);
  for (let i = 0; i < 5; i += 1) await t.rejects(limiter.consume('k', rule));
  now += 10_001;
  await limiter.consume('k', rule);
});

t.test('the memory store drops expired keys and caps live ones', async (t) => {
  const store = createMemoryRateLimitStore({ maxKeys: 100 });
  for (let i = 0; i < 1_000; i += 1) await store.add(`k${i}`, 1_000, i);
  const newest = await store.count('k999', 1_000, 1_000);
  t.equal(newest.hits, 1, 'the newest keys survive');
  const oldest = await store.count('k0', 1_000, 1_000);
  t.equal(oldest.hits, 0, 'the oldest were dropped');
});

t.test('loopback addresses', async (t) => {
  for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) t.ok(isLoopbackIp(ip), ip);
  for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '128.0.0.1', '']) t.notOk(isLoopbackIp(ip), ip);
});
