import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RecommendationPatch, RecommendationView } from '../api/types.js';
import { stateBadge } from '../lib/badges.js';
import { formatRelative, formatUsd, titleCase } from '../lib/format.js';
import { resourceRefLabel } from '../lib/resource-label.js';
import { sharedStyles } from '../styles/shared-styles.js';

/** Detail of the `status-change` event. */
export type RecommendationStatusChange = { id: string } & RecommendationPatch;

/**
 * One recommendation: what, why, how much it saves, which resources, and the buttons to mark it
 * done, dismiss it or reopen it.
 *
 * @property item - the recommendation
 * @property accountName - how to name its account (default: the account id)
 * @property busy - a status change is being saved: buttons disabled
 * @property changedHere - the status was just changed on this page: the item stays in place with
 *   a note instead of buttons, so the second click of a double click lands on nothing
 * @fires status-change - CustomEvent<RecommendationStatusChange>: a button asked for a new status
 */
@customElement('ch-recommendation-item')
export class ChRecommendationItem extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .card { display: grid; gap: 0.5rem; }
      .top { display: flex; gap: 0.5rem; justify-content: space-between; flex-wrap: wrap; align-items: baseline; }
      h3 { margin: 0; font-size: 1.05rem; }
      .saving { font-weight: 700; color: var(--ch-ok); }
      ul { margin: 0; padding-left: 1.2rem; font-size: 0.875rem; }
      code { overflow-wrap: anywhere; }
      .done { background: var(--ch-surface-alt); }
      .subject { margin: 0; font-weight: 600; overflow-wrap: anywhere; font-size: 0.9rem; }
      .changed { font-weight: 600; padding: 0.4rem 0; }
    `,
  ];

  @property({ attribute: false }) item!: RecommendationView;
  @property({ type: Boolean }) busy = false;
  @property() accountName = '';
  @property({ type: Boolean }) changedHere = false;

  override render() {
    const item = this.item;
    const priorityTone = item.priority === 'high' ? 'bad' : item.priority === 'medium' ? 'warn' : '';
    return html`<article class="card ${item.status === 'open' ? '' : 'done'}" data-testid="recommendation" data-id=${item.id} data-status=${item.status} aria-labelledby="title">
      <div class="top">
        <h3 id="title">${item.title}</h3>
        <div class="row">
          <span class="badge ${priorityTone}">${titleCase(item.priority)} priority</span>
          <span class="badge" title="Impact score">Impact ${item.impactScore.toFixed(0)}</span>
          ${item.status === 'open' ? nothing : stateBadge(item.status === 'done' ? 'active' : 'stopped', titleCase(item.status))}
        </div>
      </div>
      <p class="subject" data-testid="recommendation-subject">${this.#subject(item)}</p>
      <p>${item.summary}</p>
      ${item.estimatedMonthlySavingUsd === undefined || item.estimatedMonthlySavingUsd <= 0
        ? nothing
        : html`<p class="saving">Saves about ${formatUsd(item.estimatedMonthlySavingUsd)} a month</p>`}
      ${item.resources.length === 0
        ? nothing
        : html`<ul aria-label="Resources">
            ${item.resources.slice(0, 6).map((resource) => html`<li>${resourceRefLabel(resource, false)} <code>${resource.id}</code>${resource.region === undefined ? '' : ` (${resource.region})`}</li>`)}
            ${item.resources.length > 6 ? html`<li>and ${item.resources.length - 6} more</li>` : nothing}
          </ul>`}
      <div class="row">
        ${this.changedHere
          ? html`<span class="changed" data-testid="changed-here">${item.status === 'open' ? 'Reopened' : item.status === 'done' ? 'Marked done' : 'Dismissed'}</span>`
          : item.status === 'open'
          ? html`<button ?disabled=${this.busy} aria-describedby="title" @click=${(e: MouseEvent) => this.#change('done', e)} data-testid="mark-done">Mark done</button>
              <button class="secondary" ?disabled=${this.busy} aria-describedby="title" @click=${(e: MouseEvent) => this.#change('dismissed', e)} data-testid="dismiss">Dismiss</button>`
          : html`<button class="secondary" ?disabled=${this.busy} aria-describedby="title" @click=${(e: MouseEvent) => this.#change('open', e)} data-testid="reopen">Reopen</button>`}
        <span class="muted">${item.accountId === undefined ? '' : `${this.accountName || item.accountId} · `}updated ${formatRelative(item.updatedAt)}</span>
      </div>
    </article>`;
  }

  /** Which resource, where: "EC2 instance i-0abc · Production (1234…) · us-east-1". */
  #subject(item: RecommendationView) {
    const main = item.resources.find((r) => r.type !== 'guardduty-finding') ?? item.resources[0];
    const parts = [
      main === undefined ? undefined : resourceRefLabel(main),
      item.accountId === undefined ? undefined : this.accountName || item.accountId,
      main?.region,
    ].filter((part): part is string => part !== undefined && part !== '');
    return parts.join(' · ');
  }

  #change(status: RecommendationPatch['status'], event?: MouseEvent): void {
    // The second click of a double click (detail 2) repeats the first: one action per gesture.
    if (event !== undefined && event.detail > 1) return;
    const detail: RecommendationStatusChange = { id: this.item.id, status };
    this.dispatchEvent(new CustomEvent('status-change', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-recommendation-item': ChRecommendationItem;
  }
}
