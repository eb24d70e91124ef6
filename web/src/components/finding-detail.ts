import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FindingView, SuppressionRuleView } from '../api/types.js';
import { resourceLabel } from '../lib/resource-label.js';
import './suppress-form.js';
import { severityBadge } from '../lib/badges.js';
import { formatDateTime } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';

const STATUS_LABEL: Record<FindingView['status'], string> = { open: 'Open', suppressed: 'Suppressed', archived: 'Archived' };

/**
 * Everything known about one GuardDuty finding, with a link to it in the AWS console.
 *
 * @property finding - the finding to show
 * @property accountName - how to name its account (default: the account id)
 * @fires close - the Close button was pressed (or Escape inside the panel)
 * @fires suppressed - a suppression rule was made from this finding (detail: the rule)
 */
@customElement('ch-finding-detail')
export class ChFindingDetail extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .card { border-left: 6px solid var(--ch-border-strong); }
      header { display: flex; justify-content: space-between; align-items: start; gap: 1rem; }
      dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; margin: 0.75rem 0; }
      dt { color: var(--ch-muted); }
      dd { margin: 0; overflow-wrap: anywhere; }
      .description { white-space: pre-line; margin-top: 0.75rem; }
      .resource { margin: 0.4rem 0 0; font-weight: 600; overflow-wrap: anywhere; }
      ch-suppress-form { display: block; margin-top: 1rem; border-top: 1px solid var(--ch-border); padding-top: 1rem; }
      @media (max-width: 480px) {
        dl { grid-template-columns: 1fr; }
        dd { margin-bottom: 0.4rem; }
      }
    `,
  ];

  @property({ attribute: false }) finding: FindingView | undefined;
  @property() accountName = '';
  @state() private suppressing = false;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('finding')) this.suppressing = false;
  }

  override render() {
    const finding = this.finding;
    if (finding === undefined) return nothing;
    const consoleUrl = `https://console.aws.amazon.com/guardduty/home?region=${encodeURIComponent(finding.region)}#/findings?fId=${encodeURIComponent(finding.id)}`;
    return html`<section class="card" data-testid="finding-detail" aria-labelledby="title" @keydown=${this.#onKey}>
      <header>
        <div>
          <h2 id="title" tabindex="-1">${finding.title}</h2>
          <div class="row">${severityBadge(finding.band, finding.severity)} <span class="badge ${finding.status === 'open' ? 'warn' : 'ok'}" data-testid="finding-status">${STATUS_LABEL[finding.status]}</span></div>
          <p class="resource" data-testid="finding-resource">${resourceLabel(finding)}</p>
        </div>
        <button class="secondary" @click=${this.#close} aria-label="Close finding details">Close</button>
      </header>
      <p class="description">${finding.description}</p>
      <dl>
        <dt>Type</dt><dd>${finding.type}</dd>
        <dt>Account</dt><dd>${this.accountName || finding.accountId}</dd>
        <dt>Region</dt><dd>${finding.region}</dd>
        <dt>Resource</dt><dd>${resourceLabel(finding)}</dd>
        ${finding.suppression === undefined
          ? nothing
          : html`<dt>Suppressed</dt><dd data-testid="suppression-reason">“${finding.suppression.reason}”${finding.suppression.expiresAt === undefined ? '' : ` until ${formatDateTime(finding.suppression.expiresAt)}`}</dd>`}
        <dt>First seen</dt><dd>${formatDateTime(finding.createdAt)}</dd>
        <dt>Last seen</dt><dd>${formatDateTime(finding.updatedAt)}</dd>
        <dt>Occurrences</dt><dd>${finding.count}</dd>
        <dt>Finding id</dt><dd><code>${finding.id}</code></dd>
      </dl>
      <div class="row">
        <a href=${consoleUrl} target="_blank" rel="noopener noreferrer">Open in the GuardDuty console</a>
        ${finding.status === 'open' && !this.suppressing
          ? html`<button class="secondary" data-testid="suppress" @click=${() => (this.suppressing = true)}>Suppress…</button>`
          : nothing}
      </div>
      ${this.suppressing
        ? html`<ch-suppress-form .finding=${finding} accountName=${this.accountName} @cancel=${() => (this.suppressing = false)}
            @suppressed=${this.#suppressed}></ch-suppress-form>`
        : nothing}
    </section>`;
  }

  /** Move focus to the heading, e.g. right after opening. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#title')?.focus();
  }

  #suppressed(event: CustomEvent<SuppressionRuleView>): void {
    this.suppressing = false;
    this.dispatchEvent(new CustomEvent<SuppressionRuleView>('suppressed', { detail: event.detail }));
  }

  #onKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') this.#close();
  }

  #close(): void {
    this.dispatchEvent(new Event('close'));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-finding-detail': ChFindingDetail;
  }
}
