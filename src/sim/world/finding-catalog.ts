/** GuardDuty finding types the simulator raises, with their severity band and wording. */

/** Which resource a finding is about; decides the `resource` block of the finding. */
export type FindingResourceKind = 'Instance' | 'AccessKey' | 'S3Bucket' | 'RDSDBInstance';

export interface FindingTemplate {
  type: string;
  /** Severity band: the generated severity falls inside it (Low 1.0-3.9 ... Critical 9.0-10.0). */
  band: 'low' | 'medium' | 'high' | 'critical';
  resource: FindingResourceKind;
  /** `{resource}` and `{ip}` are replaced. */
  title: string;
  description: string;
}

/** How often each band is drawn; attack sequences (critical) are rare, as in real accounts. */
export const BAND_WEIGHTS = { low: 0.4, medium: 0.33, high: 0.22, critical: 0.05 } as const;

/** Severity range of each band, as GuardDuty defines them. */
export const BAND_RANGES = { low: [1, 3.9], medium: [4, 6.9], high: [7, 8.9], critical: [9, 10] } as const;

export const FINDING_TEMPLATES: readonly FindingTemplate[] = [
  { type: 'Recon:EC2/PortProbeUnprotectedPort', band: 'low', resource: 'Instance', title: 'Unprotected port on EC2 instance {resource} is being probed.', description: 'EC2 instance {resource} has an unprotected port which is being probed by a known malicious host {ip}.' },
  { type: 'UnauthorizedAccess:EC2/SSHBruteForce', band: 'low', resource: 'Instance', title: '{ip} is performing SSH brute force attacks against {resource}.', description: '{ip} is performing SSH brute force attacks against {resource}. Brute force attacks are used to gain unauthorized access to your instance by guessing the SSH password.' },
  { type: 'Policy:S3/BucketBlockPublicAccessDisabled', band: 'low', resource: 'S3Bucket', title: 'Amazon S3 Block Public Access was disabled for S3 bucket {resource}.', description: 'Amazon S3 Block Public Access was disabled for S3 bucket {resource} by an IAM principal. This can make the bucket and its objects publicly readable.' },
  { type: 'Policy:IAMUser/RootCredentialUsage', band: 'low', resource: 'AccessKey', title: 'API ListBuckets was invoked using root credentials.', description: 'API ListBuckets was invoked using root credentials from IP address {ip}.' },
  { type: 'Stealth:IAMUser/PasswordPolicyChange', band: 'low', resource: 'AccessKey', title: 'Account password policy was weakened.', description: 'The account password policy was weakened by {resource}: the minimum length was reduced.' },
  { type: 'Recon:IAMUser/MaliciousIPCaller', band: 'medium', resource: 'AccessKey', title: 'Reconnaissance API ListUsers was invoked from a known malicious IP address.', description: 'API ListUsers was invoked by {resource} from a known malicious IP address {ip}.' },
  { type: 'UnauthorizedAccess:EC2/RDPBruteForce', band: 'medium', resource: 'Instance', title: '{ip} is performing RDP brute force attacks against {resource}.', description: '{ip} is performing RDP brute force attacks against {resource}.' },
  { type: 'Discovery:S3/MaliciousIPCaller', band: 'medium', resource: 'S3Bucket', title: 'S3 API GetBucketAcl was invoked from a known malicious IP address.', description: 'API GetBucketAcl was invoked on bucket {resource} from a known malicious IP address {ip}.' },
  { type: 'Recon:EC2/Portscan', band: 'medium', resource: 'Instance', title: 'EC2 instance {resource} is performing outbound port scans against remote host {ip}.', description: 'EC2 instance {resource} is performing outbound port scans against remote host {ip}; it may be compromised.' },
  { type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', band: 'high', resource: 'Instance', title: 'EC2 instance {resource} is querying a domain name that is associated with Bitcoin-related activity.', description: 'EC2 instance {resource} is querying a domain name associated with cryptocurrency mining. Unless you use it for that, it may be compromised.' },
  { type: 'Backdoor:EC2/C&CActivity.B!DNS', band: 'high', resource: 'Instance', title: 'EC2 instance {resource} is querying a domain name associated with a known command and control server.', description: 'EC2 instance {resource} is querying a domain name associated with a known command & control server; it may be part of a botnet.' },
  { type: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', band: 'high', resource: 'AccessKey', title: 'Credentials for instance role {resource} used from external IP address.', description: 'Credentials created exclusively for an EC2 instance through instance role {resource} are being used from external IP address {ip}.' },
  { type: 'CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce', band: 'high', resource: 'RDSDBInstance', title: 'Successful brute force login to RDS database {resource}.', description: 'A user successfully logged in to RDS database {resource} from {ip} after many failed attempts.' },
  { type: 'AttackSequence:IAM/CompromisedCredentials', band: 'critical', resource: 'AccessKey', title: 'Potential credential compromise observed in AWS environment.', description: 'A sequence of suspicious actions by {resource}, including from {ip}, indicates that its credentials may be compromised.' },
  { type: 'AttackSequence:S3/CompromisedData', band: 'critical', resource: 'S3Bucket', title: 'Potential data compromise of S3 bucket {resource}.', description: 'A sequence of actions on S3 bucket {resource} indicates a possible data exfiltration or destruction attempt.' },
];
