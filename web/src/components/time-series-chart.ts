import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { Chart } from '../lib/chart-setup.js';
import { tickLabel, timeTicks, viewerTimeZone } from '../lib/time-ticks.js';
import { sharedStyles } from '../styles/shared-styles.js';

/** One datapoint: ISO time and value. */
export interface SeriesPoint {
  t: string;
  v: number;
}

const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** Below this share of the window covered by data, the axis starts at the data (a new account's first hours). */
const FIT_BELOW = 0.5;

/**
 * A line chart of one metric over time (Chart.js on a linear time axis). The canvas carries a
 * text summary (points, latest, min, max) for screen readers.
 *
 * @property points - the datapoints, in any order
 * @property label - the series name, e.g. "CPUUtilization (Average)"
 * @property unit - appended to values in the tooltip and summary, e.g. "%"
 * @property from - start of the axis (ISO); default: first point
 * @property to - end of the axis (ISO); default: last point
 * @property fit - when the data covers less than half of [from, to], start the axis at the
 *   first point instead of squeezing the data against the right edge
 *
 * The x axis has evenly spaced, dated ticks in the viewer's time zone (named in its title).
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
  @property({ type: Boolean }) fit = false;
  /** Alarm thresholds drawn as dashed horizontal lines, e.g. `{ value: 80, label: 'high-cpu > 80' }`. Default none. */
  @property({ attribute: false }) thresholds: { value: number; label: string }[] = [];
  @query('canvas') private canvas!: HTMLCanvasElement;
  #chart: Chart<'line', { x: number; y: number }[]> | undefined;

  override render() {
    return html`<div class="plot"><canvas role="img" aria-label=${this.#summary()}></canvas></div>`;
  }

  protected override updated(): void {
    const data = this.points.map((point) => ({ x: Date.parse(point.t), y: point.v })).sort((a, b) => a.x - b.x);
    let min = this.from === '' ? data[0]?.x : Date.parse(this.from);
    const max = this.to === '' ? data.at(-1)?.x : Date.parse(this.to);
    const first = data[0]?.x;
    if (this.fit && min !== undefined && max !== undefined && first !== undefined && max - first < (max - min) * FIT_BELOW) {
      min = Math.max(min, first - Math.max(5 * 60_000, (max - first) * 0.05));
    }
    const unit = this.unit;
    const maxTicks = this.clientWidth < 420 ? 4 : 6;
    const { ticks: tickValues, stepMs } = min !== undefined && max !== undefined ? timeTicks(min, max, maxTicks) : { ticks: [], stepMs: 0 };
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
            x: { type: 'linear', title: { display: true, text: `Time (${viewerTimeZone()})`, font: { size: 11 } }, ticks: { autoSkip: false, maxRotation: 0 } },
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
    // One dashed line per alarm threshold across the whole axis (the y axis grows to show it).
    const left = min ?? data[0]?.x ?? 0;
    const right = max ?? data.at(-1)?.x ?? left;
    chart.data.datasets.splice(
      1,
      chart.data.datasets.length - 1,
      ...this.thresholds.map((t) => ({
        label: t.label,
        data: [
          { x: left, y: t.value },
          { x: right, y: t.value },
        ],
        borderColor: '#b91c1c',
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        fill: false,
        tension: 0,
      })),
    );
    this.dataset['thresholds'] = this.thresholds.map((t) => `${t.label}=${t.value}`).join('|');
    chart.options.scales!['x']!.min = min;
    chart.options.scales!['x']!.max = max;
    // Our ticks, not Chart.js's: evenly spaced on local clock boundaries, fewer at phone width.
    const x = chart.options.scales!['x'] as {
      afterBuildTicks?: (axis: { ticks: { value: number }[] }) => void;
      ticks: { callback: (value: unknown, index: number) => string };
    };
    x.afterBuildTicks = (axis) => {
      axis.ticks = tickValues.map((value) => ({ value }));
    };
    x.ticks.callback = (value, index) => tickLabel(Number(value), index, stepMs, tickValues[index - 1]);
    // The axis labels and window as text, for tests and for anyone inspecting the page.
    this.dataset['ticks'] = tickValues.map((value, i) => tickLabel(value, i, stepMs, tickValues[i - 1])).join('|');
    this.dataset['tickStepMs'] = String(stepMs);
    this.dataset['axisMin'] = min === undefined ? '' : new Date(min).toISOString();
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
