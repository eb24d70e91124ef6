import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView, CostsResponse } from '../api/types.js';
import { formatDay, formatUsd, isoDay } from '../lib/format.js';
import { accountFilter } from '../lib/account-names.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/cost-chart.js';

const RANGES = [
  { key: 'month', label: 'This month' },
  { key: '30', label: 'Last 30 days' },
  { key: '90', label: 'Last 90 days' },
] as const;
type RangeKey = (typeof RANGES)[number]['key'];

const DAY_MS = 86_400_000;
const share = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** [from, to) in days, as GET /api/costs takes them (to excluded: tomorrow includes today). */
export function costRange(key: RangeKey, now = Date.now()): { from: string; to: string } {
  const to = isoDay(new Date(now + DAY_MS));
  if (key === 'month') return { from: `${isoDay(new Date(now)).slice(0, 7)}-01`, to };
  return { from: isoDay(new Date(now - Number(key) * DAY_MS)), to };
}

/**
 * The month's expected total: Cost Explorer forecasts from its `start` (usually today) to the
 * month's end, so the actuals before `start` are added (as the overview does).
 */
export function monthForecast(costs: CostsResponse): { meanUsd: number; lowerUsd?: number; upperUsd?: number; remainingUsd: number } | null {
  const forecast = costs.forecast;
  if (forecast === null || !Number.isFinite(forecast.meanUsd)) return null;
  const month = forecast.start.slice(0, 7);
  const fromStart = costs.daily.filter((row) => row.day.startsWith(month) && row.day >= forecast.start).reduce((sum, row) => sum + row.amountUsd, 0);
  const before = Math.max(0, costs.monthToDateUsd - fromStart);
  return {
    meanUsd: before + forecast.meanUsd,
    ...(forecast.lowerUsd === undefined ? {} : { lowerUsd: before + forecast.lowerUsd }),
    ...(forecast.upperUsd === undefined ? {} : { upperUsd: before + forecast.upperUsd }),
    remainingUsd: forecast.meanUsd,
  };
}

/**
 * Cost: daily cost stacked by service with spikes marked, the month's forecast, and a table by
 * service. Cost Explorer data changes a few times a day, so it refreshes every 10 minutes.
 */
@customElement('ch-costs-page')
export class ChCostsPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .figures { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); margin-bottom: 1rem; }
      .figure dt { color: var(--ch-muted); font-size: 0.875rem; }
      .figure dd { margin: 0; font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
      dl { margin: 0; }
      .spikes li { margin-bottom: 0.25rem; }
      tbody th { background: none; font-weight: normal; }
      /* The share bar sits under the service name, across the row's widest cell, so it keeps its length at 390 px. */
      .track { height: 0.5rem; background: var(--ch-surface-alt); border-radius: 4px; margin-top: 0.3rem; }
      .bar { height: 100%; background: var(--ch-primary); border-radius: 4px; min-width: 3px; }
      th[scope='row'] { font-weight: 500; overflow-wrap: anywhere; width: 100%; }
    `,
  ];

  @state() private range: RangeKey = '30';
  @state() private accountId = '';
  @state() private tick = 0;

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });

  #costs = new Task(this, {
    task: ([range, accountId], { signal }) => tenantApi.costs({ ...costRange(range), ...(accountId === '' ? {} : { accountId }) }, signal),
    args: () => [this.range, this.accountId, this.tick] as const,
  });

  #poll = new PollController(this, 600_000, () => this.tick++);

  override render() {
    const accounts: AccountView[] = this.#accounts.value ?? [];
    return html`<div class="page-head">
        <h1>Cost</h1>
        <div class="toolbar">
          ${accountFilter(accounts, this.accountId, (id) => (this.accountId = id))}
          <div class="field">
            <label for="range">Period</label>
            <select id="range" @change=${(event: Event) => (this.range = (event.target as HTMLSelectElement).value as RangeKey)}>
              ${RANGES.map((range) => html`<option value=${range.key} ?selected=${range.key === this.range}>${range.label}</option>`)}
            </select>
          </div>
          <button class="secondary" @click=${() => { this.tick++; this.#poll.reset(); }}>Refresh</button>
        </div>
      </div>
      ${renderTask(this.#costs, (costs) => this.#content(costs), { what: 'costs' })}`;
  }

  #content(costs: CostsResponse) {
    const total = costs.byService.reduce((sum, row) => sum + row.totalUsd, 0);
    const forecast = monthForecast(costs);
    return html`<dl class="figures">
        <div class="card figure"><dt>Month to date</dt><dd data-testid="cost-mtd">${formatUsd(costs.monthToDateUsd)}</dd></div>
        <div class="card figure">
          <dt>Forecast for the month</dt>
          <dd data-testid="cost-forecast">${forecast === null ? 'Not yet' : formatUsd(forecast.meanUsd)}</dd>
          ${forecast === null
            ? nothing
            : html`<span class="muted">${formatUsd(forecast.remainingUsd)} still to come${forecast.lowerUsd !== undefined && forecast.upperUsd !== undefined
                ? html`; likely ${formatUsd(forecast.lowerUsd)} to ${formatUsd(forecast.upperUsd)}`
                : nothing}</span>`}
        </div>
        <div class="card figure"><dt>Total ${formatDay(costs.from)} – ${formatDay(isoDay(new Date(Date.parse(`${costs.to}T00:00:00Z`) - DAY_MS)))}</dt><dd>${formatUsd(total)}</dd></div>
      </dl>
      <section class="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Daily cost by service</h2>
        ${costs.daily.length === 0 ? html`<p class="muted">No cost data in this period yet. Cost Explorer is read twice a day.</p>` : html`<ch-cost-chart .daily=${costs.daily} .spikes=${costs.spikes}></ch-cost-chart>`}
        ${costs.spikes.length === 0
          ? nothing
          : html`<h3 style="margin-top:1rem">Spikes</h3>
              <ul class="spikes" data-testid="spikes">
                ${costs.spikes.map((spike) => html`<li><strong>${formatDay(spike.day)}</strong>: ${spike.service} cost ${formatUsd(spike.amountUsd)}, usually ${formatUsd(spike.baselineUsd)}</li>`)}
              </ul>`}
      </section>
      <section aria-labelledby="services-title" ?hidden=${costs.byService.length === 0}>
        <h2 id="services-title">By service</h2>
        <div class="table-wrap">
          <table data-testid="cost-by-service">
            <thead><tr><th scope="col">Service</th><th scope="col" class="num">Total</th><th scope="col" class="num">Share</th></tr></thead>
            <tbody>
              ${costs.byService.map(
                (row) => html`<tr>
                  <th scope="row">${row.service}<div class="track" aria-hidden="true"><div class="bar" data-testid="share-bar" style="width:${total > 0 ? (row.totalUsd / total) * 100 : 0}%"></div></div></th>
                  <td class="num">${formatUsd(row.totalUsd)}</td>
                  <td class="num">${total > 0 ? share.format(row.totalUsd / total) : '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-costs-page': ChCostsPage;
  }
}
