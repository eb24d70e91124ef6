import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { tenantApi } from '../api/tenant-api.js';
import type { SuppressionRuleView } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './problem-alert.js';

const KIND_LABEL: Record<SuppressionRuleView['kind'], string> = { type: 'Finding type', resource: 'Resource', account: 'Account' };

/**
 * The tenant's suppression rules with what each matches, why, until when, and a Remove button
 * (its findings become open, and can alert, again).
 *
 * @property rules - the rules to list
 * @property accountName - names an account id (for account rules)
 * @fires changed - a rule was removed
 */
@customElement('ch-suppression-list')
export class ChSuppressionList extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
      li { border: 1px solid var(--ch-border); border-radius: 6px; padding: 0.5rem 0.75rem; display: flex; gap: 0.5rem 1rem; flex-wrap: wrap; justify-content: space-between; align-items: start; }
      .what { overflow-wrap: anywhere; min-width: 0; flex: 1 1 16rem; }
      .meta { font-size: 0.85rem; }
    `,
  ];

  @property({ attribute: false }) rules: SuppressionRuleView[] = [];
  @property({ attribute: false }) accountName: (id: string) => string = (id) => id;
  @state() private busy = new Set<string>();
  @state() private error: unknown;

  override render() {
    if (this.rules.length === 0) return html`<p class="muted" data-testid="no-rules">No suppression rules. Open a finding and choose “Suppress…” to add one.</p>`;
    return html`<ch-problem-alert .error=${this.error}></ch-problem-alert>
      <ul data-testid="suppression-rules">
        ${this.rules.map(
          (rule) => html`<li data-testid="suppression-rule">
            <div class="what">
              <div><strong>${KIND_LABEL[rule.kind]}:</strong> ${rule.kind === 'account' ? this.accountName(rule.value) : rule.value}</div>
              <div class="meta">“${rule.reason}”</div>
              <div class="meta muted">
                Added ${formatDateTime(rule.createdAt)} ·
                ${rule.expiresAt === undefined ? 'no expiry' : rule.active ? `expires ${formatDateTime(rule.expiresAt)}` : html`<span class="badge">expired ${formatDateTime(rule.expiresAt)}</span>`}
              </div>
            </div>
            <button class="secondary" ?disabled=${this.busy.has(rule.id)} @click=${() => this.#remove(rule)}>Remove</button>
          </li>`,
        )}
      </ul>`;
  }

  async #remove(rule: SuppressionRuleView): Promise<void> {
    if (this.busy.has(rule.id)) return;
    this.busy = new Set([...this.busy, rule.id]);
    this.error = undefined;
    try {
      await tenantApi.removeSuppression(rule.id);
      this.dispatchEvent(new Event('changed'));
    } catch (error) {
      this.error = error;
    } finally {
      const next = new Set(this.busy);
      next.delete(rule.id);
      this.busy = next;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-suppression-list': ChSuppressionList;
  }
}
