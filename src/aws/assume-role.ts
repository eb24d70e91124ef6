/**
 * STS AssumeRole with the platform's own credentials. A refusal of the role (AccessDenied: the
 * trust policy or the ExternalId does not match) is the tenant's to fix: `identity`. A refusal
 * of the platform's own credentials is not any tenant's fault and must not mark thousands of
 * accounts invalid at once: it is reported as `transient`, which opens breakers instead.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { AwsCallError } from '../domain/errors.js';
import { awsErrorCode, awsFailureKind, classifyAwsError } from './classify-error.js';
import type { AssumeRole, AwsCredentials } from './credential-cache.js';

/** Codes with which STS refuses the caller (the platform) rather than the role. */
const PLATFORM_CREDENTIAL_CODES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
]);

const SITE = { service: 'sts', operation: 'AssumeRole' } as const;

/** An `AssumeRole` function calling STS through `sts` (a client holding the platform's credentials). */
export function createStsAssumeRole(sts: STSClient): AssumeRole {
  return async (request) => {
    try {
      const output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          ExternalId: request.externalId,
          RoleSessionName: request.sessionName,
          DurationSeconds: request.durationSec,
        }),
      );
      const c = output.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
        throw new AwsCallError('other', 'sts', 'IncompleteCredentials', 'sts AssumeRole returned no credentials');
      }
      const credentials: AwsCredentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      if (c.Expiration) credentials.expiration = c.Expiration;
      return credentials;
    } catch (error) {
      const code = awsErrorCode(error);
      if (code !== undefined && PLATFORM_CREDENTIAL_CODES.has(code) && awsFailureKind(error, 'sts') === 'identity') {
        throw new AwsCallError('transient', 'sts', code, `sts AssumeRole failed: the platform's own credentials were refused (${code})`, error);
      }
      throw classifyAwsError(error, SITE);
    }
  };
}
