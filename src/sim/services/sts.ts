/** STS over awsQuery: AssumeRole into `arn:aws:iam::<12 digits>:role/<name>` and GetCallerIdentity. */
import { accessDenied } from '../account-refusal.js';
import { accountForAccessKey } from '../credentials.js';
import { validationError } from '../sim-error.js';
import type { ServiceDefinition } from './service.js';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** The account of a role ARN, or undefined when it is not one. */
export function roleAccount(roleArn: unknown): string | undefined {
  return typeof roleArn === 'string' ? ROLE_ARN.exec(roleArn)?.[1] : undefined;
}

export const sts: ServiceDefinition = {
  service: 'sts',
  signingName: 'sts',
  wire: { protocol: 'awsQuery', xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/' },
  accountFor: (operation, input) => (operation === 'AssumeRole' ? roleAccount(input.RoleArn) : undefined),
  // Refused AssumeRoles are recorded with what was presented too, so tests can see a wrong ExternalId.
  paramsFor(operation, input) {
    if (operation !== 'AssumeRole') return undefined;
    const params: Record<string, string> = { roleArn: String(input.RoleArn ?? '') };
    if (typeof input.ExternalId === 'string') params.externalId = input.ExternalId;
    return params;
  },
  operations: {
    AssumeRole(request, context) {
      const input = request.input as Record<string, string | undefined>;
      const roleArn = input.RoleArn ?? '';
      const match = ROLE_ARN.exec(roleArn);
      if (!match?.[1] || !match[2]) {
        throw validationError('sts', `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be a valid IAM role ARN`);
      }
      const sessionName = input.RoleSessionName ?? '';
      if (!SESSION_NAME.test(sessionName)) {
        throw validationError('sts', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
      }
      const duration = input.DurationSeconds === undefined ? 3600 : Number(input.DurationSeconds);
      if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
        throw validationError('sts', `1 validation error detected: Value '${input.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
      }
      const [, account, roleName] = match;
      // The role's trust policy decides (configured roles, or the default world's pinned
      // CloudHealthMonitor). AWS answers an unknown role and a failed sts:ExternalId condition
      // alike: AccessDenied 403, naming the caller and the role (STS API reference, AssumeRole;
      // IAM user guide "How to use an external ID").
      if (!context.accounts.trusts(account, roleName, input.ExternalId)) {
        const session = context.sessions.find(request.accessKeyId);
        const caller = session ? `arn:aws:sts::${session.account}:assumed-role/${session.roleName}/${session.sessionName}` : `arn:aws:iam::${accountForAccessKey(request.accessKeyId)}:user/simulated-user`;
        throw accessDenied('sts', `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
      }
      const issued = context.sessions.issue(account, roleName, sessionName, context.now(), duration);
      return {
        output: {
          Credentials: {
            AccessKeyId: issued.accessKeyId,
            SecretAccessKey: issued.secretAccessKey,
            SessionToken: issued.sessionToken,
            Expiration: issued.expiration,
          },
          AssumedRoleUser: {
            AssumedRoleId: `${issued.session.roleId}:${sessionName}`,
            Arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
          },
          PackedPolicySize: input.Policy ? 6 : undefined,
        },
      };
    },

    GetCallerIdentity(request, context) {
      const session = context.sessions.find(request.accessKeyId);
      if (session) {
        return {
          output: {
            UserId: `${session.roleId}:${session.sessionName}`,
            Account: session.account,
            Arn: `arn:aws:sts::${session.account}:assumed-role/${session.roleName}/${session.sessionName}`,
          },
        };
      }
      const account = accountForAccessKey(request.accessKeyId);
      if (request.accessKeyId.startsWith('ASIA')) {
        // A session key from an earlier run of the simulator: the account is known, the role is not.
        return { output: { UserId: `AROA${account}SIM:session`, Account: account, Arn: `arn:aws:sts::${account}:assumed-role/simulated/session` } };
      }
      return { output: { UserId: `AIDA${account}SIMUSER`, Account: account, Arn: `arn:aws:iam::${account}:user/simulated-user` } };
    },
  },
};
