import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { channelsApi } from '../api/channels-api.js';
import type { ChannelTestView, ChannelView, NewChannelRequest } from '../api/types.js';
import { formatDateTime } from '../lib/format.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import './problem-alert.js';

/**
 * Alert channels besides email (admins): the list with masked URLs, status and last error,
 * "Send test" and "Remove" per channel, and a form that adds a Slack incoming webhook or a
 * signed HTTPS webhook (whose signing secret is shown once).
 */
@customElement('ch-alert-channels')
export class ChAlertChannels extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      table { width: 100%; border-collapse: collapse; }
      td, th { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--border, #e4e7eb); vertical-align: top; }
      code { word-break: break-all; }
      .failing { color: var(--danger, #b91c1c); font-weight: 600; }
      .actions { display: flex; gap: 0.4rem; flex-wrap: wrap; }
    `,
  ];

  /** The signing secret of the webhook just added, shown once. */
  @state() private secret: string | undefined;
  @state() private error: unknown;
  /** The last "Send test" outcome per channel id. */
  @state() private tested: Record<string, ChannelTestView> = {};

  #channels = new Task(this, { task: (_args, { signal }) => channelsApi.list(signal), args: () => [] as const });

  override render() {
    return html`<section class="card" data-testid="alert-channels">
      <h2>Alert channels</h2>
      <p class="hint">Alerts also go to Slack or to your own HTTPS endpoint. Each alert is delivered once per channel, retried when the receiver fails.</p>
      ${renderTask(this.#channels, (channels) => this.#table(channels), { what: 'your alert channels' })}
      <form @submit=${this.#add} data-testid="channel-form">
        <div class="field">
          <label for="channel-kind">Kind</label>
          <select id="channel-kind" name="kind"><option value="slack">Slack incoming webhook</option><option value="webhook">HTTPS webhook (signed)</option></select>
        </div>
        <div class="field"><label for="channel-name">Name</label><input id="channel-name" name="name" required maxlength="100" /></div>
        <div class="field"><label for="channel-url">URL</label><input id="channel-url" name="url" type="url" required maxlength="2048" placeholder="https://hooks.slack.com/services/…" autocomplete="off" /></div>
        ${this.error === undefined ? nothing : html`<ch-problem-alert .error=${this.error}></ch-problem-alert>`}
        ${this.secret === undefined
          ? nothing
          : html`<p class="notice" role="status">Signing secret — copy it now, it is not shown again: <code data-testid="channel-secret">${this.secret}</code></p>`}
        <button type="submit">Add channel</button>
      </form>
    </section>`;
  }

  #table(channels: ChannelView[]) {
    if (channels.length === 0) return html`<p>No channels yet: alerts go by email only.</p>`;
    return html`<table>
      <thead><tr><th>Name</th><th>Kind</th><th>URL</th><th>Status</th><th></th></tr></thead>
      <tbody>
        ${channels.map((c) => {
          const tested = this.tested[c.id];
          return html`<tr data-testid="channel-row">
            <td>${c.name}</td>
            <td>${c.kind === 'slack' ? 'Slack' : 'Webhook'}</td>
            <td><code>${c.maskedUrl}</code></td>
            <td data-testid="channel-status">
              ${c.status === 'failing' ? html`<span class="failing">Failing</span>` : 'OK'}
              ${c.lastError ? html`<br /><small>Last error: ${c.lastError}${c.lastErrorAt ? ` at ${formatDateTime(c.lastErrorAt)}` : ''}</small>` : nothing}
              ${tested ? html`<br /><small data-testid="channel-test-result">${tested.delivered ? `Test delivered (HTTP ${tested.status})` : `Test failed: ${tested.error}`}</small>` : nothing}
            </td>
            <td class="actions">
              <button type="button" class="secondary" @click=${() => this.#test(c.id)}>Send test</button>
              <button type="button" class="secondary" @click=${() => this.#remove(c.id)}>Remove</button>
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  async #add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    this.error = undefined;
    this.secret = undefined;
    try {
      const body: NewChannelRequest = { kind: String(form.get('kind')) as NewChannelRequest['kind'], name: String(form.get('name') ?? '').trim(), url: String(form.get('url') ?? '').trim() };
      const created = await channelsApi.add(body);
      this.secret = created.signingSecret;
      formElement.reset();
      await this.#channels.run();
    } catch (error) {
      this.error = error;
    }
  }

  async #test(id: string): Promise<void> {
    this.error = undefined;
    try {
      this.tested = { ...this.tested, [id]: await channelsApi.test(id) };
    } catch (error) {
      this.error = error;
    }
    await this.#channels.run();
  }

  async #remove(id: string): Promise<void> {
    this.error = undefined;
    try {
      await channelsApi.remove(id);
    } catch (error) {
      this.error = error;
    }
    await this.#channels.run();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-alert-channels': ChAlertChannels;
  }
}
