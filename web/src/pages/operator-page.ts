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
import '../components/problem-alert.js';

/** sessionStorage key of the operator token: gone when the tab closes, never in localStorage. */
const TOKEN_KEY = 'cloud-health.operator-token';
const STATES = ['running', 'backoff', 'parked', 'stopped'] as const;

type Worker = WorkersResponse['workers'][number];

/**
 * /operator: tenant workers by state, restarts, breakers and collectors, with a restart button
 * per tenant. The token is the service's OPERATOR_TOKEN, sent as a Bearer header (on a demo's
 * loopback the service asks for none). Refreshes every 10 seconds.
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
    `,
  ];

  @state() private token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  @state() private stateFilter = '';
  @state() private restarting = new Set<string>();
  @state() private message: { tenantId: string; error?: unknown } | undefined;

  #workers = new Task(this, {
    task: ([token, state], { signal }) => operatorApi.workers(token, state === '' ? {} : { state }, signal),
    args: () => [this.token, this.stateFilter] as const,
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
          ? html`<p class="notice" role="status" data-testid="restart-notice">Restart requested for tenant <code>${this.message.tenantId}</code>.</p>`
          : html`<ch-problem-alert .error=${this.message.error}></ch-problem-alert>`}
      ${renderTask(this.#workers, (workers) => this.#content(workers), { what: 'workers' })}`;
  }

  #content(response: WorkersResponse) {
    const { summary, fleet } = response;
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
      <div class="table-wrap">
        <table data-testid="workers-table">
          <thead>
            <tr><th scope="col">Tenant</th><th scope="col">State</th><th scope="col" class="num">Restarts</th><th scope="col">Breakers</th><th scope="col">Collectors</th><th scope="col">Accounts</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            ${response.workers.map((worker) => this.#row(worker))}
          </tbody>
        </table>
      </div>
      ${response.workers.length === 0 ? html`<p class="muted empty">No workers${this.stateFilter === '' ? '' : ` in state ${this.stateFilter}`}.</p>` : nothing}`;
  }

  #row(worker: Worker) {
    const breakers = Object.entries(worker.breakers);
    return html`<tr data-testid="worker-row" data-tenant=${worker.tenantId}>
      <td><code>${worker.tenantId}</code>${worker.lastError === undefined ? nothing : html`<div class="error">${worker.lastError.code}: ${worker.lastError.message} (${formatRelative(worker.lastError.at)})</div>`}</td>
      <td>${stateBadge(worker.state)}${worker.parkedUntil === undefined ? nothing : html`<div class="muted">until ${formatDateTime(worker.parkedUntil)}</div>`}</td>
      <td class="num">${worker.restarts}</td>
      <td><ul>${breakers.length === 0 ? html`<li class="muted">none</li>` : breakers.map(([service, s]) => html`<li>${service} ${stateBadge(s)}</li>`)}</ul></td>
      <td><ul>
        ${Object.entries(worker.collectors).map(
          ([name, c]) => html`<li>
            ${name} ${stateBadge(c.state)} <span class="muted">${c.runs} runs, ${c.restarts} restarts, ok ${formatRelative(c.lastSuccessAt)}</span>
            ${c.lastError === undefined ? nothing : html`<div class="error">${c.lastError.kind}/${c.lastError.code}</div>`}
          </li>`,
        )}
      </ul></td>
      <td><ul>${Object.entries(worker.accounts).map(([id, a]) => html`<li><code>${id}</code> ${stateBadge(a.status)}</li>`)}</ul></td>
      <td><button class="secondary" ?disabled=${this.restarting.has(worker.tenantId)} @click=${() => this.#restart(worker.tenantId)} aria-label=${`Restart tenant ${worker.tenantId}`} data-testid="restart-tenant">Restart</button></td>
    </tr>`;
  }

  async #restart(tenantId: string): Promise<void> {
    this.restarting = new Set([...this.restarting, tenantId]);
    try {
      await operatorApi.restartTenant(this.token, tenantId);
      this.message = { tenantId };
      await this.#workers.run();
    } catch (error) {
      this.message = { tenantId, error };
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
