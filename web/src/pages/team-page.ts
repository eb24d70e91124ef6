import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { authApi } from '../api/auth-api.js';
import { membersApi } from '../api/members-api.js';
import type { MemberView } from '../api/types.js';
import { titleCase } from '../lib/format.js';
import { session } from '../lib/session.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import { stackedTableStyles } from '../styles/stacked-table-styles.js';
import '../components/api-tokens.js';
import '../components/problem-alert.js';

const ROLES: { value: MemberView['role']; label: string }[] = [
  { value: 'viewer', label: 'Viewer (reads)' },
  { value: 'admin', label: 'Admin (also accounts and settings)' },
  { value: 'owner', label: 'Owner (also people)' },
];

/**
 * /team — the people of the organization, their roles and whether they sign in with MFA, and the
 * API tokens for scripts. Owners invite by email (an address that has an account joins at once),
 * change roles, remove people and can require MFA of everyone; anyone can leave. The server
 * keeps the last owner (409 LAST_OWNER).
 */
@customElement('ch-team-page')
export class ChTeamPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    stackedTableStyles,
    css`
      td, th { padding: 0.35rem 0.5rem; vertical-align: middle; }
      .email { overflow-wrap: anywhere; }
      .card, ch-api-tokens { display: block; margin-top: 1rem; }
    `,
  ];

  @state() private phase: 'editing' | 'sending' | 'sent' | 'failed' = 'editing';
  @state() private error: unknown;
  @state() private actionError: unknown;
  @state() private mfaError: unknown;
  @state() private deleteError: unknown;

  #members = new Task(this, { task: (_args, { signal }) => membersApi.list(signal), args: () => [] as const });

  override render() {
    return html`<div class="page-head"><h1>Team</h1></div>
      <div class="card">${renderTask(this.#members, (members) => this.#table(members), { what: 'the team' })}
        ${this.actionError === undefined ? nothing : html`<ch-problem-alert .error=${this.actionError}></ch-problem-alert>`}</div>
      ${session.me?.role === 'owner' ? this.#requireMfa() : nothing}
      <form class="card" @submit=${this.#invite} data-testid="invite-form">
        <h2>Invite someone</h2>
        <div class="field">
          <label for="invite-email">Email address</label>
          <input id="invite-email" name="email" type="email" required />
        </div>
        <div class="field">
          <label for="invite-role">Role</label>
          <select id="invite-role" name="role">${ROLES.map((r) => html`<option value=${r.value}>${r.label}</option>`)}</select>
        </div>
        ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
        ${this.phase === 'sent' ? html`<p class="notice" role="status" data-testid="invited">Invitation sent. It works for 7 days.</p>` : nothing}
        <button type="submit" ?disabled=${this.phase === 'sending'}>${this.phase === 'sending' ? 'Sending…' : 'Send invitation'}</button>
      </form>
      <ch-api-tokens></ch-api-tokens>
      ${session.me?.role === 'owner' ? this.#deleteOrganization() : nothing}`;
  }

  #deleteOrganization() {
    const name = session.me?.tenant.name ?? '';
    return html`<form class="card" @submit=${this.#delete} data-testid="delete-organization-form">
      <h2>Delete this organization</h2>
      <p>Deletes ${name}: its AWS accounts (monitoring stops), API tokens, alert channels and every membership. People who belong to no other organization lose their sign-in. This cannot be undone.</p>
      <div class="field">
        <label for="delete-confirm">Type the organization's name</label>
        <input id="delete-confirm" name="confirm" required pattern=${escapePattern(name)} autocomplete="off" />
      </div>
      <div class="field">
        <label for="delete-password">Your password</label>
        <input id="delete-password" name="password" type="password" autocomplete="current-password" required />
      </div>
      ${this.deleteError === undefined ? nothing : html`<ch-problem-alert .error=${this.deleteError}></ch-problem-alert>`}
      <button type="submit" class="danger">Delete the organization</button>
    </form>`;
  }

  #delete = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.deleteError = undefined;
    try {
      await membersApi.deleteOrganization(String(form.get('password') ?? ''));
    } catch (error) {
      this.deleteError = error;
      return;
    }
    // The session ended with the organization: start over from a fresh page load.
    window.location.assign('/login');
  };

  #table(members: MemberView[]) {
    const me = session.me?.user.id;
    return html`<table class="stacked" data-testid="members">
      <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Two-factor</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>
        ${members.map(
          (m) => html`<tr data-testid="member-row" data-email=${m.email}>
            <td class="email">${m.email}${m.id === me ? html` <strong>(you)</strong>` : nothing}</td>
            <td data-label="Role">
              <select aria-label="Role of ${m.email}" @change=${(event: Event) => this.#setRole(m, (event.target as HTMLSelectElement).value as MemberView['role'])}>
                ${ROLES.map((r) => html`<option value=${r.value} ?selected=${r.value === m.role}>${titleCase(r.value)}</option>`)}
              </select>
            </td>
            <td data-label="Status">${m.active ? 'Active' : 'Invited'}</td>
            <td data-label="Two-factor" data-testid="member-mfa">${m.mfa ? 'MFA' : html`<span class="muted">Off</span>`}</td>
            <td><button type="button" class="secondary" @click=${() => this.#remove(m)}>${m.id === me ? 'Leave' : 'Remove'}</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  #requireMfa() {
    const required = session.me?.tenant.requireMfa === true;
    return html`<div class="card">
      <h2>Two-factor sign-in</h2>
      <label class="check"
        ><input type="checkbox" data-testid="require-mfa" .checked=${required} @change=${(event: Event) => this.#setRequireMfa((event.target as HTMLInputElement).checked)} />
        Require two-factor sign-in of every member</label
      >
      <p class="hint">Members without it are sent to turn it on after they sign in. API tokens are not affected. Turn it on for yourself first (Settings).</p>
      ${this.mfaError === undefined ? nothing : html`<ch-problem-alert .error=${this.mfaError}></ch-problem-alert>`}
    </div>`;
  }

  async #setRequireMfa(required: boolean): Promise<void> {
    this.mfaError = undefined;
    try {
      await authApi.setMfaRequired(required);
      session.set(await authApi.me());
    } catch (error) {
      this.mfaError = error;
      this.requestUpdate();
    }
  }

  async #invite(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    this.phase = 'sending';
    try {
      await membersApi.invite({ email: String(form.get('email') ?? '').trim(), role: String(form.get('role')) as MemberView['role'] });
      formElement.reset();
      this.phase = 'sent';
      await this.#members.run();
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }

  async #setRole(member: MemberView, role: MemberView['role']): Promise<void> {
    await this.#act(() => membersApi.setRole(member.id, role));
  }

  async #remove(member: MemberView): Promise<void> {
    await this.#act(() => membersApi.remove(member.id));
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    this.actionError = undefined;
    try {
      await action();
    } catch (error) {
      this.actionError = error;
    }
    await this.#members.run();
  }
}

/** `text` as an HTML `pattern` matching exactly it (the confirmation must be the name itself). */
function escapePattern(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-team-page': ChTeamPage;
  }
}
