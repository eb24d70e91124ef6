/** Cost views: grouping, month over month (partial months not compared as whole), coverage, CSV. */
import t from 'tap';
import { costGroups, costsCsv, coverage, monthOverMonth, regionLabel } from '../src/lib/cost-views.js';

const rows: { day: string; service: string; amountUsd: number; accountId: string }[] = [];
for (let d = 1; d <= 30; d += 1) rows.push({ day: `2026-11-${String(d).padStart(2, '0')}`, service: 'EC2', amountUsd: 10, accountId: 'a1' });
for (let d = 1; d <= 2; d += 1) rows.push({ day: `2026-12-0${d}`, service: 'EC2', amountUsd: 15, accountId: 'a1' });
rows.push({ day: '2026-10-31', service: '=S3', amountUsd: 2, accountId: 'a2' });

t.test('groups by service or account, largest first', async (t) => {
  t.same(costGroups(rows, 'service', (id) => id).map((g) => [g.label, g.totalUsd]), [['EC2', 330], ['=S3', 2]]);
  t.same(costGroups(rows, 'account', (id) => `name-${id}`).map((g) => g.label), ['name-a1', 'name-a2']);
});

t.test('regions: codes as AWS writes them, the two keys without a region in words', async (t) => {
  t.equal(regionLabel('eu-west-1'), 'eu-west-1');
  t.equal(regionLabel('global'), 'Global (no region)');
  t.equal(regionLabel('unknown'), 'Unknown (collected before regions)');
  const byRegion = [
    { day: '2026-12-01', service: 'global', amountUsd: 1, accountId: 'a1' },
    { day: '2026-12-01', service: 'us-east-1', amountUsd: 5, accountId: 'a1' },
  ];
  t.same(costGroups(byRegion, 'region', (id) => id).map((g) => [g.key, g.label]), [['us-east-1', 'us-east-1'], ['global', 'Global (no region)']]);
});

t.test('month over month: a partial previous month is not compared; this month is compared to date', async (t) => {
  const months = monthOverMonth(rows, '2026-12-02');
  t.same(months.map((m) => m.month), ['2026-10', '2026-11', '2026-12']);
  t.equal(months[1]!.change, undefined, 'October has one day: no change claimed for November');
  t.equal(months[2]!.days, 2);
  t.equal(months[2]!.change, 30 / 20 - 1, 'December 1-2 against November 1-2');
  t.equal(months[1]!.complete, true);
  const gap = monthOverMonth(rows.filter((r) => r.day !== '2026-11-01'), '2026-12-02');
  t.equal(gap[2]!.change, undefined, 'November 1 missing: December to date is not compared');
});

t.test('coverage and CSV', async (t) => {
  t.same(coverage(rows), { first: '2026-10-31', last: '2026-12-02', days: 33 });
  t.equal(coverage([]), undefined);
  const csv = costsCsv(rows, new Map([['a1', { name: 'Prod', awsAccountId: '123456789012' }]])).split('\r\n');
  t.equal(csv[0], 'day,account,aws_account_id,service,amount_usd');
  t.equal(csv[1], "2026-10-31,a2,,'=S3,2", 'a formula-like name is defused');
  t.equal(csv[2], '2026-11-01,Prod,123456789012,EC2,10');
});

t.test('month history: whole months count as complete and are compared; CSV lists them by month', async (t) => {
  const monthly = [
    { month: '2026-09', service: 'EC2', amountUsd: 200, accountId: 'a1' },
    { month: '2026-10', service: 'EC2', amountUsd: 250, accountId: 'a1' },
  ];
  const months = monthOverMonth(rows.filter((r) => r.day >= '2026-11-01'), '2026-12-02', monthly);
  t.same(months.map((m) => [m.month, m.totalUsd, m.complete]), [['2026-09', 200, true], ['2026-10', 250, true], ['2026-11', 300, true], ['2026-12', 30, true]].map(([m, v, c]) => [m, v, m === '2026-12' ? false : c]));
  t.equal(months[1]!.change, 0.25, 'October against September');
  t.ok(Math.abs(months[2]!.change! - 0.2) < 1e-9, 'November against October');
  t.match(costsCsv([], new Map(), monthly), /2026-09,a1,,EC2,200/);
});
