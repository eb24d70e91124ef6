import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { fieldErrors } from '../api/error-messages.js';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView } from '../api/types.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import './problem-alert.js';

/**
 * A monthly budget per connected account (admins; PUT /api/accounts/:id/budget). Each budget
 * alerts at 50, 80 and 100 % of the month's actual spend and of its forecast, once a month each;
 * the cost page shows where each stands. An empty field removes the account's budget.
 */
@customElement('ch-account-budgets')
export class ChAccountBudgets extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .row { display: flex; gap: 0.5rem; align-items: flex-end; flex-wrap: wrap; margin-bottom: 0.75rem; }
      .row .field { margin: 0; flex: 1 1 12rem; }
    `,
  ];

  /** The account whose save is in flight, the last saved one, and the failure to show. */
  @state() private saving: string | undefined;
  @state() private saved: string | undefined;
  @state() private failed: { accountId: string; error: unknown } | undefined;

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });

  override render() {
    return html`<section class="card" data-testid="account-budgets" aria-labelledby="account-budgets-title">
      <h2 id="account-budgets-title">Budgets per account</h2>
      <p class="hint">We email you when an account's spend this month reaches 50, 80 and 100 % of its budget, and when its forecast does; each once a month. Leave empty for no budget.</p>
      ${renderTask(this.#accounts, (accounts) => this.#list(accounts), { what: 'your accounts' })}
    </section>`;
  }

  #list(accounts: AccountView[]) {
    if (accounts.length === 0) return html`<p class="muted">Connect an account first.</p>`;
    return html`${accounts.map((account) => {
      const failure = this.failed?.accountId === account.id ? this.failed.error : undefined;
      const fields = failure === undefined ? {} : fieldErrors(failure);
      const inputId = `budget-${account.id}`;
      return html`<form class="row" data-testid="account-budget-form" @submit=${(event: SubmitEvent) => this.#save(event, account)}>
          <div class="field">
            <label for=${inputId}>${account.name} (${account.awsAccountId}), USD a month</label>
            <input id=${inputId} name="monthlyBudgetUsd" type="number" inputmode="decimal" min="0.01" max="1000000000" step="any" data-testid="account-budget"
              .value=${account.monthlyBudgetUsd === undefined ? '' : String(account.monthlyBudgetUsd)} aria-describedby=${`${inputId}-error`} />
            ${fields['monthlyBudgetUsd'] === undefined ? nothing : html`<p class="field-error" id=${`${inputId}-error`}>${fields['monthlyBudgetUsd']}</p>`}
          </div>
          <button type="submit" class="secondary" ?disabled=${this.saving === account.id} data-testid="save-account-budget">${this.saving === account.id ? 'Saving…' : 'Save'}</button>
          ${this.saved === account.id ? html`<span class="notice" role="status" data-testid="account-budget-saved">Saved.</span>` : nothing}
        </form>
        ${failure === undefined || Object.keys(fields).length > 0 ? nothing : html`<ch-problem-alert .error=${failure}></ch-problem-alert>`}`;
    })}`;
  }

  async #save(event: SubmitEvent, account: AccountView): Promise<void> {
    event.preventDefault();
    const text = String(new FormData(event.target as HTMLFormElement).get('monthlyBudgetUsd') ?? '').trim();
    this.saving = account.id;
    this.saved = undefined;
    this.failed = undefined;
    try {
      await tenantApi.setAccountBudget(account.id, { monthlyBudgetUsd: text === '' ? null : Number(text) });
      await this.#accounts.run();
      this.saved = account.id;
    } catch (error) {
      this.failed = { accountId: account.id, error };
    } finally {
      this.saving = undefined;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-account-budgets': ChAccountBudgets;
  }
}
