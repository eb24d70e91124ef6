/**
 * The registry's transitions replayed on another registry (registry-mirror.ts) give the same
 * answers; per-call transitions are folded before they cross.
 */
import t from 'tap';
import { HealthRegistry } from '../../src/actors/health-registry.js';
import { applyTransitions, RecordingRegistry } from '../../src/actors/registry-mirror.js';

t.test('a mirror fed the batches answers as the original', async (t) => {
  let now = 1_000_000;
  const clock = () => now;
  const original = new RecordingRegistry({ now: clock });
  const mirror = new HealthRegistry({ now: clock });
  const cross = () => applyTransitions(mirror, structuredClone(original.take()));

  original.tenantStarted('t1');
  original.tenantStarted('t2');
  const accounts = { a1: { state: 'ok' } } as unknown as Parameters<HealthRegistry['accountsChanged']>[1];
  original.accountsChanged('t1', accounts);
  (accounts as Record<string, unknown>)['a2'] = { state: 'ok' };
  original.collectorScheduled('t1', 'metrics', now + 1_000);
  original.collectorRunStarted('t1', 'metrics', now, now + 60_000);
  for (let i = 0; i < 5; i++) {
    original.awsCallMade('cloudwatch');
    original.breakerChanged('t1', 'cloudwatch', 'closed');
  }
  cross();
  now += 5_000;
  original.collectorRunEnded('t1', 'metrics', { startedAt: now - 5_000, endedAt: now, nextDueAt: now - 2_000, error: { kind: 'throttled', code: 'Throttling', message: 'slow down', at: now }, accountErrors: {} });
  original.breakerChanged('t1', 'cloudwatch', 'open');
  original.collectorSupervised('t2', 'cost', { kind: 'backoff', until: now + 30_000, attempt: 1 }, { kind: 'transient', code: 'InternalFailure', message: 'boom', at: now });
  original.tenantSupervised('t2', { kind: 'parked', until: now + 60_000 }, { kind: 'permission', code: 'AccessDenied', message: 'denied', at: now });
  original.reconciled(now, { tenants: 2 });
  original.tenantRemoved('t3');
  cross();

  t.same(mirror.list(), original.list(), 'tenants, collectors, accounts and breakers');
  t.same(mirror.summary(), original.summary(), 'summary');
  t.same(mirror.counters(), original.counters(), 'counters, AWS calls included');
  t.same(mirror.fleet(), original.fleet(), 'fleet');
  now += 120_000;
  t.same(mirror.lag(), original.lag(), 'lag, read later on the same clock');
  t.same(Object.keys(mirror.get('t1')!.accounts), ['a1'], 'accounts as they were at the transition, not as the caller changed them after');
  t.equal(mirror.get('t1')!.breakers.cloudwatch, 'open', 'the last breaker state');
});

t.test('per-call transitions are folded: one count per service, breaker states only when they change', async (t) => {
  const registry = new RecordingRegistry();
  registry.tenantStarted('t1');
  registry.take();
  for (let i = 0; i < 100; i++) {
    registry.awsCallMade('cloudwatch');
    registry.awsCallMade('guardduty');
    registry.breakerChanged('t1', 'cloudwatch', 'closed');
  }
  const batch = registry.take();
  t.same(batch, [['breakerChanged', ['t1', 'cloudwatch', 'closed']], ['awsCallMade', ['cloudwatch', 100]], ['awsCallMade', ['guardduty', 100]]], 'three entries for three hundred calls');
  t.same(registry.take(), [], 'a take empties the batch');
});

t.test('names that are not transitions are ignored', async (t) => {
  const mirror = new HealthRegistry();
  applyTransitions(mirror, [['tenantStarted', ['t1']], ['take' as never, []], ['constructor' as never, []]]);
  t.same(mirror.summary().tenants.running, 1);
});
