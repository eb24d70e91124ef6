import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { auditApi } from '../api/audit-api.js';
import type { AuditEntryView, AuditPage } from '../api/types.js';
import { tenantApi } from '../api/tenant-api.js';
import { accountLabeller } from '../lib/account-names.js';
import { formatDateTime } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import { stackedTableStyles } from '../styles/stacked-table-styles.js';

/** What an action means, for people. */
const LABELS: Record<string, string> = {
  'auth.login': 'Signed in',
  'auth.login_failed': 'Failed sign-in',
  'auth.password_changed': 'Changed the password',
  'auth.password_reset': 'Reset the password',
  'auth.session_ended': 'Signed a session out',
  'auth.signed_out_everywhere': 'Signed out everywhere else',
  'account.connected': 'Connected an AWS account',
  'account.updated': 'Updated an AWS account',
  'account.removed': 'Removed an AWS account',
  'account.checked': 'Checked an AWS account',
  'account.budget_changed': "Changed an AWS account's budget",
  'account.metrics_selected': "Changed an AWS account's metrics",
  'finding.suppression_added': 'Added a finding suppression rule',
  'finding.suppression_removed': 'Removed a finding suppression rule',
  'settings.changed': 'Changed settings',
  'recommendation.updated': 'Updated a recommendation',
  'operator.tenant_restarted': 'The operator restarted monitoring',
  'auth.organization_switched': 'Switched organization',
  'auth.mfa_enrolment_started': 'Started two-factor enrolment',
  'auth.mfa_enabled': 'Turned on two-factor sign-in',
  'auth.mfa_disabled': 'Turned off two-factor sign-in',
  'auth.mfa_failed': 'Failed two-factor code',
  'auth.mfa_recovery_code_used': 'Used a recovery code',
  'tenant.mfa_requirement_changed': 'Changed the two-factor requirement',
  'member.invited': 'Invited someone',
  'member.joined': 'Accepted the invitation',
  'member.role_changed': "Changed a member's role",
  'member.removed': 'Removed a member',
  'member.left': 'Left the organization',
  'token.created': 'Created an API token',
  'token.revoked': 'Revoked an API token',
  'channel.added': 'Added an alert channel',
  'channel.removed': 'Removed an alert channel',
  'channel.tested': 'Tested an alert channel',
};

/** Who did it, for people: the operator, or a person, and the API token their script used. */
function who(actor: AuditEntryView['actor']) {
  if (actor.kind === 'operator') return 'Operator';
  const person = actor.email ?? actor.userId ?? '—';
  return actor.tokenId ? html`${person} <span class="muted" data-testid="audit-token">with API token “${actor.tokenName ?? actor.tokenId}”</span>` : person;
}

/**
 * /audit — the tenant's audit trail (owners and admins): who did what and when, newest first,
 * a page at a time, with a CSV export of everything kept (GET /api/audit.csv).
 */
@customElement('ch-audit-page')
export class ChAuditPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    stackedTableStyles,
    css`
      td, th { padding: 0.35rem 0.5rem; }
      .when { white-space: nowrap; }
      .who, .what { overflow-wrap: anywhere; }
      .muted { font-size: 0.9em; }
      @media (max-width: 760px) {
        .when { font-weight: 600; }
      }
    `,
  ];

  /** Entries of the pages loaded before the current one. */
  @state() private earlier: AuditEntryView[] = [];
  @state() private cursor: string | undefined;

  #page = new Task(this, {
    task: ([before], { signal }) => auditApi.page({ ...(before ? { before } : {}), limit: 50 }, signal),
    args: () => [this.cursor] as const,
  });

  // Only to name the accounts entries point at; a failure leaves their ids.
  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal).catch(() => undefined), args: () => [] as const });

  override render() {
    return html`<div class="page-head">
        <h1>Audit trail</h1>
        <a class="button secondary" href="/api/audit.csv" download data-testid="audit-csv">Export CSV</a>
      </div>
      <div class="card">${renderTask(this.#page, (page) => this.#table(page), { what: 'the audit trail' })}</div>`;
  }

  #table(page: AuditPage) {
    const entries = [...this.earlier, ...page.items];
    const accountName = accountLabeller(this.#accounts.value);
    if (entries.length === 0) return html`<p>Nothing recorded yet.</p>`;
    return html`<table class="stacked" data-testid="audit-table">
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">From</th></tr></thead>
        <tbody>
          ${entries.map(
            (e) => html`<tr data-testid="audit-row" data-action=${e.action}>
              <td class="when">${formatDateTime(e.at)}</td>
              <td class="who" data-label="Who">${who(e.actor)}</td>
              <td class="what" data-label="What">${LABELS[e.action] ?? (e.action === 'request' ? 'Made a change' : e.action)}${e.target ? html` <span class="muted">${e.action.startsWith('account.') ? accountName(e.target) : e.target}</span>` : nothing}${e.detail?.['fields'] ? html` <span class="muted">(${e.detail['fields']})</span>` : nothing}</td>
              <td class="muted" data-label="From">${e.ip ?? ''}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${page.next ? html`<button type="button" class="secondary" @click=${() => this.#more(page)}>Older entries</button>` : nothing}`;
  }

  #more(page: AuditPage): void {
    this.earlier = [...this.earlier, ...page.items];
    this.cursor = page.next;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-audit-page': ChAuditPage;
  }
}
