import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { RecommendationView } from '../api/types.js';
import type { RecommendationStatusChange } from '../components/recommendation-item.js';
import { accountLabeller } from '../lib/account-names.js';
import { formatUsd } from '../lib/format.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/problem-alert.js';
import '../components/recommendation-item.js';

// Savings first: a FinOps lead opens this page for the money, and a long security list must not push it down.
const CATEGORIES: { key: RecommendationView['category']; label: string }[] = [
  { key: 'cost', label: 'Cost' },
  { key: 'security', label: 'Security' },
  { key: 'reliability', label: 'Reliability' },
  { key: 'performance', label: 'Performance' },
];

type Show = 'open' | 'done' | 'dismissed' | 'all';

/** Items shown per category before "Show all". */
const FIRST_ITEMS = 5;

/** Largest saving first, then highest impact. */
function bySavingThenImpact(a: RecommendationView, b: RecommendationView): number {
  return (b.estimatedMonthlySavingUsd ?? 0) - (a.estimatedMonthlySavingUsd ?? 0) || b.impactScore - a.impactScore || a.id.localeCompare(b.id);
}

/**
 * Recommendations grouped by category, cost first, the largest saving then the highest impact
 * first, five per category until "Show all"; each names its resource and account. Mark one done,
 * dismiss it, or reopen it (PATCH /api/recommendations/:id): the item stays in place with a note
 * until the next load, so a double click cannot act on the item that would have moved under it.
 */
@customElement('ch-recommendations-page')
export class ChRecommendationsPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      .items { display: grid; gap: 0.75rem; }
      .show-all { margin-top: 0.75rem; }
      h2 .muted { font-weight: normal; font-size: 0.9rem; }
    `,
  ];

  @state() private show: Show = 'open';
  /** Statuses changed here, by id, until the next load reflects them. */
  @state() private overrides = new Map<string, RecommendationView>();
  @state() private busy = new Set<string>();
  /** Categories the user expanded past FIRST_ITEMS. */
  @state() private expanded = new Set<RecommendationView['category']>();
  @state() private error: unknown;
  /** The last change made here, for the "Undo" notice. */
  @state() private lastChange: { id: string; title: string; status: RecommendationView['status']; previous: RecommendationView['status'] } | undefined;

  #recommendations = new Task(this, {
    task: async (_args, { signal }) => (await tenantApi.recommendations(signal)).items,
    args: () => [] as const,
    onComplete: () => (this.overrides = new Map()),
  });

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });

  #poll = new PollController(this, 300_000, () => void this.#recommendations.run());

  override render() {
    return html`<div class="page-head">
        <h1>Recommendations</h1>
        <div class="toolbar">
          <div class="field">
            <label for="show">Show</label>
            <select id="show" data-testid="show-filter" @change=${(event: Event) => (this.show = (event.target as HTMLSelectElement).value as Show)}>
              <option value="open">Open</option>
              <option value="done">Done</option>
              <option value="dismissed">Dismissed</option>
              <option value="all">All</option>
            </select>
          </div>
        </div>
      </div>
      <ch-problem-alert .error=${this.error}></ch-problem-alert>
      ${this.#notice()}
      ${renderTask(this.#recommendations, (items) => this.#content(items), { what: 'recommendations' })}`;
  }

  #content(loaded: RecommendationView[]) {
    // Changed here (overridden) items stay listed until the next load, whatever their new status.
    const items = loaded.map((item) => this.overrides.get(item.id) ?? item).filter((item) => this.show === 'all' || item.status === this.show || this.overrides.has(item.id));
    const account = accountLabeller(this.#accounts.value);
    if (items.length === 0) {
      return html`<div class="card empty" data-testid="no-recommendations"><p>${this.show === 'open' ? 'Nothing to act on right now. New recommendations appear as data comes in.' : 'None.'}</p></div>`;
    }
    return html`${CATEGORIES.map(({ key, label }) => {
      const group = items.filter((item) => item.category === key).sort(bySavingThenImpact);
      if (group.length === 0) return nothing;
      const shown = this.expanded.has(key) ? group : group.slice(0, FIRST_ITEMS);
      const saving = group.reduce((sum, item) => sum + (item.status === 'open' ? (item.estimatedMonthlySavingUsd ?? 0) : 0), 0);
      return html`<section aria-labelledby="cat-${key}" data-testid="category-${key}">
        <h2 id="cat-${key}">${label} <span class="muted">(${group.length}${saving > 0 ? ` · up to ${formatUsd(saving)}/month` : ''})</span></h2>
        <div class="items" @status-change=${this.#change}>
          ${shown.map(
            (item) =>
              html`<ch-recommendation-item .item=${item} accountName=${item.accountId === undefined ? '' : account(item.accountId)} ?busy=${this.busy.has(item.id)}
                ?changedHere=${this.overrides.has(item.id) && !this.busy.has(item.id)}></ch-recommendation-item>`,
          )}
        </div>
        ${shown.length < group.length
          ? html`<button class="secondary show-all" data-testid="show-all-${key}" @click=${() => (this.expanded = new Set([...this.expanded, key]))}>
              Show all ${group.length} ${label.toLowerCase()} recommendations
            </button>`
          : nothing}
      </section>`;
    })}`;
  }

  #notice() {
    const change = this.lastChange;
    if (change === undefined) return nothing;
    const verb = change.status === 'done' ? 'Marked done' : change.status === 'dismissed' ? 'Dismissed' : 'Reopened';
    return html`<p class="notice row" role="status" data-testid="change-notice">
      <span>${verb}: “${change.title.replace(/\.$/, '')}”.</span>
      <button class="link" @click=${() => this.#setStatus(change.id, change.previous)}>Undo</button>
    </p>`;
  }

  #change(event: CustomEvent<RecommendationStatusChange>): void {
    void this.#setStatus(event.detail.id, event.detail.status);
  }

  async #setStatus(id: string, status: RecommendationView['status']): Promise<void> {
    const current = this.overrides.get(id) ?? this.#recommendations.value?.find((item) => item.id === id);
    if (current === undefined || this.busy.has(id)) return;
    this.error = undefined;
    this.lastChange = undefined;
    this.busy = new Set([...this.busy, id]);
    this.overrides = new Map(this.overrides).set(id, { ...current, status });
    try {
      const saved = await tenantApi.setRecommendationStatus(id, { status });
      this.overrides = new Map(this.overrides).set(id, saved ?? { ...current, status });
      this.lastChange = { id, title: current.title, status, previous: current.status };
    } catch (error) {
      const reverted = new Map(this.overrides);
      reverted.set(id, current);
      this.overrides = reverted;
      this.error = error;
    } finally {
      const busy = new Set(this.busy);
      busy.delete(id);
      this.busy = busy;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-recommendations-page': ChRecommendationsPage;
  }
}
