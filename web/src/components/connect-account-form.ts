import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { fieldErrors } from '../api/error-messages.js';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView, ConnectAccountRequest } from '../api/types.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './problem-alert.js';

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ACCESS_KEY_ID = /^[A-Z0-9]{16,128}$/;
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1'];

/**
 * Connect an AWS account by role ARN (preferred) or access keys. Fields are checked as they are
 * typed; on submit the server validates the credentials live with STS and this shows the result.
 *
 * @fires account-connected - CustomEvent<AccountView>: the account was validated and saved
 */
@customElement('ch-connect-account-form')
export class ChConnectAccountForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      form { max-width: 36rem; }
      .methods { display: flex; gap: 0.25rem 1.5rem; flex-wrap: wrap; }
      .regions { display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 0 1rem; }
      .validating { color: var(--ch-muted); }
    `,
  ];

  @state() private method: 'role' | 'keys' = 'role';
  @state() private name = '';
  @state() private roleArn = '';
  @state() private accessKeyId = '';
  @state() private secretAccessKey = '';
  @state() private regions = new Set(['us-east-1']);
  @state() private touched = new Set<string>();
  @state() private phase: 'editing' | 'validating' | 'failed' | 'connected' = 'editing';
  @state() private error: unknown;
  @state() private connected: AccountView | undefined;

  override render() {
    const problems = this.#problems();
    const server = this.phase === 'failed' ? fieldErrors(this.error) : {};
    const shown = (field: string) => (this.touched.has(field) ? problems[field] : undefined) ?? server[field];
    return html`<form novalidate @submit=${this.#submit} data-testid="connect-form" aria-describedby="form-status">
      <div class="field">
        <label for="name">Account name</label>
        <input id="name" name="name" autocomplete="off" .value=${this.name} @input=${this.#input('name')} @blur=${this.#touch('name')} aria-invalid=${shown('name') !== undefined} aria-describedby="name-error" placeholder="Production" />
        ${this.#error('name', shown('name'))}
      </div>
      <fieldset>
        <legend>How Cloud Health signs in</legend>
        <div class="methods">
          <label class="check"><input type="radio" name="method" value="role" .checked=${this.method === 'role'} @change=${() => (this.method = 'role')} /> IAM role (recommended)</label>
          <label class="check"><input type="radio" name="method" value="keys" .checked=${this.method === 'keys'} @change=${() => (this.method = 'keys')} /> Access keys</label>
        </div>
      </fieldset>
      ${this.method === 'role'
        ? html`<div class="field">
            <label for="roleArn">Role ARN</label>
            <input id="roleArn" name="roleArn" autocomplete="off" spellcheck="false" .value=${this.roleArn} @input=${this.#input('roleArn')} @blur=${this.#touch('roleArn')} aria-invalid=${shown('roleArn') !== undefined} aria-describedby="roleArn-hint roleArn-error" placeholder="arn:aws:iam::123456789012:role/CloudHealth" />
            <p class="hint" id="roleArn-hint">From the role's summary page in the IAM console.</p>
            ${this.#error('roleArn', shown('roleArn'))}
          </div>`
        : html`<div class="field">
              <label for="accessKeyId">Access key ID</label>
              <input id="accessKeyId" name="accessKeyId" autocomplete="off" spellcheck="false" .value=${this.accessKeyId} @input=${this.#input('accessKeyId')} @blur=${this.#touch('accessKeyId')} aria-invalid=${shown('accessKeyId') !== undefined} aria-describedby="accessKeyId-error" />
              ${this.#error('accessKeyId', shown('accessKeyId'))}
            </div>
            <div class="field">
              <label for="secretAccessKey">Secret access key</label>
              <input id="secretAccessKey" name="secretAccessKey" type="password" autocomplete="off" .value=${this.secretAccessKey} @input=${this.#input('secretAccessKey')} @blur=${this.#touch('secretAccessKey')} aria-invalid=${shown('secretAccessKey') !== undefined} aria-describedby="secret-hint secretAccessKey-error" />
              <p class="hint" id="secret-hint">Stored encrypted; never shown again. Prefer a role: keys do not expire on their own.</p>
              ${this.#error('secretAccessKey', shown('secretAccessKey'))}
            </div>`}
      <fieldset>
        <legend>Regions to monitor</legend>
        <div class="regions">
          ${REGIONS.map((region) => html`<label class="check"><input type="checkbox" .checked=${this.regions.has(region)} @change=${(event: Event) => this.#toggleRegion(region, (event.target as HTMLInputElement).checked)} /> ${region}</label>`)}
        </div>
        ${this.#error('regions', problems['regions'] ?? server['regions'])}
      </fieldset>
      <div id="form-status">
        ${this.phase === 'validating' ? html`<p class="validating" role="status" data-testid="validating"><span class="spinner" aria-hidden="true"></span> Checking the credentials with AWS STS…</p>` : nothing}
        ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
        ${this.phase === 'connected' && this.connected !== undefined
          ? html`<p class="notice" role="status" data-testid="connected">AWS accepted the credentials: <strong>${this.connected.name}</strong> (${this.connected.awsAccountId}) is connected. Its first data appears on the <a href="/">overview</a> within a few minutes.</p>`
          : nothing}
      </div>
      <button type="submit" ?disabled=${this.phase === 'validating'} data-testid="connect-submit">Connect account</button>
    </form>`;
  }

  #error(field: string, message: string | undefined) {
    return html`<p class="field-error" id="${field}-error" ?hidden=${message === undefined}>${message ?? ''}</p>`;
  }

  #input(field: 'name' | 'roleArn' | 'accessKeyId' | 'secretAccessKey') {
    return (event: Event) => {
      this[field] = (event.target as HTMLInputElement).value;
      if (this.phase !== 'validating') this.phase = 'editing';
    };
  }

  #touch(field: string) {
    return () => (this.touched = new Set([...this.touched, field]));
  }

  #toggleRegion(region: string, on: boolean): void {
    const next = new Set(this.regions);
    if (on) next.add(region);
    else next.delete(region);
    this.regions = next;
  }

  /** Client-side checks, by field; the server checks again (and with AWS). */
  #problems(): Record<string, string> {
    const problems: Record<string, string> = {};
    if (this.name.trim() === '') problems['name'] = 'Give the account a name you will recognise.';
    if (this.method === 'role' && !ROLE_ARN.test(this.roleArn.trim())) problems['roleArn'] = 'A role ARN looks like arn:aws:iam::123456789012:role/CloudHealth.';
    if (this.method === 'keys') {
      if (!ACCESS_KEY_ID.test(this.accessKeyId.trim())) problems['accessKeyId'] = 'An access key ID is 16 or more capital letters and digits, e.g. AKIA…';
      if (this.secretAccessKey.trim().length < 16) problems['secretAccessKey'] = 'Paste the whole secret access key.';
    }
    if (this.regions.size === 0) problems['regions'] = 'Pick at least one region.';
    return problems;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const problems = this.#problems();
    if (Object.keys(problems).length > 0) {
      this.touched = new Set(Object.keys(problems));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>(`#${Object.keys(problems)[0]}`)?.focus();
      return;
    }
    const regions = [...this.regions];
    const body: ConnectAccountRequest =
      this.method === 'role'
        ? { name: this.name.trim(), roleArn: this.roleArn.trim(), regions }
        : { name: this.name.trim(), accessKeyId: this.accessKeyId.trim(), secretAccessKey: this.secretAccessKey.trim(), regions };
    this.phase = 'validating';
    try {
      this.connected = await tenantApi.connectAccount(body);
      this.phase = 'connected';
      this.name = this.roleArn = this.accessKeyId = this.secretAccessKey = '';
      this.touched = new Set();
      this.dispatchEvent(new CustomEvent<AccountView>('account-connected', { detail: this.connected, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-connect-account-form': ChConnectAccountForm;
  }
}
