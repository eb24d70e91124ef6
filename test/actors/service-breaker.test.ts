import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import { Scheduler } from '../../src/actors/clock.js';
import { ServiceBreaker } from '../../src/actors/service-breaker.js';

const options = { errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeoutMs: 60_000, rollingCountBuckets: 3, consecutiveFailures: 100 };

function setup() {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const epoch = { epoch: 0 };
  const states: string[] = [];
  const breaker = new ServiceBreaker(options, epoch, scheduler, (state) => states.push(state));
  const call = (verdict: 'success' | 'failure') => {
    if (!breaker.admit()) return false;
    breaker.record(verdict);
    return true;
  };
  return { clock, scheduler, epoch, states, breaker, call };
}

t.test('past the volume threshold, more than the error percentage in the window opens it', async (t) => {
  const { breaker, call, states } = setup();
  call('success');
  call('failure');
  call('failure');
  t.equal(breaker.state, 'closed', 'under the volume threshold');
  call('failure');
  t.equal(breaker.state, 'open', '3 of 4 failed');
  t.same(states, ['open']);
  t.notOk(call('success'), 'an open breaker rejects without calling');
});

t.test('failures that rotated out of the window no longer count', async (t) => {
  const { breaker, call, epoch } = setup();
  call('failure');
  call('failure');
  epoch.epoch += 3; // the whole window (3 buckets) rotated
  call('success');
  call('success');
  call('failure');
  call('failure');
  t.equal(breaker.state, 'closed', '2 of 4 in the window: not more than 50 %');
  epoch.epoch += 1;
  call('failure');
  t.equal(breaker.state, 'open', '3 of 5 once one more bucket starts');
});

t.test('half-open lets one trial call through; its success closes, its failure opens again', async (t) => {
  const { breaker, call, clock, states } = setup();
  for (let i = 0; i < 4; i++) call('failure');
  t.equal(breaker.state, 'open');
  await clock.advance(60_000);
  t.equal(breaker.state, 'halfOpen', 'after the reset timeout');
  t.ok(breaker.admit(), 'the trial call');
  t.notOk(breaker.admit(), 'no second call while the trial is out');
  breaker.record('failure');
  t.equal(breaker.state, 'open', 'the trial failed');
  await clock.advance(60_000);
  t.ok(call('success'));
  t.equal(breaker.state, 'closed', 'the trial succeeded');
  t.same(states, ['open', 'halfOpen', 'open', 'halfOpen', 'closed']);
});

t.test('shutdown cancels the reset timer', async (t) => {
  const { breaker, call, scheduler } = setup();
  for (let i = 0; i < 4; i++) call('failure');
  t.equal(scheduler.pending, 1);
  breaker.shutdown();
  t.equal(scheduler.pending, 0);
});
