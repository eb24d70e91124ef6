import { LitElement, css, html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import type { CostsResponse } from '../api/types.js';
import { Chart, PALETTE } from '../lib/chart-setup.js';
import { formatDay, formatUsd } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';

/** Services drawn separately; the rest are summed into "Other" so the legend stays readable. */
const MAX_SERVICES = 7;

/**
 * Daily cost as bars stacked by service, with spike days marked by a red triangle above the bar.
 *
 * @property daily - CostsResponse.daily (any accounts; summed per day and service)
 * @property spikes - CostsResponse.spikes
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
  @query('canvas') private canvas!: HTMLCanvasElement;
  #chart: Chart | undefined;

  override render() {
    const total = this.daily.reduce((sum, item) => sum + item.amountUsd, 0);
    const days = new Set(this.daily.map((item) => item.day)).size;
    const label = `Daily cost by service over ${days} days, ${formatUsd(total)} in total; ${this.spikes.length} spike${this.spikes.length === 1 ? '' : 's'} marked. The table below lists the same data by service.`;
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
          tooltip: { callbacks: { label: (item) => (item.dataset.stack === 'spikes' ? this.#spikeText(days[item.dataIndex]) : `${item.dataset.label}: ${formatUsd(item.parsed.y)}`) } },
        },
        scales: {
          x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: { stacked: true, beginAtZero: true, ticks: { callback: (value) => formatUsd(Number(value)) } },
        },
      },
    });
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
    return { days, datasets };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-cost-chart': ChCostChart;
  }
}
