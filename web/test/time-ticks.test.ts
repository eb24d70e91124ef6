/** Time-axis ticks: evenly spaced, on local clock boundaries, at most the asked number, dated. */
import t from 'tap';
import { tickLabel, timeTicks } from '../src/lib/time-ticks.js';

const HOUR = 3_600_000;

t.test('a day of data: ticks every few hours on the hour, evenly spaced', async (t) => {
  const min = Date.parse('2026-12-01T01:18:27Z');
  const max = min + 24 * HOUR;
  const { ticks, stepMs } = timeTicks(min, max, 6);
  t.ok(ticks.length >= 4 && ticks.length <= 6, `${ticks.length} ticks`);
  t.equal(stepMs, 6 * HOUR);
  for (const tick of ticks) t.equal(new Date(tick).getMinutes(), 0, 'on the hour');
  const gaps = ticks.slice(1).map((tick, i) => tick - ticks[i]!);
  t.ok(gaps.every((gap) => gap === 6 * HOUR), 'evenly spaced');
  t.ok(ticks.every((tick) => tick >= min && tick <= max), 'inside the window');
});

t.test('minutes for an hour, days for a month', async (t) => {
  const min = Date.parse('2026-12-01T10:13:00Z');
  const hour = timeTicks(min, min + HOUR, 6);
  t.equal(hour.stepMs, 10 * 60_000);
  t.ok(hour.ticks.every((tick) => new Date(tick).getMinutes() % 10 === 0));
  const month = timeTicks(min, min + 30 * 24 * HOUR, 6);
  t.equal(month.stepMs, 7 * 24 * HOUR);
  t.ok(month.ticks.every((tick) => new Date(tick).getHours() === 0 && new Date(tick).getMinutes() === 0), 'at local midnight');
});

t.test('labels carry the date on the first tick and when the day changes', async (t) => {
  const min = new Date(2026, 11, 1, 18, 0).getTime();
  const { ticks, stepMs } = timeTicks(min, min + 12 * HOUR, 6);
  const labels = ticks.map((tick, i) => tickLabel(tick, i, stepMs, ticks[i - 1]));
  t.match(labels[0]!, /Dec|12/, 'the first label is dated');
  const midnight = ticks.findIndex((tick) => new Date(tick).getHours() === 0);
  t.ok(midnight > 0);
  t.ok(labels[midnight]!.length > labels[1]!.length, 'the midnight label is dated too');
  t.equal(timeTicks(5, 5, 6).ticks.length, 0, 'an empty window has no ticks');
});
