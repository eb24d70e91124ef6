import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { WorkersResponse } from '../api/types.js';
import { stateBadge } from '../lib/badges.js';
import { formatDateTime, formatInteger, formatRelative } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';

type Worker = WorkersResponse['workers'][number];

/**
 * One tenant's worker in full, for the operator: its accounts (names, AWS ids, status and why),
 * each collector (state, runs, failures by kind, last run and its duration, last success, next
 * run, last error), its breakers and its own last error.
 *
 * @property worker - the tenant's worker
 */
@customElement('ch-tenant-worker-detail')
export class ChTenantWorkerDetail extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      h3 { margin: 0.75rem 0 0.35rem; font-size: 1rem; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.75rem; margin: 0; font-size: 0.9rem; }
      dt { color: var(--ch-muted); }
      dd { margin: 0; overflow-wrap: anywhere; }
      .collectors { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
      .collector { border: 1px solid var(--ch-border); border-radius: 6px; padding: 0.5rem 0.75rem; }
      .error { color: var(--ch-danger); }
      ul { margin: 0; padding-left: 1.1rem; font-size: 0.9rem; }
      li { overflow-wrap: anywhere; }
    `,
  ];

  @property({ attribute: false }) worker: Worker | undefined;

  override render() {
    const w = this.worker;
    if (w === undefined) return nothing;
    const accounts = Object.entries(w.accounts);
    const breakers = Object.entries(w.breakers);
    return html`<div data-testid="tenant-detail">
      ${w.lastError === undefined ? nothing : html`<p class="error">Tenant error ${formatRelative(w.lastError.at)}: ${w.lastError.kind}/${w.lastError.code} — ${w.lastError.message}</p>`}
      <h3>Accounts</h3>
      ${accounts.length === 0
        ? html`<p class="muted">No accounts.</p>`
        : html`<ul>
            ${accounts.map(([id, a]) => html`<li>${a.name ?? id}${a.awsAccountId === undefined ? '' : ` (${a.awsAccountId})`} ${stateBadge(a.status)}${a.reason === undefined ? '' : ` — ${a.reason}`}</li>`)}
          </ul>`}
      <h3>Collectors</h3>
      <div class="collectors">
        ${Object.entries(w.collectors).map(
          ([name, c]) => html`<section class="collector" data-testid="collector-detail" data-collector=${name}>
            <strong>${name}</strong> ${stateBadge(c.state)}
            <dl>
              <dt>Runs</dt><dd>${formatInteger(c.runs)} · ${formatInteger(c.restarts)} restarts</dd>
              <dt>Failures</dt><dd>${Object.entries(c.failures).filter(([, n]) => n > 0).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}</dd>
              <dt>Last run</dt><dd>${c.lastRunAt === undefined ? 'never' : html`${formatDateTime(c.lastRunAt)}${c.lastDurationMs === undefined ? '' : ` (${formatInteger(c.lastDurationMs)} ms)`}`}</dd>
              <dt>Last success</dt><dd>${c.lastSuccessAt === undefined ? 'never' : formatDateTime(c.lastSuccessAt)}</dd>
              <dt>Next run</dt><dd>${c.nextRunAt === undefined ? '—' : `${formatDateTime(c.nextRunAt)} (${formatRelative(c.nextRunAt)})`}</dd>
              ${c.parkedUntil === undefined ? nothing : html`<dt>Parked until</dt><dd>${formatDateTime(c.parkedUntil)}</dd>`}
              ${c.lastError === undefined ? nothing : html`<dt>Last error</dt><dd class="error">${c.lastError.kind}/${c.lastError.code}: ${c.lastError.message} (${formatRelative(c.lastError.at)})</dd>`}
            </dl>
          </section>`,
        )}
      </div>
      <h3>Breakers</h3>
      ${breakers.length === 0 ? html`<p class="muted">None yet.</p>` : html`<ul>${breakers.map(([service, s]) => html`<li>${service} ${stateBadge(s)}</li>`)}</ul>`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-tenant-worker-detail': ChTenantWorkerDetail;
  }
}
