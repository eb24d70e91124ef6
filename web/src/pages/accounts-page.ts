import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView } from '../api/types.js';
import type { ChConfirmDialog } from '../components/confirm-dialog.js';
import { stateBadge } from '../lib/badges.js';
import { formatDateTime } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/confirm-dialog.js';
import '../components/connect-account-form.js';
import '../components/onboarding-steps.js';
import '../components/problem-alert.js';

/**
 * Accounts: the connected AWS accounts (with delete, after a confirmation), the onboarding steps
 * for a new one, and the form that connects it.
 */
@customElement('ch-accounts-page')
export class ChAccountsPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .accounts { list-style: none; padding: 0; margin: 0; display: grid; gap: 0.75rem; }
      .account { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; align-items: center; }
      .account code { overflow-wrap: anywhere; font-size: 0.85rem; }
      .reason { color: var(--ch-danger); margin: 0.25rem 0 0; }
    `,
  ];

  @state() private deleting: AccountView | undefined;
  @state() private deleteError: unknown;
  @state() private deleted: string | undefined;
  @query('ch-confirm-dialog') private confirm!: ChConfirmDialog;

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });
  #onboarding = new Task(this, { task: (_args, { signal }) => tenantApi.onboarding(signal), args: () => [] as const });

  override render() {
    return html`<div class="page-head"><h1>AWS accounts</h1></div>
      <section aria-labelledby="connected-title">
        <h2 id="connected-title">Connected accounts</h2>
        ${this.deleted === undefined ? nothing : html`<p class="notice" role="status">Deleted ${this.deleted}. Its monitoring has stopped.</p>`}
        <ch-problem-alert .error=${this.deleteError}></ch-problem-alert>
        ${renderTask(this.#accounts, (accounts) => this.#list(accounts), { what: 'accounts' })}
      </section>
      <section class="card" aria-labelledby="connect-title">
        <h2 id="connect-title">Connect an AWS account</h2>
        ${renderTask(this.#onboarding, (onboarding) => html`<ch-onboarding-steps .onboarding=${onboarding}></ch-onboarding-steps>`, { what: 'the onboarding steps' })}
        <div style="margin-top:1.25rem">
          <ch-connect-account-form @account-connected=${() => void this.#accounts.run()}></ch-connect-account-form>
        </div>
      </section>
      <ch-confirm-dialog heading="Delete this account?" confirmLabel="Delete account" danger>
        <p>Cloud Health stops monitoring <strong>${this.deleting?.name}</strong> (${this.deleting?.awsAccountId}) and forgets its credentials. Its stored data expires on its own. The IAM role in your account is not touched.</p>
      </ch-confirm-dialog>`;
  }

  #list(accounts: AccountView[]) {
    if (accounts.length === 0) return html`<p class="muted" data-testid="no-accounts">None yet. Follow the steps below to connect one.</p>`;
    return html`<ul class="accounts" data-testid="accounts">
      ${accounts.map(
        (account) => html`<li class="card account" data-testid="account" data-account=${account.awsAccountId}>
          <div>
            <strong>${account.name}</strong> <span class="muted">${account.awsAccountId}</span>
            ${stateBadge(account.status, account.status === 'active' ? 'Connected' : 'Credentials invalid')}
            <div class="muted">${account.method === 'role' ? 'Role' : 'Access key'} <code>${account.credentialHint}</code> · ${account.regions.join(', ')} · added ${formatDateTime(account.createdAt)}</div>
            ${account.statusReason === undefined ? nothing : html`<p class="reason">${account.statusReason}</p>`}
          </div>
          <button class="danger" @click=${() => this.#delete(account)} aria-label=${`Delete account ${account.name}`} data-testid="delete-account">Delete</button>
        </li>`,
      )}
    </ul>`;
  }

  async #delete(account: AccountView): Promise<void> {
    this.deleting = account;
    this.deleteError = undefined;
    this.deleted = undefined;
    await this.updateComplete;
    if (!(await this.confirm.ask())) return;
    try {
      await tenantApi.deleteAccount(account.id);
      this.deleted = `${account.name} (${account.awsAccountId})`;
      await this.#accounts.run();
    } catch (error) {
      this.deleteError = error;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-accounts-page': ChAccountsPage;
  }
}
