import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * Copies `text` to the clipboard and says so ("Copied") for two seconds.
 *
 * @property text - what to copy
 * @property label - the button's accessible name, e.g. "Copy trust policy"
 * @fires copied - after a successful copy
 */
@customElement('ch-copy-button')
export class ChCopyButton extends LitElement {
  static override styles = [sharedStyles];

  @property() text = '';
  @property() label = 'Copy';
  @state() private outcome: 'idle' | 'copied' | 'failed' = 'idle';
  #timer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
  }

  override render() {
    const shown = this.outcome === 'copied' ? 'Copied' : this.outcome === 'failed' ? 'Select and copy by hand' : 'Copy';
    return html`<button class="secondary" type="button" aria-label=${this.label} @click=${this.#copy}>
        ${shown}
      </button>
      <span class="visually-hidden" role="status">${this.outcome === 'copied' ? 'Copied to the clipboard' : ''}</span>`;
  }

  async #copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.text);
      this.outcome = 'copied';
      this.dispatchEvent(new Event('copied'));
    } catch {
      // no clipboard permission (e.g. plain http on another host): the text stays selectable
      this.outcome = 'failed';
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.outcome = 'idle'), 2000);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-copy-button': ChCopyButton;
  }
}
