/**
 * A short digest of how an account is reached. Caches key on it, so changing an account's role
 * or keys takes effect at once without anyone having to flush anything.
 */
import { createHash } from 'node:crypto';
import type { AccountCredentials } from '../domain/tenant.js';

const memo = new WeakMap<AccountCredentials, string>();

/** Digest of the credential spec (role ARN + ExternalId, or key id + sealed blob). Holds no secret. */
export function credentialFingerprint(spec: AccountCredentials): string {
  const known = memo.get(spec);
  if (known !== undefined) return known;
  const text =
    spec.type === 'role'
      ? `role\0${spec.roleArn}\0${spec.externalId}`
      : `keys\0${spec.accessKeyId}\0${spec.secret.keyId}\0${spec.secret.blob}`;
  const digest = createHash('sha256').update(text).digest('base64url').slice(0, 22);
  memo.set(spec, digest);
  return digest;
}
