/** Money in the rules' sentences, written the way the dashboard and the emails write it. */

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `$3,270.54`, `$124.10` (fixed locale: the text is stored and compared, so it must be deterministic). */
export function usdText(amount: number): string {
  return Number.isFinite(amount) ? USD.format(amount) : '–';
}
