/**
 * Cost analysis in headless Chromium against the service in demo mode: 30/90/365-day views
 * whose label says the days the data covers, the server's month forecast, grouping by service or
 * account, month over month, and a CSV export of the view. Screenshots at 1280 and 390 px in test-artifacts/costs/.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { eventually, signedInTenant } from './fixtures/tenant-session.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'costs');

const executable = findChromium();
if (executable === undefined) {
  if (process.env['CLOUD_HEALTH_REQUIRE_BROWSER'] === '1') t.fail('Chromium is required (CLOUD_HEALTH_REQUIRE_BROWSER=1) but was not found');
  else t.plan(0, 'no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH): the browser test is skipped');
} else {
  t.setTimeout(600_000);
  await run(executable);
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await startService(t, {});
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const url = service.url;
  await signedInTenant(context, url, { email: `costs-${Date.now()}@example.com`, awsAccount: '369036903690', accountName: 'Ledger prod' });
  await eventually('cost data', async () => ((await (await context.request.get(`${url}/api/costs`)).json()) as { daily: unknown[] }).daily.length > 0, 120_000, 2_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await t.test('the 90- and 365-day views: the label says the days the data covers', async (t) => {
    await page.goto(`${url}/costs`);
    await page.getByTestId('cost-by-service').waitFor();
    for (const [key, days] of [['90', 90], ['365', 365]] as const) {
      const spanOf = (address: string) => {
        const q = new URL(address).searchParams;
        return Math.round((Date.parse(q.get('to') ?? '') - Date.parse(q.get('from') ?? '')) / 86_400_000);
      };
      const answered = page.waitForResponse((r) => r.url().includes('/api/costs?') && spanOf(r.url()) === days);
      await page.getByTestId('cost-range').selectOption(key);
      const body = (await (await answered).json()) as { from: string; to: string; daily: { day: string }[]; monthly: { month: string }[] };
      t.equal(Math.round((Date.parse(body.to) - Date.parse(body.from)) / 86_400_000), days, `${days} days asked for`);
      await page.getByTestId('updating').waitFor({ state: 'detached' });
      // Months before the daily history come from the 12-month history fetched once on connect.
      const first = [...body.monthly.map((r) => `${r.month}-01`), ...body.daily.map((r) => r.day)].sort()[0]!;
      const label = await page.getByTestId('cost-total-label').innerText();
      const expected = new Date(`${first}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
      t.match(label, new RegExp(`^Total ${expected} – `), `the label starts at the first day with data (${label})`);
      if (body.monthly.length === 0 && first > body.from) t.match(await page.getByTestId('cost-coverage').innerText(), new RegExp(`of the ${days} days asked for`), 'and says the history is shorter');
      if (days === 90) t.ok(new Set(body.daily.map((r) => r.day)).size >= 89, `the 90-day view is daily from the first day (${new Set(body.daily.map((r) => r.day)).size} days)`);
      if (days === 365) {
        const months = new Set(body.monthly.map((r) => r.month));
        t.ok(months.size >= 8, `the 365-day view has backfilled months (${[...months].join(', ')})`);
        await page.getByTestId('cost-history-note').waitFor();
        const rows = await page.getByTestId('cost-mom').locator('tbody tr').count();
        t.ok(rows >= 12, `month over month lists a year of months (${rows})`);
      }
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'costs-365-1280.png'), fullPage: true });
  });

  await t.test('the month forecast shown is the one the server computed', async (t) => {
    const answered = page.waitForResponse((r) => r.url().includes('/api/costs?'));
    await page.goto(`${url}/costs`);
    const body = (await (await answered).json()) as { monthForecast: { meanUsd: number; remainingUsd: number } | null };
    await page.getByTestId('cost-by-service').waitFor();
    const shown = await page.getByTestId('cost-forecast').innerText();
    if (body.monthForecast === null) {
      t.equal(shown, 'Not yet', 'no forecast for this month yet');
    } else {
      t.ok(Math.abs(Number(shown.replace(/[^0-9.-]/g, '')) - body.monthForecast.meanUsd) < 0.01, `${shown} is the server's ${body.monthForecast.meanUsd}`);
    }
  });

  await t.test('group by account; month over month; CSV of the view', async (t) => {
    await page.getByTestId('cost-group').selectOption('account');
    const rows = page.getByTestId('cost-group-row');
    await rows.first().waitFor();
    t.match(await rows.first().innerText(), /Ledger prod \(369036903690\)/, 'grouped by account, by name');
    if (await page.getByTestId('cost-mom').isVisible()) {
      t.ok((await page.getByTestId('cost-mom').locator('tbody tr').count()) >= 2, 'months listed');
    }
    const href = (await page.getByTestId('cost-csv').getAttribute('href')) ?? '';
    const csv = decodeURIComponent(href.replace(/^data:text\/csv;charset=utf-8,/, '')).trimEnd().split('\r\n');
    t.equal(csv[0], 'day,account,aws_account_id,service,amount_usd');
    t.ok(csv.length > 10, `rows exported (${csv.length - 1})`);
    t.match(csv[1]!, /^\d{4}-\d{2}(-\d{2})?,Ledger prod,369036903690,/, 'months of the history by month, days by day');
    await page.screenshot({ path: path.join(ARTIFACTS, 'costs-by-account-1280.png'), fullPage: true });
  });

  await t.test('at 390 px', async (t) => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
    const small = await phone.newPage();
    small.on('pageerror', (error) => pageErrors.push(error.message));
    await small.goto(`${url}/costs`);
    await small.getByTestId('cost-by-service').waitFor();
    await small.waitForTimeout(300);
    t.ok(Number(await small.evaluate('document.documentElement.scrollWidth')) <= 390, 'fits 390 px');
    await small.screenshot({ path: path.join(ARTIFACTS, 'costs-390.png'), fullPage: true });
    await phone.close();
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
}
