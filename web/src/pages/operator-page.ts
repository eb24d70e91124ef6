import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { ApiError } from '../api/api-error.js';
import { operatorApi } from '../api/operator-api.js';
import type { WorkersResponse } from '../api/types.js';
import { stateBadge } from '../lib/badges.js';
import { formatDateTime, formatRelative } from '../lib/format.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/confirm-dialog.js';
import '../components/problem-alert.js';
import '../components/tenant-worker-detail.js';
import type { ChConfirmDialog } from '../components/confirm-dialog.js';

/** sessionStorage key of the operator token: gone when the tab closes, never in localStorage. */
const TOKEN_KEY = 'cloud-health.operator-token';
const STATES = ['running', 'backoff', 'parked', 'stopped'] as const;
const SORTS = [
  { key: 'state', label: 'Troubled first' },
  { key: 'name', label: 'Name' },
  { key: 'restarts', label: 'Most restarts' },
  { key: 'errors', label: 'Most errors' },
] as const;

type Worker = WorkersResponse['workers'][number];

/**
 * /operator: tenant workers by name, troubled first, with search (tenant or account name, id,
 * AWS account id) and sort; a tenant's detail (accounts, collectors, next runs, errors,
 * breakers); and a restart that asks first. The token is the service's OPERATOR_TOKEN, sent as a
 * Bearer header (on a demo's loopback the service asks for none). Refreshes every 10 seconds.
 * Below 760 px each tenant is a card.
 */
@customElement('ch-operator-page')
export class ChOperatorPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .summary { display: flex; gap: 0.5rem; flex-wrap: wrap; margin-bottom: 1rem; }
      .summary .card { padding: 0.5rem 0.9rem; display: flex; gap: 0.6rem; align-items: center; flex-wrap: wrap; }
      .count { white-space: nowrap; }
      .token { display: flex; gap: 0.5rem; align-items: end; flex-wrap: wrap; max-width: 34rem; }
      .token .field { flex: 1; margin: 0; min-width: 12rem; }
      td ul { list-style: none; margin: 0; padding: 0; font-size: 0.85rem; }
      td > code { white-space: nowrap; }
      .error { color: var(--ch-danger); font-size: 0.85rem; }
      code { font-size: 0.85rem; overflow-wrap: anywhere; }
      .name { font-weight: 600; overflow-wrap: anywhere; }
      tr.detail td { background: var(--ch-surface-alt); }
      .actions { display: flex; gap: 0.4rem; flex-wrap: wrap; }
      @media (max-width: 760px) {
        .table-wrap { border: none; background: none; overflow: visible; }
        table, tbody, tr, td { display: block; width: auto; }
        thead { display: none; }
        tr { border: 1px solid var(--ch-border); border-radius: 8px; margin-bottom: 0.6rem; background: var(--ch-surface); padding: 0.35rem 0; }
        tr.detail { margin-top: -0.5rem; }
        td { border: none; padding: 0.25rem 0.75rem; }
        td.num { text-align: left; }
        td[data-label]::before { content: attr(data-label) ': '; color: var(--ch-muted); font-size: 0.85rem; }
      }
    `,
  ];

  @state() private token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  @state() private stateFilter = '';
  @state() private search = '';
  @state() private sort: (typeof SORTS)[number]['key'] = 'state';
  @state() private open = new Set<string>();
  @state() private confirming: Worker | undefined;
  @state() private restarting = new Set<string>();
  @state() private message: { tenantId: string; name?: string; error?: unknown } | undefined;

  #workers = new Task(this, {
    task: ([token, state, q, sort], { signal }) => operatorApi.workers(token, { ...(state === '' ? {} : { state }), q, sort }, signal),
    args: () => [this.token, this.stateFilter, this.search, this.sort] as const,
  });

  #poll = new PollController(this, 10_000, () => void this.#workers.run());

  override render() {
    const needsToken = this.#workers.error instanceof ApiError && (this.#workers.error.status === 401 || this.#workers.error.status === 403);
    return html`<div class="page-head">
        <h1>Operator</h1>
        <div class="toolbar">
          <div class="field">
            <label for="state">Worker state</label>
            <select id="state" @change=${(event: Event) => (this.stateFilter = (event.target as HTMLSelectElement).value)}>
              <option value="">All</option>
              ${STATES.map((s) => html`<option value=${s}>${s}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="search">Search</label>
            <input id="search" type="search" data-testid="worker-search" placeholder="Tenant, account or AWS id" .value=${this.search}
              @change=${(event: Event) => (this.search = (event.target as HTMLInputElement).value.trim())} />
          </div>
          <div class="field">
            <label for="sort">Sort</label>
            <select id="sort" data-testid="worker-sort" @change=${(event: Event) => (this.sort = (event.target as HTMLSelectElement).value as typeof this.sort)}>
              ${SORTS.map((s) => html`<option value=${s.key} ?selected=${s.key === this.sort}>${s.label}</option>`)}
            </select>
          </div>
          <button class="secondary" @click=${() => { this.#poll.reset(); void this.#workers.run(); }}>Refresh</button>
        </div>
      </div>
      <form class="token" @submit=${this.#saveToken} style="margin-bottom:1rem">
        <div class="field">
          <label for="token">Operator token</label>
          <input id="token" name="token" type="password" autocomplete="off" .value=${this.token} aria-describedby="token-hint" />
        </div>
        <button type="submit" class=${needsToken ? '' : 'secondary'}>Use token</button>
        ${this.token === '' ? nothing : html`<button type="button" class="secondary" @click=${this.#forgetToken}>Forget</button>`}
        <p class="hint" id="token-hint" style="flex-basis:100%">Kept in this tab only (sessionStorage). Not needed on the service's own machine when it runs without OPERATOR_TOKEN.</p>
      </form>
      ${this.message === undefined
        ? nothing
        : this.message.error === undefined
          ? html`<p class="notice" role="status" data-testid="restart-notice">Restart requested for ${this.message.name ?? 'tenant'} (<code>${this.message.tenantId}</code>).</p>`
          : html`<ch-problem-alert .error=${this.message.error}></ch-problem-alert>`}
      ${renderTask(this.#workers, (workers) => this.#content(workers), { what: 'workers' })}
      <ch-confirm-dialog heading=${`Restart ${this.confirming?.tenantName ?? this.confirming?.tenantId ?? 'tenant'}?`} confirmLabel="Restart" danger>
        <p>Its collectors stop and start afresh and its restart counters reset. A run in progress is abandoned and runs again; no data is lost.</p>
      </ch-confirm-dialog>`;
  }

  #content(response: WorkersResponse) {
    const { summary, fleet, lag } = response;
    const counts = (title: string, byState: Record<string, number>) => {
      const entries = Object.entries(byState).filter(([, n]) => n > 0);
      return html`<div class="card">
        <strong>${title}</strong>
        ${entries.length === 0 ? html`<span class="muted">none</span>` : entries.map(([s, n]) => html`<span class="count">${stateBadge(s)} ${n}</span>`)}
      </div>`;
    };
    return html`<div class="summary" data-testid="worker-summary">
        ${counts('Tenants', summary.tenants)} ${counts('Collectors', summary.collectors)}
      </div>
      <p class="muted">
        Fleet: ${fleet.tenants} tenants · last reconcile ${formatRelative(fleet.lastReconcileAt)}
        ${fleet.lastReconcileError === undefined ? nothing : html`<span class="error"> · reconcile failed ${formatRelative(fleet.lastReconcileError.at)}: ${fleet.lastReconcileError.code}</span>`}
      </p>
      ${this.#lag(lag)}
      <div class="table-wrap">
        <table data-testid="workers-table">
          <thead>
            <tr><th scope="col">Tenant</th><th scope="col">State</th><th scope="col" class="num">Restarts</th><th scope="col">Collectors</th><th scope="col">Accounts</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            ${response.workers.map((worker) => this.#row(worker))}
          </tbody>
        </table>
      </div>
      <p class="muted" data-testid="worker-count">${response.total === response.workers.length ? `${response.total} tenant${response.total === 1 ? '' : 's'}` : `Showing ${response.workers.length} of ${response.total} tenants`}</p>
      ${response.workers.length === 0 ? html`<p class="muted empty">No workers${this.stateFilter === '' ? '' : ` in state ${this.stateFilter}`}${this.search === '' ? '' : ` matching “${this.search}”`}.</p>` : nothing}`;
  }

  /** Whether collection keeps its cadences: overdue collectors and the share of recent runs that ended late. */
  #lag(lag: WorkersResponse['lag']) {
    const detail = `${lag.overdue} of ${lag.collectors} collectors overdue (oldest ${Math.round(lag.oldestOverdueMs / 1000)} s) · ${Math.round(lag.lateShare * 100)}% of ${lag.recentRuns} recent runs late`;
    return lag.behind
      ? html`<p class="error" role="status" data-testid="fleet-lag" data-behind="true"><strong>Behind:</strong> more work than this instance can serve on time; cadences are stretching. ${detail}</p>`
      : html`<p class="muted" data-testid="fleet-lag" data-behind="false">Collection on time · ${detail}</p>`;
  }

  #row(worker: Worker) {
    const open = this.open.has(worker.tenantId);
    const name = worker.tenantName ?? worker.tenantId;
    const accounts = Object.entries(worker.accounts);
    const row = html`<tr data-testid="worker-row" data-tenant=${worker.tenantId}>
      <td>
        <div class="name">${name}</div><code class="muted">${worker.tenantId}</code>
        ${worker.lastError === undefined ? nothing : html`<div class="error">${worker.lastError.code}: ${worker.lastError.message} (${formatRelative(worker.lastError.at)})</div>`}
      </td>
      <td data-label="State">${stateBadge(worker.state)}${worker.parkedUntil === undefined ? nothing : html`<div class="muted">until ${formatDateTime(worker.parkedUntil)}</div>`}</td>
      <td class="num" data-label="Restarts">${worker.restarts}</td>
      <td data-label="Collectors"><ul>
        ${Object.entries(worker.collectors).map(
          ([collector, c]) => html`<li>
            ${collector} ${stateBadge(c.state)} <span class="muted">ok ${formatRelative(c.lastSuccessAt)}</span>
            ${c.lastError === undefined ? nothing : html`<div class="error">${c.lastError.kind}/${c.lastError.code}</div>`}
          </li>`,
        )}
      </ul></td>
      <td data-label="Accounts"><ul>${accounts.length === 0 ? html`<li class="muted">none</li>` : accounts.map(([id, a]) => html`<li>${a.name ?? id}${a.awsAccountId === undefined ? '' : html` <span class="muted">${a.awsAccountId}</span>`} ${stateBadge(a.status)}</li>`)}</ul></td>
      <td>
        <div class="actions">
          <button class="secondary" aria-expanded=${open} data-testid="tenant-details" @click=${() => this.#toggle(worker.tenantId)}>${open ? 'Hide details' : 'Details'}</button>
          <button class="secondary" ?disabled=${this.restarting.has(worker.tenantId)} @click=${() => this.#confirmRestart(worker)} aria-label=${`Restart ${name}`} data-testid="restart-tenant">Restart</button>
        </div>
      </td>
    </tr>`;
    if (!open) return row;
    return html`${row}<tr class="detail"><td colspan="6"><ch-tenant-worker-detail .worker=${worker}></ch-tenant-worker-detail></td></tr>`;
  }

  #toggle(tenantId: string): void {
    const next = new Set(this.open);
    if (next.has(tenantId)) next.delete(tenantId);
    else next.add(tenantId);
    this.open = next;
  }

  async #confirmRestart(worker: Worker): Promise<void> {
    this.confirming = worker;
    const dialog = this.renderRoot.querySelector<ChConfirmDialog>('ch-confirm-dialog');
    if (dialog === null || !(await dialog.ask())) return;
    await this.#restart(worker.tenantId, worker.tenantName);
  }

  async #restart(tenantId: string, name?: string): Promise<void> {
    if (this.restarting.has(tenantId)) return;
    this.restarting = new Set([...this.restarting, tenantId]);
    try {
      await operatorApi.restartTenant(this.token, tenantId);
      this.message = { tenantId, ...(name === undefined ? {} : { name }) };
      await this.#workers.run();
    } catch (error) {
      this.message = { tenantId, ...(name === undefined ? {} : { name }), error };
    } finally {
      const next = new Set(this.restarting);
      next.delete(tenantId);
      this.restarting = next;
    }
  }

  #saveToken(event: SubmitEvent): void {
    event.preventDefault();
    const token = String(new FormData(event.target as HTMLFormElement).get('token') ?? '').trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    this.token = token;
  }

  #forgetToken(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-operator-page': ChOperatorPage;
  }
}
