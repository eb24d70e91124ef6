/**
 * Evenly spaced, dated time-axis ticks in the viewer's own time zone: steps of whole minutes,
 * hours or days, aligned to local clock boundaries (…, 12:00, 18:00, 00:00), so a chart never
 * shows "01:18 AM … 01:18 AM, 10:13 AM". Stepping is done on the local calendar, so a daylight
 * saving change keeps the ticks on the hour.
 */

type Unit = 'minute' | 'hour' | 'day';
const STEPS: { unit: Unit; n: number; ms: number }[] = [
  ...[1, 5, 10, 15, 30].map((n) => ({ unit: 'minute' as const, n, ms: n * 60_000 })),
  ...[1, 2, 3, 6, 12].map((n) => ({ unit: 'hour' as const, n, ms: n * 3_600_000 })),
  ...[1, 2, 7].map((n) => ({ unit: 'day' as const, n, ms: n * 86_400_000 })),
];

/** The ticks (epoch ms) between min and max, at most `maxTicks` of them, and their step. */
export function timeTicks(min: number, max: number, maxTicks: number): { ticks: number[]; stepMs: number } {
  if (!(max > min) || maxTicks < 1) return { ticks: [], stepMs: 0 };
  const step = STEPS.find((s) => (max - min) / s.ms <= maxTicks) ?? STEPS.at(-1)!;
  const d = new Date(min);
  d.setSeconds(0, 0);
  if (step.unit === 'minute') d.setMinutes(Math.ceil(d.getMinutes() / step.n) * step.n);
  else if (step.unit === 'hour') {
    if (d.getMinutes() > 0) d.setHours(d.getHours() + 1, 0);
    d.setHours(Math.ceil(d.getHours() / step.n) * step.n);
  } else {
    if (d.getHours() > 0 || d.getMinutes() > 0) d.setDate(d.getDate() + 1);
    d.setHours(0, 0);
  }
  const ticks: number[] = [];
  for (let guard = 0; d.getTime() <= max && guard < 1000; guard += 1) {
    if (d.getTime() >= min) ticks.push(d.getTime());
    if (step.unit === 'minute') d.setMinutes(d.getMinutes() + step.n);
    else if (step.unit === 'hour') d.setHours(d.getHours() + step.n);
    else d.setDate(d.getDate() + step.n);
  }
  return { ticks, stepMs: step.ms };
}

const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const timeLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The label of one tick: the date for day steps; the time otherwise, with the date on the first
 * tick and at each midnight, so every label can be placed on a calendar.
 */
export function tickLabel(value: number, index: number, stepMs: number, previous?: number): string {
  const at = new Date(value);
  if (stepMs >= 86_400_000) return dayLabel.format(at);
  const newDay = index === 0 || previous === undefined || new Date(previous).toDateString() !== at.toDateString();
  return newDay ? `${dayLabel.format(at)} ${timeLabel.format(at)}` : timeLabel.format(at);
}

/** The viewer's time zone name, for the axis title ("Europe/Berlin"). */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'local time';
}
