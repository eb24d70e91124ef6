import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { GetFindingsCommand, GuardDutyClient, type Resource } from '@aws-sdk/client-guardduty';
import { findingResourceId, toFinding } from '../../src/aws/guardduty-gateway.js';

// The caller's access key rides along on S3 findings, the node on EKS/ECS runtime findings:
// these are the details that must NOT win over the resource the finding is about.
const accessKey = { AccessKeyId: 'AKIAEXAMPLECALLER', PrincipalId: 'AIDAEXAMPLE', UserName: 'ci-runner', UserType: 'IAMUser' };
const node = { InstanceId: 'i-0node0000000000001' };

/** One case per resource type GuardDuty documents (user guide "Finding details" + API_Resource). */
const CASES: Array<{ type: string; resource: Resource; expected: string }> = [
  { type: 'Instance', resource: { ResourceType: 'Instance', InstanceDetails: { InstanceId: 'i-0abc123' } }, expected: 'i-0abc123' },
  { type: 'AccessKey', resource: { ResourceType: 'AccessKey', AccessKeyDetails: accessKey }, expected: 'AKIAEXAMPLECALLER' },
  {
    type: 'S3Bucket',
    resource: { ResourceType: 'S3Bucket', AccessKeyDetails: accessKey, S3BucketDetails: [{ Arn: 'arn:aws:s3:::logs-1', Name: 'logs-1', Type: 'Destination' }] },
    expected: 'logs-1',
  },
  {
    type: 'S3Object',
    resource: { ResourceType: 'S3Object', S3BucketDetails: [{ Arn: 'arn:aws:s3:::uploads', Name: 'uploads' }] },
    expected: 'uploads',
  },
  {
    type: 'EKSCluster',
    resource: { ResourceType: 'EKSCluster', InstanceDetails: node, EksClusterDetails: { Name: 'prod-eks', Arn: 'arn:aws:eks:us-east-1:111122223333:cluster/prod-eks' } },
    expected: 'prod-eks',
  },
  {
    type: 'KubernetesCluster',
    resource: {
      ResourceType: 'KubernetesCluster',
      EksClusterDetails: { Name: 'k8s-main' },
      KubernetesDetails: { KubernetesWorkloadDetails: { Name: 'web-7d9', Namespace: 'default' } },
    },
    expected: 'k8s-main',
  },
  {
    type: 'ECSCluster',
    resource: {
      ResourceType: 'ECSCluster',
      InstanceDetails: node,
      EcsClusterDetails: { Name: 'payments', Arn: 'arn:aws:ecs:us-east-1:111122223333:cluster/payments' },
      ContainerDetails: { Name: 'api', Id: 'c0ffee' },
    },
    expected: 'payments',
  },
  {
    type: 'Container',
    resource: { ResourceType: 'Container', InstanceDetails: node, ContainerDetails: { Name: 'sidecar', Id: 'deadbeef' } },
    expected: 'sidecar',
  },
  {
    type: 'Lambda',
    resource: { ResourceType: 'Lambda', LambdaDetails: { FunctionName: 'thumbnailer', FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:thumbnailer' } },
    expected: 'thumbnailer',
  },
  {
    type: 'RDSDBInstance',
    resource: { ResourceType: 'RDSDBInstance', RdsDbInstanceDetails: { DbInstanceIdentifier: 'orders-db' }, RdsDbUserDetails: { User: 'admin' } },
    expected: 'orders-db',
  },
  {
    type: 'RDSLimitlessDB',
    resource: { ResourceType: 'RDSLimitlessDB', RdsLimitlessDbDetails: { DbShardGroupIdentifier: 'shards-1', DbClusterIdentifier: 'cluster-1' } },
    expected: 'shards-1',
  },
  {
    type: 'EBSVolume',
    resource: {
      ResourceType: 'EBSVolume',
      EbsVolumeDetails: { ScannedVolumeDetails: [{ VolumeArn: 'arn:aws:ec2:us-east-1:111122223333:volume/vol-0123' }] },
    },
    expected: 'vol-0123',
  },
  {
    type: 'EBSSnapshot',
    resource: { ResourceType: 'EBSSnapshot', EbsSnapshotDetails: { SnapshotArn: 'arn:aws:ec2:us-east-1::snapshot/snap-0456' } },
    expected: 'snap-0456',
  },
  {
    type: 'EC2Image',
    resource: { ResourceType: 'EC2Image', Ec2ImageDetails: { ImageArn: 'arn:aws:ec2:us-east-1::image/ami-0789' } },
    expected: 'ami-0789',
  },
  {
    type: 'RecoveryPoint',
    resource: { ResourceType: 'RecoveryPoint', RecoveryPointDetails: { RecoveryPointArn: 'arn:aws:backup:us-east-1:111122223333:recovery-point/rp-1', BackupVaultName: 'vault' } },
    expected: 'rp-1',
  },
];

t.test('names the resource for every GuardDuty resource type', async (t) => {
  for (const c of CASES) t.equal(findingResourceId(c.resource), c.expected, c.type);
});

t.test('without a ResourceType the most specific details still win', async (t) => {
  for (const c of CASES) {
    const { ResourceType: _dropped, ...untyped } = c.resource;
    t.equal(findingResourceId(untyped), c.expected, `${c.type} (untyped)`);
  }
});

t.test('an S3 finding names the bucket, never the caller access key', async (t) => {
  const r: Resource = { AccessKeyDetails: accessKey, S3BucketDetails: [{ Type: 'Source' }, { Name: 'backups-9', Type: 'Destination' }] };
  t.equal(findingResourceId(r), 'backups-9');
  t.equal(findingResourceId({ ResourceType: 'S3Bucket', S3BucketDetails: [{ Arn: 'arn:aws:s3:::only-arn' }] }), 'only-arn');
});

t.test('falls back when the typed details are missing, and says nothing when there is nothing', async (t) => {
  t.equal(findingResourceId({ ResourceType: 'S3Bucket', AccessKeyDetails: accessKey }), 'AKIAEXAMPLECALLER');
  t.equal(findingResourceId({ ResourceType: 'SomethingNew', BedrockGuardrailDetails: { GuardrailArn: 'arn:aws:bedrock:us-east-1:1:guardrail/g-1' } }), 'g-1');
  t.equal(findingResourceId({ ModelDetails: [{ ModelId: 'anthropic.claude' }] }), 'anthropic.claude');
  t.equal(findingResourceId({ ResourceType: 'Lambda', LambdaDetails: { FunctionArn: 'arn:aws:lambda:us-east-1:1:function:fn-x' } }), 'fn-x');
  t.equal(findingResourceId({}), undefined);
  t.equal(findingResourceId(undefined), undefined);
});

// The wire path: GuardDuty's restJson1 spells the shape in lower camel case; the real SDK
// deserializes it into `Resource`, and toFinding must name the bucket.
t.test('through the real SDK, an S3 finding stores the bucket as its resource', async (t) => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          findings: [
            {
              id: 'f-s3',
              accountId: '111122223333',
              arn: 'arn:aws:guardduty:us-east-1:111122223333:detector/d1/finding/f-s3',
              region: 'us-east-1',
              type: 'Policy:S3/BucketBlockPublicAccessDisabled',
              title: 'Public access block disabled',
              severity: 2,
              createdAt: '2026-11-01T00:00:00.000Z',
              updatedAt: '2026-11-01T00:00:00.000Z',
              schemaVersion: '2.0',
              resource: {
                resourceType: 'S3Bucket',
                accessKeyDetails: { accessKeyId: 'AKIAEXAMPLECALLER', userName: 'ci-runner' },
                s3BucketDetails: [{ arn: 'arn:aws:s3:::assets-1', name: 'assets-1', type: 'Destination' }],
              },
              service: { archived: false, count: 3 },
            },
          ],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const client = new GuardDutyClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  });
  t.teardown(() => client.destroy());
  const out = await client.send(new GetFindingsCommand({ DetectorId: 'd1', FindingIds: ['f-s3'] }));
  const finding = toFinding(out.Findings![0]!, 'us-east-1', 'd1');
  t.equal(finding.resourceType, 'S3Bucket');
  t.equal(finding.resourceId, 'assets-1');
  t.equal(finding.count, 3);
});
