import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { authApi } from '../api/auth-api.js';
import { fieldErrors } from '../api/error-messages.js';
import type { SessionView } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import './problem-alert.js';

/**
 * The settings page's security part: change the password (other sessions are signed out), and
 * the list of signed-in sessions with "sign out" for one and "sign out everywhere else".
 */
@customElement('ch-account-security')
export class ChAccountSecurity extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .card { margin-top: 1rem; max-width: 40rem; box-sizing: border-box; }
      table { width: 100%; border-collapse: collapse; }
      td, th { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--border, #e4e7eb); }
    `,
  ];

  @state() private phase: 'editing' | 'saving' | 'saved' | 'failed' = 'editing';
  @state() private error: unknown;
  @state() private saved = '';
  @state() private sessionError: unknown;

  #sessions = new Task(this, { task: (_args, { signal }) => authApi.sessions(signal), args: () => [] as const });

  override render() {
    const fields = this.phase === 'failed' ? fieldErrors(this.error) : {};
    return html`<form class="card" @submit=${this.#change} data-testid="password-form">
        <h2>Password</h2>
        <div class="field">
          <label for="current-password">Current password</label>
          <input id="current-password" name="currentPassword" type="password" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for="new-password">New password</label>
          <input id="new-password" name="newPassword" type="password" autocomplete="new-password" minlength="8" required aria-describedby="new-password-error" />
          ${fields['newPassword'] === undefined ? nothing : html`<p class="field-error" id="new-password-error">${fields['newPassword']}</p>`}
        </div>
        ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
        ${this.phase === 'saved' ? html`<p class="notice" role="status" data-testid="password-changed">${this.saved}</p>` : nothing}
        <button type="submit" ?disabled=${this.phase === 'saving'}>${this.phase === 'saving' ? 'Saving…' : 'Change password'}</button>
      </form>
      <section class="card" data-testid="sessions">
        <h2>Where you are signed in</h2>
        ${renderTask(this.#sessions, (sessions) => this.#table(sessions), { what: 'your sessions' })}
        ${this.sessionError === undefined ? nothing : html`<ch-problem-alert .error=${this.sessionError}></ch-problem-alert>`}
        <button type="button" class="secondary" data-testid="sign-out-everywhere" @click=${this.#endOthers}>Sign out everywhere else</button>
      </section>
      <p class="card"><a href="/team" data-testid="team-link">Team</a>: the people of this organization and their roles.
        <br /><a href="/audit" data-testid="audit-link">Audit trail</a>: who signed in and what changed.</p>`;
  }

  #table(sessions: SessionView[]) {
    return html`<table>
      <thead><tr><th>Browser</th><th>Signed in</th><th></th></tr></thead>
      <tbody>
        ${sessions.map(
          (s) => html`<tr data-testid="session-row">
            <td>${s.userAgent ?? 'Unknown browser'}${s.current ? html` <strong>(this browser)</strong>` : nothing}</td>
            <td>${formatDateTime(s.createdAt)}</td>
            <td>${s.current ? nothing : html`<button type="button" class="secondary" @click=${() => this.#end(s.id)}>Sign out</button>`}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  async #change(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    this.phase = 'saving';
    try {
      const result = await authApi.changePassword({ currentPassword: String(form.get('currentPassword') ?? ''), newPassword: String(form.get('newPassword') ?? '') });
      formElement.reset();
      this.saved = `Password changed. ${result.sessionsEnded === 1 ? 'One other session was' : `${result.sessionsEnded} other sessions were`} signed out.`;
      this.phase = 'saved';
      await this.#sessions.run();
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }

  async #end(id: string): Promise<void> {
    await this.#guard(() => authApi.endSession(id));
  }

  async #endOthers(): Promise<void> {
    await this.#guard(() => authApi.endOtherSessions());
  }

  async #guard(action: () => Promise<unknown>): Promise<void> {
    this.sessionError = undefined;
    try {
      await action();
    } catch (error) {
      this.sessionError = error;
    }
    await this.#sessions.run();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-account-security': ChAccountSecurity;
  }
}
