/**
 * The month's forecast as the dashboard shows it, computed once below http: actuals of the month
 * before each account's forecast plus the forecast, its range only when every forecast used has
 * one, and null without a forecast for this month.
 */
import t from 'tap';
import { monthForecast, monthForecastUsd } from '../../src/insights/index.js';

const now = Date.parse('2026-03-10T12:00:00Z');
const days = (from: number, to: number, amountUsd: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ day: `2026-03-${String(from + i).padStart(2, '0')}`, service: 'EC2', amountUsd }));

t.test('actuals before the forecast plus the forecast, with the range', async (t) => {
  const forecast = { start: '2026-03-10', end: '2026-04-01', meanUsd: 220, lowerUsd: 200, upperUsd: 250 };
  const figure = monthForecast([{ dailyCosts: days(1, 10, 10), forecast }], now);
  t.same(figure, { meanUsd: 90 + 220, lowerUsd: 90 + 200, upperUsd: 90 + 250, remainingUsd: 220 }, 'the 10th is in the forecast, not counted twice');
  t.equal(monthForecastUsd([{ dailyCosts: days(1, 10, 10), forecast }], now), 310, 'the overview and the digest read the same mean');
});

t.test('two accounts: the range only when both forecasts have one', async (t) => {
  const withRange = { start: '2026-03-10', end: '2026-04-01', meanUsd: 100, lowerUsd: 90, upperUsd: 120 };
  const meanOnly = { start: '2026-03-11', end: '2026-04-01', meanUsd: 50 };
  const figure = monthForecast([{ dailyCosts: days(1, 9, 1), forecast: withRange }, { dailyCosts: days(1, 10, 2), forecast: meanOnly }], now);
  t.same(figure, { meanUsd: 9 + 100 + 20 + 50, remainingUsd: 150 });
});

t.test('no forecast for this month: null', async (t) => {
  t.equal(monthForecast([{ dailyCosts: days(1, 10, 10) }], now), null);
  t.equal(monthForecast([{ dailyCosts: [], forecast: { start: '2026-02-10', end: '2026-03-01', meanUsd: 5 } }], now), null, 'last month\'s forecast is not this month\'s');
});
