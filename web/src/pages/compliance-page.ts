import { LitElement, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { tenantApi } from '../api/tenant-api.js';
import type { ComplianceView, Overview } from '../api/types.js';
import { renderTask } from '../lib/task-view.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { pageStyles } from '../styles/page-styles.js';

/**
 * Security Hub compliance: per account and enabled standard (per region) its score (passed /
 * enabled controls) and the failed controls, each linked to the Security Hub console and to
 * AWS's remediation page. Read from GET /api/overview.
 */
@customElement('ch-compliance-page')
export class ChCompliancePage extends LitElement {
  static override styles = [sharedStyles, pageStyles];

  #overview = new Task(this, { task: (_args, { signal }) => tenantApi.overview(signal), args: () => [] as const });

  override render() {
    return html`<div class="page-head"><h1>Compliance</h1></div>
      ${renderTask(this.#overview, (overview) => this.#content(overview), { what: 'compliance' })}`;
  }

  #content(overview: Overview) {
    const accounts = overview.accounts.filter((a) => a.compliance.length > 0);
    if (accounts.length === 0) {
      return html`<div class="card empty" data-testid="no-compliance"><p>No Security Hub standard read yet. Enable Security Hub and a standard (CIS, AWS Foundational Security Best Practices) in the monitored regions.</p></div>`;
    }
    return html`${accounts.map(
      (a) => html`<section class="card" aria-label=${a.account.name} data-testid="compliance-account" style="margin-bottom:1rem">
        <h2>${a.account.name} <span class="muted">${a.account.awsAccountId}</span></h2>
        ${a.compliance.map((st) => this.#standard(st))}
      </section>`,
    )}`;
  }

  #standard(st: ComplianceView) {
    return html`<details data-testid="compliance-standard">
      <summary><strong data-testid="standard-score">${st.scorePct === null ? '–' : `${st.scorePct}%`}</strong> ${st.name} <span class="muted">${st.region} · ${st.passedControls} of ${st.totalControls} controls passed</span></summary>
      ${st.failedControls.length === 0
        ? html`<p class="muted">Every enabled control passed.</p>`
        : html`<ul>
            ${st.failedControls.map(
              (c) => html`<li data-testid="failed-control">
                <span class="badge ${c.severity === 'CRITICAL' || c.severity === 'HIGH' ? 'bad' : 'warn'}">${c.severity}</span>
                <a href=${c.consoleUrl} target="_blank" rel="noopener noreferrer">${c.controlId}</a> ${c.title}
                ${c.remediationUrl ? html` · <a href=${c.remediationUrl} target="_blank" rel="noopener noreferrer">How to fix</a>` : nothing}
                ${c.resources.length > 0 ? html`<div class="muted">${c.resources.join(', ')}</div>` : nothing}
              </li>`,
            )}
          </ul>`}
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-compliance-page': ChCompliancePage;
  }
}
