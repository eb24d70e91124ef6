import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import { CallDeadlines } from '../../src/actors/call-deadlines.js';
import { Scheduler } from '../../src/actors/clock.js';

const never = () => new Promise<never>(() => {});

t.test('a run\'s calls share one timer; a call past its deadline is rejected at once, the others are not', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const run = new AbortController();
  const deadlines = new CallDeadlines(scheduler, 5_000, run.signal);
  const seen: AbortSignal[] = [];
  const quick = await Promise.all([1, 2, 3].map((n) => deadlines.run('cloudwatch', async (signal) => (seen.push(signal), n))));
  t.same(quick, [1, 2, 3]);
  t.ok(seen.every((s) => s === run.signal), 'calls get the run\'s signal');
  await clock.advance(1_000);
  const hung = deadlines.run('guardduty', never).catch((error: unknown) => error);
  t.equal(scheduler.pending, 1, 'one timer for the run');
  await clock.advance(4_000);
  const late = deadlines.run('ce', never).catch((error: unknown) => error);
  t.equal(scheduler.pending, 1, 'still one timer');
  await clock.advance(1_000);
  t.match(await hung, { name: 'AwsCallError', awsCode: 'Timeout' }, 'the hung call fails at its own deadline');
  t.ok(deadlines.expired);
  t.equal(scheduler.pending, 1, 're-armed for the next pending call');
  await clock.advance(3_999);
  let settled = false;
  void late.then(() => (settled = true));
  await clock.advance(0);
  t.notOk(settled, 'the next call keeps its own deadline, not the first one\'s');
  await clock.advance(1);
  t.match(await late, { awsCode: 'Timeout' });
  deadlines.close();
  t.equal(scheduler.pending, 0);
});

t.test('the run\'s abort rejects every pending call at once; close releases the timer', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const run = new AbortController();
  const deadlines = new CallDeadlines(scheduler, 5_000, run.signal);
  const a = deadlines.run('cloudwatch', never).catch((error: unknown) => error);
  const b = deadlines.run('cloudwatch', never).catch((error: unknown) => error);
  run.abort(new Error('stopping'));
  t.match(await a, /stopping/);
  t.match(await b, /stopping/);
  t.equal(scheduler.pending, 0, 'no timer left');
  t.throws(() => deadlines.run('cloudwatch', never), /stopping/, 'no call starts after the abort');
  deadlines.close();
  deadlines.close();
});
