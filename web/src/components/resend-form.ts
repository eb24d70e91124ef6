import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { authApi } from '../api/auth-api.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './problem-alert.js';

/**
 * "Send the verification email again": POST /api/auth/resend, which answers 202 whether or not
 * the address is registered, so the message never reveals who has an account.
 *
 * @property email - the address to prefill
 */
@customElement('ch-resend-form')
export class ChResendForm extends LitElement {
  static override styles = [sharedStyles];

  @property() email = '';
  @state() private phase: 'idle' | 'sending' | 'sent' | 'failed' = 'idle';
  @state() private error: unknown;

  override render() {
    return html`<form @submit=${this.#submit} data-testid="resend-form">
      <div class="field">
        <label for="resend-email">Email address</label>
        <input id="resend-email" type="email" autocomplete="email" required .value=${this.email} @input=${(event: Event) => (this.email = (event.target as HTMLInputElement).value)} />
      </div>
      ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
      ${this.phase === 'sent' ? html`<p class="notice" role="status">If that address has an unverified account, a new link is on its way. It is valid for 24 hours.</p>` : nothing}
      <button class="secondary" type="submit" ?disabled=${this.phase === 'sending'}>Send the link again</button>
    </form>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    this.phase = 'sending';
    try {
      await authApi.resend(this.email.trim());
      this.phase = 'sent';
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-resend-form': ChResendForm;
  }
}
