/**
 * GuardDuty through the real SDK: detectors per region, ids of findings updated since a
 * watermark, and the findings themselves in chunks of 50 (GetFindings' limit). GuardDuty's API
 * is not billed per call; its rate is unpublished, so calls run one after another.
 */
import {
  GetFindingsCommand,
  ListDetectorsCommand,
  ListFindingsCommand,
  type Finding as SdkFinding,
  type Resource,
} from '@aws-sdk/client-guardduty';
import type { GuardDutyGateway } from '../domain/gateway.js';
import type { Finding } from '../domain/records.js';
import type { AwsCaller } from './aws-caller.js';
import { chunk } from './chunk.js';
import { paginate } from './paginate.js';

/** GuardDuty's page size for ListFindings and its limit of ids per GetFindings call. */
export const GUARDDUTY_PAGE_SIZE = 50;

export interface GuardDutyGatewayDeps {
  caller: AwsCaller;
}

/** The id of the resource a finding is about, from whichever resource details it carries. */
export function findingResourceId(resource: Resource | undefined): string | undefined {
  if (!resource) return undefined;
  return (
    resource.InstanceDetails?.InstanceId ??
    resource.AccessKeyDetails?.AccessKeyId ??
    resource.S3BucketDetails?.find((b) => b.Name)?.Name ??
    resource.EksClusterDetails?.Name ??
    resource.EcsClusterDetails?.Name ??
    resource.LambdaDetails?.FunctionName ??
    resource.RdsDbInstanceDetails?.DbInstanceIdentifier ??
    resource.EbsVolumeDetails?.ScannedVolumeDetails?.find((v) => v.VolumeArn)?.VolumeArn ??
    undefined
  );
}

/** Map a GuardDuty finding; the numeric severity is kept (`severityBand` derives the band). */
export function toFinding(f: SdkFinding, region: string, detectorId: string): Finding {
  const record: Finding = {
    id: f.Id ?? '',
    region: f.Region ?? region,
    detectorId,
    type: f.Type ?? '',
    title: f.Title ?? f.Type ?? '',
    description: f.Description ?? '',
    severity: f.Severity ?? 0,
    createdAt: f.CreatedAt ?? f.UpdatedAt ?? new Date(0).toISOString(),
    updatedAt: f.UpdatedAt ?? f.CreatedAt ?? new Date(0).toISOString(),
    archived: f.Service?.Archived ?? false,
    count: f.Service?.Count ?? 1,
  };
  if (f.Resource?.ResourceType) record.resourceType = f.Resource.ResourceType;
  const resourceId = findingResourceId(f.Resource);
  if (resourceId) record.resourceId = resourceId;
  return record;
}

/** The GuardDuty adapter. */
export function createGuardDutyGateway(deps: GuardDutyGatewayDeps): GuardDutyGateway {
  return {
    async listDetectors(target, region, signal) {
      const request = { target, service: 'guardduty' as const, region, operation: 'ListDetectors', signal };
      return paginate(request, async (token) => {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(new ListDetectorsCommand({ MaxResults: 50, NextToken: token }), { abortSignal }),
        );
        return { items: out.DetectorIds ?? [], next: out.NextToken };
      });
    },

    async listFindingIds(target, region, detectorId, updatedSince, signal) {
      const request = { target, service: 'guardduty' as const, region, operation: 'ListFindings', signal };
      // Severity >= 1 drops nothing real (GuardDuty's lowest is 1.0) but keeps out malformed rows;
      // archived findings are kept so an archive made in the console reaches the dashboard.
      const criterion: Record<string, { GreaterThanOrEqual: number }> = { severity: { GreaterThanOrEqual: 1 } };
      if (updatedSince) criterion.updatedAt = { GreaterThanOrEqual: updatedSince.getTime() };
      return paginate(request, async (token) => {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(
            new ListFindingsCommand({
              DetectorId: detectorId,
              FindingCriteria: { Criterion: criterion },
              SortCriteria: { AttributeName: 'updatedAt', OrderBy: 'ASC' },
              MaxResults: GUARDDUTY_PAGE_SIZE,
              NextToken: token,
            }),
            { abortSignal },
          ),
        );
        return { items: out.FindingIds ?? [], next: out.NextToken };
      });
    },

    async getFindings(target, region, detectorId, ids, signal) {
      const request = { target, service: 'guardduty' as const, region, operation: 'GetFindings', signal };
      const findings: Finding[] = [];
      for (const batch of chunk([...new Set(ids)], GUARDDUTY_PAGE_SIZE)) {
        const out = await deps.caller.call(request, (client, abortSignal) =>
          client.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: batch }), { abortSignal }),
        );
        for (const f of out.Findings ?? []) if (f.Id) findings.push(toFinding(f, region, detectorId));
      }
      return findings;
    },
  };
}
