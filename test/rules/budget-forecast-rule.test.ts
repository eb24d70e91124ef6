import t from 'tap';
import { budgetForecastRule, projectMonthSpend, type BudgetInput } from '../../src/rules/budget-forecast-rule.js';
import { DEFAULT_THRESHOLDS } from '../../src/rules/rule-thresholds.js';
import type { CostForecast } from '../../src/domain/records.js';
import { costs, NOW, repeat } from './fixtures/records.js';

const T = DEFAULT_THRESHOLDS;

/** March 1-14 at $40/day ($560 actual), today partial at $7, and a forecast from today to month end. */
function input(forecastMean: number | undefined, budget: number | undefined = 1000): BudgetInput {
  const forecast: CostForecast | undefined =
    forecastMean === undefined ? undefined : { start: '2026-03-15', end: '2026-04-01', meanUsd: forecastMean };
  return {
    now: NOW,
    monthlyBudgetUsd: budget,
    accounts: [
      {
        accountId: 'acc-1',
        dailyCosts: [...costs('EC2', repeat(40, 14)), ...costs('EC2', [7], '2026-03-15'), ...costs('EC2', [999], '2026-02-28')],
        ...(forecast ? { forecast } : {}),
      },
    ],
  };
}

t.test('projection is actual before the forecast plus the forecast', async (t) => {
  t.match(projectMonthSpend(input(440)), {
    month: '2026-03',
    actualToDateUsd: 560,
    forecastUsd: 440,
    projectedUsd: 1000,
    accountsForecast: 1,
    accounts: 1,
  });
});

t.test('fires only strictly above the budget', async (t) => {
  t.same(budgetForecastRule(input(439.99), T), [], 'just below');
  t.same(budgetForecastRule(input(440), T), [], 'at the budget');
  const [above] = budgetForecastRule(input(440.01), T);
  t.ok(above, 'just above');
  t.equal(above?.rule, 'budget-forecast');
  t.equal(above?.accountId, undefined, 'tenant-wide');
  t.match(above?.evidence, { budgetUsd: 1000, projectedUsd: 1000.01, overrunUsd: 0.01 });
  t.equal(above?.priority, 'medium', 'any overrun is at least medium');
  t.equal(budgetForecastRule(input(1040), T)[0]?.priority, 'high', '$600 over');
});

t.test('off without a budget', async (t) => {
  t.same(budgetForecastRule({ ...input(5000), monthlyBudgetUsd: undefined }, T), []);
  t.same(budgetForecastRule(input(5000, 0), T), []);
});

t.test('without a usable forecast, actuals to date (today included) are a lower bound', async (t) => {
  t.equal(projectMonthSpend(input(undefined))?.projectedUsd, 567);
  t.equal(budgetForecastRule(input(undefined, 566), T).length, 1, 'already over on actuals alone');
  const nextMonth = input(10_000);
  nextMonth.accounts = [{ ...nextMonth.accounts[0]!, forecast: { start: '2026-04-01', end: '2026-05-01', meanUsd: 10_000 } }];
  t.equal(projectMonthSpend(nextMonth)?.projectedUsd, 567, "next month's forecast is ignored");
  t.equal(projectMonthSpend(nextMonth)?.accountsForecast, 0);
});

t.test('sums every account of the tenant', async (t) => {
  const two = input(440);
  two.accounts = [...two.accounts, { accountId: 'acc-2', dailyCosts: costs('S3', [1]) }];
  t.equal(projectMonthSpend(two)?.projectedUsd, 1001);
  t.equal(budgetForecastRule(two, T).length, 1);
});

t.test('one id per month', async (t) => {
  const march = budgetForecastRule(input(900), T)[0]?.id;
  t.equal(budgetForecastRule({ ...input(800), now: new Date('2026-03-20T00:00:00Z') }, T)[0]?.id, march);
  const april = budgetForecastRule({ ...input(undefined, 1), now: new Date('2026-04-02T00:00:00Z') }, T);
  t.same(april, [], 'no April costs');
  const aprilInput = input(undefined, 1);
  aprilInput.now = new Date('2026-04-02T00:00:00Z');
  aprilInput.accounts = [{ accountId: 'acc-1', dailyCosts: costs('EC2', [5], '2026-04-01') }];
  t.not(budgetForecastRule(aprilInput, T)[0]?.id, march);
});
