import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { authApi } from '../api/auth-api.js';
import { fieldErrors } from '../api/error-messages.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/problem-alert.js';

/**
 * /reset — "forgot my password". Without a token: ask for a link by email (the answer is the
 * same whether or not the address has an account). With ?token=… (the emailed link, single use,
 * 1 h): choose a new password; every session is signed out.
 *
 * @property token - the token from the link's query
 */
@customElement('ch-reset-page')
export class ChResetPage extends LitElement {
  static override styles = [sharedStyles, pageStyles];

  @property() token = '';
  @state() private phase: 'editing' | 'sending' | 'done' | 'failed' = 'editing';
  @state() private error: unknown;

  override render() {
    return this.token === '' ? this.#requestForm() : this.#newPasswordForm();
  }

  #requestForm() {
    return html`<div class="card auth">
      <h1>Reset your password</h1>
      ${this.phase === 'done'
        ? html`<p class="notice" role="status" data-testid="reset-requested">If an account uses that address, we sent it a link to choose a new password. It works once, for one hour.</p>`
        : html`<form @submit=${this.#request} data-testid="reset-request-form">
            <div class="field">
              <label for="email">Email address</label>
              <input id="email" name="email" type="email" autocomplete="username" required />
            </div>
            ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
            <button type="submit" ?disabled=${this.phase === 'sending'}>${this.phase === 'sending' ? 'Sending…' : 'Email me a link'}</button>
          </form>`}
      <p style="margin-top:1rem"><a href="/login">Back to log in</a></p>
    </div>`;
  }

  #newPasswordForm() {
    const fields = this.phase === 'failed' ? fieldErrors(this.error) : {};
    return html`<div class="card auth">
      <h1>Choose a new password</h1>
      ${this.phase === 'done'
        ? html`<p class="notice" role="status" data-testid="reset-done">Your password is changed and every session was signed out.</p>
            <a class="button" href="/login">Log in</a>`
        : html`<form @submit=${this.#reset} data-testid="reset-form">
            <div class="field">
              <label for="password">New password</label>
              <input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required aria-describedby="password-hint password-error" />
              <p class="hint" id="password-hint">At least 8 characters.</p>
              ${fields['password'] === undefined ? nothing : html`<p class="field-error" id="password-error">${fields['password']}</p>`}
            </div>
            ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
            <button type="submit" ?disabled=${this.phase === 'sending'}>${this.phase === 'sending' ? 'Saving…' : 'Set the new password'}</button>
          </form>
          ${this.phase === 'failed' ? html`<p><a href="/reset">Ask for a new link</a></p>` : nothing}`}
    </div>`;
  }

  async #request(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.phase = 'sending';
    try {
      await authApi.requestReset(String(form.get('email') ?? '').trim());
      this.phase = 'done';
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }

  async #reset(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.phase = 'sending';
    try {
      await authApi.reset(this.token, String(form.get('password') ?? ''));
      this.phase = 'done';
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-reset-page': ChResetPage;
  }
}
