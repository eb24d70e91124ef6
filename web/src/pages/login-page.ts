import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError } from '../api/api-error.js';
import { authApi } from '../api/auth-api.js';
import type { Me } from '../api/types.js';
import { router } from '../lib/router.js';
import { session } from '../lib/session.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/problem-alert.js';
import '../components/resend-form.js';

/** Only our own paths may follow a log-in (no `//evil.example`). */
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * Log in with email and password, then, for a user with MFA, a code from their authenticator app
 * (or a recovery code); goes on to `next` (the page that asked for a session), or to Settings
 * when the organization requires MFA and the user has none yet.
 *
 * @property next - where to go afterwards (a same-origin path; default "/")
 * @property reason - why the user is here: "expired" shows that the session ended
 */
@customElement('ch-login-page')
export class ChLoginPage extends LitElement {
  static override styles = [sharedStyles, pageStyles];

  @property() next = '/';
  @property() reason = '';
  @state() private email = '';
  @state() private phase: 'editing' | 'sending' | 'failed' = 'editing';
  @state() private error: unknown;
  /** Set between the password and the code: the pending sign-in (not a session). */
  @state() private mfaToken: string | undefined;
  @state() private useRecovery = false;

  override render() {
    if (this.mfaToken !== undefined) return this.#secondStep();
    const unverified = this.error instanceof ApiError && this.error.code === 'EMAIL_NOT_VERIFIED';
    return html`<div class="card auth">
      <h1>Log in</h1>
      ${this.reason === 'expired' && this.phase === 'editing' ? html`<p class="notice" role="status">Your session has ended. Log in again to continue.</p>` : nothing}
      <form @submit=${this.#submit} data-testid="login-form">
        <div class="field">
          <label for="email">Email address</label>
          <input id="email" name="email" type="email" autocomplete="username" required .value=${this.email} @input=${(event: Event) => (this.email = (event.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
        <button type="submit" ?disabled=${this.phase === 'sending'}>${this.phase === 'sending' ? 'Logging in…' : 'Log in'}</button>
      </form>
      ${unverified ? html`<h2 style="margin-top:1rem">Send the confirmation link again</h2><ch-resend-form .email=${this.email}></ch-resend-form>` : nothing}
      <p style="margin-top:1rem"><a href="/reset" data-testid="forgot-password">Forgot your password?</a></p>
      <p>New here? <a href="/signup">Create an account</a></p>
    </div>`;
  }

  #secondStep() {
    return html`<div class="card auth">
      <h1>Two-factor sign-in</h1>
      <form @submit=${this.#submitCode} data-testid="mfa-form">
        ${this.useRecovery
          ? html`<div class="field">
              <label for="recovery">Recovery code</label>
              <input id="recovery" name="recoveryCode" autocomplete="off" required placeholder="xxxx-xxxx-xxxx-xxxx" />
              <p class="hint">Each recovery code works once.</p>
            </div>`
          : html`<div class="field">
              <label for="code">Code from your authenticator app</label>
              <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required data-testid="mfa-code" />
            </div>`}
        ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
        <button type="submit" ?disabled=${this.phase === 'sending'}>${this.phase === 'sending' ? 'Checking…' : 'Continue'}</button>
      </form>
      <p style="margin-top:1rem">
        <button type="button" class="link" @click=${() => ((this.useRecovery = !this.useRecovery), (this.phase = 'editing'))}>
          ${this.useRecovery ? 'Use a code from the app' : 'Lost your device? Use a recovery code'}
        </button>
      </p>
    </div>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.phase = 'sending';
    try {
      const reply = await authApi.login({ email: this.email.trim(), password: String(form.get('password') ?? '') });
      if ('status' in reply && reply.status === 'mfa_required') {
        this.mfaToken = reply.mfaToken;
        this.phase = 'editing';
        return;
      }
      this.#signedIn(reply as Me);
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }

  async #submitCode(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const mfaToken = this.mfaToken;
    if (mfaToken === undefined) return;
    this.phase = 'sending';
    try {
      const me = await authApi.loginMfa(
        this.useRecovery ? { mfaToken, recoveryCode: String(form.get('recoveryCode') ?? '').trim() } : { mfaToken, code: String(form.get('code') ?? '').trim() },
      );
      this.#signedIn(me);
    } catch (error) {
      // An expired or used-up pending sign-in: back to the password.
      if (error instanceof ApiError && error.code === 'INVALID_TOKEN') this.mfaToken = undefined;
      this.error = error;
      this.phase = 'failed';
    }
  }

  #signedIn(me: Me): void {
    session.set(me);
    router.navigate(me.mfaEnrolmentRequired ? '/settings' : safeNext(this.next), { replace: true });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-login-page': ChLoginPage;
  }
}
