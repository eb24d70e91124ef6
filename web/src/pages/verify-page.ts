import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { authApi } from '../api/auth-api.js';
import { session } from '../lib/session.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/resend-form.js';

/**
 * /verify?token=… — the page the verification email links to (src/mail/mail-links.ts). Confirms
 * the address once on arrival; a used or expired link offers to send a new one.
 *
 * @property token - the token from the link's query
 */
@customElement('ch-verify-page')
export class ChVerifyPage extends LitElement {
  static override styles = [sharedStyles, pageStyles];

  @property() token = '';

  #verify = new Task(this, {
    task: async ([token], { signal }) => {
      if (token === '') return initialState;
      return (await authApi.verify(token, signal)) as { email?: string } | undefined;
    },
    args: () => [this.token] as const,
  });

  override render() {
    if (this.token === '') {
      return html`<div class="card auth">
        <h1>Confirm your email</h1>
        <p>Open the link from the email we sent you. It looks like <code>/verify?token=…</code>. No email? Send it again:</p>
        <ch-resend-form></ch-resend-form>
      </div>`;
    }
    return html`<div class="card auth" data-testid="verify">
      <h1>Confirm your email</h1>
      ${renderTask(
        this.#verify,
        (result) => html`<p class="notice" role="status" data-testid="verified">
            Your email address${result?.email === undefined ? '' : html` <strong>${result.email}</strong>`} is confirmed.
          </p>
          ${session.me === null ? html`<a class="button" href="/login">Log in</a>` : html`<a class="button" href="/">Go to the dashboard</a>`}`,
        { what: 'your confirmation' },
      )}
      ${this.#verify.error === undefined ? '' : html`<h2>Get a new link</h2><ch-resend-form></ch-resend-form>`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-verify-page': ChVerifyPage;
  }
}
