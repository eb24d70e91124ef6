import t from 'tap';
import { ManualClock } from '../../src/actors/index.js';
import { Scheduler, systemClock } from '../../src/actors/clock.js';

t.test('timers fire in time order (then the order set), on one clock timer; cancelled ones never', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const fired: string[] = [];
  scheduler.after(300, () => fired.push('c'));
  scheduler.after(100, () => fired.push('a1'));
  const cancel = scheduler.after(200, () => fired.push('cancelled'));
  scheduler.after(100, () => fired.push('a2'));
  scheduler.after(250, () => fired.push('b'));
  t.equal(scheduler.pending, 5);
  t.equal(clock.pending, 1, 'one clock timer');
  cancel();
  cancel();
  t.equal(scheduler.pending, 4);
  await clock.advance(100);
  t.same(fired, ['a1', 'a2']);
  await clock.advance(200);
  t.same(fired, ['a1', 'a2', 'b', 'c']);
  t.equal(scheduler.pending, 0);
  t.equal(clock.pending, 0, 'nothing armed when nothing is pending');
});

t.test('a timer set for now from a callback fires on the next turn; close cancels everything', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const fired: string[] = [];
  scheduler.after(10, () => {
    fired.push('first');
    scheduler.after(0, () => fired.push('again'));
  });
  scheduler.after(10, () => fired.push('second'));
  await clock.advance(10);
  t.same(fired, ['first', 'second', 'again']);
  scheduler.after(5, () => fired.push('never'));
  scheduler.close();
  await clock.advance(10);
  t.equal(fired.length, 3);
  t.equal(clock.pending, 0);
  t.equal(scheduler.pending, 0);
  scheduler.after(1, () => fired.push('refused'));
  t.equal(scheduler.pending, 0, 'refused once closed');
});

t.test('many cancelled timers are compacted away; the live ones still fire in order', async (t) => {
  const clock = new ManualClock();
  const scheduler = new Scheduler(clock);
  const fired: number[] = [];
  const cancels = Array.from({ length: 5_000 }, (_, i) => scheduler.after(1_000 + i, () => fired.push(i)));
  for (let i = 0; i < 5_000; i++) if (i % 100 !== 0) cancels[i]!();
  t.equal(scheduler.pending, 50);
  await clock.advance(10_000);
  t.same(fired, Array.from({ length: 50 }, (_, i) => i * 100));
});

t.test('schedule calls a target with its argument, in time order with the callback timers; cancel and close stop it', async (t) => {
  const clock = new ManualClock(1_000);
  const scheduler = new Scheduler(clock);
  const fired: string[] = [];
  const target = { onTimer: (arg: number) => fired.push(`target ${arg}`) };
  scheduler.schedule(1_200, target, 2);
  scheduler.after(100, () => fired.push('callback'));
  const cancelled = scheduler.schedule(1_150, target, 99);
  scheduler.schedule(500, target, 0); // in the past: the clock's next turn
  t.equal(scheduler.pending, 4);
  scheduler.cancel(cancelled);
  scheduler.cancel(cancelled);
  scheduler.cancel(undefined);
  t.equal(scheduler.pending, 3, 'a cancel counts once');
  await clock.advance(0);
  t.same(fired, ['target 0']);
  await clock.advance(200);
  t.same(fired, ['target 0', 'callback', 'target 2']);
  const late = scheduler.schedule(2_000, target, 3);
  t.ok(late);
  scheduler.close();
  t.equal(scheduler.schedule(3_000, target, 4), undefined, 'refused once closed');
  await clock.advance(5_000);
  t.equal(fired.length, 3);
  t.equal(scheduler.pending, 0);
});

t.test('with slack, timers due within one slot fire together at its end: never early, at most the slack late', async (t) => {
  const clock = new ManualClock(1_000);
  const scheduler = new Scheduler(clock, { slackMs: 25 });
  const fired: Array<[string, number]> = [];
  const at = (name: string) => () => fired.push([name, clock.now()]);
  scheduler.at(1_003, at('a'));
  scheduler.at(1_024, at('b'));
  scheduler.at(1_025, at('c'));
  scheduler.at(1_026, at('d'));
  t.equal(clock.pending, 1, 'one clock timer');
  await clock.advance(24);
  t.same(fired, [], 'nothing fires before the slot ends');
  await clock.advance(1);
  t.same(fired, [['a', 1_025], ['b', 1_025], ['c', 1_025]], 'the slot 1000-1025 fires in one turn');
  await clock.advance(24);
  t.same(fired.length, 3);
  await clock.advance(1);
  t.same(fired.at(-1), ['d', 1_050], 'the next slot at its end');
  // An earlier timer in the armed slot does not re-arm; one in an earlier slot does.
  scheduler.at(1_090, at('e'));
  scheduler.at(1_080, at('f'));
  t.equal(clock.pending, 1);
  scheduler.at(1_060, at('g'));
  await clock.advance(25);
  t.same(fired.at(-1), ['g', 1_075]);
  await clock.advance(25);
  t.same(fired.slice(-2), [['f', 1_100], ['e', 1_100]], 'in time order within the slot');
  t.throws(() => new Scheduler(clock, { slackMs: -1 }), RangeError);
  t.throws(() => new Scheduler(clock, { slackMs: 2.5 }), RangeError);
});

t.test('with slack on the real clock, timers spread over a slot fire in one turn', async (t) => {
  const scheduler = new Scheduler(systemClock, { slackMs: 200 });
  const turns = new Set<number>();
  let turn = 0;
  const interval = setInterval(() => turn++, 1);
  const start = Date.now();
  const fired: number[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < 20; i++) {
      const due = start + 1 + i * 5; // spread over 100 ms
      scheduler.at(due, () => {
        t.ok(Date.now() >= due, 'never early');
        fired.push(i);
        turns.add(turn);
        if (fired.length === 20) resolve();
      });
    }
  });
  clearInterval(interval);
  scheduler.close();
  // One turn, two when the 100 ms straddle a slot boundary, three if the wall clock lagged the
  // timer by a millisecond there (the last ones re-armed); exact timers would take 20.
  t.ok(turns.size <= 3, `fired in ${turns.size} turn(s)`);
  t.same(fired, Array.from({ length: 20 }, (_, i) => i));
});
