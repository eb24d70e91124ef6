import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ApiError } from '../api/api-error.js';
import { errorMessage, fieldErrors } from '../api/error-messages.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * An error, said once and plainly: the sentence for its `Problem.code` (never the server's raw
 * detail beside it), per-field messages of a validation error in plain words, and an optional
 * Retry button.
 *
 * @property error - what went wrong (an ApiError, or anything thrown); nothing renders when unset
 * @property retryable - show a Retry button
 * @fires retry - the Retry button was pressed
 */
/** "monthlyBudgetUsd" -> "Monthly budget usd", "notifications.critical" -> "Notifications critical". */
function fieldLabel(path: string): string {
  const words = path.replace(/[._]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words === '' ? 'Field' : `${words[0]!.toUpperCase()}${words.slice(1)}`;
}

@customElement('ch-problem-alert')
export class ChProblemAlert extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .alert {
        border: 1px solid var(--ch-danger);
        border-left-width: 6px;
        background: var(--ch-bad-bg);
        border-radius: 6px;
        padding: 0.75rem 1rem;
        margin: 0 0 1rem;
      }
      p { margin: 0; }
      ul { margin: 0.5rem 0 0; padding-left: 1.25rem; }
      button { margin-top: 0.5rem; }
    `,
  ];

  @property({ attribute: false }) error: unknown;
  @property({ type: Boolean }) retryable = false;

  override render() {
    if (this.error === undefined || this.error === null) return nothing;
    const fields = Object.entries(fieldErrors(this.error));
    const code = this.error instanceof ApiError ? this.error.code : 'UNKNOWN';
    return html`<div class="alert" role="alert" data-testid="problem" data-code=${code}>
      <p><strong>${errorMessage(this.error)}</strong></p>
      ${fields.length === 0
        ? nothing
        : html`<ul>
            ${fields.map(([field, message]) => html`<li><strong>${fieldLabel(field)}</strong>: ${message}</li>`)}
          </ul>`}
      ${this.retryable ? html`<button class="secondary" @click=${() => this.dispatchEvent(new Event('retry'))}>Retry</button>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-problem-alert': ChProblemAlert;
  }
}
