/**
 * Issue 16 in headless Chromium against the service in demo mode: an admin sets an account's
 * monthly budget in Settings, the cost page shows that account's budget bar with its spend to date
 * and forecast, and the cost table groups by region (Cost Explorer's REGION, asked for with the
 * service in the same requests). Screenshots in test-artifacts/costs/.
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

interface Costs {
  regions: { region: string; amountUsd: number }[];
  budgets: { accountId: string | null; budgetUsd: number; actualToDateUsd: number }[];
  monthToDateUsd: number;
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await startService(t, {});
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC' });
  const url = service.url;
  const { accountId } = await signedInTenant(context, url, { email: `budgets-${Date.now()}@example.com`, awsAccount: '471047104710', accountName: 'Budget prod' });
  const costs = async () => (await (await context.request.get(`${url}/api/costs`)).json()) as Costs;
  await eventually('cost data by region', async () => (await costs()).regions.length > 0, 120_000, 2_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await t.test('an admin sets the account budget in Settings; the cost page shows its bar', async (t) => {
    await page.goto(`${url}/settings`);
    const form = page.getByTestId('account-budget-form');
    await form.first().waitFor();
    await form.getByTestId('account-budget').fill('1234.5');
    await form.getByTestId('save-account-budget').click();
    await page.getByTestId('account-budget-saved').waitFor();
    const body = await costs();
    t.match(body.budgets, [{ accountId, budgetUsd: 1234.5 }], 'the budget in /api/costs');

    await page.goto(`${url}/costs`);
    const row = page.locator(`[data-testid="budget-row"][data-account="${accountId}"]`);
    await row.waitFor();
    const text = await row.innerText();
    t.match(text, /Budget prod \(471047104710\)/, 'named by account');
    t.match(text, /of \$1,234\.50/, 'against its budget');
    const shown = body.budgets.find((b) => b.accountId === accountId)!;
    const width = await row.getByTestId('budget-bar').evaluate((el) => parseFloat((el as HTMLElement).style.width));
    t.ok(Math.abs(width - Math.min(100, (shown.actualToDateUsd / 1234.5) * 100)) < 0.01, `the bar is the share spent (${width.toFixed(2)} %)`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'costs-budgets-1280.png'), fullPage: true });
  });

  await t.test('group by region', async (t) => {
    await page.getByTestId('cost-by-service').waitFor();
    await page.getByTestId('cost-group').selectOption('region');
    const rows = page.getByTestId('cost-group-row');
    await page.locator('thead th', { hasText: 'Region' }).first().waitFor();
    const labels = (await rows.locator('th').allInnerTexts()).map((s) => s.trim());
    const expected = [...new Set((await costs()).regions.map((r) => r.region))].sort();
    t.same([...labels].sort(), expected, `one row per region Cost Explorer reported (${labels.join(', ')})`);
    t.ok(labels.length >= 2 && labels.includes('us-east-1'), 'several regions, us-east-1 among them');
    await page.screenshot({ path: path.join(ARTIFACTS, 'costs-by-region-1280.png'), fullPage: true });
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
}
