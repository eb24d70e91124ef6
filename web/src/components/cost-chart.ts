import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { CostsResponse } from '../api/types.js';
import { Chart, PALETTE } from '../lib/chart-setup.js';
import { formatDay, formatUsd } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';

/** Services drawn separately; the rest are summed into "Other" so the legend stays readable. */
const MAX_SERVICES = 7;

/**
 * Daily cost as bars stacked by service, with spike days marked by a red triangle above the bar
 * and the days AWS Cost Anomaly Detection flagged by an orange diamond.
 *
 * @property daily - CostsResponse.daily (any accounts; summed per day and service)
 * @property spikes - CostsResponse.spikes
 * @property anomalies - CostsResponse.anomalies (marked on their start day)
 * @property highlightDay - a day (YYYY-MM-DD) to show: its tooltip is opened, as on hover
 */
@customElement('ch-cost-chart')
export class ChCostChart extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .plot { position: relative; height: 20rem; }
    `,
  ];

  @property({ attribute: false }) daily: CostsResponse['daily'] = [];
  @property({ attribute: false }) spikes: CostsResponse['spikes'] = [];
  @property({ attribute: false }) anomalies: CostsResponse['anomalies'] = [];
  @property() highlightDay = '';
  @query('canvas') private canvas!: HTMLCanvasElement;
  #chart: Chart | undefined;

  override render() {
    const total = this.daily.reduce((sum, item) => sum + item.amountUsd, 0);
    const days = new Set(this.daily.map((item) => item.day)).size;
    const label = `Daily cost by service over ${days} days, ${formatUsd(total)} in total; ${this.spikes.length} spike${this.spikes.length === 1 ? '' : 's'} and ${this.anomalies.length} anomal${this.anomalies.length === 1 ? 'y' : 'ies'} marked. The table below lists the same data by service.`;
    return html`<div class="plot"><canvas role="img" aria-label=${label}></canvas></div>`;
  }

  protected override updated(): void {
    const { days, datasets } = this.#series();
    this.#chart?.destroy();
    this.#chart = new Chart(this.canvas, {
      type: 'bar',
      data: { labels: days.map(formatDay), datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item) =>
                item.dataset.stack === 'spikes'
                  ? this.#spikeText(days[item.dataIndex])
                  : item.dataset.stack === 'anomalies'
                    ? this.#anomalyText(days[item.dataIndex])
                    : `${item.dataset.label}: ${formatUsd(item.parsed.y)}`,
            },
          },
        },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: { stacked: true, beginAtZero: true, ticks: { callback: (value) => formatUsd(Number(value)) } },
        },
      },
    });
    this.#showHighlight(days);
  }

  /** Open the highlighted day's tooltip, as hovering its bar would. */
  #showHighlight(days: string[]): void {
    const index = days.indexOf(this.highlightDay);
    const chart = this.#chart;
    if (!chart || index < 0) return;
    const active = chart.data.datasets.map((_d, datasetIndex) => ({ datasetIndex, index })).filter(({ datasetIndex }) => chart.data.datasets[datasetIndex]?.data[index] != null);
    chart.setActiveElements(active);
    chart.tooltip?.setActiveElements(active, { x: 0, y: 0 });
    chart.update();
  }

  #anomalyText(day: string | undefined): string[] {
    return this.anomalies
      .filter((anomaly) => anomaly.startDay === day)
      .map((anomaly) => `Anomaly: ${anomaly.service ?? anomaly.rootCauses[0]?.service ?? 'cost'} +${formatUsd(anomaly.impactUsd)}`);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  #spikeText(day: string | undefined): string[] {
    return this.spikes
      .filter((spike) => spike.day.slice(0, 10) === day)
      .map((spike) => `Spike: ${spike.service} ${formatUsd(spike.amountUsd)} (usually ${formatUsd(spike.baselineUsd)})`);
  }

  #series() {
    const days = [...new Set(this.daily.map((item) => item.day))].sort();
    const index = new Map(days.map((day, i) => [day, i]));
    const totals = new Map<string, number>();
    for (const item of this.daily) totals.set(item.service, (totals.get(item.service) ?? 0) + item.amountUsd);
    const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([service]) => service);
    const shown = new Set(ranked.slice(0, ranked.length > MAX_SERVICES + 1 ? MAX_SERVICES : ranked.length));
    const rows = new Map<string, number[]>();
    const dayTotals = days.map(() => 0);
    for (const item of this.daily) {
      const key = shown.has(item.service) ? item.service : 'Other';
      const row = rows.get(key) ?? days.map(() => 0);
      const i = index.get(item.day)!;
      row[i] = row[i]! + item.amountUsd;
      dayTotals[i] = dayTotals[i]! + item.amountUsd;
      rows.set(key, row);
    }
    const order = [...ranked.filter((service) => shown.has(service)), ...(rows.has('Other') ? ['Other'] : [])];
    const datasets: Chart['data']['datasets'] = order.map((service, i) => ({
      type: 'bar' as const,
      label: service,
      data: rows.get(service)!,
      backgroundColor: PALETTE[i % PALETTE.length]!,
      stack: 'cost',
    }));
    const spikeDays = new Set(this.spikes.map((spike) => spike.day.slice(0, 10)));
    if (spikeDays.size > 0) {
      datasets.push({
        type: 'line' as const,
        label: 'Spike',
        data: days.map((day, i) => (spikeDays.has(day) ? dayTotals[i]! * 1.04 : null)) as number[],
        stack: 'spikes',
        showLine: false,
        pointStyle: 'triangle',
        pointRotation: 180,
        pointRadius: 8,
        pointHoverRadius: 9,
        backgroundColor: '#b3261e',
        borderColor: '#7f1d1d',
      });
    }
    const anomalyDays = new Set(this.anomalies.map((anomaly) => anomaly.startDay));
    if ([...anomalyDays].some((day) => index.has(day))) {
      datasets.push({
        type: 'line' as const,
        label: 'Anomaly',
        data: days.map((day, i) => (anomalyDays.has(day) ? dayTotals[i]! * 1.1 : null)) as number[],
        stack: 'anomalies',
        showLine: false,
        pointStyle: 'rectRot',
        pointRadius: 7,
        pointHoverRadius: 9,
        backgroundColor: '#e8710a',
        borderColor: '#8a4200',
      });
    }
    return { days, datasets };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-cost-chart': ChCostChart;
  }
}
