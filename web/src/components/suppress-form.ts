import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { tenantApi } from '../api/tenant-api.js';
import type { FindingView, SuppressionRuleView } from '../api/types.js';
import { resourceLabel } from '../lib/resource-label.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './problem-alert.js';

type Kind = SuppressionRuleView['kind'];

const EXPIRIES: { days: number; label: string }[] = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 0, label: 'Never (until removed)' },
];

/**
 * "Suppress findings like this one": by its type, its resource or its whole account, with a
 * reason and an expiry. Suppressed findings stay listed under "Suppressed" and never alert.
 * The button is disabled while saving, and the server makes the same rule twice one rule.
 *
 * @property finding - the finding the rule starts from
 * @property accountName - how to name its account
 * @fires suppressed - a rule was saved (detail: the SuppressionRuleView)
 * @fires cancel - the form was dismissed
 */
@customElement('ch-suppress-form')
export class ChSuppressForm extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      fieldset { margin: 0 0 0.75rem; }
      .choices { display: grid; gap: 0.35rem; }
      .choices label { overflow-wrap: anywhere; }
      .actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
    `,
  ];

  @property({ attribute: false }) finding: FindingView | undefined;
  @property() accountName = '';
  @state() private kind: Kind = 'resource';
  @state() private saving = false;
  @state() private error: unknown;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('finding') && this.finding?.resourceId === undefined) this.kind = 'type';
  }

  override render() {
    const finding = this.finding;
    if (finding === undefined) return nothing;
    const choices: { kind: Kind; label: string; disabled?: boolean }[] = [
      { kind: 'resource', label: `This resource: ${resourceLabel(finding)}`, disabled: finding.resourceId === undefined },
      { kind: 'type', label: `This type of finding: ${finding.type}` },
      { kind: 'account', label: `Everything in account ${this.accountName || finding.accountId}` },
    ];
    return html`<form data-testid="suppress-form" @submit=${this.#submit}>
      <ch-problem-alert .error=${this.error}></ch-problem-alert>
      <fieldset>
        <legend>Suppress findings matching</legend>
        <div class="choices">
          ${choices.map(
            (choice) => html`<label class="check"><input type="radio" name="kind" value=${choice.kind} data-testid="suppress-${choice.kind}"
              ?disabled=${choice.disabled === true} .checked=${this.kind === choice.kind} @change=${() => (this.kind = choice.kind)} /> ${choice.label}</label>`,
          )}
        </div>
      </fieldset>
      <div class="field">
        <label for="reason">Reason (shown beside suppressed findings)</label>
        <input id="reason" name="reason" required maxlength="500" autocomplete="off" placeholder="e.g. honeypot instance, public website bucket" />
      </div>
      <div class="field">
        <label for="expiry">Expires after</label>
        <select id="expiry" name="expiry">
          ${EXPIRIES.map((e) => html`<option value=${e.days} ?selected=${e.days === 30}>${e.label}</option>`)}
        </select>
      </div>
      <div class="actions">
        <button type="submit" ?disabled=${this.saving} data-testid="suppress-submit">${this.saving ? 'Saving…' : 'Suppress'}</button>
        <button type="button" class="secondary" @click=${() => this.dispatchEvent(new Event('cancel'))}>Cancel</button>
      </div>
    </form>`;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const finding = this.finding;
    if (finding === undefined || this.saving) return;
    const form = new FormData(event.target as HTMLFormElement);
    const days = Number(form.get('expiry'));
    const value = this.kind === 'resource' ? (finding.resourceId ?? '') : this.kind === 'type' ? finding.type : finding.accountId;
    this.saving = true;
    this.error = undefined;
    try {
      const rule = await tenantApi.addSuppression({
        kind: this.kind,
        value,
        reason: String(form.get('reason') ?? ''),
        ...(days > 0 ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
      });
      this.dispatchEvent(new CustomEvent<SuppressionRuleView>('suppressed', { detail: rule }));
    } catch (error) {
      this.error = error;
    } finally {
      this.saving = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-suppress-form': ChSuppressForm;
  }
}
