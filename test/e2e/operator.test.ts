/**
 * The operator view in headless Chromium (demo mode on loopback: no token needed): tenants and
 * accounts by name, search, sort, a tenant's detail, and a restart that asks first. Screenshots
 * at 1280 and 390 px in test-artifacts/operator/.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { eventually, signedInTenant } from './fixtures/tenant-session.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'operator');

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
  const service = await startService(t, { METRICS_INTERVAL: '20s' });
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const url = service.url;
  await signedInTenant(context, url, { email: `ops-${Date.now()}@example.com`, awsAccount: '135791357913', accountName: 'Telescope prod' });
  const me = (await (await context.request.get(`${url}/api/me`)).json()) as { tenant: { id: string; name: string } };
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const row = page.locator(`[data-testid="worker-row"][data-tenant="${me.tenant.id}"]`);

  await t.test('names, and a search by account name', async (t) => {
    await page.goto(`${url}/operator`);
    await eventually('the tenant on the operator view, with its account named', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await row.count()) > 0 && (await row.innerText()).includes('Telescope prod');
    }, 90_000, 2_000);
    t.match(await row.innerText(), /Browser Ltd/, 'the tenant by name');
    t.match(await row.innerText(), /135791357913/, 'the AWS account id');
    await page.getByTestId('worker-search').fill('telescope');
    await page.getByTestId('worker-search').press('Enter');
    await page.getByTestId('worker-count').filter({ hasText: /^1 tenant$/ }).waitFor();
    t.equal(await page.getByTestId('worker-row').count(), 1, 'only the matching tenant');
    await page.getByTestId('worker-sort').selectOption('name');
    await page.getByTestId('worker-row').first().waitFor();
  });

  await t.test("a tenant's detail: collectors, next runs, breakers", async (t) => {
    await row.getByTestId('tenant-details').click();
    const detail = page.getByTestId('tenant-detail');
    await detail.waitFor();
    t.ok((await detail.getByTestId('collector-detail').count()) >= 1, 'collectors listed');
    t.match(await detail.innerText(), /Next run/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-detail-1280.png'), fullPage: true });
  });

  await t.test('restart asks first; Cancel does nothing, Restart restarts', async (t) => {
    await row.getByTestId('restart-tenant').click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    t.match(await dialog.innerText(), /Restart Browser Ltd\?/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'operator-confirm-1280.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    t.equal(await page.getByTestId('restart-notice').count(), 0, 'cancel restarts nothing');
    await row.getByTestId('restart-tenant').click();
    await dialog.getByTestId('confirm').click();
    await page.getByTestId('restart-notice').waitFor();
    t.match(await page.getByTestId('restart-notice').innerText(), /Browser Ltd/);
  });

  await t.test('at 390 px each tenant is a card that fits', async (t) => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    small.on('pageerror', (error) => pageErrors.push(error.message));
    await small.goto(`${url}/operator`);
    await small.getByTestId('worker-row').first().waitFor();
    await small.getByTestId('worker-row').first().getByTestId('tenant-details').click();
    await small.getByTestId('tenant-detail').waitFor();
    t.ok(Number(await small.evaluate('document.documentElement.scrollWidth')) <= 390, 'fits 390 px');
    const restart = small.getByTestId('restart-tenant').first();
    const box = await restart.boundingBox();
    t.ok(box !== null && box.x + box.width <= 390, 'the restart button is on screen');
    await small.screenshot({ path: path.join(ARTIFACTS, 'operator-390.png'), fullPage: true });
    await small.screenshot({ path: path.join(ARTIFACTS, 'operator-390-screen.png') });
    await phone.close();
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
}
