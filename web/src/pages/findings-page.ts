import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { FindingView, FindingsPage, SeverityBand } from '../api/types.js';
import { accountLabeller } from '../lib/account-names.js';
import { BANDS, severityBadge } from '../lib/badges.js';
import { formatDateTime, formatRelative, titleCase } from '../lib/format.js';
import { PollController } from '../lib/poll-controller.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/finding-detail.js';
import type { ChFindingDetail } from '../components/finding-detail.js';

type SortKey = 'severity' | 'title' | 'updatedAt' | 'count';
type StatusFilter = 'open' | 'archived' | 'all';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean; wide?: boolean }[] = [
  { key: 'severity', label: 'Severity' },
  { key: 'title', label: 'Finding' },
  { key: 'updatedAt', label: 'Last seen' },
  { key: 'count', label: 'Count', numeric: true, wide: true },
];

/**
 * Security: GuardDuty findings with severity and status filters, column sorting (within the
 * page the server sent, which comes most severe first), cursor pagination with a stack of
 * cursors for "Previous", and a finding's detail.
 *
 * @property severity - initial bands, comma-separated (from ?severity= in the URL)
 */
@customElement('ch-findings-page')
export class ChFindingsPage extends LitElement {
  static override styles = [
    sharedStyles,
    pageStyles,
    css`
      fieldset { margin: 0; }
      .bands { display: flex; gap: 0.25rem 1rem; flex-wrap: wrap; }
      th button { font-weight: 600; }
      tr.selected { background: var(--ch-sev-low-bg); }
      .pager { display: flex; gap: 0.5rem; align-items: center; justify-content: space-between; flex-wrap: wrap; margin-top: 0.75rem; }
      .meta { font-size: 0.85rem; }
      .when, th { white-space: nowrap; }
      ch-finding-detail { margin-bottom: 1rem; }
      td.title { overflow-wrap: anywhere; min-width: 10rem; }
      @media (max-width: 640px) {
        .wide { display: none; }
        .when { white-space: normal; }
        th, td { padding: 0.5rem; }
      }
    `,
  ];

  @property() severity = '';
  @state() private bands = new Set<SeverityBand>();
  @state() private status: StatusFilter = 'open';
  @state() private limit = 25;
  /** Cursors of the pages before the current one; the last is the current page's. */
  @state() private cursors: (string | undefined)[] = [undefined];
  @state() private sort: { key: SortKey; descending: boolean } = { key: 'severity', descending: true };
  @state() private selected: FindingView | undefined;
  @state() private tick = 0;

  #page = new Task(this, {
    task: ([bands, status, limit, cursor], { signal }) =>
      tenantApi.findings({ severity: [...bands].join(','), status, limit, ...(cursor === undefined ? {} : { cursor }) }, signal),
    args: () => [this.bands, this.status, this.limit, this.cursors.at(-1), this.tick] as const,
  });

  #poll = new PollController(this, 120_000, () => this.tick++);

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('severity')) {
      this.bands = new Set(this.severity.split(',').filter((band): band is SeverityBand => (BANDS as string[]).includes(band)));
    }
  }

  override render() {
    return html`<div class="page-head"><h1>Security findings</h1></div>
      <div class="toolbar" style="margin-bottom:1rem">
        <fieldset>
          <legend>Severity</legend>
          <div class="bands">
            ${BANDS.map((band) => html`<label class="check"><input type="checkbox" name="severity" value=${band} data-testid="severity-${band}" .checked=${this.bands.has(band)} @change=${this.#toggleBand} /> ${titleCase(band)}</label>`)}
          </div>
        </fieldset>
        <div class="field">
          <label for="status">Status</label>
          <select id="status" data-testid="status-filter" @change=${(event: Event) => this.#filter(() => (this.status = (event.target as HTMLSelectElement).value as StatusFilter))}>
            <option value="open" ?selected=${this.status === 'open'}>Open</option>
            <option value="archived" ?selected=${this.status === 'archived'}>Archived</option>
            <option value="all" ?selected=${this.status === 'all'}>All</option>
          </select>
        </div>
        <div class="field">
          <label for="limit">Per page</label>
          <select id="limit" @change=${(event: Event) => this.#filter(() => (this.limit = Number((event.target as HTMLSelectElement).value)))}>
            ${[10, 25, 50, 100].map((n) => html`<option value=${n} ?selected=${n === this.limit}>${n}</option>`)}
          </select>
        </div>
      </div>
      ${this.selected === undefined ? nothing : html`<ch-finding-detail .finding=${this.selected} accountName=${accountLabeller(this.#accounts.value)(this.selected.accountId)} @close=${this.#closeDetail}></ch-finding-detail>`}
      ${renderTask(this.#page, (page) => this.#table(page), { what: 'findings' })}`;
  }

  #table(page: FindingsPage) {
    const items = this.#sorted(page.items);
    const pageNumber = this.cursors.length;
    return html`${items.length === 0
        ? html`<div class="card empty" data-testid="no-findings"><p>No findings match these filters.</p></div>`
        : html`<div class="table-wrap">
            <table data-testid="findings-table">
              <caption class="visually-hidden">Findings, sorted by ${this.sort.key} ${this.sort.descending ? 'descending' : 'ascending'}</caption>
              <thead>
                <tr>
                  ${COLUMNS.map((column) => this.#header(column))}
                  <th scope="col" class="wide">Resource</th>
                  <th scope="col" class="wide">Account / region</th>
                </tr>
              </thead>
              <tbody>
                ${items.map((finding) => this.#row(finding))}
              </tbody>
            </table>
          </div>`}
      <nav class="pager" aria-label="Pages of findings">
        <button class="secondary" ?disabled=${pageNumber === 1} @click=${this.#previous} data-testid="previous-page">Previous</button>
        <span class="meta" aria-live="polite">Page ${pageNumber} · ${items.length} finding${items.length === 1 ? '' : 's'}</span>
        <button class="secondary" ?disabled=${page.nextCursor === undefined} @click=${() => this.#next(page.nextCursor)} data-testid="next-page">Next</button>
      </nav>`;
  }

  #header(column: (typeof COLUMNS)[number]) {
    const active = this.sort.key === column.key;
    const ariaSort = active ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
    const arrow = active ? (this.sort.descending ? '▼' : '▲') : '';
    const classes = [column.numeric === true ? 'num' : '', column.wide === true ? 'wide' : ''].join(' ');
    return html`<th scope="col" aria-sort=${ariaSort} class=${classes}>
      <button class="link" @click=${() => this.#sortBy(column.key)}>${column.label} <span aria-hidden="true">${arrow}</span></button>
    </th>`;
  }

  #row(finding: FindingView) {
    const account = accountLabeller(this.#accounts.value);
    return html`<tr class=${this.selected?.id === finding.id ? 'selected' : ''} data-testid="finding-row" data-band=${finding.band}>
      <td>${severityBadge(finding.band, finding.severity)}</td>
      <td class="title"><button class="link" @click=${() => this.#open(finding)} aria-haspopup="true">${finding.title}</button><div class="muted meta">${finding.type}</div></td>
      <td class="when" title=${formatDateTime(finding.updatedAt)}>${formatRelative(finding.updatedAt)}</td>
      <td class="num wide">${finding.count}</td>
      <td class="wide meta">${finding.resourceType ?? ''} ${finding.resourceId ?? ''}</td>
      <td class="wide meta">${account(finding.accountId)}<br />${finding.region}</td>
    </tr>`;
  }

  #sorted(items: FindingView[]): FindingView[] {
    const { key, descending } = this.sort;
    const value = (f: FindingView): number | string => (key === 'updatedAt' ? Date.parse(f.updatedAt) : f[key]);
    return [...items].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      const order = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : (x as number) - (y as number);
      return descending ? -order : order;
    });
  }

  #sortBy(key: SortKey): void {
    this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : key !== 'title' };
  }

  #toggleBand(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.#filter(() => {
      const next = new Set(this.bands);
      if (input.checked) next.add(input.value as SeverityBand);
      else next.delete(input.value as SeverityBand);
      this.bands = next;
    });
  }

  /** Any filter change starts again at the first page (a cursor is bound to its filters). */
  #filter(change: () => void): void {
    change();
    this.cursors = [undefined];
    this.selected = undefined;
  }

  #next(cursor: string | undefined): void {
    if (cursor !== undefined) this.cursors = [...this.cursors, cursor];
  }

  #previous(): void {
    if (this.cursors.length > 1) this.cursors = this.cursors.slice(0, -1);
  }

  async #open(finding: FindingView): Promise<void> {
    this.selected = finding;
    await this.updateComplete;
    await this.renderRoot.querySelector<ChFindingDetail>('ch-finding-detail')?.focusHeading();
  }

  #closeDetail(): void {
    this.selected = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-findings-page': ChFindingsPage;
  }
}
