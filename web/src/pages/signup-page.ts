import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { authApi } from '../api/auth-api.js';
import { fieldErrors } from '../api/error-messages.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/problem-alert.js';
import '../components/resend-form.js';

/**
 * Sign up: email, password, organization. Afterwards, "check your inbox" with a way to get the
 * link again.
 */
@customElement('ch-signup-page')
export class ChSignupPage extends LitElement {
  static override styles = [sharedStyles, pageStyles];

  @state() private email = '';
  @state() private phase: 'editing' | 'sending' | 'failed' | 'sent' = 'editing';
  @state() private error: unknown;

  override render() {
    if (this.phase === 'sent') {
      return html`<div class="card auth" data-testid="signup-done">
        <h1>Check your inbox</h1>
        <p role="status">We sent a link to <strong>${this.email}</strong>. Open it to confirm your address, then log in. The link is valid for 24 hours.</p>
        <h2>No email?</h2>
        <p class="muted">Look in the spam folder, or send it again:</p>
        <ch-resend-form .email=${this.email}></ch-resend-form>
        <p style="margin-top:1rem"><a href="/login">Go to log in</a></p>
      </div>`;
    }
    const fields = this.phase === 'failed' ? fieldErrors(this.error) : {};
    return html`<div class="card auth">
      <h1>Create your account</h1>
      <p class="muted">Monitor the health, cost and security of your AWS accounts.</p>
      <form @submit=${this.#submit} data-testid="signup-form">
        <div class="field">
          <label for="organization">Organization</label>
          <input id="organization" name="organization" autocomplete="organization" required maxlength="100" aria-describedby="organization-error" />
          ${this.#fieldError('organization', fields)}
        </div>
        <div class="field">
          <label for="email">Email address</label>
          <input id="email" name="email" type="email" autocomplete="email" required aria-describedby="email-error" />
          ${this.#fieldError('email', fields)}
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="200" aria-describedby="password-hint password-error" />
          <p class="hint" id="password-hint">At least 8 characters. A long passphrase is best.</p>
          ${this.#fieldError('password', fields)}
        </div>
        ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
        <button type="submit" ?disabled=${this.phase === 'sending'}>${this.phase === 'sending' ? 'Creating…' : 'Create account'}</button>
      </form>
      <p style="margin-top:1rem">Already have an account? <a href="/login">Log in</a></p>
    </div>`;
  }

  #fieldError(field: string, fields: Record<string, string>) {
    const message = fields[field];
    return message === undefined ? nothing : html`<p class="field-error" id="${field}-error">${message}</p>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    this.email = text('email');
    this.phase = 'sending';
    try {
      await authApi.signup({ email: this.email, password: String(form.get('password') ?? ''), organization: text('organization') });
      this.phase = 'sent';
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-signup-page': ChSignupPage;
  }
}
