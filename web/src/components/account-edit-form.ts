import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fieldErrors } from '../api/error-messages.js';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView, UpdateAccountRequest } from '../api/types.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './problem-alert.js';

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1'];

/**
 * Update a connected account: its name, its regions, a new role ARN (same AWS account; the
 * External ID stays yours) or rotated access keys. New credentials or regions are checked with
 * AWS before they are saved; the account is collected again at once.
 *
 * @property account - the account to edit
 * @fires account-updated - CustomEvent<AccountView>: the change was saved
 * @fires cancel - the user closed the form without saving
 */
@customElement('ch-account-edit-form')
export class ChAccountEditForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      form { max-width: 36rem; margin-top: 0.75rem; }
      .regions { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0 1rem; }
      .actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
    `,
  ];

  @property({ attribute: false }) account!: AccountView;
  @state() private name = '';
  @state() private regions = new Set<string>();
  @state() private roleArn = '';
  @state() private accessKeyId = '';
  @state() private secretAccessKey = '';
  @state() private phase: 'editing' | 'saving' | 'failed' = 'editing';
  @state() private error: unknown;
  @state() private problems: Record<string, string> = {};

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('account') && this.account) {
      this.name = this.account.name;
      this.regions = new Set(this.account.regions);
    }
  }

  override render() {
    const server = this.phase === 'failed' ? fieldErrors(this.error) : {};
    const shown = (field: string) => this.problems[field] ?? server[field];
    const choices = [...new Set([...REGIONS, ...this.account.regions])];
    return html`<form novalidate @submit=${this.#submit} data-testid="edit-form" aria-label=${`Update ${this.account.name}`}>
      <div class="field">
        <label for="edit-name">Account name</label>
        <input id="edit-name" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} aria-invalid=${shown('name') !== undefined} />
        ${this.#error('name', shown('name'))}
      </div>
      <fieldset>
        <legend>Regions to monitor</legend>
        <div class="regions">
          ${choices.map((region) => html`<label class="check"><input type="checkbox" data-region=${region} .checked=${this.regions.has(region)} @change=${(e: Event) => this.#toggle(region, (e.target as HTMLInputElement).checked)} /> ${region}</label>`)}
        </div>
        ${this.#error('regions', shown('regions'))}
      </fieldset>
      ${this.account.method === 'role'
        ? html`<div class="field">
            <label for="edit-role">New role ARN <span class="muted">(optional)</span></label>
            <input id="edit-role" spellcheck="false" autocomplete="off" .value=${this.roleArn} @input=${(e: Event) => (this.roleArn = (e.target as HTMLInputElement).value)} placeholder=${this.account.credentialHint} aria-invalid=${shown('roleArn') !== undefined} />
            <p class="hint">A role in the same AWS account (${this.account.awsAccountId}). The External ID stays the same.</p>
            ${this.#error('roleArn', shown('roleArn'))}
          </div>`
        : html`<div class="field">
              <label for="edit-key">New access key ID <span class="muted">(optional: rotate the keys)</span></label>
              <input id="edit-key" spellcheck="false" autocomplete="off" .value=${this.accessKeyId} @input=${(e: Event) => (this.accessKeyId = (e.target as HTMLInputElement).value)} aria-invalid=${shown('accessKeyId') !== undefined} />
              ${this.#error('accessKeyId', shown('accessKeyId'))}
            </div>
            <div class="field">
              <label for="edit-secret">New secret access key</label>
              <input id="edit-secret" type="password" autocomplete="off" .value=${this.secretAccessKey} @input=${(e: Event) => (this.secretAccessKey = (e.target as HTMLInputElement).value)} aria-invalid=${shown('secretAccessKey') !== undefined} />
              ${this.#error('secretAccessKey', shown('secretAccessKey'))}
            </div>`}
      ${this.phase === 'saving' ? html`<p class="muted" role="status"><span class="spinner" aria-hidden="true"></span> Checking with AWS…</p>` : nothing}
      ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
      <div class="actions">
        <button type="submit" ?disabled=${this.phase === 'saving'} data-testid="edit-submit">Save changes</button>
        <button type="button" class="secondary" @click=${() => this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }))}>Cancel</button>
      </div>
    </form>`;
  }

  #error(field: string, message: string | undefined) {
    return message === undefined ? nothing : html`<p class="field-error">${message}</p>`;
  }

  #toggle(region: string, on: boolean): void {
    const next = new Set(this.regions);
    if (on) next.add(region);
    else next.delete(region);
    this.regions = next;
  }

  /** Only what changed is sent: a rename needs no AWS check. */
  #body(): { body: UpdateAccountRequest; problems: Record<string, string> } {
    const problems: Record<string, string> = {};
    const body: UpdateAccountRequest = {};
    const name = this.name.trim();
    if (name === '') problems['name'] = 'Give the account a name you will recognise.';
    else if (name !== this.account.name) body.name = name;
    const regions = [...this.regions];
    if (regions.length === 0) problems['regions'] = 'Pick at least one region.';
    else if (regions.length !== this.account.regions.length || regions.some((r) => !this.account.regions.includes(r))) body.regions = regions;
    const roleArn = this.roleArn.trim();
    if (roleArn !== '') {
      if (!ROLE_ARN.test(roleArn)) problems['roleArn'] = 'A role ARN looks like arn:aws:iam::123456789012:role/CloudHealthMonitor.';
      else body.roleArn = roleArn;
    }
    const keyId = this.accessKeyId.trim();
    const secret = this.secretAccessKey.trim();
    if (keyId !== '' || secret !== '') {
      if (!ACCESS_KEY_ID.test(keyId)) problems['accessKeyId'] = 'An access key ID is 16 or more capital letters and digits, e.g. AKIA…';
      if (secret.length < 16) problems['secretAccessKey'] = 'Paste the whole secret access key.';
      body.accessKeyId = keyId;
      body.secretAccessKey = secret;
    }
    return { body, problems };
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const { body, problems } = this.#body();
    this.problems = problems;
    if (Object.keys(problems).length > 0) return;
    if (Object.keys(body).length === 0) {
      this.dispatchEvent(new CustomEvent('cancel', { bubbles: true, composed: true }));
      return;
    }
    this.phase = 'saving';
    try {
      const updated = await tenantApi.updateAccount(this.account.id, body);
      this.phase = 'editing';
      this.roleArn = this.accessKeyId = this.secretAccessKey = '';
      this.dispatchEvent(new CustomEvent<AccountView>('account-updated', { detail: updated, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-account-edit-form': ChAccountEditForm;
  }
}
