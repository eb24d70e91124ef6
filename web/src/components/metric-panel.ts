import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task, initialState } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { AlarmView, MetricSeriesView } from '../api/types.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './time-series-chart.js';

/** Units of the catalog's metrics, for axis labels and summaries. */
const UNITS: Record<string, string> = { CPUUtilization: '%', TargetResponseTime: ' s' };

/**
 * One metric of one resource over [from, to): fetches its points (GET /api/metrics with
 * resourceId) once it scrolls near the viewport and again whenever the range changes, and
 * charts them. (A page of 30 charts would otherwise queue 30 requests at once.)
 *
 * @property series - the series from the catalog (its points are not used)
 * @property from - range start (ISO)
 * @property to - range end (ISO)
 */
@customElement('ch-metric-panel')
export class ChMetricPanel extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      h3 { font-size: 0.95rem; margin-bottom: 0.25rem; }
      .card { padding: 0.75rem; }
    `,
  ];

  @property({ attribute: false }) series!: MetricSeriesView;
  @property() from = '';
  @property() to = '';
  /** The tenant's alarms with their account (from the overview); those on this series draw their threshold. Default none. */
  @property({ attribute: false }) alarms: (AlarmView & { accountId: string })[] = [];

  /** Has been near the viewport; fetching starts then. */
  @state() private seen = false;
  #observer: IntersectionObserver | undefined;

  #points = new Task(this, {
    task: async ([series, from, to, seen], { signal }) => {
      if (!seen) return initialState;
      const response = await tenantApi.metrics(
        { accountId: series.accountId, region: series.region, namespace: series.namespace, metric: series.metric, resourceId: series.resourceId, from, to },
        signal,
      );
      return response.series.flatMap((s) => s.points);
    },
    args: () => [this.series, this.from, this.to, this.seen] as const,
  });

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.seen) return;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.seen = true;
        this.#observer?.disconnect();
      },
      { rootMargin: '300px 0px' },
    );
    this.#observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#observer?.disconnect();
  }

  /** Fetch again with the same range (the page's periodic refresh). */
  refresh(): void {
    void this.#points.run();
  }

  override render() {
    const s = this.series;
    const label = `${s.metric} (${s.stat}, ${Math.round(s.periodSec / 60)} min)`;
    return html`<div class="card" data-testid="metric-panel" data-metric=${s.metric}>
      <h3>${label}</h3>
      ${renderTask(
        this.#points,
        (points) =>
          points.length === 0
            ? html`<p class="muted">No datapoints in this range yet.</p>`
            : html`<ch-time-series-chart .points=${points} label=${`${s.resourceId} ${label}`} unit=${UNITS[s.metric] ?? ''} from=${this.from} to=${this.to} fit .thresholds=${thresholdsOf(s, this.alarms)}></ch-time-series-chart>`,
        { what: 'datapoints' },
      )}
    </div>`;
  }
}

const OPERATOR: Record<string, string> = { GreaterThanThreshold: '>', GreaterThanOrEqualToThreshold: '>=', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<=' };

/** The thresholds of the alarms watching this series: same account, region, namespace, metric and a dimension naming its resource. */
function thresholdsOf(series: MetricSeriesView, alarms: readonly (AlarmView & { accountId: string })[]): { value: number; label: string }[] {
  return alarms
    .filter(
      (a) =>
        a.threshold !== undefined &&
        a.accountId === series.accountId &&
        a.region === series.region &&
        a.namespace === series.namespace &&
        a.metricName === series.metric &&
        (a.dimensions ?? []).some((d) => d.value === series.resourceId),
    )
    .map((a) => ({ value: a.threshold!, label: `${a.name} ${OPERATOR[a.comparison ?? ''] ?? ''} ${a.threshold}`.replace(/\s+/g, ' ') }));
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-metric-panel': ChMetricPanel;
  }
}
