import t from 'tap';
import { createMemoryBillingLedger } from '../../src/aws/billing-ledger.js';
import { estimateFeeUsd } from '../../src/aws/aws-prices.js';

t.test('fees: $0.01 per Cost Explorer request, $0.01 per 1,000 GetMetricData metrics', async (t) => {
  t.equal(estimateFeeUsd({ costExplorerRequests: 1, getMetricDataMetrics: 0 }), 0.01);
  t.equal(estimateFeeUsd({ costExplorerRequests: 0, getMetricDataMetrics: 1000 }), 0.01);
  t.equal(estimateFeeUsd({ costExplorerRequests: 120, getMetricDataMetrics: 432_000 }), 5.52);
});

t.test('usage per tenant and month, with accounts and the estimated fee', async (t) => {
  const now = Date.UTC(2025, 2, 15);
  const ledger = createMemoryBillingLedger({ now: () => now });
  ledger.record('t1', 'a1', 'costExplorerRequests', 3, new Date(Date.UTC(2025, 2, 1)));
  ledger.record('t1', 'a2', 'costExplorerRequests', 1, new Date(Date.UTC(2025, 2, 2)));
  ledger.record('t1', 'a1', 'getMetricDataMetrics', 500, new Date(Date.UTC(2025, 2, 3)));
  ledger.record('t1', 'a1', 'getMetricDataMetrics', 1500, new Date(Date.UTC(2025, 1, 28))); // last month
  ledger.record('t2', 'b1', 'costExplorerRequests', 7, new Date(now));

  const march = ledger.usage('t1');
  t.equal(march.month, '2025-03');
  t.equal(march.costExplorerRequests, 4);
  t.equal(march.getMetricDataMetrics, 500);
  t.equal(march.estimatedFeeUsd, 0.045);
  t.same(march.accounts.a1, { costExplorerRequests: 3, getMetricDataMetrics: 500, estimatedFeeUsd: 0.035 });
  t.equal(ledger.usage('t1', '2025-02').getMetricDataMetrics, 1500);
  t.equal(ledger.usage('t2').costExplorerRequests, 7, 'tenants are separate');
  t.same(ledger.usage('nobody').estimatedFeeUsd, 0);
});

t.test('old months are pruned and a tenant can be forgotten', async (t) => {
  const ledger = createMemoryBillingLedger({ retainMonths: 2 });
  for (let m = 0; m < 5; m++) ledger.record('t1', 'a1', 'costExplorerRequests', 1, new Date(Date.UTC(2025, m, 10)));
  t.equal(ledger.usage('t1', '2025-01').costExplorerRequests, 0);
  t.equal(ledger.usage('t1', '2025-04').costExplorerRequests, 1);
  t.equal(ledger.usage('t1', '2025-05').costExplorerRequests, 1);
  ledger.forget('t1');
  t.equal(ledger.usage('t1', '2025-05').costExplorerRequests, 0);
});

t.test('non-positive units are ignored', async (t) => {
  const ledger = createMemoryBillingLedger();
  ledger.record('t1', 'a1', 'costExplorerRequests', 0, new Date());
  ledger.record('t1', 'a1', 'costExplorerRequests', Number.NaN, new Date());
  t.equal(ledger.usage('t1').costExplorerRequests, 0);
});
