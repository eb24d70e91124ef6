/**
 * Recommendations in headless Chromium against the service in demo mode: grouped with cost
 * (savings) first, each naming its resource and account, and a double click on "Mark done"
 * closing exactly one. Screenshots at 1280 and 390 px in test-artifacts/recommendations/.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { eventually, signedInTenant } from './fixtures/tenant-session.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'recommendations');

const executable = findChromium();
if (executable === undefined) {
  if (process.env['CLOUD_HEALTH_REQUIRE_BROWSER'] === '1') t.fail('Chromium is required (CLOUD_HEALTH_REQUIRE_BROWSER=1) but was not found');
  else t.plan(0, 'no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH): the browser test is skipped');
} else {
  t.setTimeout(600_000);
  await run(executable);
}

interface Recs {
  items: { id: string; status: string; category: string; accountId?: string }[];
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await startService(t, { SECURITY_INTERVAL: '20s', METRICS_INTERVAL: '20s' });
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const url = service.url;
  await signedInTenant(context, url, { email: `recs-${Date.now()}@example.com`, awsAccount: '444455556666', accountName: 'Payments' });
  const recs = async () => (await (await context.request.get(`${url}/api/recommendations`)).json()) as Recs;
  await eventually('several open recommendations', async () => (await recs()).items.filter((r) => r.status === 'open').length >= 3, 120_000, 2_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  await t.test('grouped, cost first, each naming resource and account', async (t) => {
    await page.goto(`${url}/recommendations`);
    await page.getByTestId('recommendation').first().waitFor();
    const groups = await page.locator('section[data-testid^="category-"]').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-testid')));
    if (groups.includes('category-cost')) t.equal(groups[0], 'category-cost', 'savings come first');
    const subjects = await page.getByTestId('recommendation-subject').allInnerTexts();
    t.ok(subjects.length > 0);
    t.ok(subjects.every((s) => s.includes('Payments (444455556666)')), 'every item names its account');
    t.ok(subjects.filter((s) => s.split(' · ').length >= 2).length === subjects.length, 'and its resource');
    const perGroup = await page.locator('section[data-testid^="category-"]').evaluateAll((sections) => sections.map((s) => s.querySelectorAll('ch-recommendation-item').length));
    t.ok(perGroup.every((n) => n <= 5), 'at most five per category before "Show all"');
    await page.screenshot({ path: path.join(ARTIFACTS, 'recommendations-1280.png'), fullPage: true });
  });

  await t.test('a double click on "Mark done" closes exactly one recommendation', async (t) => {
    const before = (await recs()).items.filter((r) => r.status === 'done').length;
    const first = page.getByTestId('recommendation').first();
    const id = await first.getAttribute('data-id');
    await first.getByTestId('mark-done').dblclick();
    await page.getByTestId('change-notice').waitFor();
    await page.locator(`[data-testid="recommendation"][data-id="${id}"]`).getByTestId('changed-here').waitFor();
    await page.waitForLoadState('networkidle');
    const after = (await recs()).items;
    t.equal(after.filter((r) => r.status === 'done').length, before + 1, 'one more done, not two');
    t.equal(after.find((r) => r.id === id)?.status, 'done', 'the one clicked');
  });

  await t.test('at 390 px', async (t) => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await context.storageState() });
    const small = await phone.newPage();
    small.on('pageerror', (error) => pageErrors.push(error.message));
    await small.goto(`${url}/recommendations`);
    await small.getByTestId('recommendation').first().waitFor();
    t.ok(Number(await small.evaluate('document.documentElement.scrollWidth')) <= 390, 'fits 390 px');
    await small.screenshot({ path: path.join(ARTIFACTS, 'recommendations-390.png'), fullPage: true });
    await small.screenshot({ path: path.join(ARTIFACTS, 'recommendations-390-screen.png') });
    await phone.close();
  });

  t.same(pageErrors, [], 'no uncaught errors in the page');
}
