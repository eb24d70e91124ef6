/**
 * Security Hub of an account in a region: two enabled standards (AWS Foundational Security Best
 * Practices v1.0.0 and CIS AWS Foundations Benchmark v1.4.0) with a dozen controls each (one
 * disabled), control checks whose outcome changes every 6 hours (about a third fail, each on 1-3
 * resources), and product findings (Inspector, Macie, GuardDuty) appearing one per 6-hour slot
 * with a chance of one in two. Pure functions of (seed, account, region, now).
 */
import { chance, hex, pick } from '../prng.js';

const EPOCH_MS = 6 * 3_600_000;
const HISTORY_MS = 14 * 86_400_000;

export interface SimControl {
  id: string;
  title: string;
  severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
  resourceType: string;
}

export interface SimStandard {
  key: string;
  version: string;
  name: string;
  controls: SimControl[];
  /** A control of the standard disabled in every account (DisabledReason set). */
  disabled: string;
}

const C = (id: string, title: string, severity: SimControl['severity'], resourceType: string): SimControl => ({ id, title, severity, resourceType });

export const SIM_STANDARDS: readonly SimStandard[] = [
  {
    key: 'aws-foundational-security-best-practices',
    version: '1.0.0',
    name: 'AWS Foundational Security Best Practices v1.0.0',
    disabled: 'Lambda.2',
    controls: [
      C('IAM.1', 'IAM policies should not allow full "*" administrative privileges', 'HIGH', 'AwsIamPolicy'),
      C('IAM.3', 'IAM users\' access keys should be rotated every 90 days or less', 'MEDIUM', 'AwsIamUser'),
      C('EC2.2', 'VPC default security groups should not allow inbound or outbound traffic', 'HIGH', 'AwsEc2SecurityGroup'),
      C('EC2.8', 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)', 'HIGH', 'AwsEc2Instance'),
      C('S3.1', 'S3 general purpose buckets should have block public access settings enabled', 'MEDIUM', 'AwsAccount'),
      C('S3.8', 'S3 general purpose buckets should block public access', 'HIGH', 'AwsS3Bucket'),
      C('RDS.3', 'RDS DB instances should have encryption at-rest enabled', 'MEDIUM', 'AwsRdsDbInstance'),
      C('CloudTrail.1', 'CloudTrail should be enabled and configured with at least one multi-Region trail', 'HIGH', 'AwsAccount'),
      C('Lambda.1', 'Lambda function policies should prohibit public access', 'CRITICAL', 'AwsLambdaFunction'),
      C('Lambda.2', 'Lambda functions should use supported runtimes', 'MEDIUM', 'AwsLambdaFunction'),
      C('KMS.4', 'AWS KMS key rotation should be enabled', 'MEDIUM', 'AwsKmsKey'),
      C('GuardDuty.1', 'GuardDuty should be enabled', 'HIGH', 'AwsAccount'),
    ],
  },
  {
    key: 'cis-aws-foundations-benchmark',
    version: '1.4.0',
    name: 'CIS AWS Foundations Benchmark v1.4.0',
    disabled: 'Config.1',
    controls: [
      C('IAM.4', 'IAM root user access key should not exist', 'CRITICAL', 'AwsAccount'),
      C('IAM.9', 'MFA should be enabled for the root user', 'CRITICAL', 'AwsAccount'),
      C('IAM.3', 'IAM users\' access keys should be rotated every 90 days or less', 'MEDIUM', 'AwsIamUser'),
      C('CloudTrail.1', 'CloudTrail should be enabled and configured with at least one multi-Region trail', 'HIGH', 'AwsAccount'),
      C('CloudTrail.4', 'CloudTrail log file validation should be enabled', 'LOW', 'AwsCloudTrailTrail'),
      C('Config.1', 'AWS Config should be enabled and use the service-linked role for resource recording', 'MEDIUM', 'AwsAccount'),
      C('EC2.2', 'VPC default security groups should not allow inbound or outbound traffic', 'HIGH', 'AwsEc2SecurityGroup'),
      C('EC2.7', 'EBS default encryption should be enabled', 'MEDIUM', 'AwsAccount'),
      C('KMS.4', 'AWS KMS key rotation should be enabled', 'MEDIUM', 'AwsKmsKey'),
      C('S3.1', 'S3 general purpose buckets should have block public access settings enabled', 'MEDIUM', 'AwsAccount'),
      C('S3.5', 'S3 general purpose buckets should require requests to use SSL', 'MEDIUM', 'AwsS3Bucket'),
      C('RDS.3', 'RDS DB instances should have encryption at-rest enabled', 'MEDIUM', 'AwsRdsDbInstance'),
    ],
  },
];

export const standardsArn = (region: string, s: SimStandard) => `arn:aws:securityhub:${region}::standards/${s.key}/v/${s.version}`;
export const subscriptionArn = (region: string, account: string, s: SimStandard) => `arn:aws:securityhub:${region}:${account}:subscription/${s.key}/v/${s.version}`;
export const standardsId = (s: SimStandard) => `standards/${s.key}/v/${s.version}`;

/** A finding as Security Hub's AwsSecurityFinding spells it (the members the simulator fills). */
export type SimHubFinding = Record<string, unknown> & { Id: string; UpdatedAt: string; ProductName: string; RecordState: string; Workflow: { Status: string }; Compliance?: { Status: string } & Record<string, unknown> };

function resourceId(control: SimControl, account: string, region: string, seed: number, i: number): string {
  const tail = hex(8, seed, 'hub-res', account, region, control.id, i);
  switch (control.resourceType) {
    case 'AwsAccount':
      return `AWS::::Account:${account}`;
    case 'AwsS3Bucket':
      return `arn:aws:s3:::bucket-${tail}`;
    case 'AwsEc2Instance':
      return `arn:aws:ec2:${region}:${account}:instance/i-${tail}${tail.slice(0, 9)}`;
    case 'AwsEc2SecurityGroup':
      return `arn:aws:ec2:${region}:${account}:security-group/sg-${tail}`;
    default:
      return `arn:aws:${control.resourceType.slice(3).toLowerCase()}:${region}:${account}:${tail}`;
  }
}

/** Every control check and product finding of the account in the region at `now`. */
export function hubFindingsAt(seed: number, account: string, region: string, now: number): SimHubFinding[] {
  const epoch = Math.floor(now / EPOCH_MS);
  const epochStart = new Date(epoch * EPOCH_MS).toISOString();
  const out: SimHubFinding[] = [];
  // One control check per control (its standards named in AssociatedStandards), consolidated as Security Hub does.
  const controls = new Map<string, { control: SimControl; standards: SimStandard[] }>();
  for (const standard of SIM_STANDARDS) {
    for (const control of standard.controls) {
      if (control.id === standard.disabled) continue;
      const entry = controls.get(control.id) ?? { control, standards: [] };
      entry.standards.push(standard);
      controls.set(control.id, entry);
    }
  }
  for (const { control, standards } of controls.values()) {
    const failing = chance(seed, 'hub-fail', account, region, control.id, epoch) < 0.35;
    const count = control.resourceType === 'AwsAccount' ? 1 : 1 + Math.floor(chance(seed, 'hub-n', account, region, control.id) * 3);
    for (let i = 0; i < count; i++) {
      const resource = resourceId(control, account, region, seed, i);
      out.push({
        SchemaVersion: '2018-10-08',
        Id: `arn:aws:securityhub:${region}:${account}:security-control/${control.id}/finding/${hex(8, seed, 'hub-fid', account, region, control.id, i)}`,
        ProductArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
        ProductName: 'Security Hub',
        CompanyName: 'AWS',
        Region: region,
        GeneratorId: `security-control/${control.id}`,
        AwsAccountId: account,
        Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
        CreatedAt: new Date(now - HISTORY_MS).toISOString(),
        UpdatedAt: epochStart,
        Severity: { Label: failing ? control.severity : 'INFORMATIONAL' },
        Title: control.title,
        Description: control.title,
        Remediation: { Recommendation: { Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.', Url: `https://docs.aws.amazon.com/console/securityhub/${control.id}/remediation` } },
        Resources: [{ Type: control.resourceType, Id: resource, Region: region, Partition: 'aws' }],
        Compliance: { Status: failing ? 'FAILED' : 'PASSED', SecurityControlId: control.id, AssociatedStandards: standards.map((s) => ({ StandardsId: standardsId(s) })) },
        Workflow: { Status: failing ? 'NEW' : 'RESOLVED' },
        RecordState: 'ACTIVE',
      });
    }
  }
  // Product findings: one may appear per 6-hour slot over the last 14 days.
  const PRODUCTS = [
    { name: 'Inspector', type: 'Software and Configuration Checks/Vulnerabilities/CVE', title: 'CVE-2024-6387 - openssh', label: 'HIGH' },
    { name: 'Macie', type: 'Sensitive Data Identifications/PII', title: 'The S3 object contains personal information', label: 'MEDIUM' },
    { name: 'GuardDuty', type: 'TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort', title: 'Unprotected port on EC2 instance is being probed', label: 'LOW' },
  ];
  for (let slot = Math.floor((now - HISTORY_MS) / EPOCH_MS); slot <= epoch; slot++) {
    if (chance(seed, 'hub-product', account, region, slot) >= 0.5) continue;
    const product = pick(PRODUCTS, seed, 'hub-product-kind', account, region, slot);
    const at = new Date(slot * EPOCH_MS + Math.floor(chance(seed, 'hub-at', account, region, slot) * EPOCH_MS));
    if (at.getTime() > now) continue;
    out.push({
      SchemaVersion: '2018-10-08',
      Id: `arn:aws:securityhub:${region}:${account}:${product.name.toLowerCase()}/finding/${hex(16, seed, 'hub-pid', account, region, slot)}`,
      ProductArn: `arn:aws:securityhub:${region}::product/aws/${product.name.toLowerCase()}`,
      ProductName: product.name,
      CompanyName: 'Amazon',
      Region: region,
      GeneratorId: product.name.toLowerCase(),
      AwsAccountId: account,
      Types: [product.type],
      CreatedAt: at.toISOString(),
      UpdatedAt: at.toISOString(),
      Severity: { Label: product.label },
      Title: product.title,
      Description: product.title,
      Resources: [{ Type: 'AwsEc2Instance', Id: `arn:aws:ec2:${region}:${account}:instance/i-${hex(17, seed, 'hub-pi', account, region, slot)}`, Region: region, Partition: 'aws' }],
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
    });
  }
  return out;
}
