/** Display formatting: money, times, durations. One locale for the whole page: the browser's. */

const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
const usdPrecise = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
const integer = new Intl.NumberFormat();
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const month = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** $1,234.56; amounts under a dollar keep up to four decimals ($0.0123). */
export function formatUsd(amount: number | null | undefined): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '—';
  return Math.abs(amount) < 1 && amount !== 0 ? usdPrecise.format(amount) : usd.format(amount);
}

export function formatInteger(value: number): string {
  return integer.format(value);
}

export function formatDateTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** "Mar 4" for a YYYY-MM-DD day (read as UTC, as Cost Explorer means it). */
export function formatDay(isoDay: string): string {
  const date = new Date(isoDay.length === 10 ? `${isoDay}T00:00:00Z` : isoDay);
  return Number.isNaN(date.getTime()) ? isoDay : day.format(date);
}

/** "December 2026" for a YYYY-MM month (a calendar month, as billing counts it: UTC). */
export function formatMonth(isoMonth: string): string {
  const date = new Date(`${isoMonth.slice(0, 7)}-01T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoMonth : month.format(date);
}

/** "5 minutes ago", "in 2 hours"; `now` is injectable for tests. */
export function formatRelative(iso: string | undefined, now: number = Date.now()): string {
  if (iso === undefined) return 'never';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return iso;
  const seconds = Math.round((at - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds <= 0 ? 'just now' : 'in a few seconds';
  if (abs < 45 * 60) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

/** YYYY-MM-DD of a Date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Capitalised label of a lower-case word ("critical" -> "Critical"). */
export function titleCase(word: string): string {
  return word.length === 0 ? word : word[0]!.toUpperCase() + word.slice(1);
}
