/**
 * What makes the demo trustworthy at a glance, in headless Chromium: the demo-mode banner, the
 * outbox as a readable page, each account's own connected-at date, cost share bars that keep
 * their length at 390 px, and one plain error message per failure. Screenshots at 1280 and
 * 390 px in test-artifacts/demo/.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { eventually, signedInTenant } from './fixtures/tenant-session.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'demo');

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
  const service = await startService(t, { SECURITY_INTERVAL: '20s', METRICS_INTERVAL: '20s' });
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const url = service.url;
  const email = `demo-${Date.now()}@example.com`;
  await signedInTenant(context, url, { email, awsAccount: '777788889999', accountName: 'Demo prod' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const both = async (name: string, target: Page) => {
    await target.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  };

  await t.test('the banner says demo mode on every page, and links to the outbox', async (t) => {
    await page.goto(`${url}/`);
    const banner = page.getByTestId('demo-banner');
    await banner.waitFor();
    t.match(await banner.innerText(), /Demo mode/);
    await banner.getByRole('link', { name: 'demo outbox' }).click();
    await page.getByRole('heading', { name: 'Demo outbox' }).waitFor();
    const first = page.getByTestId('outbox-email').filter({ hasText: email }).first();
    await first.waitFor();
    t.match(await first.innerText(), /To\s+\S*demo-\d+@example\.com/, 'recipient shown as text, not JSON');
    t.equal(await page.locator('text={"messageId"').count(), 0, 'no raw JSON on the page');
    await both('outbox-1280', page);
  });

  await t.test('a browser opening /dev/outbox lands on the readable page', async (t) => {
    await page.goto(`${url}/dev/outbox`);
    await page.getByRole('heading', { name: 'Demo outbox' }).waitFor();
    t.equal(new URL(page.url()).pathname, '/outbox');
  });

  await t.test('the account shows its own connected-at date', async (t) => {
    await page.goto(`${url}/accounts`);
    const row = page.locator('[data-testid="account"][data-account="777788889999"]');
    await row.waitFor();
    t.match(await row.innerText(), /(added|connected) \w{3} \d{1,2}, \d{4}/);
    await both('accounts-1280', page);
  });

  await t.test('one plain message for a failed log-in', async (t) => {
    const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await fresh.newPage();
    await login.goto(`${url}/login`);
    await login.getByLabel('Email address').fill(email);
    await login.getByLabel('Password').fill('wrong password here');
    await login.getByRole('button', { name: 'Log in' }).click();
    const problem = login.getByTestId('problem');
    await problem.waitFor();
    const lines = (await problem.innerText()).split('\n').filter((line) => line.trim() !== '');
    t.equal(lines.length, 1, `one sentence (${lines.join(' | ')})`);
    await fresh.close();
  });

  await t.test('at 390 px: banner, outbox and cost share bars fit and stay visible', async (t) => {
    await eventually('cost data', async () => ((await (await context.request.get(`${url}/api/costs`)).json()) as { byService: unknown[] }).byService.length > 1, 120_000, 2_000);
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
    const small = await phone.newPage();
    small.on('pageerror', (error) => pageErrors.push(error.message));
    for (const route of ['/', '/outbox', '/costs', '/accounts']) {
      await small.goto(`${url}${route}`);
      await small.getByTestId('demo-banner').waitFor();
      await small.getByRole('main').getByRole('heading', { level: 1 }).waitFor();
      await small.waitForTimeout(300);
      t.ok(Number(await small.evaluate('document.documentElement.scrollWidth')) <= 390, `${route} fits 390 px`);
      await both(`phone${route === '/' ? '-overview' : route.replace('/', '-')}-390`, small);
    }
    await small.goto(`${url}/costs`);
    const bars = small.getByTestId('share-bar');
    await bars.first().waitFor();
    const widest = await bars.first().boundingBox();
    t.ok(widest !== null && widest.width >= 60, `the largest service's share bar is readable (${widest?.width.toFixed(0)} px)`);
    await phone.close();
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
}
