import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * A modal yes/no question on the native <dialog> (focus trapped, Escape cancels).
 * `await dialog.ask()` resolves true when confirmed.
 *
 * @property heading - the question
 * @property confirmLabel - the confirming button's text (default "Confirm")
 * @property danger - style the confirming button as destructive
 * @slot - the explanation under the heading
 */
@customElement('ch-confirm-dialog')
export class ChConfirmDialog extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      dialog {
        border: 1px solid var(--ch-border);
        border-radius: 8px;
        padding: 1.25rem;
        max-width: min(28rem, calc(100vw - 2rem));
      }
      dialog::backdrop { background: rgb(0 0 0 / 0.45); }
      .actions { display: flex; gap: 0.5rem; justify-content: flex-end; flex-wrap: wrap; margin-top: 1rem; }
    `,
  ];

  @property() heading = 'Are you sure?';
  @property() confirmLabel = 'Confirm';
  @property({ type: Boolean }) danger = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  #resolve: ((confirmed: boolean) => void) | undefined;

  /** Open the dialog; resolves when the user answers. */
  async ask(): Promise<boolean> {
    await this.updateComplete;
    this.#resolve?.(false);
    this.dialog.showModal();
    return new Promise((resolve) => (this.#resolve = resolve));
  }

  override render() {
    return html`<dialog aria-labelledby="heading" data-testid="confirm-dialog" @close=${this.#closed}>
      <h2 id="heading">${this.heading}</h2>
      <slot></slot>
      <form method="dialog" class="actions">
        <button class="secondary" value="cancel" autofocus>Cancel</button>
        <button class=${this.danger ? 'danger' : ''} value="confirm" data-testid="confirm">${this.confirmLabel}</button>
      </form>
    </dialog>`;
  }

  #closed(): void {
    const confirmed = this.dialog.returnValue === 'confirm';
    this.dialog.returnValue = '';
    this.#resolve?.(confirmed);
    this.#resolve = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-confirm-dialog': ChConfirmDialog;
  }
}
