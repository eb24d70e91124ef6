import t from 'tap';
import { expectFailure } from './expect-failure.js';
import { AwsCallError } from '../../src/domain/errors.js';
import type { AccountTarget } from '../../src/domain/gateway.js';
import { silentLogger } from '../../src/log.js';
import { createCredentialCache, sessionName, type AssumeRoleRequest, type AwsCredentials } from '../../src/aws/credential-cache.js';

const HOUR = 3_600_000;

function roleTarget(id = 'acc-1', roleArn = 'arn:aws:iam::111111111111:role/monitor'): AccountTarget {
  return { id, tenantId: 'tenant-1', awsAccountId: '111111111111', credentials: { type: 'role', roleArn, externalId: 'ext-123' } };
}

/** A fake STS: counts calls, can be held open, can fail. */
function fakeSts(clock: { now: number }) {
  const calls: AssumeRoleRequest[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  let fail: Error | undefined;
  const assumeRole = async (request: AssumeRoleRequest): Promise<AwsCredentials> => {
    calls.push(request);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    if (fail) throw fail;
    return { accessKeyId: `ASIA${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(clock.now + HOUR) };
  };
  return {
    assumeRole,
    calls,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
    failWith: (error: Error | undefined) => (fail = error),
  };
}

t.test('a role session is assumed once, cached, and refreshed 5 minutes before it expires', async (t) => {
  const clock = { now: Date.UTC(2025, 0, 1) };
  const sts = fakeSts(clock);
  const cache = createCredentialCache({ assumeRole: sts.assumeRole, openSecret: () => 'x', logger: silentLogger(), now: () => clock.now });
  const target = roleTarget();

  const first = await cache.get(target);
  t.equal(sts.calls.length, 1);
  t.same(sts.calls[0], { roleArn: target.credentials.type === 'role' ? target.credentials.roleArn : '', externalId: 'ext-123', sessionName: 'cloud-health-tenant-1', durationSec: 3600 });
  clock.now += 54 * 60_000;
  t.equal(await cache.get(target), first, 'still cached 54 min in');
  t.equal(sts.calls.length, 1);
  clock.now += 2 * 60_000; // 56 min: inside the 5-minute margin
  const second = await cache.get(target);
  t.not(second, first, 'refreshed before expiry');
  t.equal(sts.calls.length, 2);
});

t.test('concurrent callers share one in-flight AssumeRole', async (t) => {
  const clock = { now: 0 };
  const sts = fakeSts(clock);
  const cache = createCredentialCache({ assumeRole: sts.assumeRole, openSecret: () => 'x', logger: silentLogger(), now: () => clock.now });
  sts.holdNext();
  const waiting = Array.from({ length: 20 }, () => cache.get(roleTarget()));
  await Promise.resolve();
  sts.release();
  const results = await Promise.all(waiting);
  t.equal(sts.calls.length, 1, 'one STS call for 20 callers');
  t.ok(results.every((c) => c === results[0]));
});

t.test('changed role or ExternalId takes effect at once', async (t) => {
  const clock = { now: 0 };
  const sts = fakeSts(clock);
  const cache = createCredentialCache({ assumeRole: sts.assumeRole, openSecret: () => 'x', logger: silentLogger(), now: () => clock.now });
  await cache.get(roleTarget('acc-1', 'arn:aws:iam::111111111111:role/a'));
  await cache.get(roleTarget('acc-1', 'arn:aws:iam::111111111111:role/b'));
  t.equal(sts.calls.length, 2);
  t.equal(sts.calls[1]?.roleArn, 'arn:aws:iam::111111111111:role/b');
});

t.test('invalidate drops only the session that failed', async (t) => {
  const clock = { now: 0 };
  const sts = fakeSts(clock);
  const cache = createCredentialCache({ assumeRole: sts.assumeRole, openSecret: () => 'x', logger: silentLogger(), now: () => clock.now });
  const target = roleTarget();
  const stale = await cache.get(target);
  cache.invalidate(target, stale);
  const fresh = await cache.get(target);
  t.equal(sts.calls.length, 2);
  cache.invalidate(target, stale); // a late caller that also saw the old session fail
  t.equal(await cache.get(target), fresh, 'the fresh session survives a late invalidate of the old one');
  t.equal(sts.calls.length, 2);
});

t.test('a failed refresh is not cached; a transient one falls back to a still-valid session', async (t) => {
  const clock = { now: 0 };
  const sts = fakeSts(clock);
  const cache = createCredentialCache({ assumeRole: sts.assumeRole, openSecret: () => 'x', logger: silentLogger(), now: () => clock.now });
  const target = roleTarget();
  const current = await cache.get(target);
  clock.now += 57 * 60_000; // in the refresh margin, 3 min of validity left
  sts.failWith(new AwsCallError('transient', 'sts', 'ServiceUnavailable', 'down'));
  t.equal(await cache.get(target), current, 'STS briefly down: keep using the session that still works');
  sts.failWith(new AwsCallError('identity', 'sts', 'AccessDenied', 'trust removed'));
  await expectFailure(t, cache.get(target), { kind: 'identity' }, 'a refused role is reported, not papered over');
  sts.failWith(undefined);
  t.not(await cache.get(target), current, 'the next call tries again');
});

t.test('the clock of STS does not matter: the session lasts its duration from our clock', async (t) => {
  const clock = { now: Date.UTC(2025, 0, 1) };
  const calls: number[] = [];
  const cache = createCredentialCache({
    // A server whose clock is a year behind: its Expiration is already past for us.
    assumeRole: async () => (calls.push(1), { accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.UTC(2024, 0, 1)) }),
    openSecret: () => 'x',
    logger: silentLogger(),
    now: () => clock.now,
  });
  await cache.get(roleTarget());
  await cache.get(roleTarget());
  t.equal(calls.length, 1, 'not re-assumed on every call');
});

t.test('static keys are opened through openSecret and never cached', async (t) => {
  const opened: string[] = [];
  const cache = createCredentialCache({
    assumeRole: async () => t.fail('no STS for keys') as never,
    openSecret: (sealed) => (opened.push(sealed.keyId), 'plain-secret'),
    logger: silentLogger(),
  });
  const target: AccountTarget = {
    id: 'acc-k',
    tenantId: 'tenant-1',
    awsAccountId: '222222222222',
    credentials: { type: 'keys', accessKeyId: 'AKIAEXAMPLE', secret: { keyId: 'k1', blob: 'sealed' } },
  };
  t.same(await cache.get(target), { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'plain-secret' });
  await cache.get(target);
  t.same(opened, ['k1', 'k1']);
  t.equal(cache.size, 0, 'nothing kept');
});

t.test('a secret that cannot be opened is "other", not the account\'s credentials, and is not leaked', async (t) => {
  const cache = createCredentialCache({
    assumeRole: async () => t.fail('no STS') as never,
    openSecret: () => {
      throw new Error('bad tag');
    },
    logger: silentLogger(),
  });
  const target: AccountTarget = {
    id: 'acc-k',
    tenantId: 'tenant-1',
    awsAccountId: '222222222222',
    credentials: { type: 'keys', accessKeyId: 'AKIAEXAMPLE', secret: { keyId: 'k1', blob: 'sealed' } },
  };
  await expectFailure(t, cache.get(target), { kind: 'other', awsCode: 'SecretUnavailable' });
});

t.test('the cache is bounded', async (t) => {
  const clock = { now: 0 };
  const sts = fakeSts(clock);
  const cache = createCredentialCache({ assumeRole: sts.assumeRole, openSecret: () => 'x', logger: silentLogger(), now: () => clock.now, maxEntries: 10 });
  for (let i = 0; i < 25; i++) await cache.get(roleTarget(`acc-${i}`));
  t.equal(cache.size, 10);
});

t.test('session names are valid RoleSessionNames', async (t) => {
  t.equal(sessionName('tenant/with spaces'), 'cloud-health-tenant-with-spaces');
  t.ok(sessionName('x'.repeat(200)).length <= 64);
});
