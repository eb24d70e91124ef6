/**
 * Every page of the dashboard at 1280 and 390 px, in headless Chromium against the service in demo
 * mode, with one tenant whose simulated account has metrics, alarms, findings, cost by region and
 * budgets. Screenshots land in test-artifacts/screens/<page>-<width>.png. At 390 px each page must
 * not scroll sideways, and the key (first) column of each table must be on screen, unclipped and
 * not covered; at both widths every form control must have a label.
 */
import t from 'tap';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { findChromium, launchChromium } from './fixtures/browser.js';
import { REPO_ROOT, startService } from './fixtures/service.js';
import { eventually, signedInTenant } from './fixtures/tenant-session.js';
import { ensureWebBuilt } from './fixtures/web-build.js';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'screens');
const WIDTHS = [1280, 390] as const;

/** A page to visit: where, whether it needs the session, and the element that says its data is shown. */
interface Screen {
  name: string;
  path: string;
  signedIn: boolean;
  /** A data-testid that is only there once the page shows its data. */
  ready: string;
  /** What to do on the page before its screenshot (a view of it other than the default). */
  prepare?: (page: Page) => Promise<void>;
}

/** Every route in web/src/lib/routes.ts (the test fails if one is missing here). */
const SCREENS: Screen[] = [
  { name: 'overview', path: '/', signedIn: true, ready: 'alarm-history' },
  { name: 'metrics', path: '/resource-metrics', signedIn: true, ready: 'metric-panel' },
  { name: 'costs', path: '/costs', signedIn: true, ready: 'budgets' },
  {
    name: 'costs-by-region',
    path: '/costs',
    signedIn: true,
    ready: 'budgets',
    prepare: async (page) => {
      await page.getByTestId('cost-group').selectOption('region');
      await page.locator('[data-testid="cost-by-service"] thead th', { hasText: 'Region' }).waitFor();
    },
  },
  { name: 'findings', path: '/findings', signedIn: true, ready: 'finding-row' },
  { name: 'compliance', path: '/compliance', signedIn: true, ready: 'compliance-standard' },
  { name: 'recommendations', path: '/recommendations', signedIn: true, ready: 'recommendation' },
  { name: 'accounts', path: '/accounts', signedIn: true, ready: 'account' },
  { name: 'settings', path: '/settings', signedIn: true, ready: 'account-budget-form' },
  { name: 'team', path: '/team', signedIn: true, ready: 'member-row' },
  { name: 'audit', path: '/audit', signedIn: true, ready: 'audit-row' },
  { name: 'outbox', path: '/outbox', signedIn: false, ready: 'outbox-email' },
  { name: 'operator', path: '/operator', signedIn: false, ready: 'worker-row' },
  { name: 'login', path: '/login', signedIn: false, ready: 'login-form' },
  { name: 'signup', path: '/signup', signedIn: false, ready: 'signup-form' },
  { name: 'verify', path: '/verify', signedIn: false, ready: 'resend-form' },
  { name: 'reset', path: '/reset', signedIn: false, ready: 'reset-request-form' },
];

const executable = findChromium();
if (executable === undefined) {
  if (process.env['CLOUD_HEALTH_REQUIRE_BROWSER'] === '1') t.fail('Chromium is required (CLOUD_HEALTH_REQUIRE_BROWSER=1) but was not found');
  else t.plan(0, 'no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH): the browser test is skipped');
} else {
  t.setTimeout(900_000);
  await run(executable);
}

/** How wide the document is against its viewport (a page that scrolls sideways is wider). */
function overflowOf(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
}

/**
 * For each visible table on the page (through shadow roots), why its key column is not readable:
 * the first column's header and first row cell must lie inside the viewport and every clipping
 * ancestor, and be what a click at their centre hits. Returns one line per problem.
 */
async function keyColumnProblems(page: Page): Promise<string[]> {
  const tables = page.locator('table');
  const problems: string[] = [];
  for (const table of await tables.all()) {
    if (!(await table.isVisible())) continue;
    problems.push(
      ...(await table.evaluate((el) => {
        const found: string[] = [];
        const name = el.getAttribute('data-testid') ?? el.querySelector('caption')?.textContent?.trim() ?? (el.getRootNode() as ShadowRoot).host?.localName ?? 'table';
        const rows = [...(el as HTMLTableElement).rows].filter((row) => row.cells.length > 0 && row.getClientRects().length > 0);
        const cells = [rows[0], rows.find((row) => row.parentElement?.localName === 'tbody')].flatMap((row) => (row === undefined ? [] : [row.cells[0]!]));
        const parentOf = (node: Element): Element | null => node.parentElement ?? ((node.parentNode as ShadowRoot | null)?.host ?? null);
        for (const cell of cells) {
          if (cell.getClientRects().length === 0) continue;
          const label = `${name}: "${cell.textContent?.trim().slice(0, 30)}"`;
          const box = cell.getBoundingClientRect();
          window.scrollBy(0, box.top + box.height / 2 - window.innerHeight / 2);
          const r = cell.getBoundingClientRect();
          if (r.width < 1 || r.height < 1) found.push(`${label} has no size`);
          if (r.left < -1 || r.right > document.documentElement.clientWidth + 1) found.push(`${label} runs off the screen (${Math.round(r.left)}-${Math.round(r.right)} px)`);
          for (let up = parentOf(cell); up !== null && up !== document.documentElement; up = parentOf(up)) {
            const style = getComputedStyle(up);
            if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
            const c = up.getBoundingClientRect();
            if (r.left < c.left - 1 || r.right > c.right + 1) found.push(`${label} is clipped by <${up.localName} class="${up.className}">`);
          }
          const x = r.left + Math.min(r.width / 2, 20);
          const y = r.top + r.height / 2;
          let hit: Element | null = document.elementFromPoint(x, y);
          while (hit?.shadowRoot) {
            const inner = hit.shadowRoot.elementFromPoint(x, y);
            if (inner === null || inner === hit) break;
            hit = inner;
          }
          if (hit === null || !(cell === hit || cell.contains(hit))) found.push(`${label} is covered by <${hit?.localName ?? 'nothing'} class="${hit?.className ?? ''}">`);
        }
        return found;
      })),
    );
  }
  return problems;
}

/** Visible form controls (through shadow roots) with no accessible name: no label, aria-label(ledby) or text. */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll<HTMLElement>('*')) {
        if (el.shadowRoot) visit(el.shadowRoot);
        if (!el.matches('input:not([type=hidden]), select, textarea, button, a[href]')) continue;
        if (el.getClientRects().length === 0) continue;
        const labelled =
          (el as HTMLInputElement).labels?.length ||
          (el.getAttribute('aria-label') ?? '').trim() !== '' ||
          (el.getAttribute('aria-labelledby') ?? '').trim() !== '' ||
          (el.matches('button, a') && (el.textContent ?? '').trim() !== '') ||
          (el.getAttribute('title') ?? '').trim() !== '';
        if (!labelled) out.push(el.outerHTML.slice(0, 120));
      }
    };
    visit(document);
    return out;
  });
}

async function run(chromiumPath: string): Promise<void> {
  await ensureWebBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  const service = await startService(t, { METRICS_INTERVAL: '20s', SECURITY_INTERVAL: '20s' });
  const browser = await launchChromium(chromiumPath);
  t.teardown(() => browser.close());
  const url = service.url;
  const options = { locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' } as const;
  // tsx compiles this file with esbuild's keepNames, whose __name() helper the functions given to
  // page.evaluate call in the page: define it there.
  const newContext = async (extra: BrowserContextOptions) => {
    const context = await browser.newContext({ ...options, ...extra });
    await context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
    return context;
  };
  const tenant = await newContext({ viewport: { width: 1280, height: 900 } });
  const { accountId } = await signedInTenant(tenant, url, { email: `screens-${Date.now()}@example.com`, awsAccount: '246824682468', accountName: 'Screens prod' });
  const api = tenant.request;
  const headers = { Origin: url, 'Content-Type': 'application/json' };
  const get = async <T>(route: string) => (await (await api.get(`${url}${route}`)).json()) as T;

  await t.test('the pages list every route', async (t) => {
    const source = await readFile(path.join(REPO_ROOT, 'web', 'src', 'lib', 'routes.ts'), 'utf8');
    const routes = [...source.matchAll(/\{ path: '([^']+)'/g)].map((m) => m[1]!);
    t.ok(routes.length >= 16, `routes read from routes.ts (${routes.length})`);
    t.same([...new Set(SCREENS.map((s) => s.path))].sort(), [...routes].sort(), 'every route has a screen');
  });

  await t.test('the tenant has budgets, metrics, alarms, findings and cost by region', async (t) => {
    // Budgets for the tenant and the account, so the cost page shows its budget bars.
    t.equal((await api.put(`${url}/api/settings`, { headers, data: { monthlyBudgetUsd: 2500 } })).status(), 200, 'tenant budget set');
    t.equal((await api.put(`${url}/api/accounts/${accountId}/budget`, { headers, data: { monthlyBudgetUsd: 800 } })).status(), 200, 'account budget set');
    await eventually(
      'alarm history, findings and cost by region',
      async () => {
        const [overview, costs, findings] = await Promise.all([
          get<{ alarmHistory: unknown[] }>('/api/overview'),
          get<{ regions: unknown[]; daily: unknown[] }>('/api/costs'),
          get<{ total: number }>('/api/findings'),
        ]);
        return overview.alarmHistory.length > 0 && costs.regions.length > 0 && costs.daily.length > 0 && findings.total > 0;
      },
      180_000,
      3_000,
    );
  });

  const pageErrors: string[] = [];
  for (const width of WIDTHS) {
    // One parent test per width: the root test would end while contexts are being made between subtests.
    await t.test(`every page at ${width} px`, async (t) => {
      const viewport = { width, height: width === 390 ? 844 : 900 };
      const signedIn = await newContext({ viewport, storageState: await tenant.storageState() });
      const signedOut = await newContext({ viewport });
      t.teardown(async () => {
        await signedIn.close();
        await signedOut.close();
      });
      for (const screen of SCREENS) {
        await t.test(`${screen.name} at ${width} px`, async (t) => {
          const page = await (screen.signedIn ? signedIn : signedOut).newPage();
          page.on('pageerror', (error) => pageErrors.push(`${screen.path} at ${width}: ${error.message}`));
          await showPage(page, url, screen);
          await screen.prepare?.(page);
          await page.screenshot({ path: path.join(ARTIFACTS, `${screen.name}-${width}.png`), fullPage: true });
          t.same(await unlabelledControls(page), [], 'every control has a label');
          if (width === 390) {
            const { scrollWidth, clientWidth } = await overflowOf(page);
            t.ok(scrollWidth <= clientWidth + 1, `no sideways scrolling (${scrollWidth} px wide in ${clientWidth})`);
            t.same(await keyColumnProblems(page), [], "each table's key column is on screen");
          }
          await page.close();
        });
      }
    });
  }

  await t.test('the overflow check fails on a page that is too wide', async (t) => {
    const context = await newContext({ viewport: { width: 390, height: 844 }, storageState: await tenant.storageState() });
    const page = await context.newPage();
    await showPage(page, url, SCREENS.find((s) => s.name === 'costs')!);
    // A deliberately broken style: the cost table may no longer shrink, nor scroll inside its wrapper.
    await page.locator('[data-testid="cost-by-service"]').evaluate((table) => {
      (table as HTMLElement).style.minWidth = '600px';
      (table.parentElement as HTMLElement).style.overflow = 'visible';
    });
    const { scrollWidth, clientWidth } = await overflowOf(page);
    t.ok(scrollWidth > clientWidth + 1, `the broken page is caught (${scrollWidth} px wide in ${clientWidth})`);
    // And one that pushes the table's first column out of its clipping wrapper.
    await page.locator('[data-testid="cost-by-service"]').evaluate((table) => {
      (table as HTMLElement).style.minWidth = '';
      (table as HTMLElement).style.marginLeft = '-150px';
      (table.parentElement as HTMLElement).style.overflow = 'hidden';
    });
    t.ok((await keyColumnProblems(page)).some((p) => p.includes('cost-by-service')), 'and a clipped key column is caught');
    await context.close();
  });

  t.same(pageErrors, [], 'no uncaught errors in any page');
}

/** Open `screen` and wait until its data is shown and nothing is loading or animating. */
async function showPage(page: Page, url: string, screen: Screen): Promise<void> {
  await page.goto(`${url}${screen.path}`);
  await page.getByRole('main').getByRole('heading', { level: 1 }).first().waitFor();
  await page.getByTestId(screen.ready).first().waitFor();
  // Charts load when scrolled near (IntersectionObserver): pass over the whole page once, then wait for them.
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    }
    window.scrollTo(0, 0);
  });
  await page.locator('[data-testid="loading"], [data-testid="updating"]').first().waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.fonts.status === 'loaded');
  // Charts draw into canvases after layout: wait for two animation frames so they are painted.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}
