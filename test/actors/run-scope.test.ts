import { addAbortListener } from 'node:events';
import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import { RunScopes } from '../../src/actors/run-scope.js';
import { Scheduler } from '../../src/actors/clock.js';

const never = () => new Promise<never>(() => {});

t.test('the calls of every run share one timer; a call past its deadline is rejected at once, the others are not', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const scopes = new RunScopes(scheduler, 5_000);
  const run = scopes.open();
  const other = scopes.open();
  const seen: AbortSignal[] = [];
  const quick = await Promise.all([1, 2, 3].map((n) => run.run('cloudwatch', async (signal) => (seen.push(signal), n))));
  t.same(quick, [1, 2, 3]);
  t.ok(seen.every((s) => s === run.signal), 'calls get the run\'s signal');
  t.not(run.signal, other.signal, 'each run has its own signal');
  await clock.advance(1_000);
  const hung = run.run('guardduty', never).catch((error: unknown) => error);
  const otherHung = other.run('ce', never).catch((error: unknown) => error);
  t.equal(scheduler.pending, 1, 'one timer for every run');
  await clock.advance(4_000);
  const late = run.run('ce', never).catch((error: unknown) => error);
  t.equal(scheduler.pending, 1, 'still one timer');
  await clock.advance(1_000);
  t.match(await hung, { name: 'AwsCallError', awsCode: 'Timeout' }, 'the hung call fails at its own deadline');
  t.match(await otherHung, { awsCode: 'Timeout' }, 'so does the other run\'s, started at the same time');
  t.ok(run.expired);
  t.equal(scheduler.pending, 1, 're-armed for the next pending call');
  await clock.advance(3_999);
  let settled = false;
  void late.then(() => (settled = true));
  await clock.advance(0);
  t.notOk(settled, 'the next call keeps its own deadline, not the first one\'s');
  await clock.advance(1);
  t.match(await late, { awsCode: 'Timeout' });
  const signal = run.signal;
  run.close();
  t.ok(signal.aborted, 'a run with an expired call aborts its signal at its end (that request may still run)');
  t.equal(scheduler.pending, 0);
  t.equal(scopes.pooled, 0, 'and its scope is not reused');
});

t.test('the run\'s abort rejects every pending call at once', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const scopes = new RunScopes(scheduler, 5_000);
  const run = scopes.open();
  const a = run.run('cloudwatch', never).catch((error: unknown) => error);
  const b = run.run('cloudwatch', never).catch((error: unknown) => error);
  run.abort(new Error('stopping'));
  t.match(await a, /stopping/);
  t.match(await b, /stopping/);
  t.throws(() => run.run('cloudwatch', never), /stopping/, 'no call starts after the abort');
  run.close();
  run.close();
  t.equal(scopes.pooled, 0, 'an aborted scope is not reused');
  await clock.advance(5_000);
  t.equal(scheduler.pending, 0, 'no timer left');
});

t.test('a clean run\'s scope is reused, and deadlines of its earlier run do not reach the next', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const scopes = new RunScopes(scheduler, 5_000);
  let closed = 0;
  const owner = { runClosed: () => closed++ };
  const first = scopes.open(owner);
  await first.run('cloudwatch', async () => 1);
  first.close();
  first.close();
  t.equal(closed, 1, 'the owner hears of the close once');
  t.equal(scopes.pooled, 1, 'the clean scope is kept');
  const second = scopes.open(owner);
  t.equal(second, first, 'and handed to the next run');
  t.notOk(second.signal.aborted);
  t.equal(scopes.pooled, 0);

  // A call of the next run, started later, is not expired by the first run's deadline.
  await clock.advance(2_000);
  let settled = false;
  const hung = second.run('guardduty', never).catch((error: unknown) => ((settled = true), error));
  await clock.advance(3_000);
  t.notOk(settled, 'the first run\'s deadline (5 s after its call) passed without touching the second run');
  await clock.advance(2_000);
  t.match(await hung, { awsCode: 'Timeout' }, 'the second run\'s own deadline holds');
  second.close();
  t.equal(scopes.pooled, 0);
});

t.test('a scope is not reused while a call is pending or someone else still listens to its signal', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const scopes = new RunScopes(scheduler, 5_000);
  const leftBehind = scopes.open();
  const pending = leftBehind.run('cloudwatch', never).catch((error: unknown) => error);
  leftBehind.close();
  t.equal(scopes.pooled, 0, 'a call left pending keeps the scope');
  await clock.advance(5_000);
  t.match(await pending, { awsCode: 'Timeout' }, 'and its deadline still holds after the run closed');

  const listened = scopes.open();
  const listener = addAbortListener(listened.signal, () => {});
  listened.close();
  t.equal(scopes.pooled, 0, 'a listener left on the signal keeps it out of the pool');
  listener[Symbol.dispose]();
});

t.test('the ring holds about the calls in flight, not every call of the timeout', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const scopes = new RunScopes(scheduler, 30_000);
  for (let i = 0; i < 5_000; i++) {
    const run = scopes.open();
    await run.run('cloudwatch', async () => i);
    run.close();
    await clock.advance(1);
  }
  t.ok(scopes.queued <= 1, `settled calls leave the ring as new ones come (${scopes.queued} left)`);
  const held = scopes.open();
  const hung = held.run('ce', never).catch((error: unknown) => error);
  for (let i = 0; i < 3_000; i++) {
    const run = scopes.open();
    await run.run('cloudwatch', async () => i);
    run.close();
  }
  t.ok(scopes.queued > 1_000, 'a hung call at the head holds the ring (it grows past its first size)');
  await clock.advance(30_000);
  t.match(await hung, { awsCode: 'Timeout' });
  t.equal(scopes.queued, 0, 'the timer drains it');
  held.close();
});
