import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { request, withQuery } from '../api/http.js';
import type { AccountView, CustomMetricView, MetricBrowserResponse, MetricSelectionView } from '../api/types.js';
import { formatUsd } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './problem-alert.js';

type Selection = MetricSelectionView['selection'];
const STATS = ['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount', 'p99'] as const;

const api = {
  get: (accountId: string, signal?: AbortSignal) => request<MetricSelectionView>(`/api/accounts/${encodeURIComponent(accountId)}/metric-selection`, { ...(signal ? { signal } : {}) }),
  preview: (accountId: string, body: Selection) => request<MetricSelectionView>(`/api/accounts/${encodeURIComponent(accountId)}/metric-selection/preview`, { method: 'POST', body }),
  save: (accountId: string, body: Selection) => request<MetricSelectionView>(`/api/accounts/${encodeURIComponent(accountId)}/metric-selection`, { method: 'PUT', body }),
  browse: (accountId: string, region: string, namespace: string) =>
    request<MetricBrowserResponse>(withQuery(`/api/accounts/${encodeURIComponent(accountId)}/metric-browser`, { region, namespace })),
};

const dims = (m: { dimensions: { name: string; value: string }[] }) => m.dimensions.map((d) => `${d.name}=${d.value}`).join(', ') || '(no dimensions)';

/**
 * Which metrics one account fetches, as a budget decision: catalog services and metrics switched
 * on and off, custom metrics picked from what ListMetrics shows (free), and the monthly
 * GetMetricData fee of the draft, updated on every change before anything is saved.
 *
 * @property account - the account whose metrics are chosen; nothing renders without one
 * @fires saved - the selection was saved (detail: the saved view)
 */
@customElement('ch-metric-selection')
export class ChMetricSelection extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host { display: block; margin-bottom: 1rem; }
      summary { cursor: pointer; font-weight: 600; }
      .fee { font-size: 1.05rem; margin: 0.75rem 0; }
      .services { display: grid; gap: 0.5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 19rem), 1fr)); }
      fieldset { border: 1px solid var(--ch-border, #ccc); border-radius: 6px; margin: 0; padding: 0.5rem 0.75rem; }
      legend { font-weight: 600; }
      label { display: flex; gap: 0.4rem; align-items: baseline; }
      .metric { margin-left: 1.4rem; font-size: 0.9rem; }
      .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; margin: 0.5rem 0; }
      ul { padding-left: 1.2rem; }
      li { margin: 0.25rem 0; overflow-wrap: anywhere; }
      .muted { color: var(--ch-muted, #666); }
    `,
  ];

  @property({ attribute: false }) account?: AccountView;

  @state() private view?: MetricSelectionView;
  @state() private draft?: Selection;
  @state() private error?: unknown;
  @state() private dirty = false;
  @state() private busy = false;
  @state() private region = '';
  @state() private namespace = '';
  @state() private stat: string = 'Average';
  @state() private browsed?: MetricBrowserResponse;
  #loadedFor = '';
  #previewSeq = 0;

  override updated(): void {
    const id = this.account?.id ?? '';
    if (id !== this.#loadedFor) {
      this.#loadedFor = id;
      this.view = undefined;
      this.draft = undefined;
      this.browsed = undefined;
      this.region = this.account?.regions[0] ?? '';
      if (id) void this.#load(id);
    }
  }

  async #load(accountId: string): Promise<void> {
    try {
      this.error = undefined;
      const view = await api.get(accountId);
      if (accountId !== this.#loadedFor) return;
      this.view = view;
      this.draft = view.selection;
      this.dirty = false;
    } catch (error) {
      this.error = error;
    }
  }

  /** A changed draft: ask the server what it costs (only the latest answer is kept). */
  async #change(next: Selection): Promise<void> {
    const accountId = this.account?.id;
    if (!accountId) return;
    this.draft = next;
    this.dirty = true;
    const seq = ++this.#previewSeq;
    try {
      const view = await api.preview(accountId, next);
      if (seq === this.#previewSeq) this.view = view;
    } catch (error) {
      if (seq === this.#previewSeq) this.error = error;
    }
  }

  #toggleService(id: string, on: boolean): void {
    const draft = this.draft;
    if (!draft) return;
    const rest = draft.disabledServices.filter((s) => s !== id);
    void this.#change({ ...draft, disabledServices: on ? rest : [...rest, id] });
  }

  #toggleMetric(key: string, on: boolean): void {
    const draft = this.draft;
    if (!draft) return;
    const rest = draft.disabledMetrics.filter((m) => m !== key);
    void this.#change({ ...draft, disabledMetrics: on ? rest : [...rest, key] });
  }

  #addCustom(metric: MetricBrowserResponse['metrics'][number]): void {
    const draft = this.draft;
    if (!draft) return;
    const custom: CustomMetricView = { region: this.region, namespace: metric.namespace, metricName: metric.metricName, dimensions: metric.dimensions, stat: this.stat };
    void this.#change({ ...draft, custom: [...draft.custom, custom] });
  }

  #removeCustom(index: number): void {
    const draft = this.draft;
    if (!draft) return;
    void this.#change({ ...draft, custom: draft.custom.filter((_, i) => i !== index) });
  }

  async #browse(event: Event): Promise<void> {
    event.preventDefault();
    const accountId = this.account?.id;
    if (!accountId || !this.region) return;
    try {
      this.error = undefined;
      this.browsed = await api.browse(accountId, this.region, this.namespace.trim());
    } catch (error) {
      this.error = error;
    }
  }

  async #save(): Promise<void> {
    const accountId = this.account?.id;
    if (!accountId || !this.draft) return;
    this.busy = true;
    try {
      this.view = await api.save(accountId, this.draft);
      this.draft = this.view.selection;
      this.dirty = false;
      this.dispatchEvent(new CustomEvent('saved', { detail: this.view, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    if (!this.account) return nothing;
    const view = this.view;
    const draft = this.draft;
    return html`<details class="card" data-testid="metric-selection">
      <summary>Metrics collected for ${this.account.name} and their fee</summary>
      ${this.error ? html`<ch-problem-alert .error=${this.error}></ch-problem-alert>` : nothing}
      ${!view || !draft
        ? html`<p class="muted">Finding this account's metrics…</p>`
        : html`<p class="fee" data-testid="projected-fee" aria-live="polite">
              Projected GetMetricData fee: <strong>${formatUsd(view.monthlyFeeUsd)}</strong> a month
              <span class="muted">(all services on: ${formatUsd(view.fullCatalogFeeUsd)}; $0.01 per 1,000 metrics, every ${view.intervalMs < 60_000 ? `${Math.round(view.intervalMs / 1000)} s` : `${Math.round(view.intervalMs / 60_000)} min`})</span>
            </p>
            <div class="services">
              ${view.services.filter((s) => s.resources > 0).map(
                (s) => html`<fieldset data-testid="service-${s.id}">
                  <legend>${s.label}</legend>
                  <label><input type="checkbox" .checked=${s.enabled} @change=${(e: Event) => this.#toggleService(s.id, (e.target as HTMLInputElement).checked)} />
                    ${s.resources} resource${s.resources === 1 ? '' : 's'} · ${formatUsd(s.monthlyFeeUsd)}/month</label>
                  ${s.metrics.map(
                    (m) => html`<label class="metric"><input type="checkbox" .checked=${m.enabled} ?disabled=${!s.enabled}
                        @change=${(e: Event) => this.#toggleMetric(`${s.id}:${m.metricName}`, (e.target as HTMLInputElement).checked)} />
                      ${m.metricName} (${m.stat}) · ${m.series} · ${formatUsd(m.monthlyFeeUsd)}</label>`,
                  )}
                </fieldset>`,
              )}
            </div>
            <h3>Custom metrics</h3>
            ${draft.custom.length === 0 ? html`<p class="muted">None yet.</p>` : nothing}
            <ul data-testid="custom-metrics">
              ${view.custom.map(
                (c, i) => html`<li>${c.metric.namespace} ${c.metric.metricName} [${dims(c.metric)}] ${c.metric.stat} · ${c.metric.region} · ${formatUsd(c.monthlyFeeUsd)}/month
                  <button class="secondary" @click=${() => this.#removeCustom(i)}>Remove</button></li>`,
              )}
            </ul>
            <form class="row" @submit=${this.#browse}>
              <div class="field"><label for="cm-region">Region</label>
                <select id="cm-region" @change=${(e: Event) => (this.region = (e.target as HTMLSelectElement).value)}>
                  ${this.account.regions.map((r) => html`<option value=${r} ?selected=${r === this.region}>${r}</option>`)}
                </select></div>
              <div class="field"><label for="cm-namespace">Namespace</label>
                <input id="cm-namespace" data-testid="custom-namespace" placeholder="e.g. MyApp" .value=${this.namespace} @input=${(e: Event) => (this.namespace = (e.target as HTMLInputElement).value)} /></div>
              <div class="field"><label for="cm-stat">Statistic</label>
                <select id="cm-stat" @change=${(e: Event) => (this.stat = (e.target as HTMLSelectElement).value)}>
                  ${STATS.map((s) => html`<option ?selected=${s === this.stat}>${s}</option>`)}
                </select></div>
              <button type="submit" class="secondary">Show metrics</button>
            </form>
            ${this.browsed
              ? html`<p class="muted">Each adds ${formatUsd(this.browsed.monthlyFeeUsdPerMetric)} a month.${this.browsed.truncated ? ' Only the first 500 are listed: narrow the namespace.' : ''}</p>
                  <ul data-testid="browsed-metrics">
                    ${this.browsed.metrics.map(
                      (m) => html`<li>${m.namespace} <strong>${m.metricName}</strong> [${dims(m)}]
                        <button class="secondary" @click=${() => this.#addCustom(m)}>Add (+${formatUsd(this.browsed?.monthlyFeeUsdPerMetric)}/month)</button></li>`,
                    )}
                  </ul>`
              : nothing}
            <div class="row">
              <button data-testid="save-selection" ?disabled=${!this.dirty || this.busy} @click=${() => void this.#save()}>Save selection</button>
              ${this.dirty ? html`<span class="muted">Not saved yet.</span>` : html`<span class="muted">Saved; changes apply at the next poll.</span>`}
            </div>`}
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-metric-selection': ChMetricSelection;
  }
}
