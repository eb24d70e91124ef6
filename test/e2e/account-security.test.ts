/**
 * Identity pages in real headless Chromium against the real service in demo mode: change the
 * password on the settings page, see both signed-in browsers and sign the other one out
 * ("sign out everywhere else"), then forget the password and reset it through the emailed link.
 * Screenshots land in test-artifacts/account-security/.
 *
 * Needs Debian's `chromium`; skipped with a message when it is absent, unless
 * CLOUD_HEALTH_REQUIRE_BROWSER=1.
 */
import t from 'tap';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'account-security');
const FIRST = 'first password 123';
const SECOND = 'second password 456';
const THIRD = 'third password 789';

const executable = findChromium();
if (executable === undefined) {
  if (process.env['CLOUD_HEALTH_REQUIRE_BROWSER'] === '1') t.fail('Chromium is required (CLOUD_HEALTH_REQUIRE_BROWSER=1) but was not found');
  else t.plan(0, 'no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH): the browser test is skipped');
} else {
  t.setTimeout(600_000);
  await run(executable);
}

/** Poll `check` until it returns a value, or fail with `what`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await startService(t);
  const url = service.url;
  const email = `sec-${Date.now()}@example.com`;
  const linkTo = (kind: 'verify' | 'reset') =>
    eventually(`the ${kind} email`, async () => {
      const outbox = (await (await fetch(`${url}/dev/outbox`)).json()) as { to: string[]; text?: string }[];
      const mail = [...outbox].reverse().find((m) => m.to.includes(email) && new RegExp(`/${kind}\\?token=`).test(m.text ?? ''));
      return new RegExp(`https?://[^\\s"<>]+/${kind}\\?token=[A-Za-z0-9_-]+`).exec(mail?.text ?? '')?.[0];
    });

  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const main = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const other = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: 'Other-Browser/9.0' })).newPage();
  const pageErrors: string[] = [];
  main.on('pageerror', (error) => pageErrors.push(error.message));
  const shot = (name: string) => main.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const logIn = async (page: Page, password: string) => {
    await page.goto(`${url}/login`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  };

  await t.test('sign up and verify (API), log in from two browsers', async () => {
    const signup = await fetch(`${url}/api/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: FIRST, organization: 'Sec Ltd' }) });
    t.equal(signup.status, 201);
    await main.goto(await linkTo('verify'));
    await main.getByTestId('verified').waitFor();
    await logIn(main, FIRST);
    await logIn(other, FIRST);
  });

  await t.test('settings: change the password; the other browser is signed out', async (t) => {
    await main.goto(`${url}/settings`);
    const sessions = main.getByTestId('sessions');
    await sessions.getByTestId('session-row').nth(1).waitFor();
    t.equal(await sessions.getByTestId('session-row').count(), 2, 'both browsers are listed');
    t.match(await sessions.innerText(), /Other-Browser\/9\.0/);
    t.match(await sessions.innerText(), /\(this browser\)/);
    await shot('01-settings-security');
    await main.getByLabel('Current password').fill('not my password');
    await main.getByLabel('New password').fill(SECOND);
    await main.getByRole('button', { name: 'Change password' }).click();
    const problem = main.getByTestId('password-form').getByTestId('problem');
    await problem.waitFor();
    t.equal(await problem.getAttribute('data-code'), 'WRONG_PASSWORD');
    await main.getByLabel('Current password').fill(FIRST);
    await main.getByLabel('New password').fill(SECOND);
    await main.getByRole('button', { name: 'Change password' }).click();
    await main.getByTestId('password-changed').waitFor();
    t.match(await main.getByTestId('password-changed').innerText(), /One other session was signed out/);
    await eventually('one session listed', async () => ((await sessions.getByTestId('session-row').count()) === 1 ? true : undefined));
    const stillIn = await other.evaluate(async () => (await fetch('/api/me')).status);
    t.equal(stillIn, 401, 'the other browser is signed out');
    await shot('02-password-changed');
  });

  await t.test('sign out everywhere else', async (t) => {
    await logIn(other, SECOND);
    await main.goto(`${url}/settings`);
    await main.getByTestId('sessions').getByTestId('session-row').nth(1).waitFor();
    await main.getByTestId('sign-out-everywhere').click();
    await eventually('one session listed', async () => ((await main.getByTestId('sessions').getByTestId('session-row').count()) === 1 ? true : undefined));
    t.equal(await other.evaluate(async () => (await fetch('/api/me')).status), 401);
    t.equal(await main.evaluate(async () => (await fetch('/api/me')).status), 200, 'this browser stays signed in');
  });

  await t.test('forgot password: reset through the emailed link', async (t) => {
    await main.evaluate(async () => void (await fetch('/api/auth/logout', { method: 'POST' })));
    await main.goto(`${url}/login`);
    await main.getByTestId('forgot-password').click();
    await main.getByLabel('Email address').fill(email);
    await main.getByRole('button', { name: 'Email me a link' }).click();
    await main.getByTestId('reset-requested').waitFor();
    await shot('03-reset-requested');
    const link = await linkTo('reset');
    t.equal(new URL(link).pathname, '/reset');
    await main.goto(link);
    await main.getByLabel('New password').fill(THIRD);
    await main.getByRole('button', { name: 'Set the new password' }).click();
    await main.getByTestId('reset-done').waitFor();
    await shot('04-reset-done');
    await main.goto(link);
    await main.getByLabel('New password').fill('fourth password 000');
    await main.getByRole('button', { name: 'Set the new password' }).click();
    const used = main.getByTestId('problem');
    await used.waitFor();
    t.equal(await used.getAttribute('data-code'), 'INVALID_TOKEN', 'the link works once');
    await logIn(main, THIRD);
  });

  await t.test('the audit trail shows who did what', async (t) => {
    await main.goto(`${url}/settings`);
    await main.getByTestId('audit-link').click();
    await main.getByTestId('audit-table').waitFor();
    const actions = await main.getByTestId('audit-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    t.equal(actions[0], 'auth.login', 'newest first');
    for (const action of ['auth.password_reset', 'auth.signed_out_everywhere', 'auth.password_changed', 'auth.login']) t.ok(actions.includes(action), action);
    t.match(await main.getByTestId('audit-table').innerText(), /Reset the password/);
    const csv = await main.evaluate(async () => {
      const reply = await fetch('/api/audit.csv');
      return { type: reply.headers.get('content-type'), text: await reply.text() };
    });
    t.match(csv.type ?? '', /^text\/csv/);
    t.match(csv.text, /^at,action,actor_kind/);
    await shot('05-audit');
  });

  await t.test('team: invite a colleague, who accepts through the emailed link', async (t) => {
    const colleague = `colleague-${Date.now()}@example.com`;
    await main.goto(`${url}/settings`);
    await main.getByTestId('team-link').click();
    await main.getByTestId('members').waitFor();
    await main.getByLabel('Email address').fill(colleague);
    await main.getByLabel('Role', { exact: true }).selectOption('admin');
    await main.getByRole('button', { name: 'Send invitation' }).click();
    await main.getByTestId('invited').waitFor();
    const row = main.locator(`[data-testid="member-row"][data-email="${colleague}"]`);
    await row.waitFor();
    t.match(await row.innerText(), /Invited/);
    const link = await eventually('the invitation', async () => {
      const outbox = (await (await fetch(`${url}/dev/outbox`)).json()) as { to: string[]; text?: string }[];
      const mail = [...outbox].reverse().find((m) => m.to.includes(colleague));
      return /https?:\/\/[^\s"<>]+\/reset\?token=[A-Za-z0-9_-]+/.exec(mail?.text ?? '')?.[0];
    });
    await other.goto(link);
    await other.getByLabel('New password').fill('colleague password 1');
    await other.getByRole('button', { name: 'Set the new password' }).click();
    await other.getByTestId('reset-done').waitFor();
    await main.reload();
    await row.waitFor();
    await eventually('the colleague active', async () => ((await row.innerText()).includes('Active') ? true : undefined));
    await main.getByLabel('Token name').fill('nightly export');
    await main.getByRole('button', { name: 'Create token' }).click();
    const secret = await main.getByTestId('new-token').innerText();
    t.match(secret, /^cht_/, 'the token is shown once');
    const viaToken = await fetch(`${url}/api/accounts`, { headers: { authorization: `Bearer ${secret}` } });
    t.equal(viaToken.status, 200, 'a script reads with it');
    await main.getByTestId('token-row').first().getByRole('button', { name: 'Revoke' }).click();
    await eventually('the token gone', async () => ((await main.getByTestId('token-row').count()) === 0 ? true : undefined));
    t.equal((await fetch(`${url}/api/accounts`, { headers: { authorization: `Bearer ${secret}` } })).status, 401, 'revoked');
    await shot('06-team');
    const leave = await main.locator('[data-testid="member-row"]', { hasText: '(you)' }).getByRole('button', { name: 'Leave' });
    await leave.click();
    const problem = main.getByTestId('problem');
    await problem.waitFor();
    t.equal(await problem.getAttribute('data-code'), 'LAST_OWNER', 'the only owner cannot leave');
    t.same(pageErrors, [], 'no uncaught page errors');
  });

  await t.test('the owner deletes the organization and is signed out', async (t) => {
    const form = main.getByTestId('delete-organization-form');
    await form.getByLabel("Type the organization's name").fill('Sec Ltd');
    await form.getByLabel('Your password').fill('wrong password 000');
    await form.getByRole('button', { name: 'Delete the organization' }).click();
    await form.getByTestId('problem').waitFor();
    t.equal(await form.getByTestId('problem').getAttribute('data-code'), 'WRONG_PASSWORD', 'a wrong password deletes nothing');
    await form.getByLabel('Your password').fill(THIRD);
    await form.getByRole('button', { name: 'Delete the organization' }).click();
    await main.waitForURL(/\/login$/);
    t.equal((await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: THIRD }) })).status, 401, 'the owner has no account left');
    await main.getByLabel('Password').waitFor();
    t.pass('the owner is back at the sign-in page');
    t.same(pageErrors, [], 'no uncaught page errors');
  });
}
