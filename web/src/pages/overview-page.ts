import { LitElement, css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { metaApi } from '../api/meta-api.js';
import { tenantApi } from '../api/tenant-api.js';
import type { Overview, RecommendationView } from '../api/types.js';
import { metricHref } from '../lib/metric-links.js';
import { resourceRefLabel } from '../lib/resource-label.js';
import { formatDateTime, formatInteger, formatMonth, formatUsd, titleCase } from '../lib/format.js';

/** `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/account-card.js';

/** How often the overview refreshes itself while the tab is visible. */
export const OVERVIEW_REFRESH_MS = 60_000;

/**
 * The tenant's home: one card per connected account, the top recommendations and what the
 * monitoring itself costs. Refreshes every minute while visible.
 */
@customElement('ch-overview-page')
export class ChOverviewPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .firing { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
      .firing li { overflow-wrap: anywhere; }
      .firing a { margin-left: 0.5rem; white-space: nowrap; }
      .firing .reason { font-size: 0.85rem; }
      .subject { display: block; font-size: 0.85rem; overflow-wrap: anywhere; }
      .recs { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6rem; }
      .recs li { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
      .fee { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0.75rem; margin: 0; }
      .fee dt { color: var(--ch-muted); font-size: 0.85rem; }
      .fee dd { margin: 0; font-size: 1.2rem; font-weight: 700; font-variant-numeric: tabular-nums; }
      .split { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); }
      .split > section + section { margin-top: 0; }
    `,
  ];

  #overview = new Task(this, {
    task: (_args, { signal }) => tenantApi.overview(signal),
    args: () => [] as const,
  });

  // Labels and order of the collectors; a failed /api/meta leaves the overview's own names.
  #meta = new Task(this, { task: (_args, { signal }) => metaApi.meta(signal).catch(() => undefined), args: () => [] as const });

  #poll = new PollController(this, OVERVIEW_REFRESH_MS, () => void this.#overview.run());

  override render() {
    return html`<div class="page-head">
        <h1>Overview</h1>
        <button class="secondary" @click=${this.#refresh} data-testid="refresh">Refresh</button>
      </div>
      ${renderTask(this.#overview, (overview) => this.#content(overview), { what: 'the overview' })}`;
  }

  #refresh(): void {
    this.#poll.reset();
    void this.#overview.run();
  }

  #content(overview: Overview) {
    return html`${overview.accounts.length === 0
        ? html`<div class="card empty" data-testid="no-accounts">
            <h2>No AWS account connected yet</h2>
            <p>Connect one to see its health, cost and security findings here.</p>
            <a class="button" href="/accounts">Connect an AWS account</a>
          </div>`
        : html`<section aria-label="Accounts" class="grid" data-testid="account-cards">
            ${overview.accounts.map((account) => html`<ch-account-card .data=${account} .collectors=${this.#meta.value?.collectors}></ch-account-card>`)}
          </section>`}
      ${this.#firing(overview)}
      ${this.#alarmHistory(overview)}
      <div class="split" style="margin-top:1.5rem">
        <section class="card" aria-labelledby="recs-title" data-testid="top-recommendations">
          <h2 id="recs-title">Top recommendations</h2>
          ${overview.topRecommendations.length === 0
            ? html`<p class="muted">Nothing to act on right now.</p>`
            : html`<ol class="recs">
                ${overview.topRecommendations.slice(0, 5).map((rec) => this.#recommendation(rec, new Map(overview.accounts.map((a) => [a.account.id, a.account.name]))))}
              </ol>`}
          <a href="/recommendations">All recommendations</a>
        </section>
        <section class="card" aria-labelledby="fee-title" data-testid="monitoring-cost">
          <h2 id="fee-title">What monitoring costs you</h2>
          <p class="muted">AWS bills your account for the API calls Cloud Health makes (${formatMonth(overview.monitoringCost.month)}).</p>
          <dl class="fee">
            <div><dt>This month so far</dt><dd>${formatUsd(overview.monitoringCost.estimatedFeeUsd)}</dd></div>
            <div><dt>Projected per month</dt><dd data-testid="projected-fee">${formatUsd(overview.monitoringCost.projectedFeeUsd)}</dd></div>
            <div><dt>Cost Explorer requests</dt><dd>${formatInteger(overview.monitoringCost.costExplorerRequests)}</dd></div>
            <div><dt>CloudWatch metrics read</dt><dd>${formatInteger(overview.monitoringCost.getMetricDataMetrics)}</dd></div>
            <div><dt>Planned per month</dt><dd data-testid="planned-fee">${formatUsd(overview.monitoringCost.plannedFeeUsd)}</dd></div>
            <div><dt>Monthly cap</dt><dd data-testid="monitoring-cap-value">${overview.monitoringCost.capUsd === null ? 'None' : formatUsd(overview.monitoringCost.capUsd)}</dd></div>
          </dl>
          ${monitoringPlanView(overview.monitoringCost)}
        </section>
      </div>
      <p class="muted" style="margin-top:1rem">Updated ${formatDateTime(overview.generatedAt)} · refreshes every minute while this tab is open.</p>
      ${nothing}`;
  }

  /** Alarms in ALARM across accounts, each linked to its metric's charts. */
  #firing(overview: Overview) {
    const firing = overview.accounts.flatMap((a) => a.health.alarms.filter((alarm) => alarm.state === 'ALARM').map((alarm) => ({ account: a.account, alarm })));
    if (firing.length === 0) return nothing;
    return html`<section class="card" aria-labelledby="firing-title" data-testid="firing-alarms" style="margin-top:1.5rem">
      <h2 id="firing-title">Alarms firing</h2>
      <ul class="firing">
        ${firing.map(
          ({ account, alarm }) => html`<li data-testid="firing-alarm">
            <strong>${alarm.name}</strong> <span class="muted">${account.name} · ${alarm.region}${alarm.metricName === undefined ? '' : ` · ${alarm.namespace ?? ''} ${alarm.metricName}`}</span>
            ${alarm.metricName === undefined
              ? nothing
              : html`<a href=${metricHref({ accountId: account.id, region: alarm.region, ...(alarm.namespace ? { namespace: alarm.namespace } : {}), metric: alarm.metricName })} data-testid="alarm-chart-link">View chart</a>`}
            ${alarm.reason === undefined ? nothing : html`<div class="muted reason">${alarm.reason}</div>`}
          </li>`,
        )}
      </ul>
    </section>`;
  }

  /** When each alarm fired in the last week and how long it lasted (stored transitions). */
  #alarmHistory(overview: Overview) {
    const episodes = overview.alarmHistory ?? [];
    if (episodes.length === 0) return nothing;
    return html`<section class="card" aria-labelledby="alarm-history-title" data-testid="alarm-history" style="margin-top:1.5rem">
      <h2 id="alarm-history-title">Alarm history (7 days)</h2>
      <ul class="firing">
        ${episodes.map(
          (e) => html`<li data-testid="alarm-episode">
            <strong>${e.name}</strong>
            <span class="muted">${e.accountName ?? e.accountId} · ${e.region}</span>
            <div>Fired ${formatDateTime(e.firedAt)} · ${e.endedAt === undefined ? html`<span class="badge bad">still in ALARM</span> for ${formatDuration(e.durationMs)}` : `lasted ${formatDuration(e.durationMs)}${e.endedIn && e.endedIn !== 'OK' ? ` (then ${e.endedIn})` : ''}`}</div>
            ${e.metricName === undefined
              ? nothing
              : html`<a href=${metricHref({ accountId: e.accountId, region: e.region, ...(e.namespace ? { namespace: e.namespace } : {}), metric: e.metricName })}>View chart</a>`}
          </li>`,
        )}
      </ul>
    </section>`;
  }

  #recommendation(rec: RecommendationView, names: Map<string, string>) {
    // Titles repeat (three "credential compromise" findings): the resource and account tell them apart.
    const main = rec.resources.find((r) => r.type !== 'guardduty-finding') ?? rec.resources[0];
    const parts = [main === undefined ? undefined : resourceRefLabel(main), rec.accountId === undefined ? undefined : names.get(rec.accountId)].filter((p): p is string => p !== undefined);
    const subject = parts.length === 0 ? undefined : parts.join(' · ');
    return html`<li>
      <span><span class="badge ${rec.priority === 'high' ? 'bad' : rec.priority === 'medium' ? 'warn' : ''}">${titleCase(rec.category)}</span> ${rec.title}
        ${subject === undefined ? nothing : html`<span class="muted subject" data-testid="top-recommendation-subject">${subject}</span>`}</span>
      ${rec.estimatedMonthlySavingUsd === undefined || rec.estimatedMonthlySavingUsd <= 0 ? nothing : html`<span class="muted">saves ${formatUsd(rec.estimatedMonthlySavingUsd)}/mo</span>`}
    </li>`;
  }
}

/** "every 15 min", "every 2.5 h", "daily". */
function every(ms: number): string {
  if (ms >= 86_400_000) return ms === 86_400_000 ? 'daily' : `every ${+(ms / 86_400_000).toFixed(1)} days`;
  if (ms >= 3_600_000) return ms === 3_600_000 ? 'hourly' : `every ${+(ms / 3_600_000).toFixed(1)} h`;
  return `every ${Math.round(ms / 60_000)} min`;
}

/** The plan behind the projected fee: what the cap stretched, and how fresh each data kind is. */
function monitoringPlanView(cost: Overview['monitoringCost']) {
  const stretched = cost.stretch > 1;
  return html`<p class=${stretched ? 'notice' : 'muted'} data-testid="monitoring-plan">
      ${stretched
        ? html`To stay under your cap of ${formatUsd(cost.capUsd ?? 0)}, paid data is read ${cost.stretch.toFixed(2)}× less often (${formatUsd(cost.defaultFeeUsd)} a month at the default freshness).`
        : html`At the default freshness: ${formatUsd(cost.defaultFeeUsd)} a month for the resources found.`}
    </p>
    <details>
      <summary>Freshness of each data kind</summary>
      <table data-testid="freshness">
        <thead><tr><th scope="col">Data</th><th scope="col">Read</th><th scope="col">Fee</th></tr></thead>
        <tbody>
          ${cost.freshness.map(
            (line) => html`<tr>
              <th scope="row">${line.data}</th>
              <td>${every(line.everyMs)}${line.everyMs !== line.defaultEveryMs ? html` <span class="muted">(default ${every(line.defaultEveryMs)})</span>` : nothing}</td>
              <td>${line.paid ? 'Paid' : 'Free'}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-overview-page': ChOverviewPage;
  }
}
