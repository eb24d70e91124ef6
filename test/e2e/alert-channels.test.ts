/**
 * Alert channel settings in real headless Chromium against the real service in demo mode (with
 * CHANNEL_ALLOW_PRIVATE_TARGETS=1 and the test receiver's certificate trusted): add a webhook
 * pointing at a local HTTPS receiver, copy its signing secret, "Send test" and see the receiver
 * verify the signature; a failing receiver's test shows the error. Screenshots land in
 * test-artifacts/alert-channels/.
 *
 * Needs Debian's `chromium` and the openssl CLI; skipped with a message when absent, unless
 * CLOUD_HEALTH_REQUIRE_BROWSER=1.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { hasOpenssl, startReceiver, verify } from '../channels/fixtures/receiver.js';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { eventually, signedInTenant } from './fixtures/tenant-session.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'alert-channels');

const executable = findChromium();
if (executable === undefined || !(await hasOpenssl())) {
  if (process.env['CLOUD_HEALTH_REQUIRE_BROWSER'] === '1') t.fail('Chromium and openssl are required (CLOUD_HEALTH_REQUIRE_BROWSER=1) but one was not found');
  else t.plan(0, 'no Chromium or no openssl CLI: the alert channel browser test is skipped');
} else {
  t.setTimeout(300_000);
  await run(executable);
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const receiver = await startReceiver(t);
  const service = await startService(t, { CHANNEL_ALLOW_PRIVATE_TARGETS: '1', NODE_EXTRA_CA_CERTS: receiver.caFile });
  const url = service.url;
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  await signedInTenant(context, url, { email: `channels-${Date.now()}@example.com`, awsAccount: '461234567890' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const section = page.getByTestId('alert-channels');

  await t.test('add a webhook, copy its secret, send a test that the receiver verifies', async (t) => {
    await page.goto(`${url}/settings`);
    await section.getByText('No channels yet').waitFor();
    await section.getByLabel('Kind').selectOption('webhook');
    await section.getByLabel('Name').fill('Ops receiver');
    await section.getByLabel('URL').fill(receiver.url('/ok-browser'));
    await section.getByRole('button', { name: 'Add channel' }).click();
    const secret = (await section.getByTestId('channel-secret').innerText()).trim();
    t.match(secret, /^chwhsec_/, 'the signing secret is shown once');
    const row = section.getByTestId('channel-row').filter({ hasText: 'Ops receiver' });
    await row.waitFor();
    t.match(await row.innerText(), new RegExp(`localhost:${receiver.port}/…wser`), 'the URL is shown masked (host and last 4 characters)');
    t.notMatch(await section.innerText(), /ok-browser/, 'and never whole');
    await shot('01-channel-added');

    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByTestId('channel-test-result').waitFor();
    t.match(await row.getByTestId('channel-test-result').innerText(), /Test delivered \(HTTP 200\)/);
    // Real alerts of the demo tenant (findings, alarm transitions) may reach the channel too: pick the test message.
    const isTest = (r: { path: string; body: string }) => r.path === '/ok-browser' && (JSON.parse(r.body) as { type?: string }).type === 'test';
    await eventually('the test message at the receiver', async () => receiver.received.some(isTest), 180_000, 200);
    const got = receiver.received.find(isTest)!;
    t.ok(verify(secret, got.headers['x-cloudhealth-signature'] as string, got.body), 'the receiver verifies the signature with the secret the page showed');
    t.match(JSON.parse(got.body), { version: 1, type: 'test' });
    await shot('02-test-sent');
  });

  await t.test('a failing receiver: the test shows the error, then remove the channel', async (t) => {
    await section.getByLabel('Kind').selectOption('webhook');
    await section.getByLabel('Name').fill('Broken receiver');
    await section.getByLabel('URL').fill(receiver.url('/fail-browser'));
    await section.getByRole('button', { name: 'Add channel' }).click();
    const row = section.getByTestId('channel-row').filter({ hasText: 'Broken receiver' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByTestId('channel-test-result').waitFor();
    t.match(await row.getByTestId('channel-test-result').innerText(), /Test failed: CHANNEL_HTTP_STATUS:500/);
    await eventually('the last error listed', async () => /Last error: CHANNEL_HTTP_STATUS:500/.test(await row.innerText()), 180_000, 200);
    await shot('03-test-failed');
    await row.getByRole('button', { name: 'Remove' }).click();
    await eventually('the row gone', async () => (await section.getByTestId('channel-row').count()) === 1, 180_000, 200);
    t.same(pageErrors, [], 'no script errors on the page');
  });
}
