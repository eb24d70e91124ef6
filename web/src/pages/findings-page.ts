import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { findingsCsvUrl, tenantApi, type FindingsQuery } from '../api/tenant-api.js';
import type { AccountView, FindingView, FindingsPage, SeverityBand } from '../api/types.js';
import { accountLabeller } from '../lib/account-names.js';
import { BANDS, severityBadge } from '../lib/badges.js';
import { formatDateTime, formatInteger, formatRelative, titleCase } from '../lib/format.js';
import { PollController } from '../lib/poll-controller.js';
import { resourceLabel } from '../lib/resource-label.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';
import '../components/finding-detail.js';
import '../components/suppression-list.js';
import type { ChFindingDetail } from '../components/finding-detail.js';

type SortKey = 'severity' | 'title' | 'resource' | 'account' | 'updatedAt' | 'count';
type StatusFilter = NonNullable<FindingsQuery['status']>;

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'severity', label: 'Severity' },
  { key: 'title', label: 'Finding' },
  { key: 'resource', label: 'Resource' },
  { key: 'account', label: 'Account / region' },
  { key: 'updatedAt', label: 'Last seen' },
  { key: 'count', label: 'Count', numeric: true },
];
/** Numbers and times read best largest/newest first; names A to Z (the server's default too). */
const DESCENDING_FIRST: ReadonlySet<SortKey> = new Set(['severity', 'updatedAt', 'count']);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/**
 * Security: GuardDuty findings, filtered (severity, status, account, region, type, resource) and
 * sorted by the server across all pages, with the total, a CSV export of the same selection, a
 * finding's detail naming its resource, and suppression rules.
 *
 * Below 700 px the table becomes one card per finding (labels beside values), so nothing is cut
 * off at 390 px.
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
      .toolbar input[type='search'] { min-width: 0; width: 100%; }
      th button { font-weight: 600; white-space: nowrap; }
      tr.selected { background: var(--ch-sev-low-bg); }
      .pager { display: flex; gap: 0.5rem; align-items: center; justify-content: space-between; flex-wrap: wrap; margin-top: 0.75rem; }
      .meta { font-size: 0.85rem; }
      .when { white-space: nowrap; }
      ch-finding-detail { display: block; margin-bottom: 1rem; }
      td.title, td.resource { overflow-wrap: anywhere; }
      td.title { min-width: 12rem; }
      details.rules { margin-bottom: 1rem; }
      details.rules summary { cursor: pointer; font-weight: 600; padding: 0.25rem 0; }
      .head-actions { display: flex; gap: 0.5rem; flex-wrap: wrap; }
      @media (max-width: 700px) {
        .table-wrap { border: none; background: none; overflow: visible; }
        table, tbody, tr, td { display: block; width: auto; }
        thead { display: none; }
        tr { border: 1px solid var(--ch-border); border-radius: 8px; margin-bottom: 0.6rem; background: var(--ch-surface); padding: 0.35rem 0; }
        td { border: none; padding: 0.2rem 0.75rem; min-width: 0; text-align: left; }
        td.num { text-align: left; }
        td[data-label]::before { content: attr(data-label) ': '; color: var(--ch-muted); font-size: 0.85rem; }
        .when { white-space: normal; }
        .sort-narrow { display: block; }
        /* two filters a row, so the findings start within the first screen */
        .toolbar { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5rem 0.75rem; }
        .toolbar fieldset { grid-column: 1 / -1; }
        .toolbar .field { min-width: 0; }
        .toolbar select, .toolbar input[type='search'] { width: 100%; min-width: 0; }
      }
      @media (min-width: 701px) {
        .sort-narrow { display: none; }
      }
    `,
  ];

  @property() severity = '';
  @state() private bands = new Set<SeverityBand>();
  @state() private status: StatusFilter = 'open';
  @state() private accountId = '';
  @state() private region = '';
  @state() private type = '';
  @state() private resource = '';
  @state() private limit = 25;
  /** Cursors of the pages before the current one; the last is the current page's. */
  @state() private cursors: (string | undefined)[] = [undefined];
  @state() private sort: { key: SortKey; descending: boolean } = { key: 'severity', descending: true };
  @state() private selected: FindingView | undefined;
  @state() private tick = 0;

  #page = new Task(this, {
    // The query as JSON: Task compares its args by identity, and #query() is a new object each time.
    task: ([query, cursor, limit], { signal }) =>
      tenantApi.findings({ ...(JSON.parse(query) as FindingsQuery), limit, ...(cursor === undefined ? {} : { cursor }) }, signal),
    args: () => [JSON.stringify(this.#query()), this.cursors.at(-1), this.limit, this.tick] as const,
  });

  #rules = new Task(this, { task: ([_tick], { signal }) => tenantApi.suppressions(signal), args: () => [this.tick] as const });

  #poll = new PollController(this, 120_000, () => this.tick++);

  #accounts = new Task(this, { task: (_args, { signal }) => tenantApi.accounts(signal), args: () => [] as const });

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('severity')) {
      this.bands = new Set(this.severity.split(',').filter((band): band is SeverityBand => (BANDS as string[]).includes(band)));
    }
  }

  /** The filters and order (no paging): what the page, the cursor and the CSV export share. */
  #query(): Omit<FindingsQuery, 'cursor' | 'limit'> {
    return {
      severity: [...this.bands].join(','),
      status: this.status,
      accountId: this.accountId,
      region: REGION.test(this.region) ? this.region : '',
      type: this.type,
      resource: this.resource,
      sort: this.sort.key,
      order: this.sort.descending ? 'desc' : 'asc',
    };
  }

  override render() {
    const accounts = this.#accounts.value ?? [];
    const label = accountLabeller(accounts);
    const rules = this.#rules.value ?? [];
    return html`<div class="page-head">
        <h1>Security findings</h1>
        <div class="head-actions">
          <a class="button secondary" href=${findingsCsvUrl(this.#query())} download data-testid="export-csv">Export CSV</a>
        </div>
      </div>
      ${this.#filters(accounts)}
      <details class="rules" data-testid="rules-panel">
        <summary>Suppression rules (${rules.filter((r) => r.active).length} active)</summary>
        <ch-suppression-list .rules=${rules} .accountName=${label} @changed=${this.#refresh}></ch-suppression-list>
      </details>
      ${this.selected === undefined
        ? nothing
        : html`<ch-finding-detail .finding=${this.selected} accountName=${label(this.selected.accountId)} @close=${this.#closeDetail}
            @suppressed=${this.#afterSuppress}></ch-finding-detail>`}
      ${renderTask(this.#page, (page) => this.#table(page, label), { what: 'findings' })}`;
  }

  #filters(accounts: readonly AccountView[]) {
    const text = (id: string, labelText: string, value: string, set: (v: string) => void, placeholder: string) =>
      html`<div class="field">
        <label for=${id}>${labelText}</label>
        <input id=${id} type="search" data-testid="filter-${id}" .value=${value} placeholder=${placeholder} autocomplete="off"
          @change=${(event: Event) => this.#filter(() => set((event.target as HTMLInputElement).value.trim()))} />
      </div>`;
    return html`<div class="toolbar" style="margin-bottom:1rem">
      <fieldset>
        <legend>Severity</legend>
        <div class="bands">
          ${BANDS.map((band) => html`<label class="check"><input type="checkbox" name="severity" value=${band} data-testid="severity-${band}" .checked=${this.bands.has(band)} @change=${this.#toggleBand} /> ${titleCase(band)}</label>`)}
        </div>
      </fieldset>
      <div class="field">
        <label for="status">Status</label>
        <select id="status" data-testid="status-filter" @change=${(event: Event) => this.#filter(() => (this.status = (event.target as HTMLSelectElement).value as StatusFilter))}>
          ${(['open', 'suppressed', 'archived', 'all'] as const).map((s) => html`<option value=${s} ?selected=${this.status === s}>${titleCase(s)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="account">Account</label>
        <select id="account" data-testid="account-filter" @change=${(event: Event) => this.#filter(() => (this.accountId = (event.target as HTMLSelectElement).value))}>
          <option value="">All accounts</option>
          ${accounts.map((a) => html`<option value=${a.id} ?selected=${a.id === this.accountId}>${a.name} (${a.awsAccountId})</option>`)}
        </select>
      </div>
      ${text('region', 'Region', this.region, (v) => (this.region = v), 'e.g. us-east-1')}
      ${text('type', 'Type contains', this.type, (v) => (this.type = v), 'e.g. S3')}
      ${text('resource', 'Resource contains', this.resource, (v) => (this.resource = v), 'id or name')}
      <div class="field">
        <label for="limit">Per page</label>
        <select id="limit" @change=${(event: Event) => this.#filter(() => (this.limit = Number((event.target as HTMLSelectElement).value)))}>
          ${[10, 25, 50, 100].map((n) => html`<option value=${n} ?selected=${n === this.limit}>${n}</option>`)}
        </select>
      </div>
      <div class="field sort-narrow">
        <label for="sort">Sort by</label>
        <select id="sort" data-testid="sort-narrow" @change=${(event: Event) => this.#sortBy((event.target as HTMLSelectElement).value as SortKey, true)}>
          ${COLUMNS.map((c) => html`<option value=${c.key} ?selected=${c.key === this.sort.key}>${c.label}</option>`)}
        </select>
      </div>
    </div>`;
  }

  #table(page: FindingsPage, label: (id: string) => string) {
    const pageNumber = this.cursors.length;
    const first = page.total === 0 ? 0 : page.offset + 1;
    const last = page.offset + page.items.length;
    return html`${page.items.length === 0
        ? html`<div class="card empty" data-testid="no-findings"><p>No findings match these filters.</p></div>`
        : html`<div class="table-wrap">
            <table data-testid="findings-table">
              <caption class="visually-hidden">Findings, sorted by ${this.sort.key} ${this.sort.descending ? 'descending' : 'ascending'}</caption>
              <thead>
                <tr>
                  ${COLUMNS.map((column) => this.#header(column))}
                </tr>
              </thead>
              <tbody>
                ${page.items.map((finding) => this.#row(finding, label))}
              </tbody>
            </table>
          </div>`}
      ${page.truncated ? html`<p class="muted meta">Only the ${formatInteger(page.total)} most severe findings are searched; narrow the filters to see others.</p>` : nothing}
      <nav class="pager" aria-label="Pages of findings">
        <button class="secondary" ?disabled=${pageNumber === 1} @click=${this.#previous} data-testid="previous-page">Previous</button>
        <span class="meta" aria-live="polite" data-testid="findings-count"
          >${page.total === 0 ? 'No findings' : `${formatInteger(first)}–${formatInteger(last)} of ${formatInteger(page.total)} finding${page.total === 1 ? '' : 's'}`}</span
        >
        <button class="secondary" ?disabled=${page.nextCursor === undefined} @click=${() => this.#next(page.nextCursor)} data-testid="next-page">Next</button>
      </nav>`;
  }

  #header(column: (typeof COLUMNS)[number]) {
    const active = this.sort.key === column.key;
    const ariaSort = active ? (this.sort.descending ? 'descending' : 'ascending') : 'none';
    const arrow = active ? (this.sort.descending ? '▼' : '▲') : '';
    return html`<th scope="col" aria-sort=${ariaSort} class=${column.numeric === true ? 'num' : ''}>
      <button class="link" data-testid="sort-${column.key}" @click=${() => this.#sortBy(column.key)}>${column.label} <span aria-hidden="true">${arrow}</span></button>
    </th>`;
  }

  #row(finding: FindingView, label: (id: string) => string) {
    return html`<tr class=${this.selected?.id === finding.id ? 'selected' : ''} data-testid="finding-row" data-band=${finding.band} data-id=${finding.id}>
      <td>${severityBadge(finding.band, finding.severity)}${finding.status === 'open' ? nothing : html` <span class="badge">${titleCase(finding.status)}</span>`}</td>
      <td class="title"><button class="link" @click=${() => this.#open(finding)} aria-haspopup="true">${finding.title}</button><div class="muted meta">${finding.type}</div></td>
      <td class="resource meta" data-label="Resource" data-testid="finding-resource-cell">${resourceLabel(finding)}</td>
      <td class="meta" data-label="Account">${label(finding.accountId)} · ${finding.region}</td>
      <td class="when" data-label="Last seen" title=${formatDateTime(finding.updatedAt)}>${formatRelative(finding.updatedAt)}</td>
      <td class="num" data-label="Count">${formatInteger(finding.count)}</td>
    </tr>`;
  }

  #sortBy(key: SortKey, fromMenu = false): void {
    const descending = this.sort.key === key && !fromMenu ? !this.sort.descending : DESCENDING_FIRST.has(key);
    this.#filter(() => (this.sort = { key, descending }));
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

  /** Any filter or order change starts again at the first page (a cursor is bound to both). */
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

  #refresh(): void {
    this.tick++;
  }

  #afterSuppress(): void {
    this.selected = undefined;
    this.cursors = [undefined];
    this.tick++;
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
