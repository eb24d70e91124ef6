import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AccountOverview, CollectorInfo, CollectorName, CollectorStatus } from '../api/types.js';
import { BANDS, severityBadge, stateBadge } from '../lib/badges.js';
import { formatDateTime, formatRelative, formatUsd } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * One connected AWS account on the overview: alarm states, each collector's freshness and the
 * steps that need attention (a missing permission, a region not enabled, a feature to turn on),
 * findings by severity, month-to-date cost and forecast.
 *
 * @property data - the account's AccountOverview from GET /api/overview
 * @property collectors - the collectors in display order with their labels (GET /api/meta); until
 *   they arrive, the overview's own collector names are shown
 * @property now - the time freshness is measured against (ms; default: render time)
 */
@customElement('ch-account-card')
export class ChAccountCard extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .card { height: 100%; display: flex; flex-direction: column; gap: 0.9rem; }
      header { display: flex; justify-content: space-between; gap: 0.5rem; flex-wrap: wrap; }
      h2 { margin: 0; }
      h3 { font-size: 0.9rem; text-transform: uppercase; letter-spacing: 0.03em; color: var(--ch-muted); margin-bottom: 0.35rem; }
      dl { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.25rem; margin: 0; }
      dt { font-size: 0.8rem; color: var(--ch-muted); }
      dd { margin: 0; font-size: 1.25rem; font-weight: 700; font-variant-numeric: tabular-nums; }
      dd.alarm { color: var(--ch-danger); }
      ul { list-style: none; margin: 0; padding: 0; }
      li { padding: 0.2rem 0; }
      .collector { display: grid; grid-template-columns: 5.5rem auto 1fr; gap: 0.5rem; align-items: baseline; }
      .collector .when { font-size: 0.875rem; color: var(--ch-muted); }
      .error { color: var(--ch-danger); font-size: 0.875rem; grid-column: 1 / -1; }
      .steps { grid-column: 1 / -1; display: grid; gap: 0.2rem; font-size: 0.875rem; }
      .step.failed { color: var(--ch-danger); }
      .step.setup { color: var(--ch-muted); }
      .money { font-size: 1.35rem; font-weight: 700; }
      .stale { color: var(--ch-warn); font-weight: 600; }
      a.band { color: inherit; text-decoration: none; padding: 0.15rem 0.25rem; border-radius: 6px; }
      a.band:hover { background: var(--ch-surface-alt); }
    `,
  ];

  @property({ attribute: false }) data!: AccountOverview;
  @property({ attribute: false }) collectors: readonly CollectorInfo[] | undefined;
  @property({ type: Number }) now = 0;

  override render() {
    const { account, health, findingsBySeverity, cost } = this.data;
    const alarms = health.alarms.filter((alarm) => alarm.state === 'ALARM');
    return html`<article class="card" data-testid="account-card" data-account=${account.awsAccountId} aria-labelledby="name">
      <header>
        <div>
          <h2 id="name">${account.name}</h2>
          <span class="muted">${account.awsAccountId} · ${account.regions.join(', ')} · connected ${formatDateTime(account.createdAt)}</span>
        </div>
        <div>${stateBadge(account.status, account.status === 'active' ? 'Connected' : 'Access refused')}</div>
      </header>
      ${account.status === 'credentials_invalid'
        ? html`<p class="error" role="note">AWS refused the role or the keys${account.statusReason ? ` (${account.statusReason})` : ''}. Collection is paused until you <a href="/accounts">update the account</a>.</p>`
        : nothing}
      <section aria-label="Health">
        <h3>Health (CloudWatch alarms)</h3>
        <dl>
          <div><dt>OK</dt><dd data-testid="alarms-ok">${health.ok}</dd></div>
          <div><dt>In alarm</dt><dd class=${health.alarm > 0 ? 'alarm' : ''} data-testid="alarms-alarm">${health.alarm}</dd></div>
          <div><dt>No data</dt><dd>${health.insufficientData}</dd></div>
        </dl>
        ${alarms.length === 0
          ? nothing
          : html`<ul aria-label="Alarms firing">
              ${alarms.slice(0, 5).map((alarm) => html`<li>${stateBadge('open', 'ALARM')} ${alarm.name} <span class="muted">(${alarm.region})</span></li>`)}
            </ul>`}
      </section>
      <section aria-label="Data freshness">
        <h3>Collectors</h3>
        <ul>
          ${this.#collectorList().map(({ name, label }) => this.#collector(name, label, this.data.collectors[name]))}
        </ul>
      </section>
      ${this.#healthEvents()}
      ${this.data.compliance.length === 0
        ? nothing
        : html`<section aria-label="Compliance">
            <h3>Compliance (Security Hub)</h3>
            <ul>
              ${this.data.compliance.map(
                (st) => html`<li data-testid="compliance-score"><strong>${st.scorePct === null ? '–' : `${st.scorePct}%`}</strong> ${st.name} <span class="muted">(${st.region}, ${st.passedControls}/${st.totalControls} controls passed)</span></li>`,
              )}
            </ul>
            <a href="/compliance">Failed controls</a>
          </section>`}
      <section aria-label="Findings by severity">
        <h3>Security findings</h3>
        <div class="row">
          ${BANDS.map((band) => html`<a class="band" href="/findings?severity=${band}" data-testid="findings-${band}" aria-label="${findingsBySeverity[band] ?? 0} ${band} findings">${severityBadge(band)} <strong>${findingsBySeverity[band] ?? 0}</strong></a>`)}
        </div>
      </section>
      <section aria-label="Cost">
        <h3>Cost this month</h3>
        <div class="row">
          <span class="money" data-testid="mtd-cost">${formatUsd(cost.monthToDateUsd)}</span>
          <span class="muted">so far · forecast ${cost.forecastMonthUsd === null ? 'not available yet' : formatUsd(cost.forecastMonthUsd)}</span>
        </div>
        <a href="/costs">Cost details</a>
      </section>
    </article>`;
  }

  /** Current AWS Health events first (open issues marked), then the last week's closed ones. */
  #healthEvents() {
    const events = this.data.healthEvents;
    if (events.length === 0) return nothing;
    const label = { issue: 'Issue', scheduledChange: 'Scheduled change', accountNotification: 'Notification', investigation: 'Investigation' } as const;
    return html`<section aria-label="AWS Health events">
      <h3>AWS Health</h3>
      <ul>
        ${events.slice(0, 5).map(
          (e) => html`<li data-testid="health-event" data-status=${e.status}>
            ${stateBadge(e.status === 'open' && e.category === 'issue' ? 'open' : e.status, `${label[e.category]} · ${e.status}`)}
            <a href=${e.consoleUrl} target="_blank" rel="noopener noreferrer">${e.service} ${e.eventTypeCode.replaceAll('_', ' ').toLowerCase()}</a>
            <span class="muted">(${e.region}${e.affectedEntities.length > 0 ? ` · ${e.affectedEntities.length} resource${e.affectedEntities.length === 1 ? '' : 's'}` : ''})</span>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  #collectorList(): { name: CollectorName; label: string }[] {
    if (this.collectors) return [...this.collectors];
    return (Object.keys(this.data.collectors) as CollectorName[]).map((name) => ({ name, label: name }));
  }

  #collector(name: CollectorName, label: string, status: CollectorStatus | undefined) {
    if (status === undefined) return html`<li class="collector"><span>${label}</span>${stateBadge('unknown')}</li>`;
    const now = this.now || Date.now();
    const stale = status.lastDataAt !== undefined && status.nextRunAt !== undefined && Date.parse(status.nextRunAt) < now - 5 * 60_000;
    // Steps that need the tenant: grouped so a permission denied in three regions reads once.
    const attention = new Map<string, { state: string; text: string; url?: string; regions: string[] }>();
    for (const step of status.steps ?? []) {
      if (step.state === 'ok' || step.remedy === undefined) continue;
      // A refused identity is said once, at the top of the card.
      if (step.error?.kind === 'identity' && this.data.account.status === 'credentials_invalid') continue;
      const key = `${step.state}|${step.remedy.replace(step.region ?? '\u0000', '…')}`;
      const entry = attention.get(key) ?? { state: step.state, text: step.remedy, ...(step.consoleUrl ? { url: step.consoleUrl } : {}), regions: [] };
      if (step.region) entry.regions.push(step.region);
      attention.set(key, entry);
    }
    const failedSteps = (status.steps ?? []).some((s) => s.state === 'failed');
    return html`<li class="collector" data-testid="collector-${name}">
      <span>${label}</span>
      ${stateBadge(status.state)}
      <span class="when" title=${formatDateTime(status.lastDataAt)}>
        ${status.lastDataAt === undefined ? html`<span data-testid="never-collected">never collected yet</span>` : html`updated ${formatRelative(status.lastDataAt, now)}`}
        ${stale ? html`<span class="stale">(overdue)</span>` : nothing}
      </span>
      ${status.lastError === undefined || failedSteps ? nothing : html`<span class="error">Last error ${formatRelative(status.lastError.at, now)}: ${status.lastError.message}</span>`}
      ${attention.size === 0
        ? nothing
        : html`<div class="steps">
            ${[...attention.values()].map(
              (a) => html`<span class="step ${a.state}" data-testid="step-${a.state}">${a.state === 'failed' ? '⚠ ' : html`<strong>Setup:</strong> `}${a.regions.length > 1 ? `${a.regions.join(', ')}: ` : ''}${a.text}${a.url ? html` <a href=${a.url} target="_blank" rel="noopener noreferrer">AWS console</a>` : nothing}</span>`,
            )}
          </div>`}
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-account-card': ChAccountCard;
  }
}
