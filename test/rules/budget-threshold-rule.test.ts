import t from 'tap';
import { budgetThresholdKey, detectBudgetCrossings, lowerThresholdKeys } from '../../src/rules/budget-threshold-rule.js';
import { costs, NOW, repeat } from './fixtures/records.js';

// March 1-14 at $10 a day: $140 to date on the 15th (today has no row yet).
const march = costs('Amazon EC2', repeat(10, 14));
const forecast = (meanUsd: number) => ({ start: '2026-03-15', end: '2026-04-01', meanUsd });

t.test('the highest threshold crossed per budget and basis; forecast only with a forecast for the month', async (t) => {
  const crossings = detectBudgetCrossings({
    now: NOW,
    monthlyBudgetUsd: 1_000,
    accountBudgetsUsd: { a: 170, b: 280, c: 0 },
    accounts: [
      { accountId: 'a', dailyCosts: march, forecast: forecast(100) },
      { accountId: 'b', dailyCosts: march },
      { accountId: 'c', dailyCosts: march },
    ],
  });
  t.same(
    crossings.map((c) => [c.scope === 'tenant' ? 'all' : c.accountId, c.basis, c.threshold]),
    [
      // Tenant: $420 to date (42 %), forecast 420 + 100 = $520 (52 %).
      ['all', 'forecast', 50],
      // a: $140 of $170 = 82 % (80); forecast $240 = 141 % (100).
      ['a', 'actual', 80],
      ['a', 'forecast', 100],
      // b: $140 of $280 = exactly 50 %; no forecast, so no forecast basis. c: a 0 budget is none.
      ['b', 'actual', 50],
    ],
  );
  t.match(crossings[1], { month: '2026-03', budgetUsd: 170, actualToDateUsd: 140, projectedUsd: 240 });
});

t.test('no budget, no crossing; just below a threshold is not crossed', async (t) => {
  t.same(detectBudgetCrossings({ now: NOW, monthlyBudgetUsd: undefined, accounts: [{ accountId: 'a', dailyCosts: march }] }), []);
  t.same(detectBudgetCrossings({ now: NOW, monthlyBudgetUsd: undefined, accountBudgetsUsd: { a: 280.02 }, accounts: [{ accountId: 'a', dailyCosts: march }] }), []);
});

t.test('keys: budget, month, threshold and basis; a new month is a new key; lower thresholds listed', async (t) => {
  const c = { scope: 'account' as const, accountId: 'a', month: '2026-03', basis: 'forecast' as const, threshold: 100 as const, budgetUsd: 1, actualToDateUsd: 1, projectedUsd: 1 };
  t.equal(budgetThresholdKey(c), 'budget:a:2026-03:100:forecast');
  t.equal(budgetThresholdKey({ scope: 'tenant', month: '2026-03', basis: 'actual', threshold: 50 }), 'budget:all:2026-03:50:actual');
  t.not(budgetThresholdKey({ ...c, month: '2026-04' }), budgetThresholdKey(c));
  t.same(lowerThresholdKeys(c), ['budget:a:2026-03:50:forecast', 'budget:a:2026-03:80:forecast']);
});
