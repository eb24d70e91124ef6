/** The month history beyond the daily rows: each month's Cost Explorer total, never counted twice. */
import t from 'tap';
import { monthsBeyondDaily } from '../../src/insights/index.js';

const daily = [
  // August covered from the 4th only (the 90-day history), September whole.
  ...Array.from({ length: 28 }, (_, i) => ({ day: `2026-08-${String(i + 4).padStart(2, '0')}`, service: 'EC2', amountUsd: 1, accountId: 'a1' })),
  ...Array.from({ length: 30 }, (_, i) => ({ day: `2026-09-${String(i + 1).padStart(2, '0')}`, service: 'EC2', amountUsd: 1, accountId: 'a1' })),
];
const monthly = [
  { month: '2026-07', service: 'EC2', amountUsd: 31, accountId: 'a1' },
  { month: '2026-07', service: 'S3', amountUsd: 5, accountId: 'a1' },
  { month: '2026-08', service: 'EC2', amountUsd: 31, accountId: 'a1' },
  { month: '2026-09', service: 'EC2', amountUsd: 30.5, accountId: 'a1' },
  { month: '2025-10', service: 'EC2', amountUsd: 9, accountId: 'a1' },
];

t.test('months the daily rows do not cover add their remainder; covered and out-of-range months add nothing', async (t) => {
  const rows = monthsBeyondDaily(daily, monthly, { from: '2025-11-03', to: '2026-11-03' });
  t.same(rows, [
    { month: '2026-07', service: 'EC2', accountId: 'a1', amountUsd: 31 },
    { month: '2026-07', service: 'S3', accountId: 'a1', amountUsd: 5 },
    { month: '2026-08', service: 'EC2', accountId: 'a1', amountUsd: 3 },
  ]);
  const august = daily.filter((r) => r.day.startsWith('2026-08')).reduce((s, r) => s + r.amountUsd, 0) + rows.filter((r) => r.month === '2026-08').reduce((s, r) => s + r.amountUsd, 0);
  t.equal(august, 31, "August adds up to Cost Explorer's monthly total");
});
