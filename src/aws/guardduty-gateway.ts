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

/**
 * The resource id at the end of an ARN, as the console shows it: `...:volume/vol-1` -> `vol-1`,
 * `arn:aws:s3:::bucket` -> `bucket` (ARN formats: IAM user guide, "Amazon Resource Names").
 */
function arnTail(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const cut = arn.includes('/') ? arn.lastIndexOf('/') : arn.lastIndexOf(':');
  return arn.slice(cut + 1) || arn;
}

type Namer = (r: Resource) => string | undefined;

// One namer per kind of resource details the GuardDuty Resource shape carries
// (API reference: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Resource.html;
// SDK model: @aws-sdk/client-guardduty `Resource`).
const s3Bucket: Namer = (r) => r.S3BucketDetails?.find((b) => b.Name)?.Name ?? arnTail(r.S3BucketDetails?.find((b) => b.Arn)?.Arn);
const eksCluster: Namer = (r) => r.EksClusterDetails?.Name ?? arnTail(r.EksClusterDetails?.Arn);
const ecsCluster: Namer = (r) => r.EcsClusterDetails?.Name ?? arnTail(r.EcsClusterDetails?.Arn);
const lambda: Namer = (r) => r.LambdaDetails?.FunctionName ?? r.LambdaDetails?.FunctionArn?.split(':')[6];
const rdsInstance: Namer = (r) => r.RdsDbInstanceDetails?.DbInstanceIdentifier ?? r.RdsDbInstanceDetails?.DbClusterIdentifier;
const rdsLimitless: Namer = (r) => r.RdsLimitlessDbDetails?.DbShardGroupIdentifier ?? r.RdsLimitlessDbDetails?.DbClusterIdentifier;
const ebsSnapshot: Namer = (r) => arnTail(r.EbsSnapshotDetails?.SnapshotArn);
const ec2Image: Namer = (r) => arnTail(r.Ec2ImageDetails?.ImageArn);
const recoveryPoint: Namer = (r) => arnTail(r.RecoveryPointDetails?.RecoveryPointArn);
const ebsVolume: Namer = (r) => arnTail(r.EbsVolumeDetails?.ScannedVolumeDetails?.find((v) => v.VolumeArn)?.VolumeArn);
const container: Namer = (r) => r.ContainerDetails?.Name ?? r.ContainerDetails?.Id;
const kubernetesWorkload: Namer = (r) => r.KubernetesDetails?.KubernetesWorkloadDetails?.Name;
const instance: Namer = (r) => r.InstanceDetails?.InstanceId;
const accessKey: Namer = (r) => r.AccessKeyDetails?.AccessKeyId;
const bedrockGuardrail: Namer = (r) => arnTail(r.BedrockGuardrailDetails?.GuardrailArn);
const model: Namer = (r) => r.ModelDetails?.find((m) => m.ModelId)?.ModelId;

/**
 * `Resource.ResourceType` values GuardDuty documents ("Finding details", GuardDuty user guide:
 * Instance, AccessKey, S3Bucket, S3Object, Kubernetes cluster, ECS cluster, Container,
 * RDSDBInstance, RDSLimitlessDB, Lambda; plus the malware-scan kinds) -> the details naming it.
 */
const BY_TYPE: Record<string, Namer> = {
  instance,
  accesskey: accessKey,
  s3bucket: s3Bucket,
  s3object: s3Bucket,
  ekscluster: eksCluster,
  kubernetescluster: eksCluster,
  ecscluster: ecsCluster,
  container,
  lambda,
  rdsdbinstance: rdsInstance,
  rdslimitlessdb: rdsLimitless,
  ebsvolume: ebsVolume,
  ebssnapshot: ebsSnapshot,
  ec2image: ec2Image,
  recoverypoint: recoveryPoint,
};

/**
 * With no (or an unknown) ResourceType, the most specific details win: an S3 finding also
 * carries the caller's AccessKeyDetails, an EKS or ECS runtime finding the node's
 * InstanceDetails and the container, an RDS login the user — so the access key and the
 * instance come last.
 */
const PRECEDENCE: Namer[] = [
  s3Bucket,
  eksCluster,
  ecsCluster,
  lambda,
  rdsInstance,
  rdsLimitless,
  ebsSnapshot,
  ec2Image,
  recoveryPoint,
  ebsVolume,
  container,
  kubernetesWorkload,
  instance,
  accessKey,
  bedrockGuardrail,
  model,
];

/** The id or name of the resource a finding is about, for every resource type GuardDuty reports. */
export function findingResourceId(resource: Resource | undefined): string | undefined {
  if (!resource) return undefined;
  const key = (resource.ResourceType ?? '').replace(/[\s_-]/g, '').toLowerCase();
  const typed = BY_TYPE[key]?.(resource);
  if (typed) return typed;
  for (const name of PRECEDENCE) {
    const id = name(resource);
    if (id) return id;
  }
  return undefined;
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
