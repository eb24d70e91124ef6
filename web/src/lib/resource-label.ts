/** GuardDuty's `Resource.ResourceType` values as people say them ("S3Bucket" -> "S3 bucket"). */

const LABELS: Readonly<Record<string, string>> = {
  instance: 'EC2 instance',
  accesskey: 'IAM access key',
  s3bucket: 'S3 bucket',
  s3object: 'S3 object in bucket',
  ekscluster: 'EKS cluster',
  kubernetescluster: 'EKS cluster',
  ecscluster: 'ECS cluster',
  container: 'Container',
  lambda: 'Lambda function',
  rdsdbinstance: 'RDS database',
  rdslimitlessdb: 'RDS Limitless shard group',
  ebsvolume: 'EBS volume',
  ebssnapshot: 'EBS snapshot',
  ec2image: 'AMI',
  recoverypoint: 'Backup recovery point',
};

/** "S3 bucket", or the raw type when it is one we do not know. */
export function resourceTypeLabel(resourceType: string | undefined): string {
  if (resourceType === undefined || resourceType === '') return 'Resource';
  return LABELS[resourceType.replace(/[\s_-]/g, '').toLowerCase()] ?? resourceType;
}

/** "S3 bucket logs-1"; an em dash when the finding names no resource. */
export function resourceLabel(finding: { resourceType?: string; resourceId?: string }): string {
  if (finding.resourceId === undefined) return finding.resourceType === undefined ? '—' : resourceTypeLabel(finding.resourceType);
  return `${resourceTypeLabel(finding.resourceType)} ${finding.resourceId}`;
}

const RESOURCE_KIND: Readonly<Record<string, string>> = {
  'ec2-instance': 'EC2 instance',
  'aws-service': 'Service',
  'guardduty-finding': 'GuardDuty finding',
  'guardduty-detector': 'GuardDuty detector',
  region: 'Region',
};

/** "EC2 instance i-0abc" for a recommendation's resource; GuardDuty types read as the findings page says them. */
export function resourceRefLabel(resource: { type: string; id: string }, withId = true): string {
  const kind = RESOURCE_KIND[resource.type] ?? resourceTypeLabel(resource.type);
  return withId ? `${kind} ${resource.id}` : kind;
}
