import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { metaApi } from '../api/meta-api.js';
import type { OutboxEmail } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';

/**
 * Demo mode: the emails the simulated SES captured, newest first, readable — sender, recipients,
 * subject, time, and the message as the recipient would see it (HTML in a sandboxed frame that
 * runs no script; the text version otherwise). Verification links work from here.
 */
@customElement('ch-outbox-page')
export class ChOutboxPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.75rem; }
      .head { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.75rem; font-size: 0.9rem; }
      .head dt { color: var(--ch-muted); }
      .head dd { margin: 0; overflow-wrap: anywhere; }
      h2 { font-size: 1.05rem; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
      iframe { width: 100%; height: 28rem; border: 1px solid var(--ch-border); border-radius: 6px; background: #fff; margin-top: 0.75rem; }
      pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; background: var(--ch-surface-alt); padding: 0.75rem; border-radius: 6px; margin-top: 0.75rem; }
      summary { cursor: pointer; margin-top: 0.5rem; }
    `,
  ];

  @state() private tick = 0;
  #emails = new Task(this, { task: ([_tick], { signal }) => metaApi.outbox(signal), args: () => [this.tick] as const });
  #poll = new PollController(this, 15_000, () => this.tick++);

  override render() {
    return html`<div class="page-head"><h1>Demo outbox</h1></div>
      <p class="muted">In demo mode no email leaves this machine: the simulated Amazon SES keeps every message here instead.</p>
      ${renderTask(this.#emails, (emails) => this.#list(emails), { what: 'emails' })}`;
  }

  #list(emails: OutboxEmail[]) {
    if (emails.length === 0) return html`<div class="card empty" data-testid="outbox-empty"><p>No emails yet. Sign up, or wait for an alert or a digest.</p></div>`;
    const newest = [...emails].sort((a, b) => b.time.localeCompare(a.time));
    return html`<ol data-testid="outbox">
      ${newest.map(
        (email, i) => html`<li class="card" data-testid="outbox-email">
          <h2>${email.subject}</h2>
          <dl class="head">
            <dt>From</dt><dd>${email.from}</dd>
            <dt>To</dt><dd>${email.to.join(', ')}</dd>
            <dt>Sent</dt><dd>${formatDateTime(email.time)}</dd>
          </dl>
          ${email.html !== undefined
            ? html`<iframe title="Email: ${email.subject}" sandbox="allow-popups allow-popups-to-escape-sandbox" .srcdoc=${withBlankTargets(email.html)} loading="lazy"></iframe>
                ${email.text === undefined ? nothing : html`<details ?open=${false}><summary>Plain-text version</summary><pre>${email.text}</pre></details>`}`
            : html`<pre data-index=${i}>${email.text ?? ''}</pre>`}
        </li>`,
      )}
    </ol>`;
  }
}

/** Links in a sandboxed frame open in a new tab (the frame itself may not navigate). */
function withBlankTargets(markup: string): string {
  return `<base target="_blank">${markup}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-outbox-page': ChOutboxPage;
  }
}
