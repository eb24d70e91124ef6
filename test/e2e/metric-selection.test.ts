/**
 * Metric selection in real headless Chromium against the real service in demo mode: on the
 * metrics page a tenant sees the services found in its account with their fees, switches one
 * off and sees the projected fee drop before saving, picks a custom metric from what ListMetrics
 * shows with its price, saves, and then sees the custom metric charted beside the built-ins.
 * Screenshots land in test-artifacts/metric-selection/.
 *
 * Needs Debian's `chromium`; skipped with a message when it is absent, unless CLOUD_HEALTH_REQUIRE_BROWSER=1.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'metric-selection');
const PASSWORD = 'correct horse battery staple';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/CloudHealthMonitor';

const executable = findChromium();
if (executable === undefined) {
  if (process.env['CLOUD_HEALTH_REQUIRE_BROWSER'] === '1') t.fail('Chromium is required (CLOUD_HEALTH_REQUIRE_BROWSER=1) but was not found');
  else t.plan(0, 'no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH): the browser test is skipped');
} else {
  t.setTimeout(600_000);
  await run(executable);
}

/** The fee shown, in dollars. */
function dollars(text: string): number {
  const match = /\$([\d,]+\.\d+)/.exec(text);
  if (!match?.[1]) throw new Error(`no amount in "${text}"`);
  return Number(match[1].replace(/,/g, ''));
}

/** Wait until the projected fee satisfies `ok` (amounts of $1 or more are shown in cents). */
async function feeBecomes(page: Page, ok: (usd: number) => boolean, what: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const usd = dollars(await page.getByTestId('projected-fee').innerText());
    if (ok(usd)) return usd;
    if (Date.now() > deadline) throw new Error(`the projected fee never became ${what} (last $${usd})`);
    await page.waitForTimeout(200);
  }
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await startService(t, { METRICS_INTERVAL: '20s' });
  const url = service.url;
  t.teardown(() => {
    if (service.child.exitCode !== null) t.comment(`service exited ${service.child.exitCode}:\n${service.logs.slice(-30).join('\n')}`);
  });
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  // Sign up, verify and log in through the API with the browser's cookie jar (the dashboard test covers those screens).
  const email = `sel-${Date.now()}@example.com`;
  const api = (method: 'post' | 'get', p: string, data?: unknown) => context.request[method](`${url}${p}`, { headers: { origin: url }, ...(data ? { data } : {}) });
  await t.test('sign up, log in and connect an account through the API', async (t) => {
    t.equal((await api('post', '/api/auth/signup', { email, password: PASSWORD, organization: 'Selection Ltd' })).status(), 201);
    let token = '';
    for (let i = 0; i < 60 && token === ''; i += 1) {
      const outbox = (await (await api('get', '/dev/outbox')).json()) as { to: string[]; text?: string }[];
      token = /verify\?token=([A-Za-z0-9_-]+)/.exec(outbox.find((m) => m.to.includes(email))?.text ?? '')?.[1] ?? '';
      if (token === '') await new Promise((resolve) => setTimeout(resolve, 500));
    }
    t.equal((await api('post', '/api/auth/verify', { token })).status(), 200);
    t.equal((await api('post', '/api/auth/login', { email, password: PASSWORD })).status(), 200);
    const connect = await api('post', '/api/accounts', { name: 'Production', roleArn: ROLE_ARN, regions: ['us-east-1'] });
    t.equal(connect.status(), 201, await connect.text());
  });

  await t.test('the services found are listed with their fees; switching one off lowers the projected fee before saving', async (t) => {
    await page.goto(`${url}/resource-metrics`);
    const panel = page.getByTestId('metric-selection');
    await panel.locator('summary').click();
    const fee = page.getByTestId('projected-fee');
    await fee.waitFor();
    const before = dollars(await fee.innerText());
    t.ok(before > 0, `projected fee $${before}`);
    t.ok((await panel.locator('fieldset').count()) >= 15, 'services found in the account are listed');
    await page.getByTestId('service-sqs').waitFor();
    const ec2 = page.getByTestId('service-ec2');
    const ec2Fee = dollars(await ec2.locator('label').first().innerText());
    await ec2.locator('input[type="checkbox"]').first().uncheck();
    const after = await feeBecomes(page, (usd) => Math.abs(usd - (before - ec2Fee)) < 0.011, `$${before} - $${ec2Fee}`);
    t.ok(after < before, `$${before} -> $${after}, not saved yet`);
    await shot('01-ec2-off');
  });

  await t.test('a custom metric picked from ListMetrics, with its price, then saved and charted beside the built-ins', async (t) => {
    const before = dollars(await page.getByTestId('projected-fee').innerText());
    await page.getByTestId('custom-namespace').fill('Custom/Shop');
    await page.getByRole('button', { name: 'Show metrics' }).click();
    const browsed = page.getByTestId('browsed-metrics');
    await browsed.waitFor();
    const orders = browsed.locator('li', { hasText: 'OrdersPlaced' }).first();
    const perMetric = dollars(await page.getByText(/^Each adds/).innerText());
    t.match(await orders.innerText(), `+$${(await page.getByText(/^Each adds/).innerText()).match(/\$([\d.,]+)/)?.[1]}/month`, 'the price of one more metric is shown before adding');
    await orders.getByRole('button').click();
    await page.getByTestId('custom-metrics').locator('li').first().waitFor();
    await feeBecomes(page, (usd) => Math.abs(usd - (before + perMetric)) < 0.011, `$${before} + $${perMetric}`);
    t.pass(`the projected fee rose by $${perMetric}`);
    await shot('02-custom-added');
    const saved = page.waitForResponse((r) => r.url().endsWith('/metric-selection') && r.request().method() === 'PUT');
    await page.getByTestId('save-selection').click();
    t.equal((await saved).status(), 200);
    await page.getByText('Saved; changes apply at the next poll.').waitFor();

    // Collected at the next poll (20 s in this test) and listed with the built-ins.
    const deadline = Date.now() + 150_000;
    for (;;) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      if ((await page.getByTestId('resource').filter({ hasText: 'Custom/Shop' }).count()) > 0) break;
      if (Date.now() > deadline) throw new Error('the custom metric was not charted');
      await page.waitForTimeout(3_000);
    }
    const custom = page.getByTestId('resource').filter({ hasText: 'Custom/Shop' }).first();
    t.pass('the custom metric is listed beside the built-ins after the next poll');
    await t.test('charted with its points', async (t) => {
      // Panels load their points when scrolled into view.
      await custom.scrollIntoViewIfNeeded();
      const drawn = await custom.locator('canvas').first().waitFor().then(() => true, () => false);
      t.ok(drawn, 'a chart is drawn');
      t.ok((await custom.getByTestId('metric-panel').count()) >= 1, 'charted like any resource');
    });
    t.ok((await page.getByTestId('resource').filter({ hasText: 'AWS/' }).count()) > 0, 'beside the built-in services');
    await shot('03-custom-charted');
    t.same(pageErrors, [], 'no page errors');
  });
}
