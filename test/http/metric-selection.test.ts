/**
 * Metric selection through the API, with discovery and browsing through the real SDK against the
 * simulator: fees shown per service and metric, a preview that saves nothing, a saved selection
 * with a custom metric picked from the browser, and bad input as 4xx problems.
 */
import t from 'tap';
import { signIn, startWorld, type World } from './fixtures/harness.js';

const ROLE = 'arn:aws:iam::123456789012:role/CloudHealthMonitor';
/** $0.01 per 1,000 metrics x 2,880 polls a month at the 15-minute default. */
// The headline metric of a resource (EC2 CPUUtilization) every 15 min; the others, custom ones included, hourly.
const PER_METRIC = 0.0288;
const PER_OTHER_METRIC = 0.0072;

async function connected(w: World, email: string) {
  const user = await signIn(w, email);
  const account = await w.request('POST', '/api/accounts', { cookie: user.cookie, body: { name: 'Prod', roleArn: ROLE, regions: ['us-east-1'] } });
  if (account.status !== 201) throw new Error(account.text);
  return { user, accountId: account.json.id as string };
}

t.test('the selection lists every catalog service found, priced; switching off lowers the fee; a custom metric adds one', async (t) => {
  const w = await startWorld(t);
  const { user, accountId } = await connected(w, 'sel@example.com');
  const path = `/api/accounts/${accountId}/metric-selection`;
  const first = await w.request('GET', path, { cookie: user.cookie });
  t.equal(first.status, 200, first.text);
  const view = first.json;
  t.equal(view.services.length, 18, 'every catalog service is listed');
  t.equal(view.intervalMs, 15 * 60_000);
  const ec2 = view.services.find((s: { id: string }) => s.id === 'ec2');
  t.ok(ec2.resources >= 3 && ec2.enabled, `${ec2.resources} instances`);
  const cpu = ec2.metrics.find((m: { metricName: string }) => m.metricName === 'CPUUtilization');
  t.equal(cpu.monthlyFeeUsd, Math.round(cpu.series * PER_METRIC * 10_000) / 10_000, 'each headline series costs $0.0288 a month');
  const s3 = view.services.find((s: { id: string }) => s.id === 's3');
  const size = s3.metrics.find((m: { metricName: string }) => m.metricName === 'BucketSizeBytes');
  t.equal(size.monthlyFeeUsd, Math.round(size.series * 120 * 0.00001 * 10_000) / 10_000, 'daily S3 metrics: 4 polls a day');
  t.equal(view.monthlyFeeUsd, view.fullCatalogFeeUsd, 'all on by default');
  t.ok(view.services.every((s: { resources: number }) => s.resources > 0), 'the simulated account has resources of every service');

  // Preview: EC2 off and one custom metric picked from the browser; nothing saved.
  const browser = await w.request('GET', `/api/accounts/${accountId}/metric-browser?region=us-east-1&namespace=Custom%2FShop`, { cookie: user.cookie });
  t.equal(browser.status, 200, browser.text);
  t.ok(browser.json.metrics.length >= 4, 'the application metrics ListMetrics shows');
  t.equal(browser.json.monthlyFeeUsdPerMetric, PER_OTHER_METRIC, 'a custom metric is fetched hourly');
  const picked = browser.json.metrics.find((m: { metricName: string }) => m.metricName === 'OrdersPlaced');
  const selection = { disabledServices: ['ec2'], custom: [{ region: 'us-east-1', ...picked, stat: 'Sum' }] };
  const preview = await w.request('POST', `${path}/preview`, { cookie: user.cookie, body: selection });
  t.equal(preview.status, 200, preview.text);
  t.equal(preview.json.monthlyFeeUsd, Math.round((view.monthlyFeeUsd - ec2.monthlyFeeUsd + PER_OTHER_METRIC) * 10_000) / 10_000, 'the fee without EC2, plus one custom metric');
  t.same((await w.request('GET', path, { cookie: user.cookie })).json.selection, { disabledServices: [], disabledMetrics: [], custom: [] }, 'a preview saves nothing');

  const saved = await w.request('PUT', path, { cookie: user.cookie, body: selection });
  t.equal(saved.status, 200, saved.text);
  t.equal(saved.json.monthlyFeeUsd, preview.json.monthlyFeeUsd);
  t.ok(w.changed.includes(user.tenantId), 'the runtime is told');
  const stored = (await w.store.tenants.get(user.tenantId))?.accounts[0]?.metrics;
  t.same(stored?.disabledServices, ['ec2']);
  t.equal(stored?.custom?.[0]?.metricName, 'OrdersPlaced');
  t.same((await w.request('GET', path, { cookie: user.cookie })).json.selection.custom[0].metricName, 'OrdersPlaced');
});

t.test('bad input is a 4xx problem with a stable code; another tenant\'s account is unknown', async (t) => {
  const w = await startWorld(t);
  const { user, accountId } = await connected(w, 'bad@example.com');
  const other = await signIn(w, 'other@example.com', 'Other');
  const path = `/api/accounts/${accountId}/metric-selection`;
  const badStat = await w.request('PUT', path, { cookie: user.cookie, body: { custom: [{ region: 'us-east-1', namespace: 'App', metricName: 'X', dimensions: [], stat: 'Median' }] } });
  t.equal(badStat.status, 400);
  t.equal(badStat.json.code, 'VALIDATION_FAILED');
  const badRegion = await w.request('PUT', path, { cookie: user.cookie, body: { custom: [{ region: 'eu-west-3', namespace: 'App', metricName: 'X', dimensions: [], stat: 'Sum' }] } });
  t.equal(badRegion.status, 400);
  t.equal(badRegion.json.code, 'REGION_NOT_MONITORED');
  const browse = await w.request('GET', `/api/accounts/${accountId}/metric-browser?region=ap-south-1`, { cookie: user.cookie });
  t.equal(browse.json.code, 'REGION_NOT_MONITORED');
  const theirs = await w.request('GET', path, { cookie: other.cookie });
  t.equal(theirs.status, 404);
  t.equal(theirs.json.code, 'NOT_FOUND');
  t.equal((await w.request('GET', path)).status, 401);
  t.match(badStat.headers.get('content-type'), /application\/problem\+json/);
});
