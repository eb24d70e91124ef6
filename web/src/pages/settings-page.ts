import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { fieldErrors } from '../api/error-messages.js';
import { tenantApi } from '../api/tenant-api.js';
import type { NotificationPreferences, Settings, SettingsUpdate } from '../api/types.js';
import { session } from '../lib/session.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/account-budgets.js';
import '../components/account-security.js';
import '../components/alert-channels.js';
import '../components/mfa-settings.js';
import '../components/problem-alert.js';

const PREFERENCES: { key: keyof NotificationPreferences; label: string; hint: string }[] = [
  { key: 'critical', label: 'Critical and high findings', hint: 'An email as soon as GuardDuty reports one.' },
  { key: 'warning', label: 'Medium findings too', hint: 'Also email for medium-severity findings.' },
  { key: 'costTips', label: 'Cost alerts', hint: 'Spikes in daily cost, and spend or its forecast reaching 50, 80 and 100 % of a budget.' },
  { key: 'alarms', label: 'CloudWatch alarms', hint: 'An email when one of your alarms enters ALARM.' },
  { key: 'alarmRecovered', label: 'Alarms back to OK', hint: 'Also email when an alarm returns to OK.' },
  { key: 'healthIssues', label: 'AWS Health issues', hint: 'An email when an AWS service issue affecting your accounts opens.' },
  { key: 'healthScheduled', label: 'Scheduled maintenance', hint: 'Also email when AWS Health announces maintenance affecting your resources.' },
  { key: 'dailyDigest', label: 'Daily digest', hint: 'One summary email a day, at the hour below.' },
];

const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

function timeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

/**
 * Settings: email address (a change is confirmed by a link sent to the new address),
 * notification preferences, the digest's hour and time zone, and the monthly budget; two-factor
 * sign-in (first when the organization requires it and the user has none).
 * Saving sends only what changed (PUT /api/settings).
 */
@customElement('ch-settings-page')
export class ChSettingsPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      form { max-width: 40rem; }
      /* The sections from other elements: the form's width, a card's gap apart (account-security spaces its own cards). */
      ch-account-budgets, ch-mfa-settings, ch-account-security, ch-alert-channels { display: block; max-width: 40rem; }
      ch-account-budgets, ch-mfa-settings, ch-alert-channels { margin-top: 1rem; }
      .two { display: grid; gap: 0 1rem; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); }
      .pref { margin-bottom: 0.5rem; }
      .pref .hint { margin: 0 0 0 1.6rem; }
    `,
  ];

  @state() private phase: 'editing' | 'saving' | 'saved' | 'failed' = 'editing';
  @state() private error: unknown;
  @state() private emailChangedTo: string | undefined;

  #settings = new Task(this, { task: (_args, { signal }) => tenantApi.settings(signal), args: () => [] as const });

  override render() {
    if (session.me?.mfaEnrolmentRequired === true) {
      // Everything else answers 403 MFA_ENROLMENT_REQUIRED until the user enrols.
      return html`<div class="page-head"><h1>Settings</h1></div><ch-mfa-settings></ch-mfa-settings>`;
    }
    return html`<div class="page-head"><h1>Settings</h1></div>
      ${renderTask(this.#settings, (settings) => this.#form(settings), { what: 'your settings' })}
      ${session.me?.role === 'owner' || session.me?.role === 'admin' ? html`<ch-account-budgets></ch-account-budgets>` : nothing}
      <ch-mfa-settings></ch-mfa-settings>
      <ch-account-security></ch-account-security>
      <ch-alert-channels></ch-alert-channels>`;
  }

  #form(settings: Settings) {
    const fields = this.phase === 'failed' ? fieldErrors(this.error) : {};
    return html`<form class="card" @submit=${(event: SubmitEvent) => this.#save(event, settings)} @change=${this.#edited} @input=${this.#edited} data-testid="settings-form">
      <h2>Email</h2>
      <div class="field">
        <label for="email">Email address</label>
        <input id="email" name="email" type="email" autocomplete="email" required .value=${settings.email} aria-describedby="email-hint email-error" />
        <p class="hint" id="email-hint">${settings.pendingEmail === undefined ? 'Changing it sends a confirmation link to the new address; alerts keep going to the current one until it is confirmed.' : html`Waiting for confirmation of <strong>${settings.pendingEmail}</strong>: open the link we sent there.`}</p>
        ${fields['email'] === undefined ? nothing : html`<p class="field-error" id="email-error">${fields['email']}</p>`}
      </div>
      <fieldset>
        <legend>Email me about</legend>
        ${PREFERENCES.map(
          (pref) => html`<div class="pref">
            <label class="check"><input type="checkbox" name=${pref.key} data-testid="pref-${pref.key}" .checked=${settings.notifications[pref.key]} aria-describedby="hint-${pref.key}" /> ${pref.label}</label>
            <p class="hint" id="hint-${pref.key}">${pref.hint}</p>
          </div>`,
        )}
      </fieldset>
      <div class="two">
        <div class="field">
          <label for="digestHour">Digest time</label>
          <select id="digestHour" name="digestHour" data-testid="digest-hour">
            ${Array.from({ length: 24 }, (_, hour) => html`<option value=${hour} ?selected=${hour === settings.digestHour}>${hourLabel(hour)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="timezone">Time zone</label>
          <input id="timezone" name="timezone" list="zones" autocomplete="off" required .value=${settings.timezone} aria-describedby="timezone-error" />
          <datalist id="zones">${timeZones().map((zone) => html`<option value=${zone}></option>`)}</datalist>
          ${fields['timezone'] === undefined ? nothing : html`<p class="field-error" id="timezone-error">${fields['timezone']}</p>`}
        </div>
      </div>
      <div class="field">
        <label for="budget">Monthly budget (USD)</label>
        <input id="budget" name="monthlyBudgetUsd" type="number" inputmode="decimal" min="1" step="any" .value=${settings.monthlyBudgetUsd === null ? '' : String(settings.monthlyBudgetUsd)} aria-describedby="budget-hint budget-error" data-testid="budget" />
        <p class="hint" id="budget-hint">For all accounts together: we email you when the month's spend, or its forecast, reaches 50, 80 and 100 % of it (each once a month). Leave empty for no budget.</p>
        ${fields['monthlyBudgetUsd'] === undefined ? nothing : html`<p class="field-error" id="budget-error">${fields['monthlyBudgetUsd']}</p>`}
      </div>
      <div class="field">
        <label for="monitoring-cap">Monthly cap on monitoring fees (USD)</label>
        <input id="monitoring-cap" name="monitoringCapUsd" type="number" inputmode="decimal" min="0.01" step="any" .value=${settings.monitoringCapUsd === null ? '' : String(settings.monitoringCapUsd)} aria-describedby="cap-hint cap-error" data-testid="monitoring-cap" />
        <p class="hint" id="cap-hint">AWS bills your account for the paid API calls monitoring makes (CloudWatch GetMetricData, Cost Explorer). Under a cap, those calls are spread out to stay below it; alarm states and GuardDuty (free) keep their pace. The overview shows the projected fee and the freshness it buys. Leave empty for no cap.</p>
        ${fields['monitoringCapUsd'] === undefined ? nothing : html`<p class="field-error" id="cap-error">${fields['monitoringCapUsd']}</p>`}
      </div>
      ${this.phase === 'failed' ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
      ${this.phase === 'saved'
        ? html`<p class="notice" role="status" data-testid="settings-saved">
            Saved.${this.emailChangedTo === undefined ? '' : html` We sent a confirmation link to <strong>${this.emailChangedTo}</strong>; the change applies once you open it.`}
          </p>`
        : nothing}
      <button type="submit" ?disabled=${this.phase === 'saving'} data-testid="save-settings">${this.phase === 'saving' ? 'Saving…' : 'Save settings'}</button>
    </form>`;
  }

  /** Any edit after a save: the "Saved." notice no longer applies. */
  #edited(): void {
    if (this.phase === 'saved') this.phase = 'editing';
  }

  async #save(event: SubmitEvent, current: Settings): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const update: SettingsUpdate = {};
    const email = String(form.get('email') ?? '').trim();
    if (email !== current.email && email !== current.pendingEmail) update.email = email;
    const notifications = Object.fromEntries(PREFERENCES.map(({ key }) => [key, form.get(key) === 'on'])) as unknown as NotificationPreferences;
    if (PREFERENCES.some(({ key }) => notifications[key] !== current.notifications[key])) update.notifications = notifications;
    const digestHour = Number(form.get('digestHour'));
    if (digestHour !== current.digestHour) update.digestHour = digestHour;
    const timezone = String(form.get('timezone') ?? '').trim();
    if (timezone !== current.timezone) update.timezone = timezone;
    const budgetText = String(form.get('monthlyBudgetUsd') ?? '').trim();
    const budget = budgetText === '' ? null : Number(budgetText);
    if (budget !== current.monthlyBudgetUsd) update.monthlyBudgetUsd = budget;
    const capText = String(form.get('monitoringCapUsd') ?? '').trim();
    const cap = capText === '' ? null : Number(capText);
    if (cap !== current.monitoringCapUsd) update.monitoringCapUsd = cap;
    if (Object.keys(update).length === 0) {
      this.emailChangedTo = undefined;
      this.phase = 'saved';
      return;
    }
    this.phase = 'saving';
    try {
      await tenantApi.updateSettings(update);
      this.emailChangedTo = update.email;
      await this.#settings.run();
      this.phase = 'saved';
    } catch (error) {
      this.error = error;
      this.phase = 'failed';
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-settings-page': ChSettingsPage;
  }
}
