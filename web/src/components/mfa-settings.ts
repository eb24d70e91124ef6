import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { authApi } from '../api/auth-api.js';
import type { MfaEnrolment, MfaStatus } from '../api/types.js';
import { session } from '../lib/session.js';
import { qrPath } from '../lib/qr-path.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './copy-button.js';
import './problem-alert.js';

/**
 * Two-factor sign-in in Settings: turn it on (a new secret, shown once as a QR code, an
 * otpauth:// link and as text for the authenticator app, confirmed with a first code; then ten recovery codes, shown
 * once), or off (password and a code). Says so when the organization requires it.
 */
@customElement('ch-mfa-settings')
export class ChMfaSettings extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .secret { font-family: monospace; word-break: break-all; }
      ol.codes { columns: 2; font-family: monospace; }
      .uri { overflow-wrap: anywhere; }
      .qr { display: block; width: 12rem; height: 12rem; background: #fff; }
    `,
  ];

  @state() private enrolment: MfaEnrolment | undefined;
  @state() private recoveryCodes: string[] | undefined;
  @state() private error: unknown;
  @state() private busy = false;

  #status = new Task(this, { task: (_args, { signal }) => authApi.mfaStatus(signal), args: () => [] as const });

  override render() {
    return html`<section class="card" data-testid="mfa-settings">
      <h2>Two-factor sign-in</h2>
      ${renderTask(this.#status, (status) => this.#body(status), { what: 'your two-factor settings' })}
      ${this.error === undefined ? nothing : html`<ch-problem-alert .error=${this.error}></ch-problem-alert>`}
    </section>`;
  }

  #body(status: MfaStatus) {
    if (this.recoveryCodes !== undefined) {
      return html`<p class="notice" role="status" data-testid="mfa-enabled">Two-factor sign-in is on.</p>
        <p>Keep these recovery codes somewhere safe. Each works once, in place of a code, if you lose your device. They are shown only now.</p>
        <ol class="codes" data-testid="recovery-codes">${this.recoveryCodes.map((code) => html`<li>${code}</li>`)}</ol>
        <ch-copy-button .text=${this.recoveryCodes.join('\n')} label="Copy the codes"></ch-copy-button>
        <button type="button" class="secondary" @click=${this.#done}>I saved them</button>`;
    }
    if (status.enabled) {
      return html`<p data-testid="mfa-on">On. Signing in asks for a code from your authenticator app. Recovery codes left: ${status.recoveryCodesLeft}.</p>
        <form @submit=${this.#disable} data-testid="mfa-disable-form">
          <div class="field"><label for="mfa-password">Password</label><input id="mfa-password" name="password" type="password" autocomplete="current-password" required /></div>
          <div class="field"><label for="mfa-disable-code">Code (or a recovery code)</label><input id="mfa-disable-code" name="code" autocomplete="one-time-code" required /></div>
          ${status.required ? html`<p class="hint">Your organization requires two-factor sign-in: turning it off limits you to this page until you turn it on again.</p>` : nothing}
          <button type="submit" class="secondary" ?disabled=${this.busy}>Turn off</button>
        </form>`;
    }
    const required = status.required ? html`<p class="notice" role="alert" data-testid="mfa-required">Your organization requires two-factor sign-in. Turn it on to continue.</p>` : nothing;
    if (this.enrolment === undefined) {
      return html`${required}<p>Off. With it on, signing in also asks for a code from an authenticator app on your phone.</p>
        <button type="button" @click=${this.#enrol} ?disabled=${this.busy} data-testid="mfa-enrol">Turn on two-factor sign-in</button>`;
    }
    return html`${required}
      <p>Add this account to your authenticator app: open the link on the phone, or scan it as a QR code, or type the key.</p>
      ${this.#qr(this.enrolment.otpauthUri)}
      <p class="uri"><a href=${this.enrolment.otpauthUri} data-testid="otpauth-uri">${this.enrolment.otpauthUri}</a></p>
      <p>Key: <span class="secret" data-testid="mfa-secret">${this.enrolment.secret}</span> <ch-copy-button .text=${this.enrolment.secret} label="Copy the key"></ch-copy-button></p>
      <form @submit=${this.#confirm} data-testid="mfa-confirm-form">
        <div class="field"><label for="mfa-code">The app's code</label><input id="mfa-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required data-testid="mfa-confirm-code" /></div>
        <button type="submit" ?disabled=${this.busy}>Confirm and turn on</button>
      </form>`;
  }

  /** The otpauth:// URI as a QR code for the phone's camera (black on white, whatever the theme). */
  #qr(uri: string) {
    const { size, d } = qrPath(uri);
    return html`<svg class="qr" viewBox="0 0 ${size} ${size}" role="img" aria-label="QR code of the key for your authenticator app" data-testid="mfa-qr" shape-rendering="crispEdges">
      ${svg`<rect width=${size} height=${size} fill="#fff"></rect><path d=${d} fill="#000"></path>`}
    </svg>`;
  }

  async #run(action: () => Promise<void>): Promise<void> {
    this.error = undefined;
    this.busy = true;
    try {
      await action();
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  }

  #enrol = () => this.#run(async () => {
    this.enrolment = await authApi.mfaEnrol();
  });

  #confirm = (event: SubmitEvent) => {
    event.preventDefault();
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '').trim();
    return this.#run(async () => {
      this.recoveryCodes = (await authApi.mfaConfirm(code)).recoveryCodes;
      this.enrolment = undefined;
      await this.#refreshSession();
    });
  };

  #disable = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const code = String(form.get('code') ?? '').trim();
    const password = String(form.get('password') ?? '');
    return this.#run(async () => {
      await authApi.mfaDisable(/^\d{6}$/.test(code) ? { password, code } : { password, recoveryCode: code });
      await this.#status.run();
      await this.#refreshSession();
    });
  };

  #done = async () => {
    this.recoveryCodes = undefined;
    await this.#status.run();
  };

  /** The shell's `Me` (mfaEnrolmentRequired) changes with MFA. */
  async #refreshSession(): Promise<void> {
    session.set(await authApi.me());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-mfa-settings': ChMfaSettings;
  }
}
