/**
 * Security Hub through the real SDK (restJson1, per region). Not enabled in a region:
 * InvalidAccessException, HTTP 401 (classified `feature`: a setup step, as GuardDuty's missing
 * detector). GetFindings returns at most 100 findings a page and pages with NextToken; its rate is
 * 3 requests/s, burst 6 (Security Hub API reference, GetFindings; AWS-FACTS.md).
 *
 * Controls: DescribeStandardsControls, not ListSecurityControlDefinitions +
 * BatchGetSecurityControls. It takes the StandardsSubscriptionArn GetEnabledStandards returns and
 * answers, in one paged call per standard, exactly the controls of that standard with their
 * enablement in this account (ControlStatus), title, severity and remediation page. The newer
 * pair lists definitions across all standards (not the account's enablement per standard; that
 * needs ListStandardsControlAssociations as a third call). Neither says whether a control passes:
 * that comes from the control findings (Compliance.Status), read by `getFailedControls`.
 */
import {
  DescribeStandardsControlsCommand,
  GetEnabledStandardsCommand,
  GetFindingsCommand,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
} from '@aws-sdk/client-securityhub';
import type { ControlFailure, SecurityHubFinding, SecurityHubGateway } from '../domain/gateway.js';
import type { AwsCaller } from './aws-caller.js';
import { paginate } from './paginate.js';

/** GetFindings' largest page. */
export const SECURITY_HUB_PAGE_SIZE = 100;
/** Resources kept per failed control. */
const MAX_RESOURCES = 20;

/**
 * Severity.Label as a number in the band it names (GuardDuty's bands, AWS-FACTS.md "Severity"), so
 * Security Hub findings sort and filter with GuardDuty's: INFORMATIONAL and LOW are low, CRITICAL critical.
 */
export const SEVERITY_BY_LABEL: Readonly<Record<string, number>> = { INFORMATIONAL: 1, LOW: 2, MEDIUM: 5, HIGH: 7.5, CRITICAL: 9.5 };

/** A Security Hub finding as our record, with its product (to leave GuardDuty's out). */
export function toSecurityHubFinding(f: AwsSecurityFinding, region: string): SecurityHubFinding {
  const resource = f.Resources?.[0];
  return {
    id: f.Id ?? '',
    region: f.Region ?? region,
    // Not a GuardDuty detector: the findings page shows where a finding comes from.
    detectorId: 'securityhub',
    type: f.Compliance?.SecurityControlId ?? f.Types?.[0] ?? f.GeneratorId ?? '',
    title: f.Title ?? '',
    description: f.Description ?? '',
    severity: SEVERITY_BY_LABEL[f.Severity?.Label ?? ''] ?? 1,
    ...(resource?.Type ? { resourceType: resource.Type } : {}),
    ...(resource?.Id ? { resourceId: resource.Id } : {}),
    createdAt: f.CreatedAt ?? f.UpdatedAt ?? new Date(0).toISOString(),
    updatedAt: f.UpdatedAt ?? f.CreatedAt ?? new Date(0).toISOString(),
    archived: false,
    count: 1,
    productName: f.ProductName ?? '',
    ...(controlOf(f) ? { controlId: controlOf(f) } : {}),
  };
}

/** The control a finding checks: consolidated findings name it in Compliance, older ones in ProductFields. */
function controlOf(f: AwsSecurityFinding): string | undefined {
  return f.Compliance?.SecurityControlId ?? f.ProductFields?.ControlId;
}

const eq = (Value: string) => ({ Value, Comparison: 'EQUALS' as const });

/** The Security Hub adapter. */
export function createSecurityHubGateway(deps: { caller: AwsCaller }): SecurityHubGateway {
  function findings(target: Parameters<SecurityHubGateway['getFindings']>[0], region: string, filters: AwsSecurityFindingFilters, signal: AbortSignal) {
    const request = { target, service: 'securityhub' as const, region, operation: 'GetFindings', signal };
    return paginate(request, async (token) => {
      const out = await deps.caller.call(request, (client, abortSignal) =>
        client.send(new GetFindingsCommand({ Filters: filters, MaxResults: SECURITY_HUB_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }), { abortSignal }),
      );
      return { items: out.Findings ?? [], next: out.NextToken };
    });
  }

  return {
    async getEnabledStandards(target, region, signal) {
      const request = { target, service: 'securityhub' as const, region, operation: 'GetEnabledStandards', signal };
      const subscriptions = await paginate(request, async (token) => {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(new GetEnabledStandardsCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }), { abortSignal }),
        );
        return { items: out.StandardsSubscriptions ?? [], next: out.NextToken };
      });
      return subscriptions
        .filter((s) => s.StandardsSubscriptionArn && s.StandardsArn && s.StandardsStatus !== 'DELETING' && s.StandardsStatus !== 'FAILED')
        .map((s) => ({ subscriptionArn: s.StandardsSubscriptionArn!, standardsArn: s.StandardsArn! }));
    },

    async describeStandardsControls(target, region, subscriptionArn, signal) {
      const request = { target, service: 'securityhub' as const, region, operation: 'DescribeStandardsControls', signal };
      const controls = await paginate(request, async (token) => {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(new DescribeStandardsControlsCommand({ StandardsSubscriptionArn: subscriptionArn, MaxResults: 100, ...(token ? { NextToken: token } : {}) }), { abortSignal }),
        );
        return { items: out.Controls ?? [], next: out.NextToken };
      });
      return controls
        .filter((c) => c.ControlId)
        .map((c) => ({
          controlId: c.ControlId!,
          title: c.Title ?? c.ControlId!,
          enabled: c.ControlStatus !== 'DISABLED',
          severity: c.SeverityRating ?? 'MEDIUM',
          ...(c.RemediationUrl ? { remediationUrl: c.RemediationUrl } : {}),
        }));
    },

    async getFindings(target, region, updatedSince, signal) {
      const filters: AwsSecurityFindingFilters = {
        RecordState: [eq('ACTIVE')],
        WorkflowStatus: [eq('NEW'), eq('NOTIFIED')],
        ...(updatedSince ? { UpdatedAt: [{ Start: updatedSince.toISOString(), End: new Date(8.64e15).toISOString() }] } : {}),
      };
      return (await findings(target, region, filters, signal)).filter((f) => f.Id).map((f) => toSecurityHubFinding(f, region));
    },

    async getFailedControls(target, region, signal) {
      const filters: AwsSecurityFindingFilters = { RecordState: [eq('ACTIVE')], ComplianceStatus: [eq('FAILED')] };
      const byControl = new Map<string, ControlFailure>();
      for (const f of await findings(target, region, filters, signal)) {
        const controlId = controlOf(f);
        if (!controlId) continue;
        const entry = byControl.get(controlId) ?? { controlId, resources: [], standards: [] };
        for (const r of f.Resources ?? []) if (r.Id && entry.resources.length < MAX_RESOURCES && !entry.resources.includes(r.Id)) entry.resources.push(r.Id);
        const standards = (f.Compliance?.AssociatedStandards ?? []).map((s) => s.StandardsId).filter((id): id is string => id !== undefined);
        const legacy = f.ProductFields?.StandardsArn ?? f.ProductFields?.StandardsGuideArn;
        for (const id of legacy ? [...standards, legacy] : standards) if (!entry.standards.includes(id)) entry.standards.push(id);
        byControl.set(controlId, entry);
      }
      return [...byControl.values()];
    },
  };
}
