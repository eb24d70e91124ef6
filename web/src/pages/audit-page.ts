import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { auditApi } from '../api/audit-api.js';
import type { AuditEntryView, AuditPage } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';

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
  'settings.changed': 'Changed settings',
  'recommendation.updated': 'Updated a recommendation',
  'operator.tenant_restarted': 'The operator restarted monitoring',
};

/**
 * /audit — the tenant's audit trail (owners and admins): who did what and when, newest first,
 * a page at a time, with a CSV export of everything kept (GET /api/audit.csv).
 */
@customElement('ch-audit-page')
export class ChAuditPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      table { width: 100%; border-collapse: collapse; }
      td, th { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--border, #e4e7eb); vertical-align: top; }
      .muted { color: var(--muted, #616e7c); font-size: 0.9em; }
    `,
  ];

  /** Entries of the pages loaded before the current one. */
  @state() private earlier: AuditEntryView[] = [];
  @state() private cursor: string | undefined;

  #page = new Task(this, {
    task: ([before], { signal }) => auditApi.page({ ...(before ? { before } : {}), limit: 50 }, signal),
    args: () => [this.cursor] as const,
  });

  override render() {
    return html`<div class="page-head">
        <h1>Audit trail</h1>
        <a class="button secondary" href="/api/audit.csv" download data-testid="audit-csv">Export CSV</a>
      </div>
      <div class="card">${renderTask(this.#page, (page) => this.#table(page), { what: 'the audit trail' })}</div>`;
  }

  #table(page: AuditPage) {
    const entries = [...this.earlier, ...page.items];
    if (entries.length === 0) return html`<p>Nothing recorded yet.</p>`;
    return html`<table data-testid="audit-table">
        <thead><tr><th>When</th><th>Who</th><th>What</th><th>From</th></tr></thead>
        <tbody>
          ${entries.map(
            (e) => html`<tr data-testid="audit-row" data-action=${e.action}>
              <td>${formatDateTime(e.at)}</td>
              <td>${e.actor.kind === 'operator' ? 'Operator' : (e.actor.email ?? e.actor.userId ?? '—')}</td>
              <td>${LABELS[e.action] ?? e.action}${e.target ? html` <span class="muted">${e.target}</span>` : nothing}${e.detail?.['fields'] ? html` <span class="muted">(${e.detail['fields']})</span>` : nothing}</td>
              <td class="muted">${e.ip ?? ''}</td>
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
