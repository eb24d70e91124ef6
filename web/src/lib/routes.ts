/**
 * The dashboard's routes. Paths the emails link to come from src/mail/mail-links.ts and must
 * not change: "/", /settings, /findings, /costs, /recommendations, /verify?token=, /reset?token=.
 * (The metrics page is not at /metrics: that path is the Prometheus endpoint.)
 */
import { html, type TemplateResult } from 'lit';
import { metricFocusOf } from './metric-links.js';

export interface RouteDef {
  path: string;
  /** Page title and nav label. */
  title: string;
  /** Needs a signed-in user; otherwise the user is sent to /login?next=… */
  auth: boolean;
  /** Shown in the main navigation. */
  nav: boolean;
  /** Loads the page's module, which defines its element (pages are split into their own chunks). */
  load(): Promise<unknown>;
  render(query: URLSearchParams): TemplateResult;
}

export const ROUTES: RouteDef[] = [
  { path: '/', load: () => import('../pages/overview-page.js'), title: 'Overview', auth: true, nav: true, render: () => html`<ch-overview-page></ch-overview-page>` },
  { path: '/resource-metrics', load: () => import('../pages/metrics-page.js'), title: 'Metrics', auth: true, nav: true, render: (q) => html`<ch-metrics-page .metricFocus=${metricFocusOf(q)}></ch-metrics-page>` },
  { path: '/costs', load: () => import('../pages/costs-page.js'), title: 'Cost', auth: true, nav: true, render: () => html`<ch-costs-page></ch-costs-page>` },
  { path: '/findings', load: () => import('../pages/findings-page.js'), title: 'Security', auth: true, nav: true, render: (q) => html`<ch-findings-page severity=${q.get('severity') ?? ''}></ch-findings-page>` },
  { path: '/compliance', load: () => import('../pages/compliance-page.js'), title: 'Compliance', auth: true, nav: true, render: () => html`<ch-compliance-page></ch-compliance-page>` },
  { path: '/recommendations', load: () => import('../pages/recommendations-page.js'), title: 'Recommendations', auth: true, nav: true, render: () => html`<ch-recommendations-page></ch-recommendations-page>` },
  { path: '/accounts', load: () => import('../pages/accounts-page.js'), title: 'Accounts', auth: true, nav: true, render: () => html`<ch-accounts-page></ch-accounts-page>` },
  { path: '/settings', load: () => import('../pages/settings-page.js'), title: 'Settings', auth: true, nav: true, render: () => html`<ch-settings-page></ch-settings-page>` },
  { path: '/login', load: () => import('../pages/login-page.js'), title: 'Log in', auth: false, nav: false, render: (q) => html`<ch-login-page next=${q.get('next') ?? '/'} reason=${q.get('reason') ?? ''}></ch-login-page>` },
  { path: '/signup', load: () => import('../pages/signup-page.js'), title: 'Sign up', auth: false, nav: false, render: () => html`<ch-signup-page></ch-signup-page>` },
  { path: '/verify', load: () => import('../pages/verify-page.js'), title: 'Confirm your email', auth: false, nav: false, render: (q) => html`<ch-verify-page token=${q.get('token') ?? ''}></ch-verify-page>` },
  { path: '/team', load: () => import('../pages/team-page.js'), title: 'Team', auth: true, nav: false, render: () => html`<ch-team-page></ch-team-page>` },
  { path: '/audit', load: () => import('../pages/audit-page.js'), title: 'Audit trail', auth: true, nav: false, render: () => html`<ch-audit-page></ch-audit-page>` },
  { path: '/reset', load: () => import('../pages/reset-page.js'), title: 'Reset your password', auth: false, nav: false, render: (q) => html`<ch-reset-page token=${q.get('token') ?? ''}></ch-reset-page>` },
  { path: '/outbox', load: () => import('../pages/outbox-page.js'), title: 'Demo outbox', auth: false, nav: false, render: () => html`<ch-outbox-page></ch-outbox-page>` },
  { path: '/operator', load: () => import('../pages/operator-page.js'), title: 'Operator', auth: false, nav: false, render: () => html`<ch-operator-page></ch-operator-page>` },
];

/** The route of a path (a trailing slash is ignored), or undefined. */
export function routeOf(path: string): RouteDef | undefined {
  const normal = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return ROUTES.find((route) => route.path === normal);
}
