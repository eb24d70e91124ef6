import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { AccountView, CostsResponse } from '../api/types.js';
import { formatDay, formatMonth, formatUsd, isoDay } from '../lib/format.js';
import { accountFilter } from '../lib/account-names.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import { costGroups, costsCsv, coverage, monthOverMonth, monthRows, regionRows, type CostGrouping } from '../lib/cost-views.js';
import '../components/cost-chart.js';

const RANGES = [
  { key: 'month', label: 'This month' },
  { key: '30', label: 'Last 30 days' },
  { key: '90', label: 'Last 90 days' },
  { key: '365', label: 'Last 365 days' },
] as const;
type RangeKey = (typeof RANGES)[number]['key'];

const DAY_MS = 86_400_000;
const share = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const change = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** [from, to) in days, as GET /api/costs takes them (to excluded: tomorrow includes today). */
export function costRange(key: RangeKey, now = Date.now()): { from: string; to: string } {
  const to = isoDay(new Date(now + DAY_MS));
  if (key === 'month') return { from: `${isoDay(new Date(now)).slice(0, 7)}-01`, to };
  // "Last 90 days" is 90 days counting today: [today - 89, tomorrow).
  return { from: isoDay(new Date(now - (Number(key) - 1) * DAY_MS)), to };
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
      .budgets { list-style: none; padding: 0; margin: 0; }
      .budgets li { margin-bottom: 0.75rem; }
      .budget-head { display: flex; justify-content: space-between; gap: 0.5rem; flex-wrap: wrap; }
      .budget-track { position: relative; height: 0.75rem; }
      .budget-track .bar.over { background: var(--ch-danger, #c81e1e); }
      .forecast-mark { position: absolute; top: -2px; bottom: -2px; width: 2px; margin-left: -1px; background: var(--ch-text, #1f2933); }
      .nowrap { white-space: nowrap; }
      .section-head { display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; flex-wrap: wrap; }
    `,
  ];

  @state() private range: RangeKey = '30';
  @state() private accountId = '';
  @state() private groupBy: CostGrouping = 'service';
  @state() private tick = 0;
  /** The anomaly day shown in the chart (its tooltip opened). */
  @state() private highlightDay = '';

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
            <select id="range" data-testid="cost-range" @change=${(event: Event) => (this.range = (event.target as HTMLSelectElement).value as RangeKey)}>
              ${RANGES.map((range) => html`<option value=${range.key} ?selected=${range.key === this.range}>${range.label}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="group">Group by</label>
            <select id="group" data-testid="cost-group" @change=${(event: Event) => (this.groupBy = (event.target as HTMLSelectElement).value as CostGrouping)}>
              <option value="service" ?selected=${this.groupBy === 'service'}>Service</option>
              <option value="account" ?selected=${this.groupBy === 'account'}>Account</option>
              <option value="region" ?selected=${this.groupBy === 'region'}>Region</option>
            </select>
          </div>
          <button class="secondary" @click=${() => { this.tick++; this.#poll.reset(); }}>Refresh</button>
        </div>
      </div>
      ${renderTask(this.#costs, (costs) => this.#content(costs), { what: 'costs' })}`;
  }

  /**
   * This month against each budget (the tenant's and each account's): a bar of spend to date with
   * the forecast's mark, and the thresholds crossed. Budgets are set in Settings.
   */
  #budgets(costs: CostsResponse, name: (id: string) => string) {
    if (costs.budgets.length === 0) return nothing;
    const pct = (part: number, whole: number) => Math.min(100, whole > 0 ? (part / whole) * 100 : 0);
    return html`<section class="card" aria-labelledby="budgets-title">
      <h2 id="budgets-title">Budgets this month</h2>
      <ul class="budgets" data-testid="budgets">
        ${costs.budgets.map((b) => {
          const label = b.accountId === null ? 'All accounts' : name(b.accountId);
          const crossed = [b.crossedActual === null ? '' : `${b.crossedActual} % of the budget spent`, b.crossedForecast === null ? '' : `forecast past ${b.crossedForecast} % of the budget`].filter(Boolean).join('; ');
          return html`<li data-testid="budget-row" data-account=${b.accountId ?? ''}>
            <div class="budget-head"><strong>${label}</strong>
              <span class="num">${formatUsd(b.actualToDateUsd)} of ${formatUsd(b.budgetUsd)}${b.projectedUsd === null ? nothing : html` <span class="muted">(forecast ${formatUsd(b.projectedUsd)})</span>`}</span></div>
            <div class="track budget-track" role="meter" aria-label=${`${label}: spend against budget`} aria-valuemin="0" aria-valuemax=${b.budgetUsd} aria-valuenow=${b.actualToDateUsd}>
              <div class="bar ${b.actualToDateUsd >= b.budgetUsd ? 'over' : ''}" data-testid="budget-bar" style="width:${pct(b.actualToDateUsd, b.budgetUsd)}%"></div>
              ${b.projectedUsd === null ? nothing : html`<div class="forecast-mark" data-testid="budget-forecast-mark" style="left:${pct(b.projectedUsd, b.budgetUsd)}%"></div>`}
            </div>
            ${crossed === '' ? nothing : html`<span class="muted" data-testid="budget-crossed">${crossed}</span>`}
          </li>`;
        })}
      </ul>
    </section>`;
  }

  /** AWS Cost Anomaly Detection's findings: each linked to its day in the chart. */
  #anomalies(costs: CostsResponse, name: (id: string) => string) {
    if (costs.anomalies.length === 0) return nothing;
    return html`<section class="card" aria-labelledby="anomalies-title">
      <h2 id="anomalies-title">Cost anomalies</h2>
      <p class="muted">Found by AWS Cost Anomaly Detection (read once a day with the forecast).</p>
      <ul class="spikes" data-testid="anomalies">
        ${costs.anomalies.map(
          (anomaly) => html`<li data-testid="anomaly">
            <button class="link" data-testid="anomaly-day" @click=${() => (this.highlightDay = anomaly.startDay)}>${formatDay(anomaly.startDay)}</button>:
            <strong>${anomaly.service ?? 'Cost'}</strong> ${formatUsd(anomaly.impactUsd)} above expected
            ${anomaly.score === undefined ? nothing : html`<span class="muted">(score ${anomaly.score.toFixed(2)})</span>`}
            ${(this.#accounts.value ?? []).length > 1 ? html`<span class="muted">— ${name(anomaly.accountId)}</span>` : nothing}
            ${anomaly.rootCauses.length === 0
              ? nothing
              : html`<div class="muted" data-testid="anomaly-causes">Root cause${anomaly.rootCauses.length === 1 ? '' : 's'}: ${anomaly.rootCauses.map((cause, i) => html`${i === 0 ? '' : '; '}${causeText(cause)}`)}</div>`}
          </li>`,
        )}
      </ul>
    </section>`;
  }

  #content(costs: CostsResponse) {
    const total = costs.byService.reduce((sum, row) => sum + row.totalUsd, 0);
    const covered = coverage(costs.daily);
    const lastDay = isoDay(new Date(Date.parse(`${costs.to}T00:00:00Z`) - DAY_MS));
    const periodDays = Math.round((Date.parse(`${costs.to}T00:00:00Z`) - Date.parse(`${costs.from}T00:00:00Z`)) / DAY_MS);
    const accounts = new Map((this.#accounts.value ?? []).map((a) => [a.id, a]));
    const name = (id: string) => (accounts.has(id) ? `${accounts.get(id)!.name} (${accounts.get(id)!.awsAccountId})` : id);
    // Months known from the history fetched on connect count in the totals, the groups and month over month.
    const history = monthRows(costs.monthly);
    const firstHistory = history[0]?.day;
    const groups = costGroups(this.groupBy === 'region' ? regionRows(costs) : [...history, ...costs.daily], this.groupBy, name);
    const groupTotal = groups.reduce((sum, g) => sum + g.totalUsd, 0);
    const months = monthOverMonth(costs.daily, isoDay(new Date()), costs.monthly);
    // Computed once, on the server (src/insights): actuals before each forecast plus the forecast.
    const forecast = costs.monthForecast;
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
        <div class="card figure">
          <dt data-testid="cost-total-label">Total ${formatDay(firstHistory ?? covered?.first ?? costs.from)} – ${formatDay(covered?.last ?? lastDay)}</dt>
          <dd data-testid="cost-total">${formatUsd(total)}</dd>
          ${firstHistory !== undefined && covered !== undefined
            ? html`<span class="muted" data-testid="cost-history-note">Daily cost from ${formatDay(covered.first)}; the months before are Cost Explorer's monthly totals, read once when the account was connected.</span>`
            : nothing}
          ${firstHistory === undefined && covered !== undefined && covered.first > costs.from
            ? html`<span class="muted" data-testid="cost-coverage">Cost history here starts ${formatDay(covered.first)}: ${covered.days} of the ${periodDays} days asked for.</span>`
            : nothing}
        </div>
      </dl>
      <section class="card" aria-labelledby="daily-title">
        <h2 id="daily-title">Daily cost by service</h2>
        ${costs.daily.length === 0 ? html`<p class="muted">No cost data in this period yet. Cost Explorer is read twice a day.</p>` : html`<ch-cost-chart .daily=${costs.daily} .spikes=${costs.spikes} .anomalies=${costs.anomalies} .highlightDay=${this.highlightDay}></ch-cost-chart>`}
        ${costs.spikes.length === 0
          ? nothing
          : html`<h3 style="margin-top:1rem">Spikes</h3>
              <ul class="spikes" data-testid="spikes">
                ${costs.spikes.map((spike) => html`<li><strong>${formatDay(spike.day)}</strong>: ${spike.service} cost ${formatUsd(spike.amountUsd)}, usually ${formatUsd(spike.baselineUsd)}</li>`)}
              </ul>`}
      </section>
      ${this.#budgets(costs, name)}
      ${this.#anomalies(costs, name)}
      <section aria-labelledby="services-title" ?hidden=${groups.length === 0}>
        <div class="section-head">
          <h2 id="services-title">By ${this.groupBy}</h2>
          <a class="button secondary" data-testid="cost-csv" download=${`costs-${costs.from}-to-${lastDay}.csv`}
            href=${`data:text/csv;charset=utf-8,${encodeURIComponent(costsCsv(costs.daily, accounts, costs.monthly))}`}>Export CSV</a>
        </div>
        <div class="table-wrap">
          <table data-testid="cost-by-service">
            <thead><tr><th scope="col">${this.groupBy === 'service' ? 'Service' : this.groupBy === 'region' ? 'Region' : 'Account'}</th><th scope="col" class="num">Total</th><th scope="col" class="num">Share</th></tr></thead>
            <tbody>
              ${groups.map(
                (row) => html`<tr data-testid="cost-group-row">
                  <th scope="row">${row.label}<div class="track" aria-hidden="true"><div class="bar" data-testid="share-bar" style="width:${groupTotal > 0 ? (row.totalUsd / groupTotal) * 100 : 0}%"></div></div></th>
                  <td class="num">${formatUsd(row.totalUsd)}</td>
                  <td class="num">${groupTotal > 0 ? share.format(row.totalUsd / groupTotal) : '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="mom-title" ?hidden=${months.length < 2}>
        <h2 id="mom-title">Month over month</h2>
        <div class="table-wrap">
          <table data-testid="cost-mom">
            <thead><tr><th scope="col">Month</th><th scope="col" class="num">Total</th><th scope="col" class="num">Change</th></tr></thead>
            <tbody>
              ${months.map(
                (m) => html`<tr>
                  <th scope="row">${formatMonth(m.month)}${m.month === isoDay(new Date()).slice(0, 7) ? html` <span class="muted">(to date)</span>` : m.complete ? nothing : html` <span class="muted">(${m.days} days of data)</span>`}</th>
                  <td class="num">${formatUsd(m.totalUsd)}</td>
                  <td class="num">${m.change === undefined ? '—' : change.format(m.change)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <p class="muted">The current month is compared with the same days of the month before; a month the data only partly covers is not compared.</p>
      </section>`;
  }
}

/** Root causes as AWS names them: service, region, usage type (and the account in an organisation); a region code is not broken at its hyphens. */
function causeText(cause: CostsResponse['anomalies'][number]['rootCauses'][number]) {
  const parts = [cause.service, cause.region === undefined ? undefined : html`<span class="nowrap">${cause.region}</span>`, cause.usageType, cause.linkedAccount ? `account ${cause.linkedAccount}` : undefined];
  return parts.filter((part) => part !== undefined && part !== '').map((part, i) => html`${i === 0 ? '' : ' · '}${part}`);
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-costs-page': ChCostsPage;
  }
}
