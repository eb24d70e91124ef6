import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView, Onboarding, PermissionReport } from '../api/types.js';
import type { ChConfirmDialog } from '../components/confirm-dialog.js';
import { stateBadge } from '../lib/badges.js';
import { formatDateTime, formatUsd } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/account-check.js';
import '../components/account-edit-form.js';
import '../components/confirm-dialog.js';
import '../components/connect-account-form.js';
import '../components/onboarding-steps.js';
import '../components/problem-alert.js';

/**
 * Accounts: the connected AWS accounts, each with update, permission check and delete (after a
 * confirmation); the onboarding steps for a new one and the form that connects it. A newly
 * connected account is checked at once.
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
      .account-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
      .account-body { flex: 1 1 20rem; min-width: 0; }
      .account-extra { flex-basis: 100%; min-width: 0; }
      label.paid { font-size: 0.875rem; }
    `,
  ];

  @state() private deleting: AccountView | undefined;
  @state() private deleteError: unknown;
  @state() private deleted: string | undefined;
  /** The account whose edit form is open. */
  @state() private editing: string | undefined;
  @state() private savedName: string | undefined;
  /** Permission check per account: running, its report, or its error. */
  @state() private checks = new Map<string, { running: boolean; report?: PermissionReport; error?: unknown }>();
  @state() private includePaid = false;
  @query('ch-confirm-dialog') private confirm!: ChConfirmDialog;

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });
  #onboarding = new Task(this, { task: (_args, { signal }) => tenantApi.onboarding(signal), args: () => [] as const });

  override render() {
    return html`<div class="page-head"><h1>AWS accounts</h1></div>
      <section aria-labelledby="connected-title">
        <h2 id="connected-title">Connected accounts</h2>
        ${this.deleted === undefined ? nothing : html`<p class="notice" role="status">Deleted ${this.deleted}. Its monitoring has stopped.</p>`}
        ${this.savedName === undefined ? nothing : html`<p class="notice" role="status" data-testid="account-updated">Saved ${this.savedName}. It is being collected again now.</p>`}
        <ch-problem-alert .error=${this.deleteError}></ch-problem-alert>
        ${renderTask(this.#accounts, (accounts) => this.#list(accounts), { what: 'accounts' })}
      </section>
      <section class="card" aria-labelledby="connect-title">
        <h2 id="connect-title">Connect an AWS account</h2>
        ${renderTask(
          this.#onboarding,
          (onboarding) => html`<ch-onboarding-steps .onboarding=${onboarding}></ch-onboarding-steps>${monitoringFeeNote(onboarding.monitoringFee)}`,
          { what: 'the onboarding steps' },
        )}
        <div style="margin-top:1.25rem">
          <ch-connect-account-form @account-connected=${(e: CustomEvent<AccountView>) => void this.#connected(e.detail)}></ch-connect-account-form>
        </div>
      </section>
      <ch-confirm-dialog heading="Delete this account?" confirmLabel="Delete account" danger>
        <p>Cloud Health stops monitoring <strong>${this.deleting?.name}</strong> (${this.deleting?.awsAccountId}) and forgets its credentials. Its stored data expires on its own. The IAM role in your account is not touched.</p>
      </ch-confirm-dialog>`;
  }

  #list(accounts: AccountView[]) {
    if (accounts.length === 0) return html`<p class="muted" data-testid="no-accounts">None yet. Follow the steps below to connect one.</p>`;
    return html`<ul class="accounts" data-testid="accounts">
      ${accounts.map((account) => {
        const check = this.checks.get(account.id);
        return html`<li class="card account" data-testid="account" data-account=${account.awsAccountId}>
          <div class="account-body">
            <strong>${account.name}</strong> <span class="muted">${account.awsAccountId}</span>
            ${stateBadge(account.status, account.status === 'active' ? 'Connected' : 'Access refused')}
            <div class="muted">${account.method === 'role' ? 'Role' : 'Access key'} <code>${account.credentialHint}</code> · ${account.regions.join(', ')} · connected ${formatDateTime(account.createdAt)}</div>
            ${account.status === 'credentials_invalid'
              ? html`<p class="reason">AWS refused the ${account.method === 'role' ? 'role' : 'keys'}${account.statusReason ? ` (${account.statusReason})` : ''}: collection is paused. Fix the role's trust policy, or update the account below.</p>`
              : nothing}
          </div>
          <div class="account-actions">
            <button class="secondary" @click=${() => (this.editing = this.editing === account.id ? undefined : account.id)} aria-expanded=${this.editing === account.id} data-testid="edit-account">Update</button>
            <button class="secondary" ?disabled=${check?.running === true} @click=${() => void this.#check(account)} data-testid="check-account">Check permissions</button>
            <button class="danger" @click=${() => this.#delete(account)} aria-label=${`Delete account ${account.name}`} data-testid="delete-account">Delete</button>
          </div>
          <div class="account-extra">
            ${this.editing === account.id
              ? html`<ch-account-edit-form .account=${account} @account-updated=${(e: CustomEvent<AccountView>) => void this.#saved(e.detail)} @cancel=${() => (this.editing = undefined)}></ch-account-edit-form>`
              : nothing}
            ${check === undefined
              ? nothing
              : html`<label class="check paid"><input type="checkbox" .checked=${this.includePaid} @change=${(e: Event) => (this.includePaid = (e.target as HTMLInputElement).checked)} /> Also check Cost Explorer (billed by AWS: $0.04 for the four calls)</label>
                  ${check.running ? html`<p class="muted" role="status"><span class="spinner" aria-hidden="true"></span> Checking each permission with AWS…</p>` : nothing}
                  <ch-problem-alert .error=${check.error}></ch-problem-alert>
                  ${check.report ? html`<ch-account-check .report=${check.report}></ch-account-check>` : nothing}`}
          </div>
        </li>`;
      })}
    </ul>`;
  }

  async #connected(account: AccountView): Promise<void> {
    await this.#accounts.run();
    await this.#check(account);
  }

  async #saved(account: AccountView): Promise<void> {
    this.editing = undefined;
    // The notice follows the reloaded list, so what it says is what the list shows.
    await this.#accounts.run();
    this.savedName = `${account.name} (${account.awsAccountId})`;
  }

  async #check(account: AccountView): Promise<void> {
    const set = (value: { running: boolean; report?: PermissionReport; error?: unknown }) => (this.checks = new Map(this.checks).set(account.id, value));
    const previous = this.checks.get(account.id)?.report;
    set({ running: true, ...(previous ? { report: previous } : {}) });
    try {
      set({ running: false, report: await tenantApi.checkAccount(account.id, this.includePaid ? { includePaid: true } : {}) });
    } catch (error) {
      set({ running: false, error, ...(previous ? { report: previous } : {}) });
    }
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

/** What an account will cost in AWS fees for its monitoring, before it is connected. */
function monitoringFeeNote(fee: Onboarding['monitoringFee']) {
  const ref = fee.reference;
  return html`<p class="muted" data-testid="fee-before-connect">
    Monitoring is billed by AWS to the account: about ${formatUsd(fee.costExplorerUsdPerAccount)} a month for Cost Explorer, plus
    ${formatUsd(fee.headlineMetricUsd)} a month per resource (its headline metric every 15 minutes) and ${formatUsd(fee.otherMetricUsd)} per other
    metric (hourly). For example, ${ref.regions} regions with ${ref.ec2Instances} instances and ${ref.headlineMetrics - ref.ec2Instances} other resources
    (${ref.headlineMetrics + ref.otherMetrics + ref.dailyMetrics} metrics) cost about <strong>${formatUsd(ref.feeUsd)}</strong> a month.
    <span data-testid="fee-one-off">Connecting also costs once about ${formatUsd(fee.oneOff.referenceUsd)} for that example: the past 24 hours of every
    metric (so charts start full) and ${fee.oneOff.costHistoryRequests} Cost Explorer requests (${formatUsd(fee.oneOff.costHistoryUsd)}) for 12 months and 90 days of cost history.</span>
    ${fee.capUsd === null ? html`You can set a monthly cap in Settings.` : html`Your cap of ${formatUsd(fee.capUsd)} a month applies: data is read less often to stay under it.`}
  </p>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-accounts-page': ChAccountsPage;
  }
}
