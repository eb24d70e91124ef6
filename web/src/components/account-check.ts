import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PermissionCheckItem, PermissionReport } from '../api/types.js';
import { stateBadge } from '../lib/badges.js';
import { formatDateTime, formatUsd } from '../lib/format.js';
import { sharedStyles } from '../styles/shared-styles.js';

const LABEL: Record<PermissionCheckItem['result'], string> = {
  ok: 'OK',
  missing_permission: 'Missing permission',
  region_disabled: 'Region not enabled',
  feature_not_enabled: 'Not enabled',
  no_data: 'No data yet',
  identity_refused: 'Access refused',
  unavailable: 'AWS unavailable',
  not_checked: 'Not checked',
  error: 'Error',
};
/** Badge tone per result: the badge helper colours by these state words. */
const TONE: Record<PermissionCheckItem['result'], string> = {
  ok: 'ok',
  missing_permission: 'failed',
  region_disabled: 'failed',
  identity_refused: 'failed',
  error: 'failed',
  feature_not_enabled: 'setup',
  no_data: 'setup',
  unavailable: 'setup',
  not_checked: 'setup',
};
const COLLECTORS = [
  { name: 'metrics', label: 'Metrics (CloudWatch)' },
  { name: 'security', label: 'Security (GuardDuty)' },
  { name: 'cost', label: 'Cost (Cost Explorer)' },
] as const;

/**
 * The permission check of one account: per collector, each IAM action per region with its
 * result and, where something is wrong, what to do about it.
 *
 * @property report - POST /api/accounts/:id/check
 */
@customElement('ch-account-check')
export class ChAccountCheck extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      h3 { font-size: 0.95rem; margin: 0.75rem 0 0.35rem; }
      ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.3rem; }
      li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.15rem 0.75rem; align-items: baseline; }
      code { font-size: 0.85rem; overflow-wrap: anywhere; }
      .remedy { grid-column: 1 / -1; font-size: 0.875rem; color: var(--ch-muted); }
      .summary { margin: 0 0 0.5rem; }
    `,
  ];

  @property({ attribute: false }) report!: PermissionReport;

  override render() {
    const r = this.report;
    const problems = r.items.filter((i) => TONE[i.result] === 'failed').length;
    return html`<div data-testid="permission-check">
      <p class="summary" role="status">
        ${r.identityOk ? (problems === 0 ? 'Everything checked works.' : `${problems} problem${problems === 1 ? '' : 's'} found.`) : 'AWS refused the role or the keys.'}
        <span class="muted">Checked ${formatDateTime(r.checkedAt)} · this check cost ${formatUsd(r.costUsd)}</span>
      </p>
      ${COLLECTORS.map(({ name, label }) => {
        const items = r.items.filter((i) => i.collector === name);
        return items.length === 0
          ? nothing
          : html`<h3>${label}</h3>
              <ul>
                ${items.map(
                  (i) => html`<li data-testid="check-item" data-operation=${i.operation} data-region=${i.region ?? ''} data-result=${i.result}>
                    <span><code>${i.action}</code>${i.region ? html` <span class="muted">${i.region}</span>` : nothing}</span>
                    ${stateBadge(TONE[i.result], LABEL[i.result])}
                    ${i.remedy || i.note
                      ? html`<span class="remedy">${i.remedy ?? i.note}${i.consoleUrl ? html` <a href=${i.consoleUrl} target="_blank" rel="noopener noreferrer">Open the AWS console</a>` : nothing}</span>`
                      : nothing}
                  </li>`,
                )}
              </ul>`;
      })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-account-check': ChAccountCheck;
  }
}
