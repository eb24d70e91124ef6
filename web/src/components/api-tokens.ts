import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tokensApi } from '../api/members-api.js';
import type { ApiTokenView } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import './problem-alert.js';

/**
 * API tokens for scripts (admins): the list with last use and "Revoke", and a form that creates
 * one and shows its secret once (`Authorization: Bearer cht_…`).
 */
@customElement('ch-api-tokens')
export class ChApiTokens extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      table { width: 100%; border-collapse: collapse; }
      td, th { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--border, #e4e7eb); }
      code { word-break: break-all; }
    `,
  ];

  @state() private created: string | undefined;
  @state() private error: unknown;

  #tokens = new Task(this, { task: (_args, { signal }) => tokensApi.list(signal), args: () => [] as const });

  override render() {
    return html`<section class="card" data-testid="api-tokens">
      <h2>API tokens</h2>
      ${renderTask(this.#tokens, (tokens) => this.#table(tokens), { what: 'your API tokens' })}
      <form @submit=${this.#create} data-testid="token-form">
        <div class="field"><label for="token-name">Token name</label><input id="token-name" name="name" required maxlength="100" /></div>
        <div class="field">
          <label for="token-scope">Scope</label>
          <select id="token-scope" name="scope"><option value="read">Read only</option><option value="admin">Admin</option></select>
        </div>
        ${this.error === undefined ? nothing : html`<ch-problem-alert .error=${this.error}></ch-problem-alert>`}
        ${this.created === undefined
          ? nothing
          : html`<p class="notice" role="status">Copy it now, it is not shown again: <code data-testid="new-token">${this.created}</code></p>`}
        <button type="submit">Create token</button>
      </form>
    </section>`;
  }

  #table(tokens: ApiTokenView[]) {
    if (tokens.length === 0) return html`<p>No tokens yet.</p>`;
    return html`<table>
      <thead><tr><th>Name</th><th>Scope</th><th>Last used</th><th></th></tr></thead>
      <tbody>
        ${tokens.map(
          (k) => html`<tr data-testid="token-row">
            <td>${k.name}</td><td>${k.scope}</td><td>${k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</td>
            <td><button type="button" class="secondary" @click=${() => this.#revoke(k.id)}>Revoke</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  async #create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    this.error = undefined;
    try {
      const created = await tokensApi.create(String(form.get('name') ?? '').trim(), String(form.get('scope')) as ApiTokenView['scope']);
      this.created = created.token;
      formElement.reset();
      await this.#tokens.run();
    } catch (error) {
      this.error = error;
    }
  }

  async #revoke(id: string): Promise<void> {
    this.error = undefined;
    try {
      await tokensApi.revoke(id);
    } catch (error) {
      this.error = error;
    }
    await this.#tokens.run();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-api-tokens': ChApiTokens;
  }
}
