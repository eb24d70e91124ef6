/**
 * UTC calendar-day helpers. Days are `YYYY-MM-DD` strings, the form Cost Explorer and the
 * store use; comparing two of them as strings orders them in time.
 */

const DAY_MS = 86_400_000;

/** The UTC day `date` falls on, as `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The UTC day of an ISO-8601 timestamp, or undefined when it does not parse. */
export function utcDayOf(timestamp: string): string | undefined {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : utcDay(new Date(ms));
}

/** `day` shifted by `n` days (negative goes back). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** The `YYYY-MM` month a day belongs to. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The first day of the month after `day`'s month. */
export function firstDayOfNextMonth(day: string): string {
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return utcDay(new Date(Date.UTC(year, month, 1)));
}

/**
 * The `count` whole days that end just before `endDay` (exclusive), oldest first. Rules judge
 * whole days so that a partial "today" never skews an average.
 */
export function daysBefore(endDay: string, count: number): string[] {
  const days: string[] = [];
  for (let i = count; i >= 1; i -= 1) days.push(addDays(endDay, -i));
  return days;
}
