/** Cost Explorer end to end: mapping, pages followed, every request billed and counted. */
import t from 'tap';
import { expectFailure } from './expect-failure.js';
import { live, startWorld } from './sim-world.js';

const ACCOUNT = '123456789012';
const DAY = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = Math.floor(Date.now() / DAY) * DAY;

t.test('daily cost by service over a year: pages followed, mapped, and each page billed and counted', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  // A month by service is one page (as on AWS); a year of daily groups is long enough to page.
  const range = { start: day(today - 365 * DAY), end: day(today + DAY) };
  const costs = await w.aws.costExplorer.getDailyCost(target, range, live());
  const pages = w.sim.calls({ account: ACCOUNT, operation: 'GetCostAndUsage' });
  t.ok(pages.length >= 2, `${pages.length} GetCostAndUsage pages`);
  const days = new Set(costs.map((c) => c.day));
  t.ok(days.size >= 364, `${days.size} days`);
  t.ok([...days].every((d) => d >= range.start && d < range.end), 'inside the range (end exclusive)');
  const services = new Set(costs.map((c) => c.service));
  t.ok(services.has('Amazon Elastic Compute Cloud - Compute'), [...services].slice(0, 5).join(', '));
  t.ok(costs.every((c) => Number.isFinite(c.amountUsd) && c.amountUsd >= 0));
  t.ok(costs.some((c) => c.amountUsd > 0));
  t.equal(new Set(costs.map((c) => `${c.day}|${c.service}|${c.region}`)).size, costs.length, 'no (day, service, region) twice across pages');
  t.ok(costs.every((c) => typeof c.region === 'string' && c.region !== ''), 'every row has its region');

  t.equal(w.sim.billable(ACCOUNT).costExplorerRequests, pages.length, 'AWS bills every page');
  t.equal(w.aws.ledger.usage(target.tenantId).costExplorerRequests, pages.length, 'and the ledger counted every page');
});

t.test('forecast, anomalies and rightsizing map to records; the ledger equals the simulator\'s bill', async (t) => {
  const w = await startWorld(t);
  const target = w.role(ACCOUNT);
  const monthEnd = Date.UTC(new Date(today).getUTCFullYear(), new Date(today).getUTCMonth() + 1, 1);
  const forecast = await w.aws.costExplorer.getForecast(target, { start: day(today), end: day(monthEnd) }, live());
  t.equal(forecast.start, day(today));
  t.ok(forecast.meanUsd > 0, `forecast ${forecast.meanUsd.toFixed(2)} USD`);
  if (forecast.lowerUsd !== undefined && forecast.upperUsd !== undefined) {
    t.ok(forecast.lowerUsd <= forecast.meanUsd && forecast.meanUsd <= forecast.upperUsd, 'lower <= mean <= upper');
  }

  const anomalies = await w.aws.costExplorer.getAnomalies(target, { start: day(today - 90 * DAY), end: day(today) }, live());
  t.ok(anomalies.every((a) => a.id && /^\d{4}-\d{2}-\d{2}$/.test(a.startDay) && Number.isFinite(a.impactUsd)));
  t.comment(`${anomalies.length} anomalies`);

  const rightsizing = await w.aws.costExplorer.getRightsizing(target, live());
  t.ok(rightsizing.length >= 1, `${rightsizing.length} rightsizing recommendations (the idle instance)`);
  t.ok(rightsizing.every((r) => /^i-/.test(r.resourceId) && (r.action === 'Modify' || r.action === 'Terminate') && r.monthlySavingUsd >= 0));
  t.ok(rightsizing.filter((r) => r.action === 'Modify').every((r) => r.targetType && r.currentType));

  const billed = w.sim.billable(ACCOUNT).costExplorerRequests;
  t.ok(billed >= 3);
  t.equal(w.aws.ledger.usage(target.tenantId).costExplorerRequests, billed, 'ledger == simulator billing');
  t.equal(w.aws.ledger.usage(target.tenantId).estimatedFeeUsd, billed * 0.01);
});

t.test('Cost Explorer throttling (LimitExceededException) is retried, then "throttled"; failed requests are not billed', async (t) => {
  const w = await startWorld(t, { faults: [{ account: ACCOUNT, service: 'ce', throttleRate: 1 }] });
  const target = w.role(ACCOUNT);
  await expectFailure(t, w.aws.costExplorer.getDailyCost(target, { start: day(today - 7 * DAY), end: day(today) }, live()), {
    kind: 'throttled',
    service: 'ce',
    awsCode: 'LimitExceededException',
  });
  t.equal(w.sim.calls({ account: ACCOUNT, service: 'ce' }).length, 3, 'three attempts');
  t.equal(w.sim.billable(ACCOUNT).costExplorerRequests, 0);
  t.equal(w.aws.ledger.usage(target.tenantId).costExplorerRequests, 0);
});

t.test('half the pages throttled once: the SDK retries them and the bill still matches', async (t) => {
  const w = await startWorld(t, { faults: [{ account: ACCOUNT, service: 'ce', throttleRate: 0.3 }] }, { maxAttempts: 8 });
  const target = w.role(ACCOUNT);
  await w.aws.costExplorer.getDailyCost(target, { start: day(today - 90 * DAY), end: day(today) }, live());
  t.ok(w.sim.calls({ account: ACCOUNT, service: 'ce' }).some((c) => c.errorCode), 'some attempts were throttled');
  t.equal(w.aws.ledger.usage(target.tenantId).costExplorerRequests, w.sim.billable(ACCOUNT).costExplorerRequests);
});

t.test('Cost Explorer is called in us-east-1 whatever the platform region', async (t) => {
  const w = await startWorld(t, {}, { region: 'eu-central-1' });
  await w.aws.costExplorer.getRightsizing(w.role(ACCOUNT), live());
  t.same(w.sim.calls({ account: ACCOUNT, service: 'ce' }).map((c) => c.region), ['us-east-1']);
});
