import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView, MetricSeriesView } from '../api/types.js';
import { accountFilter } from '../lib/account-names.js';
import type { MetricFocus } from '../lib/metric-links.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/metric-panel.js';
import '../components/metric-selection.js';

/** The ranges offered; the API allows at most 31 days and keeps 30. */
export const RANGES = [
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { key: '3d', label: 'Last 3 days', ms: 3 * 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

const REFRESH_MS = 120_000;

interface ResourceGroup {
  key: string;
  accountId: string;
  region: string;
  namespace: string;
  resourceId: string;
  series: MetricSeriesView[];
}

/**
 * Metrics: per resource, a chart per metric, over a chosen time range; refreshes every 2 min.
 * Opened from an alarm (?accountId=&region=&namespace=&metric=), it shows that metric's charts
 * first, with a way back to everything.
 *
 * @property metricFocus - the metric to show (from the URL's query)
 */
@customElement('ch-metrics-page')
export class ChMetricsPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .resource { margin-bottom: 1rem; }
      .resource h2 { font-size: 1.05rem; overflow-wrap: anywhere; }
      .charts { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); }
    `,
  ];

  @property({ attribute: false }) metricFocus: MetricFocus = {};
  @state() private range: (typeof RANGES)[number]['key'] = '24h';
  @state() private accountId = '';
  @state() private span = this.#windowOf('24h');
  /** Bumped by Refresh and the poll: the list of series is read again. */
  @state() private tick = 0;

  #accounts = new Task(this, {
    task: (_args, { signal }) => tenantApi.accounts(signal),
    args: () => [] as const,
  });

  #catalog = new Task(this, {
    // the list of series does not depend on the range: changing it re-fetches only the points
    task: async ([accountId], { signal }) => (await tenantApi.metrics({ ...this.span, ...(accountId === '' ? {} : { accountId }) }, signal)).series,
    args: () => [this.accountId, this.tick] as const,
  });

  /** The alarms with their rules (from the overview), to draw thresholds on their metrics' charts. */
  #alarms = new Task(this, {
    task: async (_args, { signal }) => {
      const overview = await tenantApi.overview(signal).catch(() => undefined);
      return (overview?.accounts ?? []).flatMap((a) => a.health.alarms.map((alarm) => ({ ...alarm, accountId: a.account.id })));
    },
    args: () => [this.tick] as const,
  });

  #poll = new PollController(this, REFRESH_MS, () => this.#refresh());

  override render() {
    const accounts = this.#accounts.value ?? [];
    return html`<div class="page-head">
        <h1>Metrics</h1>
        <div class="toolbar">
          ${accountFilter(accounts, this.accountId, (id) => (this.accountId = id))}
          <div class="field">
            <label for="range">Time range</label>
            <select id="range" data-testid="time-range" @change=${this.#rangeChanged}>
              ${RANGES.map((range) => html`<option value=${range.key} ?selected=${range.key === this.range}>${range.label}</option>`)}
            </select>
          </div>
          <button class="secondary" @click=${() => this.#refresh()}>Refresh</button>
        </div>
      </div>
      <ch-metric-selection .account=${accounts.find((a) => a.id === this.accountId) ?? accounts[0]}></ch-metric-selection>
      ${renderTask(this.#catalog, (series) => this.#content(series, accounts), { what: 'metrics' })}`;
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('metricFocus') && this.metricFocus.accountId !== undefined) this.accountId = this.metricFocus.accountId;
  }

  #content(all: MetricSeriesView[], accounts: AccountView[]) {
    const f = this.metricFocus;
    const focused = f.metric !== undefined || f.namespace !== undefined || f.region !== undefined;
    const matching = all.filter(
      (s) => (f.metric === undefined || s.metric === f.metric) && (f.namespace === undefined || s.namespace === f.namespace) && (f.region === undefined || s.region === f.region),
    );
    // An alarm's metric may not be among the collected series: then everything is shown, and the page says so.
    const series = focused && matching.length > 0 ? matching : all;
    const note = !focused
      ? nothing
      : html`<p class="notice" data-testid="metric-focus">
          ${matching.length > 0 ? html`Showing ${f.metric ?? 'the'} metric${f.region === undefined ? '' : ` in ${f.region}`} from the alarm.` : html`${f.metric ?? 'That metric'} is not among the collected metrics; showing all.`}
          <a href="/resource-metrics">Show all metrics</a>
        </p>`;
    return html`${note}${this.#charts(series, accounts)}`;
  }

  #charts(series: MetricSeriesView[], accounts: AccountView[]) {
    if (series.length === 0) {
      return html`<div class="card empty"><p>No metrics yet. They appear a few minutes after an account is connected.</p><a href="/accounts">Accounts</a></div>`;
    }
    const names = new Map(accounts.map((account) => [account.id, `${account.name} (${account.awsAccountId})`]));
    return html`${this.#groups(series).map(
      (group) => html`<section class="card resource" aria-labelledby="r-${group.key}" data-testid="resource">
        <h2 id="r-${group.key}">${group.resourceId}</h2>
        <p class="muted">${group.namespace} · ${group.region} · ${names.get(group.accountId) ?? group.accountId}</p>
        <div class="charts">
          ${group.series.map((s) => html`<ch-metric-panel .series=${s} .alarms=${this.#alarms.value ?? []} from=${this.span.from} to=${this.span.to}></ch-metric-panel>`)}
        </div>
      </section>`,
    )}`;
  }

  #groups(series: MetricSeriesView[]): ResourceGroup[] {
    const groups = new Map<string, ResourceGroup>();
    for (const s of series) {
      const id = `${s.accountId}|${s.region}|${s.namespace}|${s.resourceId}`;
      const group = groups.get(id) ?? { key: String(groups.size), accountId: s.accountId, region: s.region, namespace: s.namespace, resourceId: s.resourceId, series: [] };
      group.series.push(s);
      groups.set(id, group);
    }
    return [...groups.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.resourceId.localeCompare(b.resourceId));
  }

  #rangeChanged(event: Event): void {
    this.range = (event.target as HTMLSelectElement).value as typeof this.range;
    this.span = this.#windowOf(this.range);
  }

  #refresh(): void {
    this.span = this.#windowOf(this.range);
    this.tick++;
    this.#poll.reset();
  }

  #windowOf(key: string): { from: string; to: string } {
    const range = RANGES.find((r) => r.key === key) ?? RANGES[2];
    const to = Date.now();
    return { from: new Date(to - range.ms).toISOString(), to: new Date(to).toISOString() };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-metrics-page': ChMetricsPage;
  }
}
