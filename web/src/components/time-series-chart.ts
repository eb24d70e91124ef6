import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { Chart } from '../lib/chart-setup.js';
import { sharedStyles } from '../styles/shared-styles.js';

/** One datapoint: ISO time and value. */
export interface SeriesPoint {
  t: string;
  v: number;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * A line chart of one metric over time (Chart.js on a linear time axis). The canvas carries a
 * text summary (points, latest, min, max) for screen readers.
 *
 * @property points - the datapoints, in any order
 * @property label - the series name, e.g. "CPUUtilization (Average)"
 * @property unit - appended to values in the tooltip and summary, e.g. "%"
 * @property from - start of the axis (ISO); default: first point
 * @property to - end of the axis (ISO); default: last point
 */
@customElement('ch-time-series-chart')
export class ChTimeSeriesChart extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .plot { position: relative; height: 12rem; }
    `,
  ];

  @property({ attribute: false }) points: SeriesPoint[] = [];
  @property() label = '';
  @property() unit = '';
  @property() from = '';
  @property() to = '';
  @query('canvas') private canvas!: HTMLCanvasElement;
  #chart: Chart<'line', { x: number; y: number }[]> | undefined;

  override render() {
    return html`<div class="plot"><canvas role="img" aria-label=${this.#summary()}></canvas></div>`;
  }

  protected override updated(): void {
    const data = this.points.map((point) => ({ x: Date.parse(point.t), y: point.v })).sort((a, b) => a.x - b.x);
    const min = this.from === '' ? data[0]?.x : Date.parse(this.from);
    const max = this.to === '' ? data.at(-1)?.x : Date.parse(this.to);
    const span = (max ?? 0) - (min ?? 0);
    const tick = span > 2 * 86_400_000 ? dayAndTime : timeOfDay;
    const unit = this.unit;
    if (this.#chart === undefined) {
      this.#chart = new Chart(this.canvas, {
        type: 'line',
        data: { datasets: [{ label: this.label, data, borderColor: '#1d4ed8', backgroundColor: 'rgb(29 78 216 / 0.12)', fill: true, pointRadius: 0, borderWidth: 2, tension: 0.2 }] },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'nearest', axis: 'x', intersect: false },
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { title: (items) => full.format(items[0]?.parsed.x ?? 0), label: (item) => `${formatValue(item.parsed.y ?? 0)}${unit}` } },
          },
          scales: {
            x: { type: 'linear', ticks: { maxTicksLimit: 6, callback: (value) => tick.format(Number(value)) } },
            y: { beginAtZero: true, ticks: { maxTicksLimit: 5 } },
          },
        },
      });
    }
    const chart = this.#chart;
    const dataset = chart.data.datasets[0]!;
    dataset.data = data;
    dataset.label = this.label;
    // a handful of points would be invisible as a bare line: draw them
    dataset.pointRadius = data.length <= 40 ? 3 : 0;
    chart.options.scales!['x']!.min = min;
    chart.options.scales!['x']!.max = max;
    const ticks = (chart.options.scales!['x'] as { ticks: { callback: (value: unknown) => string; maxTicksLimit: number } }).ticks;
    ticks.callback = (value) => tick.format(Number(value));
    // phone-width charts: fewer labels, so they do not run into each other
    ticks.maxTicksLimit = this.clientWidth < 420 ? 4 : 6;
    chart.update();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // re-attached after a disconnect: draw again
    if (this.hasUpdated) this.requestUpdate();
  }

  #summary(): string {
    if (this.points.length === 0) return `${this.label}: no datapoints in this range`;
    const values = this.points.map((point) => point.v);
    const latest = [...this.points].sort((a, b) => Date.parse(a.t) - Date.parse(b.t)).at(-1)!;
    return `${this.label}: ${this.points.length} datapoints; latest ${formatValue(latest.v)}${this.unit}, min ${formatValue(Math.min(...values))}${this.unit}, max ${formatValue(Math.max(...values))}${this.unit}`;
  }
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(1) : value.toPrecision(2);
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-time-series-chart': ChTimeSeriesChart;
  }
}
