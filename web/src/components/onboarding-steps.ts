import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Onboarding } from '../api/types.js';
import { sharedStyles } from '../styles/shared-styles.js';
import './copy-button.js';

/**
 * How to create the IAM role Cloud Health assumes: the ExternalId, the trust policy and the
 * read-only permission policy, each with a copy button.
 *
 * @property onboarding - GET /api/accounts/onboarding
 */
@customElement('ch-onboarding-steps')
export class ChOnboardingSteps extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ol { padding-left: 1.25rem; margin: 0; display: grid; grid-template-columns: minmax(0, 1fr); gap: 1rem; }
      li { min-width: 0; }
      li > p { margin-bottom: 0.4rem; }
      .copyable { display: flex; gap: 0.5rem; align-items: start; min-width: 0; }
      pre {
        flex: 1;
        min-width: 0;
        margin: 0;
        max-height: 14rem;
        overflow: auto;
        background: var(--ch-surface-alt);
        border: 1px solid var(--ch-border);
        border-radius: 6px;
        padding: 0.6rem;
        font-size: 0.8rem;
      }
      code.value { font-size: 1rem; padding: 0.3rem 0.5rem; background: var(--ch-surface-alt); border-radius: 4px; overflow-wrap: anywhere; min-width: 0; }
      @media (max-width: 480px) {
        .copyable { flex-direction: column; align-items: stretch; }
        pre { width: 100%; }
      }
    `,
  ];

  @property({ attribute: false }) onboarding!: Onboarding;

  override render() {
    const o = this.onboarding;
    const trust = JSON.stringify(o.trustPolicy, null, 2);
    const permissions = JSON.stringify(o.permissionPolicy, null, 2);
    const cfn = o.cloudFormation;
    return html`<p data-testid="cloudformation">
        Quickest: <a href=${cfn.templatePath} download="cloud-health-role.json" data-testid="cfn-download">download the CloudFormation template</a>
        (it holds your External ID and the policy below), then create a stack named <strong>${cfn.stackName}</strong> with it on the
        <a href=${cfn.createStackUrl} target="_blank" rel="noopener noreferrer">CloudFormation console</a>
        ("Upload a template file", acknowledge that it creates an IAM role). Its output <code>RoleArn</code> goes in the form below. Or by hand:
      </p>
      <ol data-testid="onboarding-steps">
      <li>
        <p>In the IAM console of the account to monitor, create a role named <strong>${o.suggestedRoleName}</strong> that AWS account <strong>${o.platformAccountId}</strong> may assume, requiring this External ID:</p>
        <div class="copyable">
          <code class="value" data-testid="external-id">${o.externalId}</code>
          <ch-copy-button .text=${o.externalId} label="Copy External ID"></ch-copy-button>
        </div>
      </li>
      <li>
        <p>Use this <strong>trust policy</strong> for the role (it already holds the account and External ID):</p>
        <div class="copyable">
          <pre tabindex="0" aria-label="Trust policy JSON" data-testid="trust-policy">${trust}</pre>
          <ch-copy-button .text=${trust} label="Copy trust policy"></ch-copy-button>
        </div>
      </li>
      <li>
        <p>Attach this read-only <strong>permission policy</strong> (CloudWatch, Cost Explorer, GuardDuty):</p>
        <div class="copyable">
          <pre tabindex="0" aria-label="Permission policy JSON" data-testid="permission-policy">${permissions}</pre>
          <ch-copy-button .text=${permissions} label="Copy permission policy"></ch-copy-button>
        </div>
      </li>
      <li><p>Paste the role's ARN below. We check it with AWS STS before saving.</p></li>
    </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ch-onboarding-steps': ChOnboardingSteps;
  }
}
