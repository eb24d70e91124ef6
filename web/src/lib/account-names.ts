/** Accounts are identified by the service's id (a-…); people know them by name and AWS id. */
import { html, type TemplateResult } from 'lit';
import type { AccountView } from '../api/types.js';

/** id -> "name (123456789012)"; an id not in the list is shown as is. */
export function accountLabeller(accounts: readonly AccountView[] | undefined): (id: string) => string {
  const names = new Map((accounts ?? []).map((account) => [account.id, `${account.name} (${account.awsAccountId})`]));
  return (id) => names.get(id) ?? id;
}

/** The "Account" filter of the metrics and cost pages: every account, or one. */
export function accountFilter(accounts: readonly AccountView[], selectedId: string, onChange: (accountId: string) => void): TemplateResult {
  return html`<div class="field">
    <label for="account">Account</label>
    <select id="account" @change=${(event: Event) => onChange((event.target as HTMLSelectElement).value)}>
      <option value="">All accounts</option>
      ${accounts.map((account) => html`<option value=${account.id} ?selected=${account.id === selectedId}>${account.name} (${account.awsAccountId})</option>`)}
    </select>
  </div>`;
}
