import t from 'tap';
import { setMaxListeners } from 'node:events';
import { FairLimiter, type CallOutcome } from '../../src/actors/fair-limiter.js';
import { SharedAwsLimits, TenantAwsAccess } from '../../src/actors/aws-access.js';
import { Scheduler } from '../../src/actors/clock.js';
import { HealthRegistry } from '../../src/actors/health-registry.js';
import { ManualClock, settle } from '../../src/domain/manual-clock.js';
import { AwsCallError } from '../../src/domain/errors.js';

/** A signal many waiting calls listen on, its listener limit lifted as a run's is (collector-worker.ts). */
function runSignal(): AbortSignal {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return signal;
}

/** A call that ends when the test says so. */
function gate() {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}

const classify = (error: unknown): CallOutcome => (error instanceof AwsCallError && error.kind === 'transient' ? 'suspect' : 'neutral');

t.test('waiting calls are served round-robin per tenant: a busy tenant cannot push a newcomer back', async (t) => {
  const limiter = new FairLimiter({ capacity: 2, perTenantService: { cloudwatch: 4 } });
  const signal = runSignal();
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const call = (tenant: string, n: number) => {
    const id = `${tenant}${n}`;
    const g = gate();
    gates.set(id, g);
    return limiter.run(tenant, 'cloudwatch', signal, async () => {
      started.push(id);
      await g.done;
    }, classify);
  };
  const all = [];
  for (let i = 0; i < 6; i++) all.push(call('a', i));
  await settle(2);
  t.same(started, ['a0', 'a1'], 'alone, a tenant may use the whole cap');
  all.push(call('b', 0));
  gates.get('a0')!.open();
  await settle(2);
  t.same(started, ['a0', 'a1', 'b0'], 'the newcomer gets the freed slot, not the busy tenant\'s queued call');
  gates.get('a1')!.open();
  await settle(2);
  t.same(started.slice(3), ['a2'], 'then the busy tenant again');
  t.equal(limiter.inflight, 2);
  for (const g of gates.values()) g.open();
  for (let i = 0; i < 6; i++) {
    gates.get(`a${i}`)?.open();
    await settle(2);
    for (const g of gates.values()) g.open();
  }
  await Promise.all(all);
  t.equal(limiter.inflight, 0);
  t.equal(limiter.pending, 0);
});

t.test('suspect tenants share a bounded part of the cap; a success clears the mark', async (t) => {
  const limiter = new FairLimiter({ capacity: 8, perTenantService: { cloudwatch: 8 }, suspectShare: 0.25 });
  const signal = runSignal();
  // Mark two tenants suspect with a transient failure each.
  for (const tenant of ['s1', 's2']) {
    await t.rejects(limiter.run(tenant, 'cloudwatch', signal, async () => {
      throw new AwsCallError('transient', 'cloudwatch', 'InternalFailure', '5xx');
    }, classify));
    t.ok(limiter.isSuspect(tenant));
  }
  const hung = gate();
  let sickRunning = 0;
  let sickPeak = 0;
  const sick = Array.from({ length: 10 }, (_, i) =>
    limiter.run(i % 2 ? 's1' : 's2', 'cloudwatch', signal, async () => {
      sickRunning++;
      sickPeak = Math.max(sickPeak, sickRunning);
      await hung.done;
      sickRunning--;
    }, classify),
  );
  await settle(2);
  t.equal(sickPeak, 2, 'suspect tenants together hold at most 25% of 8 slots');
  let healthyDone = 0;
  await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.run(`h${i % 4}`, 'cloudwatch', signal, async () => void healthyDone++, classify)));
  t.equal(healthyDone, 20, 'healthy tenants run while the suspect ones hang');
  hung.open();
  await Promise.all(sick);
  t.notOk(limiter.isSuspect('s1'), 'a successful call clears the mark');
});

t.test('per-service share: hung calls of one service leave room for the others', async (t) => {
  const limiter = new FairLimiter({ capacity: 4, perTenantService: { cloudwatch: 4, guardduty: 4 } });
  const signal = runSignal();
  const hung = gate();
  const cw = Array.from({ length: 8 }, (_, i) => limiter.run(`t${i}`, 'cloudwatch', signal, () => hung.done, classify));
  await settle(2);
  t.equal(limiter.inflight, 4, 'alone, cloudwatch may fill the cap');
  // A deadline frees one slot (the call settles); guardduty now has demand: cloudwatch's share is 2.
  const first = gate();
  const gd = limiter.run('g', 'guardduty', signal, () => first.done, classify);
  hung.fail(new Error('deadline'));
  await Promise.allSettled(cw);
  first.open();
  await gd;
  t.pass('guardduty ran despite the cloudwatch backlog');
});

t.test('a waiting call whose run aborts leaves the queue', async (t) => {
  const limiter = new FairLimiter({ capacity: 1, perTenantService: { cloudwatch: 1 } });
  const hung = gate();
  const running = limiter.run('a', 'cloudwatch', new AbortController().signal, () => hung.done, classify);
  const abort = new AbortController();
  const waiting = limiter.run('b', 'cloudwatch', abort.signal, async () => 'never', classify);
  await settle(1);
  t.equal(limiter.pending, 1);
  abort.abort(new Error('run stopped'));
  await t.rejects(waiting, /run stopped/);
  t.equal(limiter.pending, 0);
  hung.open();
  await running;
});

t.test('a hung call that ignores its signal costs its deadline, then frees its slot', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const registry = new HealthRegistry({ now: () => clock.now() });
  const shared = new SharedAwsLimits(scheduler, { maxInflight: 1, breaker: { callTimeoutMs: 5_000 } });
  const access = new TenantAwsAccess('sick', shared, registry);
  const healthy = new TenantAwsAccess('fine', shared, registry);
  const signal = runSignal();
  const deaf = access.call('cloudwatch', signal, () => new Promise<never>(() => {})); // never settles, ignores abort
  const deafResult = deaf.catch((error: unknown) => error);
  let ok = false;
  const next = healthy.call('cloudwatch', signal, async () => {
    ok = true;
  });
  await settle(5);
  t.notOk(ok, 'the only slot is held by the hung call');
  await clock.advance(5_000);
  t.match(await deafResult, { name: 'AwsCallError', awsCode: 'Timeout' }, 'the hung call fails at its deadline');
  await next;
  t.ok(ok, 'and the healthy tenant gets the slot at once');
  t.ok(shared.fair.isSuspect('sick'), 'the timed-out tenant is suspect');
  access.shutdown();
  healthy.shutdown();
  shared.close();
  scheduler.close();
});

t.test('many lanes blocked on service shares are all served, each call once, within the shares', async (t) => {
  // A release wakes only as many blocked lanes as it frees slots: no lane may be stranded.
  const limiter = new FairLimiter({ capacity: 8, perTenantService: { cloudwatch: 2, guardduty: 2 }, suspectShare: 0.25 });
  const signal = runSignal();
  const inflight = new Map<string, number>();
  const peak = new Map<string, number>();
  let served = 0;
  const call = (tenant: string, service: string, spins: number) =>
    limiter.run(tenant, service, signal, async () => {
      inflight.set(service, (inflight.get(service) ?? 0) + 1);
      peak.set(service, Math.max(peak.get(service) ?? 0, inflight.get(service)!));
      await settle(spins);
      inflight.set(service, inflight.get(service)! - 1);
      served++;
    }, classify);
  const calls: Promise<void>[] = [];
  for (let i = 0; i < 600; i++) {
    calls.push(call(`t${i}`, 'cloudwatch', 1 + (i % 3)));
    calls.push(call(`t${i}`, 'guardduty', 1 + (i % 2)));
    if (i % 5 === 0) calls.push(call(`t${i}`, 'cloudwatch', 2));
  }
  await Promise.all(calls);
  t.equal(served, calls.length, 'every call ran once');
  t.ok((peak.get('cloudwatch') ?? 0) <= 8 && (peak.get('guardduty') ?? 0) <= 8, 'never above the cap');
  t.equal(limiter.inflight, 0);
  t.equal(limiter.pending, 0, 'nothing left waiting');
});
